#include "services/dynamodb/dynamodb_service.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/log.h"

#include <algorithm>
#include "services/dynamodb/dynamodb_errors.h"
#include "services/dynamodb/expr/expression_error.h"

namespace nimbus::dynamodb {

std::unique_ptr<DynamoDbService> make_dynamodb_service(DynamoDbDeps deps) {
  return std::make_unique<DynamoDbService>(deps);
}

const std::unordered_map<std::string_view, DynamoDbService::Handler>& DynamoDbService::handlers() {
  static const std::unordered_map<std::string_view, Handler> table = {
      {"BatchExecuteStatement", &DynamoDbService::batch_execute_statement},
      {"BatchGetItem", &DynamoDbService::batch_get_item},
      {"BatchWriteItem", &DynamoDbService::batch_write_item},
      {"CreateBackup", &DynamoDbService::create_backup},
      {"CreateTable", &DynamoDbService::create_table},
      {"DeleteBackup", &DynamoDbService::delete_backup},
      {"DescribeBackup", &DynamoDbService::describe_backup},
      {"ListBackups", &DynamoDbService::list_backups},
      {"RestoreTableFromBackup", &DynamoDbService::restore_table_from_backup},
      {"DeleteItem", &DynamoDbService::delete_item},
      {"DeleteTable", &DynamoDbService::delete_table},
      {"DescribeContinuousBackups", &DynamoDbService::describe_continuous_backups},
      {"DescribeEndpoints", &DynamoDbService::describe_endpoints},
      {"DescribeLimits", &DynamoDbService::describe_limits},
      {"DescribeTable", &DynamoDbService::describe_table},
      {"DescribeTimeToLive", &DynamoDbService::describe_time_to_live},
      {"ExecuteStatement", &DynamoDbService::execute_statement},
      {"ExecuteTransaction", &DynamoDbService::execute_transaction},
      {"GetItem", &DynamoDbService::get_item},
      {"ListTables", &DynamoDbService::list_tables},
      {"ListTagsOfResource", &DynamoDbService::list_tags_of_resource},
      {"PutItem", &DynamoDbService::put_item},
      {"Query", &DynamoDbService::query},
      {"Scan", &DynamoDbService::scan},
      {"TagResource", &DynamoDbService::tag_resource},
      {"TransactGetItems", &DynamoDbService::transact_get_items},
      {"TransactWriteItems", &DynamoDbService::transact_write_items},
      {"UntagResource", &DynamoDbService::untag_resource},
      {"UpdateContinuousBackups", &DynamoDbService::update_continuous_backups},
      {"UpdateItem", &DynamoDbService::update_item},
      {"UpdateTable", &DynamoDbService::update_table},
      {"UpdateTimeToLive", &DynamoDbService::update_time_to_live},
  };
  return table;
}

namespace {

bool is_name_character(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

}  // namespace

// The model's name pattern, which the protocol layer does not check (TableName may also be an ARN).
void DynamoDbService::check_names(const Json& input) {
  for (const char* member : {"TableName", "IndexName"}) {
    auto it = input.find(member);
    if (it == input.end() || !it->is_string()) continue;
    const auto& name = it->get_ref<const std::string&>();
    if (name.starts_with("arn:") || std::all_of(name.begin(), name.end(), is_name_character)) continue;
    std::string field(member);
    field[0] = static_cast<char>(field[0] - 'A' + 'a');
    throw errors::validation("1 validation error detected: Value '" + name + "' at '" + field +
                             "' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                             "[a-zA-Z0-9_.-]+");
  }
}

DynamoDbService::DynamoDbService(DynamoDbDeps deps)
    : store_(deps.store),
      clock_(deps.clock),
      tables_(deps.store, std::string(kSpace), "table"),
      backups_(deps.store, std::string(kSpace), "backup") {}

const model::ServiceModel& DynamoDbService::model() const { return model::dynamodb_model(); }

bool DynamoDbService::implements(std::string_view operation) const { return handlers().count(operation) > 0; }

awaitable<Json> DynamoDbService::invoke(std::string_view operation, RequestContext& context, Json input) {
  auto it = handlers().find(operation);
  if (it == handlers().end()) {
    throw AwsError::unknown_operation("The requested operation " + std::string(operation) + " is not supported.");
  }
  if (!input.is_object()) input = Json::object();
  check_names(input);
  try {
    co_return co_await (this->*(it->second))(context, input);
  } catch (const expr::ExpressionError& error) {
    throw errors::validation(error.message);
  }
}

void DynamoDbService::start(boost::asio::any_io_executor executor) {
  if (started_) return;
  started_ = true;
  tables_.load();
  backups_.load();
  load_tables();
  load_transaction_tokens();
  running_ = std::make_shared<std::atomic<bool>>(true);
  boost::asio::co_spawn(executor, run_ttl_worker(), boost::asio::detached);
}

void DynamoDbService::stop() {
  if (running_) running_->store(false);
  started_ = false;
}

awaitable<void> DynamoDbService::reset() {
  std::map<std::string, std::shared_ptr<TableState>> dropped;
  {
    std::unique_lock lock(tables_mutex_);
    dropped.swap(live_);
  }
  // A table's lock is taken before tables_mutex_ (DeleteTable), never under it.
  for (auto& [key, table] : dropped) {
    std::lock_guard table_lock(table->mutex);
    table->deleted = true;
  }
  tables_.clear();
  backups_.clear();
  {
    std::lock_guard lock(tokens_mutex_);
    transaction_tokens_.clear();
  }
  co_await store_.wipe(kSpace);
}

Json DynamoDbService::health() const {
  std::shared_lock lock(tables_mutex_);
  int64_t items = 0;
  for (const auto& [key, table] : live_) items += table->counters.items;
  return {{"state", "running"}, {"tables", live_.size()}, {"items", items}, {"items_expired", items_expired_.load()}};
}

double Capacity::total() const {
  double sum = table;
  for (const auto& [name, units] : local_indexes) sum += units;
  for (const auto& [name, units] : global_indexes) sum += units;
  return sum;
}

void Capacity::add(const Capacity& other) {
  table += other.table;
  for (const auto& [name, units] : other.local_indexes) local_indexes[name] += units;
  for (const auto& [name, units] : other.global_indexes) global_indexes[name] += units;
}

awaitable<void> DynamoDbService::run_ttl_worker() {
  auto running = running_;
  auto executor = co_await boost::asio::this_coro::executor;
  boost::asio::steady_timer timer(executor);
  while (running->load()) {
    timer.expires_after(std::chrono::seconds(1));
    boost::system::error_code ignored;
    co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
    if (!running->load()) break;
    try {
      co_await expire_items();
    } catch (const std::exception& error) {
      NIMBUS_LOG(Warn, std::string("dynamodb: TTL pass failed: ") + error.what());
    }
  }
}

}  // namespace nimbus::dynamodb
