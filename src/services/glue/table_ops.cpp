// CreateTable, GetTable, GetTables (name pattern, paging), UpdateTable (archiving the previous
// version), DeleteTable and BatchDeleteTable (with their versions and partitions).
#include <stdexcept>

#include "services/glue/glue_errors.h"
#include "services/glue/glue_names.h"
#include "services/glue/glue_records.h"
#include "services/glue/glue_service.h"

namespace nimbus::glue {
namespace {

constexpr size_t kTablePage = 100;

const Json& table_input(const Json& in) {
  auto it = in.find("TableInput");
  if (it == in.end() || !it->is_object()) throw errors::invalid_input("TableInput is required.");
  return *it;
}

uint64_t version_of(const Json& table) { return std::stoull(table.value("VersionId", "0")); }

// Stages the removal of a table with its versions and partitions. Caller holds the lock.
void remove_table(GlueState& state, storage::WriteBatch& batch, const std::string& key) {
  state.partitions.remove_prefix(batch, key);
  state.versions.remove_prefix(batch, key);
  state.tables.remove(batch, key);
}

}  // namespace

awaitable<Json> GlueService::create_table(RequestContext& context, const Json& in) {
  std::string database = name_member(in, "DatabaseName");
  const Json& input = table_input(in);
  std::string name = name_member(input, "Name");
  Stage create = [&](storage::WriteBatch& batch) {
    database_or_throw(context, database);
    std::string key = table_key(context.account_id, context.region, database, name);
    if (state_->tables.find(key)) throw errors::table_exists();
    double created = now();
    state_->tables.put(batch, key,
                       table_record(input, database, context.account_id, created, created, 0));
  };
  auto committing = commit_change(state_->mutex, create);
  co_await std::move(committing);
  co_return Json::object();
}

awaitable<Json> GlueService::get_table(RequestContext& context, const Json& in) {
  std::string database = name_member(in, "DatabaseName");
  std::string name = name_member(in, "Name");
  std::lock_guard lock(state_->mutex);
  co_return Json{{"Table", *state_->tables.find(table_or_throw(context, database, name))}};
}

awaitable<Json> GlueService::get_tables(RequestContext& context, const Json& in) {
  std::string database = name_member(in, "DatabaseName");
  size_t limit = page_size(in, kTablePage, kTablePage);
  std::optional<NamePattern> pattern;
  if (auto it = in.find("Expression");
      it != in.end() && it->is_string() && !it->get_ref<const std::string&>().empty()) {
    try {
      pattern.emplace(it->get<std::string>());
    } catch (const std::invalid_argument&) {
      throw errors::bad_table_pattern(it->get<std::string>());
    }
  }
  auto last = next_token(in);
  Json list = Json::array();
  std::lock_guard lock(state_->mutex);
  std::string prefix = database_or_throw(context, database);
  std::string token = page_records(
      state_->tables.records, prefix, last, limit,
      [&](std::string_view, const Json& table) { return !pattern || pattern->matches(table.value("Name", "")); },
      [&](std::string_view, const Json& table) { list.push_back(table); });
  Json out = {{"TableList", std::move(list)}};
  if (!token.empty()) out["NextToken"] = token;
  co_return out;
}

awaitable<Json> GlueService::update_table(RequestContext& context, const Json& in) {
  std::string database = name_member(in, "DatabaseName");
  const Json& input = table_input(in);
  std::string name = name_member(input, "Name");
  bool skip_archive = in.value("SkipArchive", false);
  Stage update = [&](storage::WriteBatch& batch) {
    std::string key = table_or_throw(context, database, name);
    const Json& old = *state_->tables.find(key);
    if (auto expected = in.find("VersionId");
        expected != in.end() && expected->is_string() && *expected != old.value("VersionId", "0")) {
      throw errors::version_mismatch();
    }
    uint64_t version = version_of(old);
    Json record = table_record(input, database, context.account_id, old.value("CreateTime", now()),
                               now(), version + 1);
    if (!skip_archive) state_->versions.put(batch, key + version_suffix(version), old);
    state_->tables.put(batch, key, std::move(record));
  };
  auto committing = commit_change(state_->mutex, update);
  co_await std::move(committing);
  co_return Json::object();
}

awaitable<Json> GlueService::delete_table(RequestContext& context, const Json& in) {
  std::string database = name_member(in, "DatabaseName");
  std::string name = name_member(in, "Name");
  Stage remove = [&](storage::WriteBatch& batch) {
    remove_table(*state_, batch, table_or_throw(context, database, name));
  };
  auto committing = commit_change(state_->mutex, remove);
  co_await std::move(committing);
  co_return Json::object();
}

awaitable<Json> GlueService::batch_delete_table(RequestContext& context, const Json& in) {
  std::string database = name_member(in, "DatabaseName");
  std::vector<std::string> names =
      string_list(in.value("TablesToDelete", Json::array()), "TablesToDelete");
  Json errors_out = Json::array();
  Stage remove = [&](storage::WriteBatch& batch) {
    database_or_throw(context, database);
    for (const auto& given : names) {
      std::string name = normalize_name(given);
      std::string key = table_key(context.account_id, context.region, database, name);
      if (!state_->tables.find(key)) {
        errors_out.push_back({{"TableName", given},
                              {"ErrorDetail",
                               {{"ErrorCode", "EntityNotFoundException"},
                                {"ErrorMessage", errors::table_not_found(name).message}}}});
        continue;
      }
      remove_table(*state_, batch, key);
    }
  };
  auto committing = commit_change(state_->mutex, remove);
  co_await std::move(committing);
  co_return Json{{"Errors", std::move(errors_out)}};
}

}  // namespace nimbus::glue
