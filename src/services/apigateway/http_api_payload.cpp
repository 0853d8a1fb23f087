#include "services/apigateway/http_api_payload.h"

#include <ctime>

#include "core/crypto.h"
#include "core/text.h"
#include "services/apigateway/ascii.h"

namespace nimbus::apigateway {
namespace {


std::string protocol_text(unsigned version) { return version == 10 ? "HTTP/1.0" : "HTTP/1.1"; }

std::string text_of(const Json& value) { return value.is_string() ? value.get<std::string>() : value.dump(); }

Json body_members(const RequestView& request, Json& event) {
  bool base64 = !request.body.empty() && !textual_content(request.content_type);
  event["isBase64Encoded"] = base64;
  return base64 ? Json(crypto::base64_encode(request.body)) : Json(request.body);
}

text::Params query_params(const RequestView& request) {
  if (request.raw_query.empty()) return {};
  auto params = text::parse_form(request.raw_query);
  return params ? *params : text::Params{};
}

}  // namespace

std::string clf_time(int64_t ms) {
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t seconds = ms / 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char out[64];
  std::snprintf(out, sizeof out, "%02d/%s/%04d:%02d:%02d:%02d +0000", tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return out;
}

bool textual_content(std::string_view content_type) {
  auto type = lower(content_type);
  return type.rfind("text/", 0) == 0 || type.find("json") != std::string::npos ||
         type.find("xml") != std::string::npos || type.find("javascript") != std::string::npos;
}

Json headers_v2(const RequestView& request, Json& cookies) {
  Json headers = Json::object();
  cookies = Json::array();
  for (const auto& [name, value] : request.headers) {
    if (name == "cookie") {
      std::string_view rest = value;
      while (!rest.empty()) {
        auto semi = rest.find(';');
        auto cookie = rest.substr(0, semi);
        while (!cookie.empty() && cookie.front() == ' ') cookie.remove_prefix(1);
        if (!cookie.empty()) cookies.push_back(std::string(cookie));
        if (semi == std::string_view::npos) break;
        rest.remove_prefix(semi + 1);
      }
      continue;
    }
    if (headers.contains(name)) {
      headers[name] = headers[name].get<std::string>() + "," + value;
    } else {
      headers[name] = value;
    }
  }
  return headers;
}

Json request_context_v2(const RequestView& request) {
  std::string prefix = request.domain.substr(0, request.domain.find('.'));
  return {{"accountId", request.account_id},
          {"apiId", request.api_id},
          {"domainName", request.domain},
          {"domainPrefix", prefix},
          {"http", {{"method", request.method},
                    {"path", request.raw_path},
                    {"protocol", protocol_text(request.http_version)},
                    {"sourceIp", request.source_ip},
                    {"userAgent", request.user_agent}}},
          {"requestId", request.request_id},
          {"routeKey", request.route_key},
          {"stage", request.stage},
          {"time", clf_time(request.now_ms)},
          {"timeEpoch", request.now_ms}};
}

Json event_v2(const RequestView& request, const Json& authorizer) {
  Json cookies;
  Json headers = headers_v2(request, cookies);
  Json context = request_context_v2(request);
  if (!authorizer.is_null()) context["authorizer"] = authorizer;
  Json event = {{"version", "2.0"},
                {"routeKey", request.route_key},
                {"rawPath", request.raw_path},
                {"rawQueryString", request.raw_query}};
  if (!cookies.empty()) event["cookies"] = cookies;
  event["headers"] = headers;
  auto params = query_params(request);
  if (!params.empty()) {
    Json query = Json::object();
    for (const auto& [name, value] : params) {
      query[name] = query.contains(name) ? query[name].get<std::string>() + "," + value : value;
    }
    event["queryStringParameters"] = query;
  }
  event["requestContext"] = context;
  if (!request.path_parameters.empty()) event["pathParameters"] = request.path_parameters;
  if (!request.stage_variables.empty()) event["stageVariables"] = request.stage_variables;
  Json body = body_members(request, event);
  if (!request.body.empty()) event["body"] = body;
  return event;
}

Json event_v1(const RequestView& request, const Json& authorizer, const Json& identity) {
  Json headers = Json::object();
  Json multi_headers = Json::object();
  for (const auto& [name, value] : request.headers) {
    headers[name] = value;
    multi_headers[name].push_back(value);
  }
  Json query = nullptr;
  Json multi_query = nullptr;
  auto params = query_params(request);
  if (!params.empty()) {
    query = Json::object();
    multi_query = Json::object();
    for (const auto& [name, value] : params) {
      query[name] = value;
      multi_query[name].push_back(value);
    }
  }
  std::string resource = request.route_key == "$default" ? "$default"
                                                         : request.route_key.substr(request.route_key.find(' ') + 1);
  Json who = {{"accessKey", nullptr},
              {"accountId", nullptr},
              {"caller", nullptr},
              {"cognitoAuthenticationProvider", nullptr},
              {"cognitoAuthenticationType", nullptr},
              {"cognitoIdentityId", nullptr},
              {"cognitoIdentityPoolId", nullptr},
              {"principalOrgId", nullptr},
              {"sourceIp", request.source_ip},
              {"user", nullptr},
              {"userAgent", request.user_agent},
              {"userArn", nullptr}};
  if (identity.is_object()) {
    for (auto it = identity.begin(); it != identity.end(); ++it) who[it.key()] = it.value();
  }
  std::string prefix = request.domain.substr(0, request.domain.find('.'));
  Json context = {{"accountId", request.account_id},
                  {"apiId", request.api_id},
                  {"authorizer", authorizer.is_null() ? Json{{"claims", nullptr}, {"scopes", nullptr}} : authorizer},
                  {"domainName", request.domain},
                  {"domainPrefix", prefix},
                  {"extendedRequestId", request.request_id},
                  {"httpMethod", request.method},
                  {"identity", who},
                  {"path", request.raw_path},
                  {"protocol", protocol_text(request.http_version)},
                  {"requestId", request.request_id},
                  {"requestTime", clf_time(request.now_ms)},
                  {"requestTimeEpoch", request.now_ms},
                  {"resourceId", request.route_key},
                  {"resourcePath", resource},
                  {"stage", request.stage}};
  Json event = {{"version", "1.0"},
                {"resource", resource},
                {"path", request.raw_path},
                {"httpMethod", request.method},
                {"headers", headers},
                {"multiValueHeaders", multi_headers},
                {"queryStringParameters", query},
                {"multiValueQueryStringParameters", multi_query},
                {"requestContext", context},
                {"pathParameters", request.path_parameters.empty() ? Json(nullptr) : Json(request.path_parameters)},
                {"stageVariables", request.stage_variables.empty() ? Json(nullptr) : request.stage_variables}};
  Json body = body_members(request, event);
  event["body"] = request.body.empty() ? Json(nullptr) : body;
  return event;
}

namespace {

std::optional<MappedResponse> structured(const Json& answer, bool v1) {
  MappedResponse out;
  const Json& status = answer["statusCode"];
  if (status.is_number_integer()) {
    out.status = status.get<int>();
  } else if (status.is_string()) {
    auto parsed = text::parse_integer(status.get<std::string>());
    if (!parsed) return std::nullopt;
    out.status = static_cast<int>(*parsed);
  } else {
    return std::nullopt;
  }
  if (out.status < 100 || out.status > 599) return std::nullopt;
  bool has_type = false;
  auto add = [&](const std::string& name, const Json& value) {
    if (value.is_null()) return;
    out.headers.emplace_back(name, text_of(value));
    has_type = has_type || lower(name) == "content-type";
  };
  if (answer.contains("headers") && answer["headers"].is_object()) {
    for (auto it = answer["headers"].begin(); it != answer["headers"].end(); ++it) add(it.key(), it.value());
  } else if (answer.contains("headers") && !answer["headers"].is_null()) {
    return std::nullopt;
  }
  if (v1 && answer.contains("multiValueHeaders") && answer["multiValueHeaders"].is_object()) {
    for (auto it = answer["multiValueHeaders"].begin(); it != answer["multiValueHeaders"].end(); ++it) {
      if (!it.value().is_array()) continue;
      bool single = answer.contains("headers") && answer["headers"].is_object() && answer["headers"].contains(it.key());
      if (single) continue;
      for (const auto& value : it.value()) add(it.key(), value);
    }
  }
  if (!v1 && answer.contains("cookies") && answer["cookies"].is_array()) {
    for (const auto& cookie : answer["cookies"]) {
      if (cookie.is_string()) out.headers.emplace_back("Set-Cookie", cookie.get<std::string>());
    }
  }
  if (answer.contains("body") && !answer["body"].is_null()) out.body = text_of(answer["body"]);
  if (answer.value("isBase64Encoded", false)) {
    auto decoded = crypto::base64_decode(out.body);
    if (!decoded) return std::nullopt;
    out.body = std::move(*decoded);
  }
  if (!has_type && !v1) out.headers.emplace_back("Content-Type", "application/json");
  return out;
}

}  // namespace

std::optional<MappedResponse> response_v2(const std::string& payload) {
  Json answer = Json::parse(payload, nullptr, false);
  if (answer.is_discarded()) return std::nullopt;
  if (answer.is_object() && answer.contains("statusCode")) return structured(answer, false);
  // Any other JSON: a 200 with the JSON as body (a string's text without its quotes).
  MappedResponse out;
  out.headers.emplace_back("Content-Type", "application/json");
  out.body = answer.is_string() ? answer.get<std::string>() : payload;
  return out;
}

std::optional<MappedResponse> response_v1(const std::string& payload) {
  Json answer = Json::parse(payload, nullptr, false);
  if (!answer.is_object() || !answer.contains("statusCode")) return std::nullopt;
  return structured(answer, true);
}

}  // namespace nimbus::apigateway
