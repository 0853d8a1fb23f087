// Deployments (each a snapshot of the API that stages serve) and stages.

#include "services/apigateway/apigateway_errors.h"
#include "services/apigateway/rest_api_service.h"
#include "services/apigateway/rest_common.h"

namespace nimbus::apigateway {
namespace {

constexpr std::string_view kStagePaths[] = {
    "/description", "/deploymentId", "/variables/*", "/tracingEnabled", "/cacheClusterEnabled", "/cacheClusterSize",
    "/clientCertificateId", "/documentationVersion", "/accessLogSettings/destinationArn",
    "/accessLogSettings/format", "/webAclArn"};

// What a deployment freezes: everything a stage needs to serve requests.
Json snapshot_of(const Json& document) {
  bool any_method = false;
  for (const auto& [id, resource] : document["resources"].items()) {
    for (const auto& [name, method] : member_object(resource, "resourceMethods").items()) {
      any_method = true;
      if (!method.contains("methodIntegration")) throw errors::bad_request("No integration defined for method");
    }
  }
  if (!any_method) throw errors::bad_request("The REST API doesn't contain any methods");
  Json settings = Json::object();
  for (const char* member : {"binaryMediaTypes", "apiKeySource", "minimumCompressionSize", "policy",
                             "disableExecuteApiEndpoint"}) {
    if (document["api"].contains(member)) settings[member] = document["api"][member];
  }
  return {{"api", settings},
          {"resources", document["resources"]},
          {"authorizers", document["authorizers"]},
          {"models", document["models"]},
          {"requestValidators", document["requestValidators"]},
          {"gatewayResponses", document["gatewayResponses"]}};
}

Json deployment_view(const Json& deployment) {
  Json view = {{"id", deployment["id"]}, {"createdDate", deployment["createdDate"]}};
  if (deployment.contains("description")) view["description"] = deployment["description"];
  return view;
}

Json stage_view(const Json& stage) {
  Json view = stage;
  if (view.value("tags", Json::object()).empty()) view.erase("tags");
  if (view.value("variables", Json::object()).empty()) view.erase("variables");
  return view;
}

void check_stage_name(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 128;
  for (char c : name) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_');
  if (!ok) {
    throw errors::bad_request("Stage name only allows a-zA-Z0-9_ and must be between 1 and 128 characters long");
  }
}

Json new_stage(const std::string& name, const std::string& deployment_id, double now) {
  return {{"stageName", name},
          {"deploymentId", deployment_id},
          {"cacheClusterEnabled", false},
          {"cacheClusterStatus", "NOT_AVAILABLE"},
          {"methodSettings", Json::object()},
          {"tracingEnabled", false},
          {"createdDate", now},
          {"lastUpdatedDate", now}};
}

// "/<resourcePath>/<METHOD>/<group>/<setting>" paths of methodSettings (e.g. "/*/*/throttling/rateLimit").
bool patch_method_setting(Json& stage, const Json& operation) {
  std::string path = operation.value("path", "");
  std::vector<std::string> segments;
  size_t start = 1;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    segments.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  if (segments.size() != 4) return false;
  static const std::pair<std::string_view, std::string_view> kSettings[] = {
      {"throttling/rateLimit", "throttlingRateLimit"}, {"throttling/burstLimit", "throttlingBurstLimit"},
      {"logging/loglevel", "loggingLevel"},          {"logging/dataTrace", "dataTraceEnabled"},
      {"metrics/enabled", "metricsEnabled"},         {"caching/enabled", "cachingEnabled"},
      {"caching/ttlInSeconds", "cacheTtlInSeconds"}, {"caching/dataEncrypted", "cacheDataEncrypted"},
      {"caching/requireAuthorizationForCacheControl", "requireAuthorizationForCacheControl"},
      {"caching/unauthorizedCacheControlHeaderStrategy", "unauthorizedCacheControlHeaderStrategy"}};
  std::string setting = segments[2] + "/" + segments[3];
  std::string member;
  for (const auto& [name, field] : kSettings) {
    if (name == setting) member = std::string(field);
  }
  if (member.empty()) return false;
  std::string key = segments[0] + "/" + segments[1];
  Json& settings = stage["methodSettings"][key];
  if (settings.is_null()) {
    settings = {{"metricsEnabled", false}, {"dataTraceEnabled", false}, {"throttlingBurstLimit", 5000},
                {"throttlingRateLimit", 10000.0}, {"cachingEnabled", false}, {"cacheTtlInSeconds", 300},
                {"cacheDataEncrypted", false}, {"requireAuthorizationForCacheControl", true},
                {"unauthorizedCacheControlHeaderStrategy", "SUCCEED_WITH_RESPONSE_HEADER"}};
  }
  std::string op = operation.value("op", "");
  if (op == "remove") {
    stage["methodSettings"].erase(key);
    return true;
  }
  Json patched = Json::object();
  std::string member_path = "/" + member;
  apply_patch(patched, Json::array({{{"op", "replace"}, {"path", member_path}, {"value", operation.value("value", "")}}}),
              {member_path});
  if (member == "throttlingRateLimit") patched[member] = patched[member].get<double>();
  settings[member] = patched[member];
  return true;
}

}  // namespace

awaitable<Json> RestApiService::create_deployment(RequestContext& context, const Json& in) {
  std::string stage_name = in.value("stageName", "");
  if (!stage_name.empty()) check_stage_name(stage_name);
  double now = now_seconds(clock_);
  auto changed = edit_api(context, in.value("restApiId", ""), [&](Json& document) {
    std::string id = random_id(6);
    Json deployment = {{"id", id}, {"createdDate", now}, {"snapshot", snapshot_of(document)}};
    if (in.contains("description")) deployment["description"] = in["description"];
    document["deployments"][id] = deployment;
    if (!stage_name.empty()) {
      Json& stage = document["stages"][stage_name];
      if (stage.is_null()) stage = new_stage(stage_name, id, now);
      stage["deploymentId"] = id;
      stage["lastUpdatedDate"] = now;
      if (in.contains("stageDescription")) stage["description"] = in["stageDescription"];
      if (in.contains("variables")) stage["variables"] = in["variables"];
      if (in.contains("tracingEnabled")) stage["tracingEnabled"] = in["tracingEnabled"];
      if (in.contains("cacheClusterEnabled")) stage["cacheClusterEnabled"] = in["cacheClusterEnabled"];
    }
    return deployment_view(deployment);
  });
  co_await changed.commit->wait();
  co_return std::move(changed.result);
}

awaitable<Json> RestApiService::get_deployment(RequestContext& context, const Json& in) {
  Json document = api_document(context, in.value("restApiId", ""));
  std::string id = in.value("deploymentId", "");
  if (!document["deployments"].contains(id)) throw errors::deployment_not_found();
  co_return deployment_view(document["deployments"][id]);
}

awaitable<Json> RestApiService::get_deployments(RequestContext& context, const Json& in) {
  Json document = api_document(context, in.value("restApiId", ""));
  std::vector<Json> items;
  for (const auto& [id, deployment] : document["deployments"].items()) items.push_back(deployment_view(deployment));
  std::sort(items.begin(), items.end(), [](const Json& a, const Json& b) {
    return a["createdDate"].get<double>() < b["createdDate"].get<double>();
  });
  co_return page(items, in);
}

awaitable<Json> RestApiService::update_deployment(RequestContext& context, const Json& in) {
  std::string id = in.value("deploymentId", "");
  auto changed = edit_api(context, in.value("restApiId", ""), [&](Json& document) {
    if (!document["deployments"].contains(id)) throw errors::deployment_not_found();
    apply_patch(document["deployments"][id], in.value("patchOperations", Json::array()), {"/description"});
    return deployment_view(document["deployments"][id]);
  });
  co_await changed.commit->wait();
  co_return std::move(changed.result);
}

awaitable<Json> RestApiService::delete_deployment(RequestContext& context, const Json& in) {
  std::string id = in.value("deploymentId", "");
  auto changed = edit_api(context, in.value("restApiId", ""), [&](Json& document) {
    if (!document["deployments"].contains(id)) throw errors::deployment_not_found();
    for (const auto& [name, stage] : document["stages"].items()) {
      if (stage.value("deploymentId", "") == id) {
        throw errors::bad_request("Active stages pointing to this deployment must be moved or deleted");
      }
    }
    document["deployments"].erase(id);
    return Json::object();
  });
  co_await changed.commit->wait();
  co_return std::move(changed.result);
}

awaitable<Json> RestApiService::create_stage(RequestContext& context, const Json& in) {
  std::string name = in.value("stageName", "");
  check_stage_name(name);
  double now = now_seconds(clock_);
  auto changed = edit_api(context, in.value("restApiId", ""), [&](Json& document) {
    std::string deployment = in.value("deploymentId", "");
    if (!document["deployments"].contains(deployment)) throw errors::bad_request("Invalid deployment id specified");
    if (document["stages"].contains(name)) throw errors::conflict("Stage already exists");
    Json stage = new_stage(name, deployment, now);
    for (const char* member : {"description", "cacheClusterEnabled", "cacheClusterSize", "variables",
                               "documentationVersion", "canarySettings", "tracingEnabled", "tags"}) {
      if (in.contains(member)) stage[member] = in[member];
    }
    document["stages"][name] = stage;
    return stage_view(stage);
  });
  co_await changed.commit->wait();
  co_return std::move(changed.result);
}

awaitable<Json> RestApiService::get_stage(RequestContext& context, const Json& in) {
  Json document = api_document(context, in.value("restApiId", ""));
  std::string name = in.value("stageName", "");
  if (!document["stages"].contains(name)) throw errors::stage_not_found();
  co_return stage_view(document["stages"][name]);
}

awaitable<Json> RestApiService::get_stages(RequestContext& context, const Json& in) {
  Json document = api_document(context, in.value("restApiId", ""));
  std::string deployment = in.value("deploymentId", "");
  Json items = Json::array();
  for (const auto& [name, stage] : document["stages"].items()) {
    if (deployment.empty() || stage.value("deploymentId", "") == deployment) items.push_back(stage_view(stage));
  }
  co_return Json{{"item", items}};
}

awaitable<Json> RestApiService::update_stage(RequestContext& context, const Json& in) {
  std::string name = in.value("stageName", "");
  std::vector<std::string_view> allowed(std::begin(kStagePaths), std::end(kStagePaths));
  double now = now_seconds(clock_);
  auto changed = edit_api(context, in.value("restApiId", ""), [&](Json& document) {
    if (!document["stages"].contains(name)) throw errors::stage_not_found();
    Json& stage = document["stages"][name];
    Json generic = Json::array();
    for (const auto& operation : in.value("patchOperations", Json::array())) {
      if (!patch_method_setting(stage, operation)) generic.push_back(operation);
    }
    apply_patch(stage, generic, allowed);
    if (!document["deployments"].contains(stage.value("deploymentId", ""))) {
      throw errors::bad_request("Invalid deployment id specified");
    }
    stage["lastUpdatedDate"] = now;
    return stage_view(stage);
  });
  co_await changed.commit->wait();
  co_return std::move(changed.result);
}

awaitable<Json> RestApiService::delete_stage(RequestContext& context, const Json& in) {
  std::string name = in.value("stageName", "");
  auto changed = edit_api(context, in.value("restApiId", ""), [&](Json& document) {
    if (!document["stages"].contains(name)) throw errors::stage_not_found();
    document["stages"].erase(name);
    return Json::object();
  });
  co_await changed.commit->wait();
  co_return std::move(changed.result);
}

awaitable<Json> RestApiService::flush_stage_authorizers_cache(RequestContext& context, const Json& in) {
  std::string name = in.value("stageName", "");
  Json document = api_document(context, in.value("restApiId", ""));
  if (!document["stages"].contains(name)) throw errors::stage_not_found();
  ++generation_;  // served stages (and their authorizer caches) are rebuilt
  co_return Json::object();
}

}  // namespace nimbus::apigateway
