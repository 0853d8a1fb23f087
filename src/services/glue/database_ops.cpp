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
  Stage create = [&](storage::WriteBatch& batch) {
    std::string key = database_key(context.account_id, context.region, name);
    if (state_->databases.find(key)) throw errors::database_exists();
    state_->databases.put(batch, key, database_record(input, context.account_id, now()));
  };
  auto committing = commit_change(state_->mutex, create);
  co_await std::move(committing);
  co_return Json::object();
}

awaitable<Json> GlueService::get_database(RequestContext& context, const Json& in) {
  std::string name = name_member(in, "Name");
  std::lock_guard lock(state_->mutex);
  co_return Json{{"Database", *state_->databases.find(database_or_throw(context, name))}};
}

awaitable<Json> GlueService::get_databases(RequestContext& context, const Json& in) {
  size_t limit = page_size(in, kDatabasePage, kDatabasePage);
  auto last = next_token(in);
  std::string scope = scope_key(context.account_id, context.region);
  Json list = Json::array();
  std::lock_guard lock(state_->mutex);
  std::string token = page_records(state_->databases.records, scope, last, limit,
                                   [&](std::string_view, const Json& database) { list.push_back(database); });
  Json out = {{"DatabaseList", std::move(list)}};
  if (!token.empty()) out["NextToken"] = token;
  co_return out;
}

awaitable<Json> GlueService::update_database(RequestContext& context, const Json& in) {
  std::string name = name_member(in, "Name");
  const Json& input = database_input(in);
  name_member(input, "Name");
  Stage update = [&](storage::WriteBatch& batch) {
    std::string key = database_or_throw(context, name);
    const Json& old = *state_->databases.find(key);
    Json record = database_record(input, context.account_id, old.value("CreateTime", now()));
    record["Name"] = name;  // a database is not renamed
    if (!input.contains("CreateTableDefaultPermissions") &&
        old.contains("CreateTableDefaultPermissions")) {
      record["CreateTableDefaultPermissions"] = old["CreateTableDefaultPermissions"];
    }
    state_->databases.put(batch, key, std::move(record));
  };
  auto committing = commit_change(state_->mutex, update);
  co_await std::move(committing);
  co_return Json::object();
}

awaitable<Json> GlueService::delete_database(RequestContext& context, const Json& in) {
  std::string name = name_member(in, "Name");
  Stage remove = [&](storage::WriteBatch& batch) {
    std::string key = database_or_throw(context, name);
    state_->partitions.remove_prefix(batch, key);
    state_->versions.remove_prefix(batch, key);
    state_->tables.remove_prefix(batch, key);
    state_->databases.remove(batch, key);
  };
  auto committing = commit_change(state_->mutex, remove);
  co_await std::move(committing);
  co_return Json::object();
}

}  // namespace nimbus::glue
