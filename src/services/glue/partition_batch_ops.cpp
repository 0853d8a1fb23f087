// BatchCreatePartition and BatchDeletePartition (per-entry Errors, the rest in one batch) and
// BatchGetPartition (missing partitions are left out; UnprocessedKeys stays empty).
#include "services/glue/glue_errors.h"
#include "services/glue/glue_names.h"
#include "services/glue/glue_records.h"
#include "services/glue/glue_service.h"

namespace nimbus::glue {
namespace {

Json partition_error(const Json& values, const AwsError& error) {
  return {{"PartitionValues", values},
          {"ErrorDetail", {{"ErrorCode", error.code}, {"ErrorMessage", error.message}}}};
}

// The Values of one PartitionValueList entry ({"Values": [...]}).
std::vector<std::string> entry_values(const Json& entry) {
  if (!entry.is_object()) throw errors::invalid_input("Each entry needs Values.");
  return string_list(entry.value("Values", Json::array()), "Values");
}

}  // namespace

awaitable<Json> GlueService::batch_create_partition(RequestContext& context, const Json& in) {
  std::string database = name_member(in, "DatabaseName");
  std::string table = name_member(in, "TableName");
  Json inputs = in.value("PartitionInputList", Json::array());
  if (!inputs.is_array()) throw errors::invalid_input("PartitionInputList must be a list.");
  Json errors_out = Json::array();
  Stage create = [&](storage::WriteBatch& batch) {
    std::string key = table_or_throw(context, database, table);
    const Json& table_record = *state_->tables.find(key);
    double created = now();
    for (const auto& input : inputs) {
      Json given = input.is_object() ? input.value("Values", Json::array()) : Json::array();
      try {
        if (!input.is_object()) throw errors::invalid_input("Each entry needs Values.");
        auto values = string_list(given, "Values");
        check_value_count(table_record, values);
        std::string partition = key + partition_suffix(values);
        if (state_->partitions.find(partition)) throw errors::partition_exists();
        state_->partitions.put(
            batch, partition,
            partition_record(input, database, table, context.account_id, created));
      } catch (const AwsError& error) {
        errors_out.push_back(partition_error(given, error));
      }
    }
  };
  auto committing = commit_change(state_->mutex, create);
  co_await std::move(committing);
  co_return Json{{"Errors", std::move(errors_out)}};
}

awaitable<Json> GlueService::batch_get_partition(RequestContext& context, const Json& in) {
  std::string database = name_member(in, "DatabaseName");
  std::string table = name_member(in, "TableName");
  Json wanted = in.value("PartitionsToGet", Json::array());
  std::vector<std::vector<std::string>> keys;
  for (const auto& entry : wanted) keys.push_back(entry_values(entry));
  std::lock_guard lock(state_->mutex);
  std::string key = table_or_throw(context, database, table);
  Json partitions = Json::array();
  for (const auto& values : keys) {
    if (const Json* partition = state_->partitions.find(key + partition_suffix(values)))
      partitions.push_back(*partition);
  }
  co_return Json{{"Partitions", std::move(partitions)}, {"UnprocessedKeys", Json::array()}};
}

awaitable<Json> GlueService::batch_delete_partition(RequestContext& context, const Json& in) {
  std::string database = name_member(in, "DatabaseName");
  std::string table = name_member(in, "TableName");
  Json wanted = in.value("PartitionsToDelete", Json::array());
  std::vector<std::vector<std::string>> keys;
  for (const auto& entry : wanted) keys.push_back(entry_values(entry));
  Json errors_out = Json::array();
  Stage remove = [&](storage::WriteBatch& batch) {
    std::string key = table_or_throw(context, database, table);
    for (const auto& values : keys) {
      std::string partition = key + partition_suffix(values);
      if (!state_->partitions.find(partition)) {
        errors_out.push_back(partition_error(values, errors::partition_not_found()));
        continue;
      }
      state_->partitions.remove(batch, partition);
    }
  };
  auto committing = commit_change(state_->mutex, remove);
  co_await std::move(committing);
  co_return Json{{"Errors", std::move(errors_out)}};
}

}  // namespace nimbus::glue
