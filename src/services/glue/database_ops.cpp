// CreateDatabase, GetDatabase, GetDatabases, UpdateDatabase, DeleteDatabase (with its tables,
// their versions and partitions, in one batch).
#include "services/glue/glue_errors.h"
#include "services/glue/glue_names.h"
#include "services/glue/glue_records.h"
#include "services/glue/glue_service.h"

namespace nimbus::glue {
namespace {

constexpr size_t kDatabasePage = 100;

const Json& database_input(const Json& in) {
  auto it = in.find("DatabaseInput");
  if (it == in.end() || !it->is_object()) throw errors::invalid_input("DatabaseInput is required.");
  return *it;
}

}  // namespace

awaitable<Json> GlueService::create_database(RequestContext& context, const Json& in) {
  const Json& input = database_input(in);
  std::string name = name_member(input, "Name");
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(state_->mutex);
    std::string key = database_key(context.account_id, context.region, name);
    if (state_->databases.find(key)) throw errors::database_exists();
    storage::WriteBatch batch;
    state_->databases.put(batch, key, database_record(input, context.account_id, now()));
    pending = store_.submit(std::move(batch));
  }
  co_await pending->wait();
  co_return Json::object();
}

awaitable<Json> GlueService::get_database(RequestContext& context, const Json& in) {
  std::string name = name_member(in, "Name");
  std::lock_guard lock(state_->mutex);
  co_return Json{{"Database", *state_->databases.find(database_or_throw(context, name))}};
}

awaitable<Json> GlueService::get_databases(RequestContext& context, const Json& in) {
  size_t limit = page_size(in, kDatabasePage, kDatabasePage);
  std::string scope = scope_key(context.account_id, context.region);
  std::string start = scope;
  if (auto token = in.find("NextToken");
      token != in.end() && token->is_string() && !token->get_ref<const std::string&>().empty()) {
    auto last = decode_token(token->get<std::string>());
    if (!last) throw errors::invalid_token();
    start = scope + *last;
  }
  std::lock_guard lock(state_->mutex);
  const auto& records = state_->databases.records;
  Json list = Json::array();
  Json out = Json::object();
  auto it = start == scope ? records.lower_bound(scope) : records.upper_bound(start);
  for (; it != records.end() && it->first.starts_with(scope); ++it) {
    if (list.size() == limit) {
      out["NextToken"] = encode_token(std::prev(it)->first.substr(scope.size()));
      break;
    }
    list.push_back(it->second);
  }
  out["DatabaseList"] = std::move(list);
  co_return out;
}

awaitable<Json> GlueService::update_database(RequestContext& context, const Json& in) {
  std::string name = name_member(in, "Name");
  const Json& input = database_input(in);
  name_member(input, "Name");
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(state_->mutex);
    std::string key = database_or_throw(context, name);
    const Json& old = *state_->databases.find(key);
    Json record = database_record(input, context.account_id, old.value("CreateTime", now()));
    record["Name"] = name;  // a database is not renamed
    if (!input.contains("CreateTableDefaultPermissions") &&
        old.contains("CreateTableDefaultPermissions")) {
      record["CreateTableDefaultPermissions"] = old["CreateTableDefaultPermissions"];
    }
    storage::WriteBatch batch;
    state_->databases.put(batch, key, std::move(record));
    pending = store_.submit(std::move(batch));
  }
  co_await pending->wait();
  co_return Json::object();
}

awaitable<Json> GlueService::delete_database(RequestContext& context, const Json& in) {
  std::string name = name_member(in, "Name");
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(state_->mutex);
    std::string key = database_or_throw(context, name);
    storage::WriteBatch batch;
    state_->partitions.remove_prefix(batch, key);
    state_->versions.remove_prefix(batch, key);
    state_->tables.remove_prefix(batch, key);
    state_->databases.remove(batch, key);
    pending = store_.submit(std::move(batch));
  }
  co_await pending->wait();
  co_return Json::object();
}

}  // namespace nimbus::glue
