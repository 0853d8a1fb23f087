// APIs: CreateApi (with quick create: Target + RouteKey make a managed integration, route and
// $default stage with AutoDeploy), GetApi, GetApis, UpdateApi, DeleteApi,
// DeleteCorsConfiguration; tags on APIs and stages: TagResource, UntagResource, GetTags.

#include "services/apigateway/http_api_errors.h"
#include "services/apigateway/http_api_routing.h"
#include "services/apigateway/http_api_service.h"

namespace nimbus::apigateway {
namespace {

Json api_view(const Json& record) {
  Json out = record["Api"];
  out.erase("CreatedMs");
  return out;
}

void copy_members(Json& to, const Json& from, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    if (from.contains(name) && !from[name].is_null()) to[name] = from[name];
  }
}

bool is_lambda_target(const std::string& target) { return target.rfind("arn:", 0) == 0; }

}  // namespace

awaitable<Json> HttpApiService::create_api(RequestContext& context, const Json& in) {
  std::string protocol = in.value("ProtocolType", "");
  if (protocol != "HTTP" && protocol != "WEBSOCKET") {
    throw v2errors::bad_request("Invalid protocol type specified: " + protocol);  // unverified
  }
  std::string name = in.value("Name", "");
  if (name.empty()) throw v2errors::bad_request("Name must not be empty");  // unverified
  if (protocol == "WEBSOCKET" && !in.contains("RouteSelectionExpression")) {
    throw v2errors::bad_request("RouteSelectionExpression is required for WEBSOCKET APIs");  // unverified
  }
  std::string target = in.value("Target", "");
  std::string route_key = in.value("RouteKey", "");
  if (protocol != "HTTP" && (!target.empty() || !route_key.empty())) {
    throw v2errors::bad_request("Quick create is only supported for HTTP APIs");  // unverified
  }
  if (!route_key.empty() && target.empty()) {
    throw v2errors::bad_request("RouteKey can only be specified together with Target");  // unverified
  }
  if (!route_key.empty() && !parse_route_key(route_key)) throw v2errors::invalid_route_key(route_key);
  std::string id;
  do {
    id = http_api_id(10);
  } while (find_api(id));
  int64_t now = clock_.now_ms();
  Json api = {{"ApiId", id},
              {"Name", name},
              {"ProtocolType", protocol},
              {"ApiEndpoint", (protocol == "HTTP" ? "https://" : "wss://") + id + ".execute-api." + context.region +
                                  ".amazonaws.com"},
              {"ApiKeySelectionExpression", in.value("ApiKeySelectionExpression", "$request.header.x-api-key")},
              {"RouteSelectionExpression", in.value("RouteSelectionExpression", "${request.method} ${request.path}")},
              {"CreatedDate", http_api_timestamp(now)},
              {"DisableExecuteApiEndpoint", in.value("DisableExecuteApiEndpoint", false)},
              {"Tags", in.value("Tags", Json::object())}};
  copy_members(api, in, {"Description", "Version", "CorsConfiguration", "DisableSchemaValidation"});
  if (protocol == "WEBSOCKET") api["DisableSchemaValidation"] = in.value("DisableSchemaValidation", false);
  Json record = {{"Api", api},
                 {"Routes", Json::object()},
                 {"Integrations", Json::object()},
                 {"Authorizers", Json::object()},
                 {"Stages", Json::object()},
                 {"Deployments", Json::object()}};
  if (!target.empty()) {
    std::string integration_id = http_api_id(7);
    bool lambda = is_lambda_target(target);
    Json integration = {{"IntegrationId", integration_id},
                        {"ApiGatewayManaged", true},
                        {"ConnectionType", "INTERNET"},
                        {"IntegrationMethod", lambda ? "POST" : "ANY"},
                        {"IntegrationType", lambda ? "AWS_PROXY" : "HTTP_PROXY"},
                        {"IntegrationUri", target},
                        {"PayloadFormatVersion", lambda ? "2.0" : "1.0"},
                        {"TimeoutInMillis", 30000}};
    copy_members(integration, in, {"CredentialsArn"});
    record["Integrations"][integration_id] = integration;
    std::string route_id = http_api_id(7);
    record["Routes"][route_id] = {{"RouteId", route_id},
                                  {"RouteKey", route_key.empty() ? "$default" : route_key},
                                  {"ApiGatewayManaged", true},
                                  {"ApiKeyRequired", false},
                                  {"AuthorizationType", "NONE"},
                                  {"Target", "integrations/" + integration_id}};
    std::string stamp = http_api_timestamp(now);
    record["Stages"]["$default"] = {{"StageName", "$default"},
                                    {"ApiGatewayManaged", true},
                                    {"AutoDeploy", true},
                                    {"CreatedDate", stamp},
                                    {"LastUpdatedDate", stamp},
                                    {"DefaultRouteSettings", {{"DetailedMetricsEnabled", false}}},
                                    {"RouteSettings", Json::object()},
                                    {"StageVariables", Json::object()},
                                    {"Tags", Json::object()}};
    redeploy_auto_stages(record);
  }
  storage::RecordTable::Change change = [&](std::optional<Json>& existing) {
    if (existing) throw v2errors::conflict("API " + id + " already exists");
    existing = record;
  };
  auto pending = apis_.update(http_api_scope(context.account_id, context.region) + id, change).first;
  ++generation_;
  {
    std::lock_guard lock(index_mutex_);
    index_[id] = ApiOwner{context.account_id, context.region};
  }
  co_await pending->wait();
  co_return api_view(record);
}

awaitable<Json> HttpApiService::get_api(RequestContext& context, const Json& in) {
  co_return api_view(api_record(context, in.value("ApiId", "")));
}

awaitable<Json> HttpApiService::get_apis(RequestContext& context, const Json& in) {
  std::vector<std::pair<std::string, Json>> apis;
  for (const auto& [key, record] : apis_.list(http_api_scope(context.account_id, context.region))) {
    apis.emplace_back(record["Api"].value("CreatedDate", "") + key, api_view(record));
  }
  std::sort(apis.begin(), apis.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Json> items;
  for (auto& entry : apis) items.push_back(std::move(entry.second));
  co_return http_api_page(items, in);
}

awaitable<Json> HttpApiService::update_api(RequestContext& context, const Json& in) {
  std::string api_id = in.value("ApiId", "");
  bool cors_changed = in.contains("CorsConfiguration");
  Edit edit = [&](Json& record) {
    Json& api = record["Api"];
    if (in.contains("Name") && in["Name"].get<std::string>().empty()) {
      throw v2errors::bad_request("Name must not be empty");  // unverified
    }
    copy_members(api, in,
                 {"Name", "Description", "Version", "CorsConfiguration", "DisableExecuteApiEndpoint",
                  "DisableSchemaValidation", "RouteSelectionExpression", "ApiKeySelectionExpression"});
    std::string target = in.value("Target", "");
    if (!target.empty()) {
      // Quick create's managed integration follows the new target.
      for (auto it = record["Integrations"].begin(); it != record["Integrations"].end(); ++it) {
        if (it.value().value("ApiGatewayManaged", false)) it.value()["IntegrationUri"] = target;
      }
    }
    if (in.contains("RouteKey")) {
      std::string key = in["RouteKey"].get<std::string>();
      if (!parse_route_key(key)) throw v2errors::invalid_route_key(key);
      for (auto it = record["Routes"].begin(); it != record["Routes"].end(); ++it) {
        if (it.value().value("ApiGatewayManaged", false)) it.value()["RouteKey"] = key;
      }
    }
    return api_view(record);
  };
  co_return co_await change_api(context, api_id, edit, cors_changed || in.contains("Target") || in.contains("RouteKey"));
}

awaitable<Json> HttpApiService::delete_api(RequestContext& context, const Json& in) {
  std::string api_id = in.value("ApiId", "");
  storage::RecordTable::Change change = [&](std::optional<Json>& record) {
    if (!record) throw v2errors::api_not_found(context.account_id, api_id);
    record.reset();
  };
  auto pending = apis_.update(http_api_scope(context.account_id, context.region) + api_id, change).first;
  ++generation_;
  {
    std::lock_guard lock(index_mutex_);
    index_.erase(api_id);
  }
  co_await pending->wait();
  co_return Json::object();
}

awaitable<Json> HttpApiService::delete_cors_configuration(RequestContext& context, const Json& in) {
  Edit edit = [&](Json& record) {
    record["Api"].erase("CorsConfiguration");
    return Json::object();
  };
  co_return co_await change_api(context, in.value("ApiId", ""), edit, true);
}

namespace {

// The API and, for a stage, its name, from "arn:aws:apigateway:<region>::/apis/<id>[/stages/<name>]".
struct TaggedResource {
  std::string api_id;
  std::optional<std::string> stage;
};

std::optional<TaggedResource> tagged_resource(const std::string& arn, const std::string& region) {
  std::string prefix = "arn:aws:apigateway:" + region + "::/apis/";
  if (arn.rfind(prefix, 0) != 0) return std::nullopt;
  std::string rest = arn.substr(prefix.size());
  auto slash = rest.find('/');
  TaggedResource resource{rest.substr(0, slash), std::nullopt};
  if (slash != std::string::npos) {
    std::string tail = rest.substr(slash);
    if (tail.rfind("/stages/", 0) != 0 || tail.size() == 8) return std::nullopt;
    resource.stage = tail.substr(8);
  }
  if (resource.api_id.empty()) return std::nullopt;
  return resource;
}

}  // namespace

awaitable<Json> HttpApiService::edit_tags(RequestContext& context, std::string arn,
                                          std::function<void(Json& tags)> change) {
  auto resource = tagged_resource(arn, context.region);
  if (!resource || !apis_.get(http_api_scope(context.account_id, context.region) + resource->api_id)) {
    throw v2errors::resource_not_found(arn);
  }
  Edit edit = [&](Json& record) {
    Json* tags = nullptr;
    if (resource->stage) {
      if (!record["Stages"].contains(*resource->stage)) throw v2errors::resource_not_found(arn);
      tags = &record["Stages"][*resource->stage]["Tags"];
    } else {
      tags = &record["Api"]["Tags"];
    }
    if (!tags->is_object()) *tags = Json::object();
    change(*tags);
    return Json::object();
  };
  co_return co_await change_api(context, resource->api_id, edit, false);
}

awaitable<Json> HttpApiService::tag_resource(RequestContext& context, const Json& in) {
  const Json added = in.value("Tags", Json::object());
  auto tagging = edit_tags(context, in.value("ResourceArn", ""), [&added](Json& tags) {
    for (auto it = added.begin(); it != added.end(); ++it) tags[it.key()] = it.value();
  });
  co_return co_await std::move(tagging);
}

awaitable<Json> HttpApiService::untag_resource(RequestContext& context, const Json& in) {
  const Json keys = in.value("TagKeys", Json::array());
  auto untagging = edit_tags(context, in.value("ResourceArn", ""), [&keys](Json& tags) {
    for (const auto& key : keys) {
      if (key.is_string()) tags.erase(key.get<std::string>());
    }
  });
  co_return co_await std::move(untagging);
}

awaitable<Json> HttpApiService::get_tags(RequestContext& context, const Json& in) {
  std::string arn = in.value("ResourceArn", "");
  auto resource = tagged_resource(arn, context.region);
  if (!resource) throw v2errors::resource_not_found(arn);
  auto record = apis_.get(http_api_scope(context.account_id, context.region) + resource->api_id);
  if (!record) throw v2errors::resource_not_found(arn);
  if (resource->stage) {
    if (!(*record)["Stages"].contains(*resource->stage)) throw v2errors::resource_not_found(arn);
    co_return Json{{"Tags", (*record)["Stages"][*resource->stage].value("Tags", Json::object())}};
  }
  co_return Json{{"Tags", (*record)["Api"].value("Tags", Json::object())}};
}

}  // namespace nimbus::apigateway
