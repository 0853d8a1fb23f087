// Lambda authorizers (TOKEN and REQUEST) and Cognito user pool authorizers of REST APIs.
// A Lambda authorizer answers a policy (principalId, policyDocument, context, usageIdentifierKey);
// it is cached for authorizerResultTtlInSeconds by identity, and evaluated against each
// request's method ARN (execute-api:Invoke, wildcards * and ?, an explicit Deny wins).


#include "auth/access_policy.h"
#include "core/crypto.h"
#include "services/apigateway/rest_common.h"
#include "services/apigateway/lambda_integration.h"
#include "services/apigateway/rest_serving.h"

namespace nimbus::apigateway {
namespace {

std::vector<std::string> as_list(const Json& value) {
  std::vector<std::string> out;
  if (value.is_string()) out.push_back(value.get<std::string>());
  if (value.is_array()) {
    for (const auto& item : value) {
      if (item.is_string()) out.push_back(item.get<std::string>());
    }
  }
  return out;
}

enum class Verdict { Allow, Deny, NoMatch };

Verdict evaluate(const Json& policy_document, const std::string& method_arn) {
  bool allowed = false;
  Json statements = policy_document.value("Statement", Json::array());
  if (statements.is_object()) statements = Json::array({statements});
  for (const auto& statement : statements) {
    if (!statement.is_object()) continue;
    bool action = false;
    for (const auto& name : as_list(statement.value("Action", Json()))) {
      action = action || auth::wildcard_match(name, "execute-api:Invoke", true);
    }
    bool resource = false;
    for (const auto& arn : as_list(statement.value("Resource", Json()))) resource = resource || auth::wildcard_match(arn, method_arn);
    if (!action || !resource) continue;
    std::string effect = statement.value("Effect", "");
    if (effect == "Deny") return Verdict::Deny;
    if (effect == "Allow") allowed = true;
  }
  return allowed ? Verdict::Allow : Verdict::NoMatch;
}

// The value one identity source names ("method.request.header.X", "method.request.querystring.y",
// "stageVariables.z", "context.w"); "" when absent.
std::string identity_value(const std::string& source, const RestRequest& request, const ServedStage& served) {
  auto after = [&](std::string_view prefix) -> std::optional<std::string> {
    if (source.rfind(prefix, 0) == 0) return source.substr(prefix.size());
    return std::nullopt;
  };
  if (auto name = after("method.request.header.")) return header_value(request, *name);
  if (auto name = after("method.request.querystring.")) {
    for (const auto& [key, value] : request.query) {
      if (key == *name) return value;
    }
    return "";
  }
  if (auto name = after("stageVariables.")) {
    const Json& variables = member_object(served.stage, "variables");
    return variables.contains(*name) && variables[*name].is_string() ? variables[*name].get<std::string>() : "";
  }
  if (auto name = after("context.")) {
    const Json& context = request.request_context;
    return context.contains(*name) && context[*name].is_string() ? context[*name].get<std::string>() : "";
  }
  return "";
}

std::vector<std::string> identity_sources(const Json& authorizer) {
  std::vector<std::string> sources;
  std::string text = authorizer.value("identitySource", "");
  size_t start = 0;
  while (start < text.size()) {
    auto comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string source = text.substr(start, comma - start);
    while (!source.empty() && source.front() == ' ') source.erase(0, 1);
    while (!source.empty() && source.back() == ' ') source.pop_back();
    if (!source.empty()) sources.push_back(source);
    start = comma + 1;
  }
  return sources;
}

// The authorizer's context values become strings, numbers or booleans; objects are refused.
Json authorizer_context(const Json& answer) {
  Json context = Json::object();
  for (const auto& [key, value] : member_object(answer, "context").items()) {
    if (value.is_object() || value.is_array()) throw GatewayError("AUTHORIZER_CONFIGURATION_ERROR", "null");
    context[key] = value.is_string() || value.is_number() || value.is_boolean() ? value : Json(value.dump());
  }
  context["principalId"] = answer.value("principalId", "");
  return context;
}

// Cognito: a well-formed, unexpired JWT whose issuer is one of the authorizer's user pools.
// nimbus has no Cognito to hold the pools' keys, so the signature is not checked.
std::string authorize_cognito(const Json& authorizer, RestRequest& request) {
  std::string header = "Authorization";
  std::string source = authorizer.value("identitySource", "method.request.header.Authorization");
  if (source.rfind("method.request.header.", 0) == 0) header = source.substr(22);
  std::string token = header_value(request, header);
  if (token.rfind("Bearer ", 0) == 0) token = token.substr(7);
  auto first = token.find('.');
  auto second = first == std::string::npos ? std::string::npos : token.find('.', first + 1);
  if (token.empty() || second == std::string::npos) throw GatewayError("UNAUTHORIZED", "Unauthorized");
  std::string payload = token.substr(first + 1, second - first - 1);
  for (auto& c : payload) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (payload.size() % 4) payload += '=';
  auto decoded = crypto::base64_decode(payload);
  Json claims = decoded ? Json::parse(*decoded, nullptr, false) : Json();
  if (!claims.is_object()) throw GatewayError("UNAUTHORIZED", "Unauthorized");
  std::string issuer = claims.value("iss", "");
  bool known_pool = false;
  for (const auto& arn : authorizer.value("providerARNs", Json::array())) {
    std::string pool = arn.get<std::string>().substr(arn.get<std::string>().rfind('/') + 1);
    known_pool = known_pool || (!pool.empty() && issuer.ends_with("/" + pool));
  }
  int64_t now = request.request_context.value("requestTimeEpoch", int64_t{0}) / 1000;
  if (!known_pool || (claims.contains("exp") && claims["exp"].is_number() && claims["exp"].get<int64_t>() < now)) {
    throw GatewayError("UNAUTHORIZED", "Unauthorized");
  }
  Json strings = Json::object();
  for (const auto& [key, value] : claims.items()) strings[key] = value.is_string() ? value.get<std::string>() : value.dump();
  request.request_context["authorizer"] = {{"claims", strings}};
  return "";
}

}  // namespace

boost::asio::awaitable<std::string> authorize(const ServeDeps& deps, const ServedStage& served, const Json& authorizer,
                                              RestRequest& request) {
  std::string type = authorizer.value("type", "");
  if (type == "COGNITO_USER_POOLS") co_return authorize_cognito(authorizer, request);
  if (type != "TOKEN" && type != "REQUEST") throw GatewayError("AUTHORIZER_CONFIGURATION_ERROR", "null");
  int64_t ttl = authorizer.value("authorizerResultTtlInSeconds", 300);
  std::string identity;
  Json event;
  std::string method_arn = request.method_arn;
  if (type == "TOKEN") {
    std::string source = authorizer.value("identitySource", "");
    std::string token = identity_value(source, request, served);
    if (token.empty()) throw GatewayError("UNAUTHORIZED", "Unauthorized");
    std::string expression = authorizer.value("identityValidationExpression", "");
    if (!expression.empty()) {
      bool valid = regex_matches(expression, token, true);
      if (!valid) throw GatewayError("UNAUTHORIZED", "Unauthorized");
    }
    identity = token;
    event = {{"type", "TOKEN"}, {"authorizationToken", token}, {"methodArn", method_arn}};
  } else {
    for (const auto& source : identity_sources(authorizer)) {
      std::string value = identity_value(source, request, served);
      // With caching on, every identity source must be present.
      if (value.empty() && ttl > 0) throw GatewayError("UNAUTHORIZED", "Unauthorized");
      identity += value + "\n";
    }
    event = proxy_event(request, served);
    event.erase("body");
    event.erase("isBase64Encoded");
    event["type"] = "REQUEST";
    event["methodArn"] = method_arn;
  }
  std::string cache_key = authorizer.value("id", "") + "\n" + identity;
  Json answer;
  bool cached = false;
  if (ttl > 0) {
    std::lock_guard lock(served.cache_mutex);
    auto found = served.authorizations.find(cache_key);
    if (found != served.authorizations.end() && found->second.expires > std::chrono::steady_clock::now()) {
      answer = found->second.policy;
      cached = true;
    }
  }
  if (!cached) {
    auto function = function_of_uri(authorizer.value("authorizerUri", ""));
    if (!function) throw GatewayError("AUTHORIZER_CONFIGURATION_ERROR", "null");
    std::string source_arn = "arn:aws:execute-api:" + deps.owner.region + ":" + deps.owner.account + ":" +
                             served.api_id + "/authorizers/" + authorizer.value("id", "");
    LambdaCall lambda_call{*function, event.dump(), source_arn, authorizer.contains("authorizerCredentials")};
    auto pending = call_lambda(deps.call, deps.owner, lambda_call);
    LambdaOutcome outcome = co_await std::move(pending);
    if (outcome.kind == LambdaOutcome::Kind::FunctionError) {
      Json error = Json::parse(outcome.payload, nullptr, false);
      if (error.is_object() && error.value("errorMessage", "") == "Unauthorized") {
        throw GatewayError("UNAUTHORIZED", "Unauthorized");
      }
      throw GatewayError("AUTHORIZER_CONFIGURATION_ERROR", "null");
    }
    if (outcome.kind != LambdaOutcome::Kind::Ok) throw GatewayError("AUTHORIZER_CONFIGURATION_ERROR", "null");
    answer = Json::parse(outcome.payload, nullptr, false);
    if (!answer.is_object() || !answer.contains("policyDocument") || !answer["policyDocument"].is_object()) {
      throw GatewayError("AUTHORIZER_CONFIGURATION_ERROR", "null");
    }
    if (ttl > 0) {
      std::lock_guard lock(served.cache_mutex);
      served.authorizations[cache_key] = {answer, std::chrono::steady_clock::now() + std::chrono::seconds(ttl)};
    }
  }
  Verdict verdict = evaluate(answer["policyDocument"], method_arn);
  if (verdict == Verdict::Deny) {
    throw GatewayError("ACCESS_DENIED", "User is not authorized to access this resource with an explicit deny");
  }
  if (verdict == Verdict::NoMatch) throw GatewayError("ACCESS_DENIED", "User is not authorized to access this resource");
  request.request_context["authorizer"] = authorizer_context(answer);
  request.request_context["identity"]["principalId"] = answer.value("principalId", "");
  co_return answer.value("usageIdentifierKey", "");
}

}  // namespace nimbus::apigateway
