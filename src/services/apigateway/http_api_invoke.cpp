// Serving HTTP APIs: the stage (named in the path, or $default), its deployment, CORS preflights,
// the route (http_api_routing.h), its authorization (AWS_IAM, JWT, REQUEST Lambda authorizers
// with simple or IAM-policy responses and result caching), and its integration (AWS_PROXY Lambda
// with payload format 1.0 / 2.0, HTTP_PROXY), with API Gateway's own answers
// ({"message":"Not Found"}, "Unauthorized", "Forbidden", "Internal Server Error").

#include <boost/beast/http.hpp>
#include <variant>

#include "auth/access_policy.h"
#include "core/crypto.h"
#include "core/ids.h"
#include "core/text.h"
#include "outbound/http_client.h"
#include "services/apigateway/ascii.h"
#include "services/apigateway/access_log.h"
#include "services/apigateway/gateway_reply.h"
#include "services/apigateway/http_api_payload.h"
#include "services/apigateway/http_api_routing.h"
#include "services/apigateway/http_api_service.h"
#include "services/apigateway/rest_common.h"
#include "services/apigateway/lambda_integration.h"
#include "services/apigateway/upstream_guard.h"

namespace nimbus::apigateway {
namespace http = boost::beast::http;

namespace {


// "JKJaXmPLvHcESHA=": API Gateway's request ids.
std::string gateway_request_id() { return crypto::base64_encode(crypto::random_bytes(10)); }

// Whether an IAM policy a Lambda authorizer returned allows execute-api:Invoke on `arn`.
bool policy_allows(const Json& policy, const std::string& arn) {
  if (!policy.is_object()) return false;
  Json statements = policy.value("Statement", Json::array());
  if (statements.is_object()) statements = Json::array({statements});
  auto listed = [](const Json& value) { return value.is_array() ? value : Json::array({value}); };
  bool allowed = false;
  for (const auto& statement : statements) {
    if (!statement.is_object()) continue;
    bool action = false;
    for (const auto& a : listed(statement.value("Action", Json()))) {
      action = action || (a.is_string() && auth::wildcard_match(a.get<std::string>(), "execute-api:Invoke", true));
    }
    bool resource = false;
    for (const auto& r : listed(statement.value("Resource", Json()))) {
      resource = resource || (r.is_string() && auth::wildcard_match(r.get<std::string>(), arn));
    }
    if (!action || !resource) continue;
    std::string effect = statement.value("Effect", "");
    if (effect == "Deny") return false;
    if (effect == "Allow") allowed = true;
  }
  return allowed;
}

}  // namespace

// Everything one invoke request needs, and the steps that serve it.
struct HttpApiServe {
  HttpApiService& service;
  ApiInvocation& call;
  const ApiOwner& owner;
  unsigned version = 11;
  RequestView view;
  Json config;  // the stage's deployment: Routes, Integrations, Authorizers, Cors
  Json route;
  std::string stage_path;  // the path after the stage
  Json stage;              // the stage record (route settings, access log settings)
  std::string route_key;   // the route matched ("" when none)

  Reply message(int status, const std::string& text) const {
    Reply reply = gateway_reply(version, status, "", text);
    return reply;
  }

  std::optional<std::string> header(std::string_view name) const {
    auto it = call.head.find(name);
    if (it == call.head.end()) return std::nullopt;
    return std::string(it->value());
  }

  std::string execute_arn(const std::string& tail) const {
    return "arn:aws:execute-api:" + owner.region + ":" + owner.account + ":" + call.api_id + "/" + tail;
  }

  // The route's ARN as authorizer policies name it: <api>/<stage>/<METHOD>/<path without '/'>.
  std::string route_arn() const { return execute_arn(view.stage + "/" + view.method + stage_path); }

  // The value of one identity source ($request.header.X, $request.querystring.X,
  // $stageVariables.X, $context.X), empty when absent.
  std::string identity_value(const std::string& source) const {
    if (source.rfind("$request.header.", 0) == 0) {
      std::string wanted = lower(source.substr(16));
      std::string joined;
      for (const auto& [name, value] : view.headers) {
        if (name == wanted) joined += (joined.empty() ? "" : ",") + value;
      }
      return joined;
    }
    if (source.rfind("$request.querystring.", 0) == 0) {
      std::string wanted = source.substr(21);
      auto params = text::parse_form(view.raw_query);
      std::string joined;
      if (params) {
        for (const auto& [name, value] : *params) {
          if (name == wanted) joined += (joined.empty() ? "" : ",") + value;
        }
      }
      return joined;
    }
    if (source.rfind("$stageVariables.", 0) == 0) {
      std::string name = source.substr(16);
      return view.stage_variables.contains(name) ? view.stage_variables[name].get<std::string>() : "";
    }
    if (source == "$context.requestId") return view.request_id;
    if (source == "$context.routeKey") return view.route_key;
    if (source == "$context.stage") return view.stage;
    if (source == "$context.httpMethod") return view.method;
    return "";
  }

  // JWT: the requestContext.authorizer of the integration's payload, or the refusal.
  awaitable<std::variant<Json, Reply>> authorize_jwt(const Json& authorizer) {
    auto unauthorized = [&](const std::string& why) {
      Reply reply = message(401, "Unauthorized");
      reply.message.set("www-authenticate", "Bearer scope=\"\" error=\"invalid_token\" error_description=\"" + why + "\"");
      return reply;
    };
    Json sources = authorizer.value("IdentitySource", Json::array());
    std::string source = sources.empty() ? "$request.header.Authorization" : sources[0].get<std::string>();
    std::string token = bearer_token(identity_value(source));
    if (token.empty()) co_return message(401, "Unauthorized");
    auto jwt = parse_jwt(token);
    if (!jwt) co_return unauthorized("the token is malformed");
    if (jwt->header.value("alg", "") != "RS256") co_return unauthorized("the token's signing algorithm is not supported");
    Json settings = authorizer.value("JwtConfiguration", Json::object());
    std::string issuer = settings.value("Issuer", "");
    std::vector<std::string> audiences;
    for (const auto& audience : settings.value("Audience", Json::array())) {
      if (audience.is_string()) audiences.push_back(audience.get<std::string>());
    }
    int64_t now = service.clock_.now_ms();
    std::string kid = jwt->header.value("kid", "");
    auto key = co_await service.jwks_.key(issuer, kid, now);
    if (!key) co_return unauthorized("unable to find an appropriate key to verify the token");
    if (!verify_rs256(*key, jwt->signing_input, jwt->signature)) co_return unauthorized("signature is invalid");
    if (auto why = check_claims(jwt->claims, issuer, audiences, now / 1000)) co_return unauthorized(*why);
    auto scopes = token_scopes(jwt->claims);
    Json required = route.value("AuthorizationScopes", Json::array());
    if (!required.empty()) {
      bool found = false;
      for (const auto& wanted : required) {
        for (const auto& scope : scopes) found = found || wanted == scope;
      }
      if (!found) {
        std::string expected;
        for (const auto& wanted : required) expected += (expected.empty() ? "" : " ") + wanted.get<std::string>();
        Reply reply = message(403, "Forbidden");
        reply.message.set("www-authenticate", "Bearer scope=\"" + expected +
                                                  "\" error=\"insufficient_scope\" error_description=\"expected scopes: [" +
                                                  expected + "]\"");
        co_return reply;
      }
    }
    Json jwt_context = {{"claims", claims_as_strings(jwt->claims)},
                        {"scopes", scopes.empty() || required.empty() ? Json(nullptr) : Json(scopes)}};
    co_return Json{{"jwt", jwt_context}};
  }

  // REQUEST Lambda authorizer: the context it returned, or the refusal.
  awaitable<std::variant<Json, Reply>> authorize_lambda(const Json& authorizer) {
    std::string payload_version = authorizer.value("AuthorizerPayloadFormatVersion", "2.0");
    Json sources = authorizer.value("IdentitySource", Json::array());
    std::vector<std::string> identity;
    for (const auto& source : sources) {
      std::string value = source.is_string() ? identity_value(source.get<std::string>()) : "";
      if (value.empty()) co_return message(401, "Unauthorized");
      identity.push_back(value);
    }
    int64_t ttl = authorizer.value("AuthorizerResultTtlInSeconds", int64_t{0});
    std::string cache_key = call.api_id + "/" + authorizer.value("AuthorizerId", "") + "/";
    for (const auto& value : identity) cache_key += value + "\n";
    int64_t now = service.clock_.now_ms();
    std::optional<Json> cached;
    if (ttl > 0 && !identity.empty()) {
      std::lock_guard lock(service.authorizer_cache_mutex_);
      auto it = service.authorizer_cache_.find(cache_key);
      if (it != service.authorizer_cache_.end() && it->second.first > now) cached = it->second.second;
    }
    Json result;  // {"allow": bool, "context": {...}, "principalId": ...}
    if (cached) {
      result = *cached;
    } else {
      auto function = function_of_uri(authorizer.value("AuthorizerUri", ""));
      if (!function) co_return message(500, "Internal Server Error");
      Json event;
      std::string arn = route_arn();
      if (payload_version == "2.0") {
        Json cookies;
        Json headers = headers_v2(view, cookies);
        event = {{"version", "2.0"}, {"type", "REQUEST"}, {"routeArn", arn}, {"identitySource", identity},
                 {"routeKey", view.route_key}, {"rawPath", view.raw_path}, {"rawQueryString", view.raw_query}};
        if (!cookies.empty()) event["cookies"] = cookies;
        event["headers"] = headers;
        Json full = event_v2(view, nullptr);
        if (full.contains("queryStringParameters")) event["queryStringParameters"] = full["queryStringParameters"];
        event["requestContext"] = full["requestContext"];
        if (full.contains("pathParameters")) event["pathParameters"] = full["pathParameters"];
        if (full.contains("stageVariables")) event["stageVariables"] = full["stageVariables"];
      } else {
        std::string joined;
        for (const auto& value : identity) joined += (joined.empty() ? "" : ",") + value;
        event = event_v1(view, nullptr, nullptr);
        event.erase("body");
        event.erase("isBase64Encoded");
        event["type"] = "REQUEST";
        event["methodArn"] = arn;
        event["identitySource"] = joined;
        event["authorizationToken"] = joined;
      }
      LambdaCall request{*function, event.dump(), execute_arn("authorizers/" + authorizer.value("AuthorizerId", "")),
                         !authorizer.value("AuthorizerCredentialsArn", "").empty()};
      auto outcome = co_await call_lambda(service.call_, owner, request);
      if (outcome.kind != LambdaOutcome::Kind::Ok) co_return message(500, "Internal Server Error");
      Json answer = Json::parse(outcome.payload, nullptr, false);
      if (!answer.is_object()) co_return message(500, "Internal Server Error");
      if (payload_version == "2.0" && authorizer.value("EnableSimpleResponses", false)) {
        if (!answer.contains("isAuthorized") || !answer["isAuthorized"].is_boolean()) {
          co_return message(500, "Internal Server Error");
        }
        result = {{"allow", answer["isAuthorized"].get<bool>()}, {"context", answer.value("context", Json::object())}};
      } else {
        if (!answer.contains("policyDocument")) co_return message(500, "Internal Server Error");
        result = {{"allow", policy_allows(answer["policyDocument"], arn)},
                  {"context", answer.value("context", Json::object())},
                  {"principalId", answer.value("principalId", Json())}};
      }
      if (ttl > 0 && !identity.empty()) {
        std::lock_guard lock(service.authorizer_cache_mutex_);
        service.authorizer_cache_[cache_key] = {now + ttl * 1000, result};
      }
    }
    if (!result.value("allow", false)) co_return message(403, "Forbidden");
    Json context = result.value("context", Json::object());
    if (!context.is_object()) context = Json::object();
    if (integration_version() == "1.0") {
      Json flat = context;
      if (result.contains("principalId") && !result["principalId"].is_null()) flat["principalId"] = result["principalId"];
      flat["integrationLatency"] = 0;
      co_return flat;
    }
    co_return Json{{"lambda", context}};
  }

  std::string integration_version() const {
    std::string target = route.value("Target", "");
    if (target.rfind("integrations/", 0) != 0) return "2.0";
    std::string id = target.substr(13);
    return config["Integrations"].contains(id) ? config["Integrations"][id].value("PayloadFormatVersion", "1.0") : "2.0";
  }

  Reply mapped(const MappedResponse& response) const {
    Reply reply;
    reply.message = HttpResponse{static_cast<http::status>(response.status), version};
    // Repeated names (multiValueHeaders, cookies) stay separate header lines.
    for (const auto& [name, value] : response.headers) reply.message.insert(name, value);
    reply.message.body() = response.body;
    return reply;
  }

  awaitable<Reply> lambda_proxy(const Json& integration, const Json& authorizer, const Json& identity) {
    auto function = function_of_uri(integration.value("IntegrationUri", ""));
    if (!function) co_return message(500, "Internal Server Error");
    bool v2 = integration.value("PayloadFormatVersion", "1.0") == "2.0";
    Json event = v2 ? event_v2(view, authorizer) : event_v1(view, authorizer, identity);
    std::string resource = view.route_key == "$default" ? "$default" : view.route_key.substr(view.route_key.find(' ') + 1);
    std::string source = view.route_key == "$default" ? view.stage + "/$default"
                                                      : view.stage + "/" + view.method + resource;
    LambdaCall request{*function, event.dump(), execute_arn(source), !integration.value("CredentialsArn", "").empty(),
                       integration.value("TimeoutInMillis", int64_t{30000})};
    auto outcome = co_await call_lambda(service.call_, owner, request);
    // Slower than the integration's timeout: API Gateway stops waiting (the function runs on).
    if (outcome.kind == LambdaOutcome::Kind::TimedOut) co_return message(504, "Service Unavailable");
    if (outcome.kind != LambdaOutcome::Kind::Ok) co_return message(500, "Internal Server Error");
    auto response = v2 ? response_v2(outcome.payload) : response_v1(outcome.payload);
    if (!response) co_return message(500, "Internal Server Error");
    co_return mapped(*response);
  }

  awaitable<Reply> http_proxy(const Json& integration, const RouteMatch& match) {
    std::string url = integration.value("IntegrationUri", "");
    for (const auto& [name, value] : match.path_parameters) {
      std::string encoded = text::percent_encode(value, true);
      for (const std::string& marker : {"{" + name + "+}", "{" + name + "}"}) {
        for (auto at = url.find(marker); at != std::string::npos; at = url.find(marker, at + encoded.size())) {
          url.replace(at, marker.size(), encoded);
        }
      }
    }
    if (!view.raw_query.empty()) url += (url.find('?') == std::string::npos ? "?" : "&") + view.raw_query;
    outbound::HttpRequest request;
    std::string method = integration.value("IntegrationMethod", "ANY");
    request.method = method == "ANY" ? view.method : method;
    request.url = url;
    request.body = call.body;
    request.timeout = std::chrono::milliseconds(integration.value("TimeoutInMillis", 30000));
    for (const auto& field : call.head) {
      std::string name = lower(field.name_string());
      if (name == "host" || name == "connection" || name == "content-length" || name == "transfer-encoding" ||
          name == "expect" || (name == "authorization" && route.value("AuthorizationType", "NONE") == "AWS_IAM")) {
        continue;
      }
      request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    request.headers.emplace_back("X-Forwarded-For", view.source_ip);
    request.headers.emplace_back("X-Forwarded-Proto", "http");
    // Retries, backoff and the upstream's circuit breaker within TimeoutInMillis (upstream_guard.h).
    auto pending = guarded_fetch(UpstreamGuard::shared(), UpstreamCaller::HttpApi, std::move(request));
    GuardedResponse answered = co_await std::move(pending);
    if (answered.circuit_open) {
      Reply refused = message(503, "Service Unavailable");
      refused.message.set("x-nimbus-circuit", "open");
      co_return refused;
    }
    std::optional<outbound::HttpResponse>& response = answered.response;
    bool timed_out = answered.failure == outbound::HttpError::Kind::Timeout;
    if (!response) co_return message(timed_out ? 504 : 500, timed_out ? "Service Unavailable" : "Internal Server Error");
    Reply reply;
    reply.message = HttpResponse{static_cast<http::status>(response->status), version};
    for (const auto& [name, value] : response->headers) {
      std::string key = lower(name);
      if (key == "connection" || key == "transfer-encoding" || key == "content-length" || key == "keep-alive") continue;
      reply.message.insert(name, value);
    }
    reply.message.body() = std::move(response->body);
    co_return reply;
  }

  std::optional<Reply> preflight() const {
    const Json& cors = config["Cors"];
    if (!cors.is_object() || view.method != "OPTIONS") return std::nullopt;
    auto origin = header("Origin");
    auto wanted_method = header("Access-Control-Request-Method");
    if (!origin || !wanted_method) return std::nullopt;
    Reply reply;
    reply.message = HttpResponse{http::status::no_content, version};
    if (!origin_allowed(*origin)) return reply;
    auto join = [](const Json& list) {
      std::string out;
      for (const auto& item : list) {
        if (item.is_string()) out += (out.empty() ? "" : ",") + item.get<std::string>();
      }
      return out;
    };
    set_origin_headers(reply, *origin);
    Json methods = cors.value("AllowMethods", Json::array());
    if (!methods.empty()) reply.message.set("access-control-allow-methods", join(methods));
    Json headers = cors.value("AllowHeaders", Json::array());
    if (!headers.empty()) {
      bool any = false;
      for (const auto& h : headers) any = any || h == "*";
      auto requested = header("Access-Control-Request-Headers");
      reply.message.set("access-control-allow-headers", any && requested ? lower(*requested) : lower(join(headers)));
    }
    if (cors.contains("MaxAge") && cors["MaxAge"].is_number_integer() && cors["MaxAge"].get<int64_t>() > 0) {
      reply.message.set("access-control-max-age", std::to_string(cors["MaxAge"].get<int64_t>()));
    }
    return reply;
  }

  bool origin_allowed(const std::string& origin) const {
    for (const auto& allowed : config["Cors"].value("AllowOrigins", Json::array())) {
      if (allowed == "*" || (allowed.is_string() && lower(allowed.get<std::string>()) == lower(origin))) return true;
    }
    return false;
  }

  void set_origin_headers(Reply& reply, const std::string& origin) const {
    const Json& cors = config["Cors"];
    bool any = false;
    for (const auto& allowed : cors.value("AllowOrigins", Json::array())) any = any || allowed == "*";
    bool credentials = cors.value("AllowCredentials", false);
    reply.message.set("access-control-allow-origin", any && !credentials ? "*" : origin);
    if (credentials) reply.message.set("access-control-allow-credentials", "true");
  }

  // CORS headers on an actual response (the integration's own CORS headers give way).
  void cors_response(Reply& reply) const {
    const Json& cors = config["Cors"];
    if (!cors.is_object()) return;
    auto origin = header("Origin");
    if (!origin || !origin_allowed(*origin)) return;
    for (const char* name : {"access-control-allow-origin", "access-control-allow-credentials",
                             "access-control-expose-headers", "access-control-allow-methods",
                             "access-control-allow-headers", "access-control-max-age"}) {
      reply.message.erase(name);
    }
    set_origin_headers(reply, *origin);
    Json expose = cors.value("ExposeHeaders", Json::array());
    if (!expose.empty()) {
      std::string out;
      for (const auto& item : expose) {
        if (item.is_string()) out += (out.empty() ? "" : ",") + item.get<std::string>();
      }
      reply.message.set("access-control-expose-headers", out);
    }
  }

  awaitable<Reply> run() {
    auto record = service.served_record(owner, call.api_id);
    if (!record || member_object(*record, "Api").value("ProtocolType", "") != "HTTP") co_return message(404, "Not Found");
    if (member_object(*record, "Api").value("DisableExecuteApiEndpoint", false)) co_return message(403, "Forbidden");
    const Json& stages = member_object(*record, "Stages");
    std::string stage_name;
    if (call.stage) {
      stage_name = *call.stage;
      stage_path = call.path;
    } else {
      std::string_view path = call.path;
      auto rest = path.substr(1);
      auto first = rest.substr(0, rest.find('/'));
      std::string decoded_first = text::percent_decode(first, false).value_or(std::string(first));
      if (!first.empty() && decoded_first != "$default" && stages.contains(decoded_first)) {
        stage_name = decoded_first;
        auto after = rest.substr(first.size());
        stage_path = after.empty() ? "/" : std::string(after);
      } else {
        stage_name = "$default";
        stage_path = call.path;
      }
    }
    if (stage_path.empty()) stage_path = "/";
    if (!stages.contains(stage_name)) co_return message(404, "Not Found");
    stage = stages[stage_name];
    std::string deployment = stage.value("DeploymentId", "");
    if (deployment.empty() || !member_object(*record, "Deployments").contains(deployment)) co_return message(404, "Not Found");
    config = member_object(*record, "Deployments")[deployment]["Config"];

    view.method = std::string(call.head.method_string());
    view.raw_path = stage_name == "$default" ? stage_path : "/" + stage_name + (stage_path == "/" ? "" : stage_path);
    if (stage_name != "$default" && stage_path == "/") view.raw_path = "/" + stage_name + "/";
    view.raw_query = call.raw_query;
    for (const auto& field : call.head) view.headers.emplace_back(lower(field.name_string()), std::string(field.value()));
    std::string source_ip = call.context.source_ip.empty() ? "127.0.0.1" : call.context.source_ip;
    view.headers.emplace_back("x-forwarded-for", source_ip);
    view.headers.emplace_back("x-forwarded-proto", "http");
    view.body = call.body;
    view.content_type = header("Content-Type").value_or("");
    view.http_version = version;
    view.source_ip = source_ip;
    view.user_agent = header("User-Agent").value_or("");
    view.account_id = owner.account;
    view.api_id = call.api_id;
    view.domain = call.domain;
    view.stage = stage_name;
    view.now_ms = service.clock_.now_ms();
    view.stage_variables = stage.value("StageVariables", Json::object());

    if (auto answer = preflight()) co_return std::move(*answer);

    std::vector<RouteCandidate> candidates;
    for (const auto& candidate : config["Routes"]) {
      candidates.push_back({candidate.value("RouteId", ""), candidate.value("RouteKey", "")});
    }
    auto match = match_route(candidates, view.method, stage_path);
    if (!match) co_return message(404, "Not Found");
    route = config["Routes"][match->id];
    view.route_key = match->key;
    route_key = match->key;
    view.path_parameters = match->path_parameters;
    // Route throttling: the route's own settings, else the stage's defaults.
    const Json& route_settings = member_object(member_object(stage, "RouteSettings"), match->key.c_str());
    const Json& limits = route_settings.contains("ThrottlingRateLimit") || route_settings.contains("ThrottlingBurstLimit")
                             ? route_settings
                             : member_object(stage, "DefaultRouteSettings");
    if ((limits.contains("ThrottlingRateLimit") || limits.contains("ThrottlingBurstLimit")) &&
        !service.throttle_.admit(call.api_id + "/" + view.stage + "/" + match->key,
                                 limits.value("ThrottlingRateLimit", 10000.0),
                                 limits.value("ThrottlingBurstLimit", int64_t{5000}))) {
      co_return message(429, "Too Many Requests");
    }

    Json authorizer;  // requestContext.authorizer
    Json identity;    // 1.0 requestContext.identity
    std::string type = route.value("AuthorizationType", "NONE");
    if (type == "AWS_IAM") {
      auto checked = service.iam_.check(call, service.clock_.now_ms());
      if (!checked.first) {
        if (checked.second.response_type == "MISSING_AUTHENTICATION_TOKEN") co_return message(403, "Forbidden");
        co_return message(403, checked.second.message);
      }
      const IamCaller& caller = *checked.first;
      authorizer = {{"iam", {{"accessKey", caller.access_key},
                             {"accountId", caller.account_id},
                             {"callerId", caller.account_id},
                             {"cognitoIdentity", nullptr},
                             {"principalOrgId", nullptr},
                             {"userArn", caller.user_arn},
                             {"userId", caller.account_id}}}};
      identity = {{"accessKey", caller.access_key},
                  {"accountId", caller.account_id},
                  {"caller", caller.account_id},
                  {"user", caller.account_id},
                  {"userArn", caller.user_arn}};
    } else if (type == "JWT" || type == "CUSTOM") {
      std::string id = route.value("AuthorizerId", "");
      if (!config["Authorizers"].contains(id)) co_return message(500, "Internal Server Error");
      Json settings = config["Authorizers"][id];
      std::variant<Json, Reply> outcome;
      if (type == "JWT") {
        auto checked = co_await authorize_jwt(settings);
        outcome = std::move(checked);
      } else {
        auto checked = co_await authorize_lambda(settings);
        outcome = std::move(checked);
      }
      if (std::holds_alternative<Reply>(outcome)) co_return std::move(std::get<Reply>(outcome));
      authorizer = std::get<Json>(outcome);
    }

    std::string target = route.value("Target", "");
    std::string integration_id = target.rfind("integrations/", 0) == 0 ? target.substr(13) : "";
    if (integration_id.empty() || !config["Integrations"].contains(integration_id)) {
      co_return message(500, "Internal Server Error");
    }
    Json integration = config["Integrations"][integration_id];
    std::string kind = integration.value("IntegrationType", "");
    Reply reply;
    if (kind == "AWS_PROXY") {
      auto answered = co_await lambda_proxy(integration, authorizer, identity);
      reply = std::move(answered);
    } else if (kind == "HTTP_PROXY") {
      auto answered = co_await http_proxy(integration, *match);
      reply = std::move(answered);
    } else {
      reply = message(500, "Internal Server Error");
    }
    cors_response(reply);
    co_return reply;
  }
};

awaitable<Reply> HttpApiService::serve(ApiInvocation& call, const ApiOwner& owner) {
  ++invocations_;
  HttpApiServe serving{*this, call, owner};
  serving.version = call.head.version();
  serving.view.request_id = gateway_request_id();
  std::string request_id = serving.view.request_id;
  auto answered = co_await serving.run();
  Reply reply = std::move(answered);
  reply.message.set("apigw-requestid", request_id);
  reply.message.set("x-amzn-RequestId", call.context.request_id.empty() ? ids::uuid4() : call.context.request_id);
  const Json& access = member_object(serving.stage, "AccessLogSettings");
  if (access.contains("DestinationArn")) {
    int64_t now = clock_.wall_ms();
    Json context = {{"requestId", request_id},
                    {"extendedRequestId", request_id},
                    {"apiId", call.api_id},
                    {"accountId", owner.account},
                    {"domainName", call.domain},
                    {"domainPrefix", call.domain.substr(0, call.domain.find('.'))},
                    {"httpMethod", std::string(call.head.method_string())},
                    {"path", call.path},
                    {"protocol", serving.version == 10 ? "HTTP/1.0" : "HTTP/1.1"},
                    {"routeKey", serving.route_key.empty() ? "-" : serving.route_key},
                    {"stage", serving.view.stage},
                    {"status", reply.message.result_int()},
                    {"responseLength", reply.message.body().size()},
                    {"requestTimeEpoch", now},
                    {"identity", {{"sourceIp", serving.view.source_ip}, {"userAgent", serving.view.user_agent}}}};
    co_await log_access_line(call_, owner, access.value("DestinationArn", ""), access.value("Format", ""),
                             call.api_id + "_" + serving.view.stage, context, now);
  }
  co_return reply;
}

}  // namespace nimbus::apigateway
