// API keys, usage plans and the keys in them. A method with apiKeyRequired admits a request whose
// x-api-key is an enabled key in a usage plan of the API's stage (see rest_invoke.cpp).

#include "services/apigateway/apigateway_errors.h"
#include "services/apigateway/rest_api_service.h"
#include "services/apigateway/rest_common.h"

namespace nimbus::apigateway {
namespace {

Json key_view(const Json& record, bool include_value) {
  Json view = record;
  if (!include_value) view.erase("value");
  if (view.value("tags", Json::object()).empty()) view.erase("tags");
  return view;
}

Json plan_view(const Json& record) {
  Json view = record;
  view.erase("keys");
  if (view.value("tags", Json::object()).empty()) view.erase("tags");
  return view;
}

std::string random_key_value() {
  // 40 characters, as API Gateway generates (letters of both cases and digits).
  std::string value = random_id(40);
  for (size_t i = 0; i < value.size(); i += 3) {
    if (std::isalpha(static_cast<unsigned char>(value[i]))) value[i] = static_cast<char>(std::toupper(value[i]));
  }
  return value;
}

// "/apiStages" add/remove with value "<apiId>:<stage>"; other paths generically.
void patch_plan(Json& plan, const Json& operations) {
  Json generic = Json::array();
  for (const auto& operation : operations) {
    if (operation.value("path", "") != "/apiStages") {
      generic.push_back(operation);
      continue;
    }
    std::string value = operation.value("value", "");
    auto colon = value.find(':');
    if (colon == std::string::npos) throw errors::bad_request("Invalid API stage specified: " + value);
    Json stage = {{"apiId", value.substr(0, colon)}, {"stage", value.substr(colon + 1)}};
    Json& stages = plan["apiStages"];
    if (operation.value("op", "") == "remove") {
      Json kept = Json::array();
      for (const auto& existing : stages) {
        if (existing["apiId"] != stage["apiId"] || existing["stage"] != stage["stage"]) kept.push_back(existing);
      }
      stages = kept;
    } else {
      stages.push_back(stage);
    }
  }
  apply_patch(plan, generic, {"/name", "/description", "/productCode", "/throttle/*", "/quota/*"});
}

}  // namespace

awaitable<Json> RestApiService::create_api_key(RequestContext& context, const Json& in) {
  std::string value = in.value("value", "");
  if (!value.empty() && value.size() < 20) {
    throw errors::bad_request("API Key value should be at least 20 characters");
  }
  if (value.empty()) value = random_key_value();
  for (const auto& [key, record] : api_keys_.list(scope(context))) {
    if (record.value("value", "") == value) throw errors::conflict("API Key already exists");
  }
  double now = now_seconds(clock_);
  std::string id = random_id(10);
  Json record = {{"id", id},           {"value", value},     {"name", in.value("name", "")},
                 {"enabled", in.value("enabled", false)},   {"createdDate", now},
                 {"lastUpdatedDate", now}, {"stageKeys", Json::array()}, {"tags", in.value("tags", Json::object())}};
  for (const char* member : {"description", "customerId"}) {
    if (in.contains(member)) record[member] = in[member];
  }
  for (const auto& stage_key : in.value("stageKeys", Json::array())) {
    record["stageKeys"].push_back(stage_key.value("restApiId", "") + "/" + stage_key.value("stageName", ""));
  }
  storage::RecordTable::Change create = [&](std::optional<Json>& stored) { stored = record; };
  auto updated = api_keys_.update(scope(context) + id, create);
  co_await updated.first->wait();
  co_return key_view(record, true);
}

awaitable<Json> RestApiService::get_api_key(RequestContext& context, const Json& in) {
  auto record = api_keys_.get(scope(context) + in.value("apiKey", ""));
  if (!record) throw errors::api_key_not_found();
  co_return key_view(*record, in.value("includeValue", false));
}

awaitable<Json> RestApiService::get_api_keys(RequestContext& context, const Json& in) {
  std::string name_query = in.value("nameQuery", "");
  std::string customer = in.value("customerId", "");
  std::vector<Json> items;
  for (const auto& [key, record] : api_keys_.list(scope(context))) {
    if (!name_query.empty() && record.value("name", "").rfind(name_query, 0) != 0) continue;
    if (!customer.empty() && record.value("customerId", "") != customer) continue;
    items.push_back(key_view(record, in.value("includeValues", false)));
  }
  co_return page(items, in);
}

awaitable<Json> RestApiService::update_api_key(RequestContext& context, const Json& in) {
  double now = now_seconds(clock_);
  storage::RecordTable::Change change = [&](std::optional<Json>& record) {
    if (!record) throw errors::api_key_not_found();
    apply_patch(*record, in.value("patchOperations", Json::array()),
                {"/name", "/description", "/enabled", "/customerId", "/stages"});
    (*record)["lastUpdatedDate"] = now;
  };
  auto updated = api_keys_.update(scope(context) + in.value("apiKey", ""), change);
  ++generation_;
  co_await updated.first->wait();
  co_return key_view(*updated.second, false);
}

awaitable<Json> RestApiService::delete_api_key(RequestContext& context, const Json& in) {
  storage::RecordTable::Change remove = [&](std::optional<Json>& record) {
    if (!record) throw errors::api_key_not_found();
    record.reset();
  };
  auto updated = api_keys_.update(scope(context) + in.value("apiKey", ""), remove);
  ++generation_;
  co_await updated.first->wait();
  co_return Json::object();
}

awaitable<Json> RestApiService::create_usage_plan(RequestContext& context, const Json& in) {
  if (in.value("name", "").empty()) throw errors::bad_request("Usage plan name must be specified");
  for (const auto& stage : in.value("apiStages", Json::array())) {
    Json document = api_document(context, stage.value("apiId", ""));
    if (!document["stages"].contains(stage.value("stage", ""))) {
      throw errors::bad_request("Invalid stage identifier specified");
    }
  }
  std::string id = random_id(6);
  Json record = {{"id", id},
                 {"name", in.value("name", "")},
                 {"apiStages", in.value("apiStages", Json::array())},
                 {"tags", in.value("tags", Json::object())},
                 {"keys", Json::array()}};
  for (const char* member : {"description", "throttle", "quota"}) {
    if (in.contains(member)) record[member] = in[member];
  }
  storage::RecordTable::Change create = [&](std::optional<Json>& stored) { stored = record; };
  auto updated = usage_plans_.update(scope(context) + id, create);
  ++generation_;
  co_await updated.first->wait();
  co_return plan_view(record);
}

awaitable<Json> RestApiService::get_usage_plan(RequestContext& context, const Json& in) {
  std::string id = in.value("usagePlanId", "");
  auto record = usage_plans_.get(scope(context) + id);
  if (!record) throw errors::usage_plan_not_found(id);
  co_return plan_view(*record);
}

awaitable<Json> RestApiService::get_usage_plans(RequestContext& context, const Json& in) {
  std::string key_id = in.value("keyId", "");
  std::vector<Json> items;
  for (const auto& [key, record] : usage_plans_.list(scope(context))) {
    if (!key_id.empty()) {
      const auto& keys = record["keys"];
      if (std::find(keys.begin(), keys.end(), Json(key_id)) == keys.end()) continue;
    }
    items.push_back(plan_view(record));
  }
  co_return page(items, in);
}

awaitable<Json> RestApiService::update_usage_plan(RequestContext& context, const Json& in) {
  std::string id = in.value("usagePlanId", "");
  storage::RecordTable::Change change = [&](std::optional<Json>& record) {
    if (!record) throw errors::usage_plan_not_found(id);
    patch_plan(*record, in.value("patchOperations", Json::array()));
  };
  auto updated = usage_plans_.update(scope(context) + id, change);
  ++generation_;
  co_await updated.first->wait();
  co_return plan_view(*updated.second);
}

awaitable<Json> RestApiService::delete_usage_plan(RequestContext& context, const Json& in) {
  std::string id = in.value("usagePlanId", "");
  storage::RecordTable::Change remove = [&](std::optional<Json>& record) {
    if (!record) throw errors::usage_plan_not_found(id);
    record.reset();
  };
  auto updated = usage_plans_.update(scope(context) + id, remove);
  ++generation_;
  co_await updated.first->wait();
  co_return Json::object();
}

awaitable<Json> RestApiService::create_usage_plan_key(RequestContext& context, const Json& in) {
  std::string id = in.value("usagePlanId", "");
  std::string key_id = in.value("keyId", "");
  if (in.value("keyType", "API_KEY") != "API_KEY") throw errors::bad_request("Invalid key type specified");
  auto key = api_keys_.get(scope(context) + key_id);
  if (!key) throw errors::not_found("Invalid API Key identifier specified");
  storage::RecordTable::Change change = [&](std::optional<Json>& record) {
    if (!record) throw errors::usage_plan_not_found(id);
    auto& keys = (*record)["keys"];
    if (std::find(keys.begin(), keys.end(), Json(key_id)) != keys.end()) {
      throw errors::conflict("Usage Plan " + id + " cannot be added because API Key " + key_id +
                             " cannot reference multiple Usage Plans with the same API Stage");
    }
    keys.push_back(key_id);
  };
  auto updated = usage_plans_.update(scope(context) + id, change);
  ++generation_;
  co_await updated.first->wait();
  co_return Json{{"id", key_id}, {"type", "API_KEY"}, {"value", (*key)["value"]}, {"name", (*key)["name"]}};
}

awaitable<Json> RestApiService::get_usage_plan_key(RequestContext& context, const Json& in) {
  std::string id = in.value("usagePlanId", "");
  std::string key_id = in.value("keyId", "");
  auto plan = usage_plans_.get(scope(context) + id);
  if (!plan) throw errors::usage_plan_not_found(id);
  const auto& keys = (*plan)["keys"];
  auto key = api_keys_.get(scope(context) + key_id);
  if (!key || std::find(keys.begin(), keys.end(), Json(key_id)) == keys.end()) {
    throw errors::not_found("Invalid Usage Plan Key identifier specified");
  }
  co_return Json{{"id", key_id}, {"type", "API_KEY"}, {"value", (*key)["value"]}, {"name", (*key)["name"]}};
}

awaitable<Json> RestApiService::get_usage_plan_keys(RequestContext& context, const Json& in) {
  std::string id = in.value("usagePlanId", "");
  auto plan = usage_plans_.get(scope(context) + id);
  if (!plan) throw errors::usage_plan_not_found(id);
  std::string name_query = in.value("nameQuery", "");
  std::vector<Json> items;
  for (const auto& key_id : (*plan)["keys"]) {
    auto key = api_keys_.get(scope(context) + key_id.get<std::string>());
    if (!key || (!name_query.empty() && key->value("name", "").rfind(name_query, 0) != 0)) continue;
    items.push_back({{"id", key_id}, {"type", "API_KEY"}, {"value", (*key)["value"]}, {"name", (*key)["name"]}});
  }
  co_return page(items, in);
}

awaitable<Json> RestApiService::delete_usage_plan_key(RequestContext& context, const Json& in) {
  std::string id = in.value("usagePlanId", "");
  std::string key_id = in.value("keyId", "");
  storage::RecordTable::Change change = [&](std::optional<Json>& record) {
    if (!record) throw errors::usage_plan_not_found(id);
    auto& keys = (*record)["keys"];
    auto found = std::find(keys.begin(), keys.end(), Json(key_id));
    if (found == keys.end()) throw errors::not_found("Invalid Usage Plan Key identifier specified");
    keys.erase(found);
  };
  auto updated = usage_plans_.update(scope(context) + id, change);
  ++generation_;
  co_await updated.first->wait();
  co_return Json::object();
}

std::optional<RestApiService::PlanKey> RestApiService::plan_admitting(const ApiOwner& owner, const std::string& api_id,
                                                                     const std::string& stage,
                                                                     const std::string& value) const {
  if (value.empty()) return std::nullopt;
  std::string prefix = scope(owner.account, owner.region);
  for (const auto& [plan_key, plan] : usage_plans_.list(prefix)) {
    bool covers = false;
    for (const auto& api_stage : plan.value("apiStages", Json::array())) {
      covers = covers || (api_stage.value("apiId", "") == api_id && api_stage.value("stage", "") == stage);
    }
    if (!covers) continue;
    for (const auto& key_id : plan["keys"]) {
      auto key = api_keys_.get(prefix + key_id.get<std::string>());
      if (key && key->value("enabled", false) && key->value("value", "") == value) {
        return PlanKey{plan, key_id.get<std::string>()};
      }
    }
  }
  return std::nullopt;
}

}  // namespace nimbus::apigateway
