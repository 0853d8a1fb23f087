// Named queries: saved SQL with a name, a database and a work group (primary when none is
// given). Clients run one by reading it (GetNamedQuery) and starting its QueryString. A
// ClientRequestToken makes CreateNamedQuery idempotent: the same token with the same input
// answers the same id; with other input, InvalidRequestException.
#include <algorithm>

#include "core/ids.h"
#include "services/athena/athena_errors.h"
#include "services/athena/athena_service.h"
#include "services/athena/id_pages.h"

namespace nimbus::athena {

namespace {

constexpr int kMaxListResults = 50;

std::string scope(const RequestContext& context) { return context.account_id + "/" + context.region + "/"; }

AwsError named_query_not_found(const std::string& id) {
  return errors::invalid_request("NamedQuery " + id + " was not found");
}

// What clients see of a record (members starting with "_" are nimbus's own).
Json visible(const Json& record) {
  Json out = Json::object();
  for (auto& [key, value] : record.items()) {
    if (!key.starts_with("_")) out[key] = value;
  }
  return out;
}

// The members a repeated CreateNamedQuery must repeat for its token to answer the first id.
bool same_input(const Json& record, const Json& in, const std::string& group) {
  return record.value("Name", "") == in.value("Name", "") && record.value("Database", "") == in.value("Database", "") &&
         record.value("QueryString", "") == in.value("QueryString", "") &&
         record.value("Description", "") == in.value("Description", "") && record.value("WorkGroup", "") == group;
}

}  // namespace

awaitable<Json> AthenaService::create_named_query(RequestContext& context, const Json& in) {
  std::string group = in.value("WorkGroup", "primary");
  work_group(context, group);
  std::string token = in.value("ClientRequestToken", "");
  if (!token.empty()) {
    for (auto& [key, record] : named_queries_.list(scope(context))) {
      if (record.value("_Token", "") != token) continue;
      if (!same_input(record, in, group)) throw errors::invalid_request("Idempotent parameters do not match");
      co_return Json{{"NamedQueryId", record["NamedQueryId"]}};
    }
  }
  std::string id = ids::uuid4();
  Json record = {{"NamedQueryId", id},
                 {"Name", in.value("Name", "")},
                 {"Database", in.value("Database", "")},
                 {"QueryString", in.value("QueryString", "")},
                 {"WorkGroup", group},
                 {"_Token", token},
                 {"_Created", clock_.now_ms()}};
  if (in.contains("Description")) record["Description"] = in["Description"];
  auto updated = named_queries_.update(scope(context) + id, [&](std::optional<Json>& stored) { stored = record; });
  co_await updated.first->wait();
  co_return Json{{"NamedQueryId", id}};
}

awaitable<Json> AthenaService::get_named_query(RequestContext& context, const Json& in) {
  std::string id = in.value("NamedQueryId", "");
  auto record = named_queries_.get(scope(context) + id);
  if (!record) throw named_query_not_found(id);
  co_return Json{{"NamedQuery", visible(*record)}};
}

awaitable<Json> AthenaService::batch_get_named_query(RequestContext& context, const Json& in) {
  Json found = Json::array(), missing = Json::array();
  for (const auto& item : in.value("NamedQueryIds", Json::array())) {
    std::string id = item.is_string() ? item.get<std::string>() : item.dump();
    if (auto record = named_queries_.get(scope(context) + id)) {
      found.push_back(visible(*record));
    } else {
      missing.push_back({{"NamedQueryId", id}, {"ErrorCode", "INVALID_INPUT"},
                         {"ErrorMessage", "NamedQuery " + id + " was not found"}});
    }
  }
  co_return Json{{"NamedQueries", found}, {"UnprocessedNamedQueryIds", missing}};
}

awaitable<Json> AthenaService::list_named_queries(RequestContext& context, const Json& in) {
  std::string group = in.value("WorkGroup", "primary");
  work_group(context, group);
  int max = in.value("MaxResults", kMaxListResults);
  if (max <= 0) max = kMaxListResults;
  // In creation order; the token is the id of the next one.
  std::vector<std::pair<int64_t, std::string>> ids;
  for (auto& [key, record] : named_queries_.list(scope(context))) {
    if (record.value("WorkGroup", "primary") == group) {
      ids.emplace_back(record.value("_Created", int64_t{0}), record["NamedQueryId"].get<std::string>());
    }
  }
  std::sort(ids.begin(), ids.end());
  std::vector<std::string> ordered;
  for (auto& entry : ids) ordered.push_back(std::move(entry.second));
  co_return id_page(ordered, in, static_cast<size_t>(max), "NamedQueryIds");
}

awaitable<Json> AthenaService::update_named_query(RequestContext& context, const Json& in) {
  std::string id = in.value("NamedQueryId", "");
  auto updated = named_queries_.update(scope(context) + id, [&](std::optional<Json>& record) {
    if (!record) throw named_query_not_found(id);
    (*record)["Name"] = in.value("Name", "");
    (*record)["QueryString"] = in.value("QueryString", "");
    // UpdateNamedQuery's Description may be empty (CreateNamedQuery's may not): an empty one clears it.
    if (in.contains("Description")) {
      std::string description = in.value("Description", "");
      if (description.empty()) {
        record->erase("Description");
      } else {
        (*record)["Description"] = description;
      }
    }
  });
  co_await updated.first->wait();
  co_return Json::object();
}

awaitable<Json> AthenaService::delete_named_query(RequestContext& context, const Json& in) {
  std::string id = in.value("NamedQueryId", "");
  auto updated = named_queries_.update(scope(context) + id, [&](std::optional<Json>& record) {
    if (!record) throw named_query_not_found(id);
    record.reset();
  });
  co_await updated.first->wait();
  co_return Json::object();
}

}  // namespace nimbus::athena
