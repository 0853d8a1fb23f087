// The Lambda proxy integration of REST APIs: the payload format 1.0 event and the function's
// answer ({statusCode, headers, multiValueHeaders, body, isBase64Encoded}) mapped back to HTTP.

#include <boost/beast/http.hpp>

#include "core/crypto.h"
#include "services/apigateway/ascii.h"
#include "services/apigateway/rest_serving.h"

namespace nimbus::apigateway {
namespace http = boost::beast::http;
namespace {


// Single-value (last value wins) and multi-value maps, or null when empty, as API Gateway sends them.
std::pair<Json, Json> value_maps(const std::vector<std::pair<std::string, std::string>>& pairs) {
  if (pairs.empty()) return {nullptr, nullptr};
  Json single = Json::object();
  Json multi = Json::object();
  for (const auto& [name, value] : pairs) {
    single[name] = value;
    multi[name].push_back(value);
  }
  return {single, multi};
}

bool accepts_binary(const Json& binary_types, std::string_view accept) {
  std::string wanted = lower(accept);
  for (const auto& type : binary_types) {
    std::string media = lower(type.get<std::string>());
    if (media == "*/*" || wanted.find(media) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

Json proxy_event(const RestRequest& request, const ServedStage& served) {
  auto [headers, multi_headers] = value_maps(request.headers);
  auto [query, multi_query] = value_maps(request.query);
  Json path_parameters = nullptr;
  if (!request.path_parameters.empty()) {
    path_parameters = Json::object();
    for (const auto& [name, value] : request.path_parameters) path_parameters[name] = value;
  }
  Json variables = served.stage.value("variables", Json::object());
  Json event = {{"resource", request.resource_path},
                {"path", request.path},
                {"httpMethod", request.method},
                {"headers", headers},
                {"multiValueHeaders", multi_headers},
                {"queryStringParameters", query},
                {"multiValueQueryStringParameters", multi_query},
                {"pathParameters", path_parameters},
                {"stageVariables", variables.empty() ? Json(nullptr) : variables},
                {"requestContext", request.request_context},
                {"body", nullptr},
                {"isBase64Encoded", false}};
  if (!request.body.empty()) {
    event["body"] = request.body_is_binary ? crypto::base64_encode(request.body) : request.body;
    event["isBase64Encoded"] = request.body_is_binary;
  }
  return event;
}

std::optional<Reply> proxy_reply(const std::string& payload, const ServedStage& served, const RestRequest& request,
                                 unsigned http_version) {
  Json answer = Json::parse(payload, nullptr, false);
  if (!answer.is_object()) return std::nullopt;
  for (const auto& [key, _] : answer.items()) {
    if (key != "statusCode" && key != "headers" && key != "multiValueHeaders" && key != "body" &&
        key != "isBase64Encoded" && key != "cookies") {
      return std::nullopt;
    }
  }
  int status = 200;
  const Json& code = answer.contains("statusCode") ? answer["statusCode"] : Json(nullptr);
  if (code.is_number_integer()) {
    status = code.get<int>();
  } else if (code.is_string()) {
    try {
      status = std::stoi(code.get<std::string>());
    } catch (const std::exception&) {
      return std::nullopt;
    }
  } else {
    return std::nullopt;
  }
  if (status < 100 || status > 599) return std::nullopt;
  Reply reply;
  reply.message = HttpResponse{static_cast<http::status>(status), http_version};
  if (answer.contains("headers") && !answer["headers"].is_null()) {
    if (!answer["headers"].is_object()) return std::nullopt;
    for (const auto& [name, value] : answer["headers"].items()) {
      reply.message.set(name, value.is_string() ? value.get<std::string>() : value.dump());
    }
  }
  if (answer.contains("multiValueHeaders") && !answer["multiValueHeaders"].is_null()) {
    if (!answer["multiValueHeaders"].is_object()) return std::nullopt;
    for (const auto& [name, values] : answer["multiValueHeaders"].items()) {
      if (!values.is_array()) return std::nullopt;
      reply.message.erase(name);
      for (const auto& value : values) reply.message.insert(name, value.is_string() ? value.get<std::string>() : value.dump());
    }
  }
  std::string body;
  if (answer.contains("body") && !answer["body"].is_null()) {
    if (!answer["body"].is_string()) return std::nullopt;
    body = answer["body"].get<std::string>();
  }
  if (answer.value("isBase64Encoded", false)) {
    const Json binary_types = served.snapshot.value("api", Json::object()).value("binaryMediaTypes", Json::array());
    if (accepts_binary(binary_types, header_value(request, "accept"))) {
      auto decoded = crypto::base64_decode(body);
      if (!decoded) return std::nullopt;
      body = std::move(*decoded);
    }
  }
  if (reply.message.find(http::field::content_type) == reply.message.end()) {
    reply.message.set(http::field::content_type, "application/json");
  }
  reply.message.body() = std::move(body);
  return reply;
}

}  // namespace nimbus::apigateway
