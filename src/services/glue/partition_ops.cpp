// CreatePartition, GetPartition, UpdatePartition, DeletePartition and GetPartitions (filter
// expression, segments, paging): a table's partitions are one key range in value order.
#include "services/glue/glue_errors.h"
#include "services/glue/glue_names.h"
#include "services/glue/glue_records.h"
#include "services/glue/glue_service.h"
#include "services/glue/partition_expression.h"

namespace nimbus::glue {
namespace {

constexpr size_t kPartitionPage = 1000;

const Json& partition_input(const Json& in) {
  auto it = in.find("PartitionInput");
  if (it == in.end() || !it->is_object())
    throw errors::invalid_input("PartitionInput is required.");
  return *it;
}

// A stable hash (FNV-1a) of a partition's key, for Segment.
uint64_t stable_hash(std::string_view text) {
  uint64_t hash = 1469598103934665603ULL;
  for (char c : text) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  return hash;
}

}  // namespace

awaitable<Json> GlueService::create_partition(RequestContext& context, const Json& in) {
  std::string database = name_member(in, "DatabaseName");
  std::string table = name_member(in, "TableName");
  const Json& input = partition_input(in);
  auto values = string_list(input.value("Values", Json::array()), "Values");
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(state_->mutex);
    std::string key = table_or_throw(context, database, table);
    check_value_count(*state_->tables.find(key), values);
    std::string partition = key + partition_suffix(values);
    if (state_->partitions.find(partition)) throw errors::partition_exists();
    storage::WriteBatch batch;
    state_->partitions.put(batch, partition,
                           partition_record(input, database, table, context.account_id, now()));
    pending = store_.submit(std::move(batch));
  }
  co_await pending->wait();
  co_return Json::object();
}

awaitable<Json> GlueService::get_partition(RequestContext& context, const Json& in) {
  std::string database = name_member(in, "DatabaseName");
  std::string table = name_member(in, "TableName");
  auto values = string_list(in.value("PartitionValues", Json::array()), "PartitionValues");
  std::lock_guard lock(state_->mutex);
  std::string key = table_or_throw(context, database, table);
  const Json* partition = state_->partitions.find(key + partition_suffix(values));
  if (!partition) throw errors::partition_not_found();
  co_return Json{{"Partition", *partition}};
}

awaitable<Json> GlueService::update_partition(RequestContext& context, const Json& in) {
  std::string database = name_member(in, "DatabaseName");
  std::string table = name_member(in, "TableName");
  auto values = string_list(in.value("PartitionValueList", Json::array()), "PartitionValueList");
  const Json& input = partition_input(in);
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(state_->mutex);
    std::string key = table_or_throw(context, database, table);
    std::string old_key = key + partition_suffix(values);
    const Json* old = state_->partitions.find(old_key);
    if (!old) throw errors::partition_not_found();
    // PartitionInput.Values, when given, may move the partition to new values.
    auto new_values = input.contains("Values") ? string_list(input["Values"], "Values") : values;
    check_value_count(*state_->tables.find(key), new_values);
    std::string new_key = key + partition_suffix(new_values);
    if (new_key != old_key && state_->partitions.find(new_key)) throw errors::partition_exists();
    Json record = partition_record(input, database, table, context.account_id,
                                   old->value("CreationTime", now()));
    record["Values"] = new_values;
    storage::WriteBatch batch;
    if (new_key != old_key) state_->partitions.remove(batch, old_key);
    state_->partitions.put(batch, new_key, std::move(record));
    pending = store_.submit(std::move(batch));
  }
  co_await pending->wait();
  co_return Json::object();
}

awaitable<Json> GlueService::delete_partition(RequestContext& context, const Json& in) {
  std::string database = name_member(in, "DatabaseName");
  std::string table = name_member(in, "TableName");
  auto values = string_list(in.value("PartitionValues", Json::array()), "PartitionValues");
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(state_->mutex);
    std::string key = table_or_throw(context, database, table) + partition_suffix(values);
    if (!state_->partitions.find(key)) throw errors::partition_not_found();
    storage::WriteBatch batch;
    state_->partitions.remove(batch, key);
    pending = store_.submit(std::move(batch));
  }
  co_await pending->wait();
  co_return Json::object();
}

awaitable<Json> GlueService::get_partitions(RequestContext& context, const Json& in) {
  std::string database = name_member(in, "DatabaseName");
  std::string table = name_member(in, "TableName");
  size_t limit = page_size(in, kPartitionPage, kPartitionPage);
  std::string text = in.value("Expression", "");
  bool exclude_columns = in.value("ExcludeColumnSchema", false);
  uint64_t segment = 0, segments = 1;
  if (auto it = in.find("Segment"); it != in.end() && it->is_object()) {
    int64_t number = it->value("SegmentNumber", int64_t{0});
    int64_t total = it->value("TotalSegments", int64_t{1});
    if (total < 1 || total > 10 || number < 0 || number >= total) {
      throw errors::invalid_input(
          "Invalid segment: SegmentNumber must be below TotalSegments (1 to 10).");
    }
    segment = static_cast<uint64_t>(number);
    segments = static_cast<uint64_t>(total);
  }
  std::optional<std::string> last;
  if (auto it = in.find("NextToken");
      it != in.end() && it->is_string() && !it->get_ref<const std::string&>().empty()) {
    last = decode_token(it->get<std::string>());
    if (!last) throw errors::invalid_token();
  }
  std::lock_guard lock(state_->mutex);
  std::string key = table_or_throw(context, database, table);
  expr::Expression expression;
  try {
    expression = expr::parse(text, key_columns(*state_->tables.find(key)));
  } catch (const expr::ExpressionError&) {
    throw errors::bad_expression();
  }
  const auto& records = state_->partitions.records;
  Json list = Json::array();
  Json out = Json::object();
  std::string last_returned;
  for (auto it = last ? records.upper_bound(key + *last) : records.lower_bound(key);
       it != records.end() && it->first.starts_with(key); ++it) {
    std::string_view suffix = std::string_view(it->first).substr(key.size());
    if (segments > 1 && stable_hash(suffix) % segments != segment) continue;
    auto values = values_of_suffix(suffix);
    if (!values || !expr::matches(expression, *values)) continue;
    if (list.size() == limit) {
      out["NextToken"] = encode_token(last_returned);
      break;
    }
    Json partition = it->second;
    if (exclude_columns && partition.contains("StorageDescriptor") &&
        partition["StorageDescriptor"].is_object()) {
      partition["StorageDescriptor"].erase("Columns");
    }
    list.push_back(std::move(partition));
    last_returned = std::string(suffix);
  }
  out["Partitions"] = std::move(list);
  co_return out;
}

}  // namespace nimbus::glue
