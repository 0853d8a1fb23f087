// Function URLs: the payload format 2.0 event built from an HTTP request, and the function's
// answer mapped back to HTTP (a {"statusCode", "headers", "cookies", "body", "isBase64Encoded"}
// object, or any other JSON value as a 200 application/json body), as Lambda's URL front end does.

#include <boost/beast/http.hpp>
#include <cctype>
#include <ctime>

#include "core/crypto.h"
#include "core/ids.h"
#include "core/text.h"
#include "services/lambda/lambda_errors.h"
#include "services/lambda/lambda_service.h"
#include "services/lambda/url_cors.h"

namespace nimbus::lambda {
namespace http = boost::beast::http;

namespace {

constexpr size_t kMaxUrlBody = 6 * 1024 * 1024;

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "12/Mar/2020:19:03:58 +0000"
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

bool textual(std::string_view content_type) {
  auto type = lower(content_type);
  return type.empty() || type.rfind("text/", 0) == 0 || type.find("json") != std::string::npos ||
         type.find("xml") != std::string::npos || type.find("javascript") != std::string::npos ||
         type.find("x-www-form-urlencoded") != std::string::npos;
}

Reply plain_reply(http::status status, std::string body, unsigned version) {
  Reply reply;
  reply.message = HttpResponse{status, version};
  reply.message.set(http::field::content_type, "application/json");
  reply.message.body() = std::move(body);
  return reply;
}

}  // namespace

std::optional<std::pair<std::string, std::string>> LambdaService::find_function_url(std::string_view url_id) const {
  std::string needle = "https://" + std::string(url_id) + ".lambda-url.";
  for (const auto& entry : functions_.list("")) {
    Json configs = entry.second.value("url_configs", Json::object());
    for (auto it = configs.begin(); it != configs.end(); ++it) {
      if (it.value().value("FunctionUrl", "").rfind(needle, 0) == 0) return std::make_pair(entry.first, it.key());
    }
  }
  return std::nullopt;
}

awaitable<Reply> LambdaService::serve_function_url(HttpRequest& head, BodyReader& reader, RequestContext& context) {
  unsigned version = head.version();
  std::string host(head[http::field::host]);
  std::string url_id = lower(host.substr(0, host.find('.')));
  auto found = find_function_url(url_id);
  if (!found) co_return plain_reply(http::status::forbidden, R"({"Message":"Forbidden"})", version);
  // The function's account and region come from its record, not from the caller.
  std::string key = found->first;
  std::string account = key.substr(0, key.find('/'));
  std::string region = key.substr(account.size() + 1, key.find('/', account.size() + 1) - account.size() - 1);
  std::string function_name = key.substr(account.size() + region.size() + 2);
  std::string qualifier = found->second == "$LATEST" ? "" : found->second;
  RequestContext as_owner = context;
  as_owner.account_id = account;
  as_owner.region = region;
  auto resolved = resolve(as_owner, function_name, qualifier, true);
  Json url_config = resolved.record["url_configs"][found->second];
  bool iam = url_config.value("AuthType", "NONE") == "AWS_IAM";
  Json cors = url_config.value("Cors", Json::object());
  std::string origin(head["Origin"]);
  if (is_preflight(head.method_string(), origin, head["Access-Control-Request-Method"])) {
    Reply preflight;
    preflight.message = HttpResponse{http::status::ok, version};
    for (const auto& [name, value] :
         preflight_headers(cors, origin, head["Access-Control-Request-Method"], head["Access-Control-Request-Headers"])) {
      preflight.message.set(name, value);
    }
    co_return preflight;
  }
  if (iam && context.access_key_id.empty()) {
    co_return plain_reply(http::status::forbidden, R"({"Message":"Forbidden"})", version);
  }

  std::string body;
  std::array<char, 65536> chunk;
  for (;;) {
    size_t n = co_await reader.read_some(chunk);
    if (n == 0) break;
    body.append(chunk.data(), n);
    if (body.size() > kMaxUrlBody) {
      co_return plain_reply(http::status::payload_too_large, R"({"Message":"Request must be smaller than 6291456 bytes for the InvokeFunction operation"})", version);
    }
  }

  std::string target(head.target());
  auto question = target.find('?');
  std::string raw_path = target.substr(0, question);
  std::string raw_query = question == std::string::npos ? "" : target.substr(question + 1);
  Json headers = Json::object();
  Json cookies = Json::array();
  for (const auto& field : head) {
    std::string name = lower(field.name_string());
    std::string value(field.value());
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
  Json query = nullptr;
  if (!raw_query.empty()) {
    query = Json::object();
    if (auto params = text::parse_form(raw_query)) {
      for (const auto& [name, value] : *params) {
        query[name] = query.contains(name) ? query[name].get<std::string>() + "," + value : value;
      }
    }
  }
  bool base64 = !body.empty() && !textual(head[http::field::content_type]);
  int64_t now = clock_.wall_ms();
  std::string request_id = context.request_id.empty() ? ids::uuid4() : context.request_id;
  std::string domain = host.substr(0, host.find(':'));
  Json request_context = {{"accountId", iam ? context.account_id : "anonymous"},
                          {"apiId", url_id},
                          {"domainName", domain},
                          {"domainPrefix", url_id},
                          {"http", {{"method", std::string(head.method_string())},
                                    {"path", raw_path},
                                    {"protocol", version == 10 ? "HTTP/1.0" : "HTTP/1.1"},
                                    {"sourceIp", context.source_ip.empty() ? "127.0.0.1" : context.source_ip},
                                    {"userAgent", std::string(head[http::field::user_agent])}}},
                          {"requestId", request_id},
                          {"routeKey", "$default"},
                          {"stage", "$default"},
                          {"time", clf_time(now)},
                          {"timeEpoch", now}};
  if (iam) {
    request_context["authorizer"] = {{"iam", {{"accessKey", context.access_key_id},
                                              {"accountId", context.account_id},
                                              {"callerId", context.account_id},
                                              {"cognitoIdentity", nullptr},
                                              {"principalOrgId", nullptr},
                                              {"userArn", "arn:aws:iam::" + context.account_id + ":root"},
                                              {"userId", context.account_id}}}};
  }
  Json event = {{"version", "2.0"},
                {"routeKey", "$default"},
                {"rawPath", raw_path},
                {"rawQueryString", raw_query},
                {"headers", headers},
                {"requestContext", request_context},
                {"isBase64Encoded", base64}};
  if (!cookies.empty()) event["cookies"] = cookies;
  if (!query.is_null()) event["queryStringParameters"] = query;
  if (!body.empty()) event["body"] = base64 ? crypto::base64_encode(body) : body;

  RequestContext run_context = as_owner;
  run_context.request_id = request_id;
  RunOutcome outcome;
  try {
    outcome = co_await run(run_context, resolved, event.dump(), "");
  } catch (const AwsError& error) {
    if (error.http_status == 429) {
      co_return plain_reply(http::status::too_many_requests, R"({"Message":"Rate Exceeded."})", version);
    }
    co_return plain_reply(http::status::bad_gateway, R"({"Message":"Internal Server Error"})", version);
  }
  if (!outcome.function_error.empty()) {
    co_return plain_reply(http::status::bad_gateway, R"({"Message":"Internal Server Error"})", version);
  }
  Json answer = Json::parse(outcome.payload, nullptr, false);
  Reply reply;
  reply.message = HttpResponse{http::status::ok, version};
  reply.message.set("x-amzn-RequestId", request_id);
  if (answer.is_object() && answer.contains("statusCode")) {
    int status = answer["statusCode"].is_number_integer() ? answer["statusCode"].get<int>() : 200;
    reply.message.result(static_cast<unsigned>(status));
    bool has_type = false;
    Json answer_headers = answer.value("headers", Json::object());
    for (auto it = answer_headers.begin(); it != answer_headers.end(); ++it) {
      reply.message.set(it.key(), it.value().is_string() ? it.value().get<std::string>() : it.value().dump());
      has_type = has_type || lower(it.key()) == "content-type";
    }
    for (const auto& cookie : answer.value("cookies", Json::array())) {
      if (cookie.is_string()) reply.message.insert(http::field::set_cookie, cookie.get<std::string>());
    }
    std::string out_body = answer.contains("body") && answer["body"].is_string() ? answer["body"].get<std::string>()
                           : answer.contains("body")                             ? answer["body"].dump()
                                                                                  : std::string();
    if (answer.value("isBase64Encoded", false)) {
      auto decoded = crypto::base64_decode(out_body);
      out_body = decoded ? *decoded : std::string();
    }
    if (!has_type && !out_body.empty()) reply.message.set(http::field::content_type, "application/json");
    reply.message.body() = std::move(out_body);
  } else {
    reply.message.set(http::field::content_type, "application/json");
    reply.message.body() = answer.is_discarded() ? outcome.payload : answer.dump();
  }
  for (const auto& [name, value] : response_cors_headers(cors, origin)) reply.message.set(name, value);
  co_return reply;
}

}  // namespace nimbus::lambda
