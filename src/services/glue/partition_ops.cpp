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
  Stage create = [&](storage::WriteBatch& batch) {
    std::string key = table_or_throw(context, database, table);
    check_value_count(*state_->tables.find(key), values);
    std::string partition = key + partition_suffix(values);
    if (state_->partitions.find(partition)) throw errors::partition_exists();
    state_->partitions.put(batch, partition,
                           partition_record(input, database, table, context.account_id, now()));
  };
  auto committing = commit_change(state_->mutex, create);
  co_await std::move(committing);
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
  Stage update = [&](storage::WriteBatch& batch) {
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
    if (new_key != old_key) state_->partitions.remove(batch, old_key);
    state_->partitions.put(batch, new_key, std::move(record));
  };
  auto committing = commit_change(state_->mutex, update);
  co_await std::move(committing);
  co_return Json::object();
}

awaitable<Json> GlueService::delete_partition(RequestContext& context, const Json& in) {
  std::string database = name_member(in, "DatabaseName");
  std::string table = name_member(in, "TableName");
  auto values = string_list(in.value("PartitionValues", Json::array()), "PartitionValues");
  Stage remove = [&](storage::WriteBatch& batch) {
    std::string key = table_or_throw(context, database, table) + partition_suffix(values);
    if (!state_->partitions.find(key)) throw errors::partition_not_found();
    state_->partitions.remove(batch, key);
  };
  auto committing = commit_change(state_->mutex, remove);
  co_await std::move(committing);
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
  auto last = next_token(in);
  std::lock_guard lock(state_->mutex);
  std::string key = table_or_throw(context, database, table);
  expr::Expression expression;
  try {
    expression = expr::parse(text, key_columns(*state_->tables.find(key)));
  } catch (const expr::ExpressionError&) {
    throw errors::bad_expression();
  }
  auto wanted = [&](std::string_view suffix, const Json&) {
    if (segments > 1 && stable_hash(suffix) % segments != segment) return false;
    auto values = values_of_suffix(suffix);
    return values && expr::matches(expression, *values);
  };
  Json list = Json::array();
  auto take = [&](std::string_view, const Json& found) {
    Json partition = found;
    if (exclude_columns && partition.contains("StorageDescriptor") &&
        partition["StorageDescriptor"].is_object()) {
      partition["StorageDescriptor"].erase("Columns");
    }
    list.push_back(std::move(partition));
  };
  std::string token = page_records(state_->partitions.records, key, last, limit, wanted, take);
  Json out = {{"Partitions", std::move(list)}};
  if (!token.empty()) out["NextToken"] = token;
  co_return out;
}

}  // namespace nimbus::glue
