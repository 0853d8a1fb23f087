// GetTableVersions, GetTableVersion, DeleteTableVersion, BatchDeleteTableVersion: a table's
// current version (its record) and the versions UpdateTable archived ("v" records).
#include <charconv>

#include "services/glue/glue_errors.h"
#include "services/glue/glue_names.h"
#include "services/glue/glue_records.h"
#include "services/glue/glue_service.h"
#include "storage/key_codec.h"

namespace nimbus::glue {
namespace {

constexpr size_t kVersionPage = 100;

std::optional<uint64_t> parse_version(std::string_view text) {
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

Json version_entry(const Json& table) {
  return {{"Table", table}, {"VersionId", table.value("VersionId", "0")}};
}

// Why one archived version cannot be deleted (nullopt: it can). Caller holds the lock.
std::optional<AwsError> undeletable(const GlueState& state, const std::string& key,
                                    const Json& current, const std::string& table,
                                    const std::string& version) {
  auto number = parse_version(version);
  if (!number) return errors::invalid_version(version);
  if (version == current.value("VersionId", "0")) return errors::current_version_undeletable();
  if (!state.versions.find(key + version_suffix(*number)))
    return errors::version_not_found(table, version);
  return std::nullopt;
}

}  // namespace

awaitable<Json> GlueService::get_table_versions(RequestContext& context, const Json& in) {
  std::string database = name_member(in, "DatabaseName");
  std::string table = name_member(in, "TableName");
  size_t limit = page_size(in, kVersionPage, kVersionPage);
  std::optional<uint64_t> below;  // the last version returned
  if (auto last = next_token(in)) {
    below = parse_version(*last);
    if (!below) throw errors::invalid_token();
  }
  std::lock_guard lock(state_->mutex);
  std::string key = table_or_throw(context, database, table);
  // Newest first: the current version, then the archived ones downwards.
  std::vector<const Json*> all = {state_->tables.find(key)};
  const auto& versions = state_->versions.records;
  for (auto it = versions.lower_bound(key); it != versions.end() && it->first.starts_with(key);
       ++it) {
    if (it->first.size() == key.size() + 8) all.insert(all.begin() + 1, &it->second);
  }
  Json list = Json::array();
  Json out = Json::object();
  for (const Json* version : all) {
    uint64_t number = parse_version(version->value("VersionId", "0")).value_or(0);
    if (below && number >= *below) continue;
    if (list.size() == limit) {
      out["NextToken"] = encode_token(list.back().value("VersionId", "0"));
      break;
    }
    list.push_back(version_entry(*version));
  }
  out["TableVersions"] = std::move(list);
  co_return out;
}

awaitable<Json> GlueService::get_table_version(RequestContext& context, const Json& in) {
  std::string database = name_member(in, "DatabaseName");
  std::string table = name_member(in, "TableName");
  std::lock_guard lock(state_->mutex);
  std::string key = table_or_throw(context, database, table);
  const Json& current = *state_->tables.find(key);
  std::string wanted = in.value("VersionId", "");
  if (wanted.empty() || wanted == current.value("VersionId", "0"))
    co_return Json{{"TableVersion", version_entry(current)}};
  auto number = parse_version(wanted);
  if (!number) throw errors::invalid_version(wanted);
  const Json* archived = state_->versions.find(key + version_suffix(*number));
  if (!archived) throw errors::version_not_found(table, wanted);
  co_return Json{{"TableVersion", version_entry(*archived)}};
}

awaitable<Json> GlueService::delete_table_version(RequestContext& context, const Json& in) {
  std::string database = name_member(in, "DatabaseName");
  std::string table = name_member(in, "TableName");
  std::string version = in.value("VersionId", "");
  Stage remove = [&](storage::WriteBatch& batch) {
    std::string key = table_or_throw(context, database, table);
    if (auto error = undeletable(*state_, key, *state_->tables.find(key), table, version))
      throw *error;
    state_->versions.remove(batch, key + version_suffix(*parse_version(version)));
  };
  auto committing = commit_change(state_->mutex, remove);
  co_await std::move(committing);
  co_return Json::object();
}

awaitable<Json> GlueService::batch_delete_table_version(RequestContext& context, const Json& in) {
  std::string database = name_member(in, "DatabaseName");
  std::string table = name_member(in, "TableName");
  std::vector<std::string> versions =
      string_list(in.value("VersionIds", Json::array()), "VersionIds");
  Json errors_out = Json::array();
  Stage remove = [&](storage::WriteBatch& batch) {
    std::string key = table_or_throw(context, database, table);
    const Json& current = *state_->tables.find(key);
    for (const auto& version : versions) {
      if (auto error = undeletable(*state_, key, current, table, version)) {
        errors_out.push_back(
            {{"TableName", table},
             {"VersionId", version},
             {"ErrorDetail", {{"ErrorCode", error->code}, {"ErrorMessage", error->message}}}});
        continue;
      }
      state_->versions.remove(batch, key + version_suffix(*parse_version(version)));
    }
  };
  auto committing = commit_change(state_->mutex, remove);
  co_await std::move(committing);
  co_return Json{{"Errors", std::move(errors_out)}};
}

}  // namespace nimbus::glue
