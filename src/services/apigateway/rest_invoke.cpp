// Serving a REST API's stage: find what the stage's deployment serves, match the resource and
// method, authorize (AWS_IAM, Lambda authorizers, Cognito, API keys), run the integration, and
// answer API Gateway's own errors through the API's gateway responses.

#include <boost/beast/http.hpp>
#include <ctime>

#include "core/ids.h"
#include "core/text.h"
#include "services/apigateway/ascii.h"
#include "services/apigateway/gateway_reply.h"
#include "services/apigateway/gateway_responses.h"
#include "services/apigateway/json_schema.h"
#include "services/apigateway/rest_api_service.h"
#include "services/apigateway/rest_common.h"
#include "services/apigateway/rest_serving.h"
#include "services/apigateway/vtl/vtl.h"

namespace nimbus::apigateway {
namespace http = boost::beast::http;
namespace {


// "09/Apr/2015:12:34:56 +0000"
std::string request_time(int64_t ms) {
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t seconds = ms / 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char out[64];
  std::snprintf(out, sizeof out, "%02d/%s/%04d:%02d:%02d:%02d +0000", tm.tm_mday, months[tm.tm_mon],
                tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return out;
}

}  // namespace

std::string header_value(const RestRequest& request, std::string_view name) {
  std::string wanted = lower(name);
  std::string value;
  for (const auto& [header, content] : request.headers) {
    if (lower(header) == wanted) value = content;
  }
  return value;
}

Reply render_gateway_error(const Json& gateway_responses, const GatewayError& error, unsigned http_version,
                           const std::string& request_id) {
  Json response = gateway_response(gateway_responses, error.type);
  const auto* known = find_gateway_response_type(error.type);
  int status = known && known->status ? *known->status : 500;
  if (response.contains("statusCode")) {
    try {
      status = std::stoi(response["statusCode"].get<std::string>());
    } catch (const std::exception&) {
    }
  }
  bool own_status = !response.value("defaultResponse", true) && response.contains("statusCode");
  if (error.status != 0 && !own_status) status = error.status;
  std::string body_template = response.value("responseTemplates", Json::object())
                                  .value("application/json", "{\"message\":$context.error.messageString}");
  vtl::Inputs inputs;
  inputs.quiet_undefined = true;
  inputs.context = {{"error", {{"message", error.message},
                               {"messageString", Json(error.message).dump()},
                               {"responseType", error.type},
                               {"validationErrorString", error.validation_errors}}},
                    {"requestId", request_id}};
  std::string body;
  try {
    body = vtl::render(body_template, inputs);
  } catch (const vtl::TemplateError&) {
    body = Json{{"message", error.message}}.dump();
  }
  Reply reply = gateway_reply(http_version, status, known ? std::string(known->error_type) : "", "");
  reply.message.body() = body;
  reply.message.set("x-amzn-RequestId", request_id);
  for (const auto& [name, value] : error.headers) reply.message.set(name, value);
  for (const auto& [name, value] : member_object(response, "responseParameters").items()) {
    // "gatewayresponse.header.<name>": "'literal'"
    static constexpr std::string_view kPrefix = "gatewayresponse.header.";
    std::string text = value.is_string() ? value.get<std::string>() : "";
    if (name.rfind(kPrefix, 0) == 0 && text.size() >= 2 && text.front() == '\'' && text.back() == '\'') {
      reply.message.set(name.substr(kPrefix.size()), text.substr(1, text.size() - 2));
    }
  }
  return reply;
}

std::shared_ptr<const ServedStage> RestApiService::served_stage(const ApiOwner& owner, const std::string& api_id,
                                                                const std::string& stage_name) {
  std::string key = api_id + "/" + stage_name;
  uint64_t generation = generation_.load();
  {
    std::lock_guard lock(served_mutex_);
    auto found = served_.find(key);
    if (found != served_.end() && found->second->generation == generation) return found->second;
  }
  auto record = apis_.get(scope(owner.account, owner.region) + api_id);
  if (!record || !(*record)["stages"].contains(stage_name)) return nullptr;
  auto served = std::make_shared<ServedStage>();
  served->generation = generation;
  served->api_id = api_id;
  served->stage_name = stage_name;
  served->stage = (*record)["stages"][stage_name];
  served->deployment_id = served->stage.value("deploymentId", "");
  served->snapshot = (*record)["deployments"].value(served->deployment_id, Json::object()).value("snapshot", Json::object());
  for (const char* part : {"api", "resources", "authorizers", "gatewayResponses"}) {
    if (!served->snapshot.contains(part)) served->snapshot[part] = Json::object();
  }
  std::vector<RouteCandidate> candidates;
  for (const auto& [id, resource] : member_object(served->snapshot, "resources").items()) {
    for (const auto& [method, _] : member_object(resource, "resourceMethods").items()) {
      candidates.push_back({id + " " + method, method + " " + resource.value("path", "/")});
    }
  }
  served->routes = compile_routes(candidates);
  std::lock_guard lock(served_mutex_);
  served_[key] = served;
  return served;
}

namespace {

// The method's request validator: required parameters present; the body valid against the
// method's model for its content type.
void validate_request(const ServedStage& served, const Json& method, const RestRequest& request,
                      const std::string& body) {
  std::string validator_id = method.value("requestValidatorId", "");
  if (validator_id.empty()) return;
  const Json& validator = member_object(member_object(served.snapshot, "requestValidators"), validator_id.c_str());
  if (validator.value("validateRequestParameters", false)) {
    std::vector<std::string> missing;
    for (const auto& [name, required] : member_object(method, "requestParameters").items()) {
      if (!required.is_boolean() || !required.get<bool>()) continue;
      // "method.request.<path|querystring|header>.<name>"
      std::string rest = name.substr(std::min(name.size(), std::string_view("method.request.").size()));
      auto dot = rest.find('.');
      std::string location = rest.substr(0, dot);
      std::string parameter = dot == std::string::npos ? "" : rest.substr(dot + 1);
      bool present = false;
      if (location == "path") {
        auto found = request.path_parameters.find(parameter);
        present = found != request.path_parameters.end() && !found->second.empty();
      } else if (location == "querystring") {
        for (const auto& [key, _] : request.query) present = present || key == parameter;
      } else if (location == "header") {
        present = !header_value(request, parameter).empty();
      }
      if (!present) missing.push_back(parameter);
    }
    if (!missing.empty()) {
      std::string list;
      for (const auto& parameter : missing) list += (list.empty() ? "" : ", ") + parameter;
      throw GatewayError("BAD_REQUEST_PARAMETERS", "Missing required request parameters: [" + list + "]");
    }
  }
  if (!validator.value("validateRequestBody", false)) return;
  // The model for the request's content type (application/json when it names none).
  const Json& request_models = member_object(method, "requestModels");
  std::string type = lower(header_value(request, "content-type"));
  type = type.substr(0, type.find(';'));
  if (type.empty()) type = "application/json";
  std::string model_name;
  for (const auto& [content_type, name] : request_models.items()) {
    if (lower(content_type) == type && name.is_string()) model_name = name.get<std::string>();
  }
  const Json& models = member_object(served.snapshot, "models");
  if (model_name.empty() || !models.contains(model_name)) return;
  auto schema_of = [&](const std::string& name) -> std::optional<Json> {
    if (!models.contains(name)) return std::nullopt;
    Json schema = Json::parse(models[name].value("schema", "{}"), nullptr, false);
    if (schema.is_discarded()) return std::nullopt;
    return schema;
  };
  auto schema = schema_of(model_name);
  if (!schema) return;
  Json value = Json::parse(body.empty() ? std::string_view("{}") : std::string_view(body), nullptr, false);
  if (value.is_discarded()) throw GatewayError("BAD_REQUEST_BODY", "Invalid request body");
  // Other models are named by URL: https://apigateway.amazonaws.com/restapis/<id>/models/<name>.
  ModelLookup other_models = [&](const std::string& ref) { return schema_of(ref.substr(ref.rfind('/') + 1)); };
  if (auto why = schema_violation(*schema, value, other_models)) {
    // As AWS writes it: a list whose quotes are escaped, so a template can put it inside a JSON string.
    std::string escaped = Json(*why).dump();
    throw GatewayError("BAD_REQUEST_BODY", "Invalid request body", "[" + escaped.substr(1, escaped.size() - 2) + "]");
  }
}

}  // namespace

void RestApiService::apply_limits(const ServedStage& served, const std::string& resource_path,
                                  const std::string& method, const std::optional<PlanKey>& plan_key) {
  // Stage and method settings: "~1users~1{id}/GET" (the resource path with '/' as ~1), else "*/*".
  std::string escaped;
  for (char c : resource_path) escaped += c == '/' ? std::string("~1") : std::string(1, c);
  const Json& settings = member_object(served.stage, "methodSettings");
  std::string method_key = escaped + "/" + method;
  const char* chosen = settings.contains(method_key) ? method_key.c_str() : settings.contains("*/*") ? "*/*" : nullptr;
  std::string prefix = served.api_id + "/" + served.stage_name + "/";
  if (chosen) {
    const Json& setting = settings[chosen];
    if (setting.contains("throttlingRateLimit") &&
        !throttle_.admit(prefix + chosen, setting.value("throttlingRateLimit", 10000.0),
                         setting.value("throttlingBurstLimit", int64_t{5000}))) {
      throw GatewayError("THROTTLED", "Too Many Requests");
    }
  }
  if (!plan_key) return;
  const Json& plan = plan_key->plan;
  std::string key = plan.value("id", "") + "/" + plan_key->key_id;
  if (plan.contains("throttle") &&
      !throttle_.admit("plan/" + key, plan["throttle"].value("rateLimit", 10000.0),
                       plan["throttle"].value("burstLimit", int64_t{5000}))) {
    throw GatewayError("THROTTLED", "Too Many Requests");
  }
  for (const auto& api_stage : plan.value("apiStages", Json::array())) {
    if (api_stage.value("apiId", "") != served.api_id || api_stage.value("stage", "") != served.stage_name) continue;
    // Per-method limits of the plan: "/users/{id}/GET".
    const Json& per_method = member_object(api_stage, "throttle");
    std::string path_key = resource_path + "/" + method;
    if (per_method.contains(path_key) &&
        !throttle_.admit("plan/" + key + path_key, per_method[path_key].value("rateLimit", 10000.0),
                         per_method[path_key].value("burstLimit", int64_t{5000}))) {
      throw GatewayError("THROTTLED", "Too Many Requests");
    }
  }
  if (plan.contains("quota") &&
      !throttle_.within_quota("quota/" + key, plan["quota"].value("limit", int64_t{0}),
                              plan["quota"].value("period", "DAY"), clock_.wall_ms())) {
    throw GatewayError("QUOTA_EXCEEDED", "Limit Exceeded");
  }
}

awaitable<Reply> RestApiService::serve(ApiInvocation& call, const ApiOwner& owner) {
  ++invocations_;
  unsigned version = call.head.version();
  std::string request_id = call.context.request_id.empty() ? ids::uuid4() : call.context.request_id;
  std::string stage_name;
  std::string path = call.path;
  if (call.stage) {
    stage_name = *call.stage;
  } else {
    // Host form: the first segment is the stage.
    auto rest = std::string_view(path).substr(1);
    auto slash = rest.find('/');
    stage_name = std::string(rest.substr(0, slash));
    path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  }
  auto served = served_stage(owner, call.api_id, stage_name);
  if (!served || served->snapshot.value("api", Json::object()).value("disableExecuteApiEndpoint", false)) {
    Reply forbidden = gateway_reply(version, 403, "ForbiddenException", "Forbidden");
    forbidden.message.set("x-amzn-RequestId", request_id);
    co_return forbidden;
  }
  const Json& gateway_responses = served->snapshot["gatewayResponses"];
  std::string method_name(call.head.method_string());
  auto match = match_route(served->routes, method_name, path);
  if (!match) {
    GatewayError missing("MISSING_AUTHENTICATION_TOKEN", "Missing Authentication Token");
    Reply reply = render_gateway_error(gateway_responses, missing, version, request_id);
    Json context = {{"requestId", request_id}, {"httpMethod", method_name}, {"path", path}, {"stage", stage_name},
                    {"apiId", call.api_id}, {"accountId", owner.account}};
    co_await log_access(*served, owner, context, reply, &missing);
    co_return reply;
  }
  std::string resource_id = match->id.substr(0, match->id.find(' '));
  std::string route_method = match->id.substr(match->id.find(' ') + 1);
  const Json& resource = served->snapshot["resources"][resource_id];
  const Json& method = resource["resourceMethods"][route_method];

  RestRequest request;
  request.method = method_name;
  request.resource_id = resource_id;
  request.resource_path = resource.value("path", "/");
  request.path = text::percent_decode(path, false).value_or(path);
  request.path_parameters = match->path_parameters;
  for (const auto& field : call.head) request.headers.emplace_back(field.name_string(), field.value());
  if (auto params = text::parse_form(call.raw_query)) request.query = *params;
  std::string content_type = header_value(request, "content-type");
  for (const auto& type : served->snapshot["api"].value("binaryMediaTypes", Json::array())) {
    std::string media = type.get<std::string>();
    std::string base = lower(content_type.substr(0, content_type.find(';')));
    if (media == "*/*" || lower(media) == base ||
        (media.ends_with("/*") && base.rfind(lower(media.substr(0, media.size() - 1)), 0) == 0)) {
      request.body_is_binary = true;
    }
  }
  request.method_arn = "arn:aws:execute-api:" + owner.region + ":" + owner.account + ":" + call.api_id + "/" +
                       stage_name + "/" + method_name + request.path;
  int64_t now = clock_.wall_ms();
  std::string user_agent = header_value(request, "user-agent");
  request.request_context = {
      {"resourceId", resource_id},
      {"resourcePath", request.resource_path},
      {"httpMethod", method_name},
      {"extendedRequestId", random_id(16)},
      {"requestTime", request_time(now)},
      {"path", call.stage ? "/restapis/" + call.api_id + "/" + stage_name + "/_user_request_" + path
                          : "/" + stage_name + path},
      {"accountId", owner.account},
      {"protocol", version == 10 ? "HTTP/1.0" : "HTTP/1.1"},
      {"stage", stage_name},
      {"domainPrefix", call.domain.substr(0, call.domain.find('.'))},
      {"requestTimeEpoch", now},
      {"requestId", request_id},
      {"identity", {{"cognitoIdentityPoolId", nullptr}, {"accountId", nullptr}, {"cognitoIdentityId", nullptr},
                    {"caller", nullptr}, {"sourceIp", call.context.source_ip.empty() ? "127.0.0.1" : call.context.source_ip},
                    {"principalOrgId", nullptr}, {"accessKey", nullptr}, {"cognitoAuthenticationType", nullptr},
                    {"cognitoAuthenticationProvider", nullptr}, {"userArn", nullptr}, {"userAgent", user_agent},
                    {"user", nullptr}}},
      {"domainName", call.domain},
      {"deploymentId", served->deployment_id},
      {"apiId", call.api_id}};

  ServeDeps deps{call_, owner, version, request_id};
  Reply reply;
  std::optional<GatewayError> failure;
  try {
    std::string authorization = method.value("authorizationType", "NONE");
    std::string usage_key;
    std::optional<PlanKey> plan_key;
    if (authorization == "AWS_IAM") {
      auto checked = iam_.check(call, now);
      if (!checked.first) throw GatewayError(checked.second.response_type, checked.second.message);
      auto& identity = request.request_context["identity"];
      identity["accessKey"] = checked.first->access_key;
      identity["accountId"] = checked.first->account_id;
      identity["caller"] = checked.first->account_id;
      identity["user"] = checked.first->account_id;
      identity["userArn"] = checked.first->user_arn;
    } else if (authorization == "CUSTOM" || authorization == "COGNITO_USER_POOLS") {
      const Json authorizer = served->snapshot["authorizers"].value(method.value("authorizerId", ""), Json::object());
      auto authorized = authorize(deps, *served, authorizer, request);
      usage_key = co_await std::move(authorized);
    }
    if (method.value("apiKeyRequired", false)) {
      bool from_authorizer = served->snapshot["api"].value("apiKeySource", "HEADER") == "AUTHORIZER";
      std::string key = from_authorizer ? usage_key : header_value(request, "x-api-key");
      plan_key = plan_admitting(owner, call.api_id, stage_name, key);
      if (!plan_key) throw GatewayError("INVALID_API_KEY", "Forbidden");
      request.request_context["identity"]["apiKey"] = key;
      request.request_context["identity"]["apiKeyId"] = plan_key->key_id;
    }
    apply_limits(*served, request.resource_path, route_method, plan_key);
    validate_request(*served, method, request, call.body);
    request.body = std::move(call.body);  // after AWS_IAM's check, which hashes it
    auto running = run_integration(deps, *served, method, request);
    reply = co_await std::move(running);
    reply.message.set("x-amzn-RequestId", request_id);
    reply.message.set("x-amz-apigw-id", request.request_context["extendedRequestId"].get<std::string>());
  } catch (const GatewayError& error) {
    failure = error;
  }
  if (failure) reply = render_gateway_error(gateway_responses, *failure, version, request_id);
  co_await log_access(*served, owner, request.request_context, reply, failure ? &*failure : nullptr);
  co_return reply;
}

}  // namespace nimbus::apigateway
