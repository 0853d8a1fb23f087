#pragma once
// Helpers shared by the protocol tests: request builders and fixture loading.

#include <fstream>
#include <sstream>
#include <string>

#include "protocol/protocol.h"

namespace nimbus::protocol::testing {

inline Json load_fixture(const std::string& name) {
  std::ifstream in(std::string(NIMBUS_FIXTURES_DIR) + "/protocol/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return Json::parse(text.str());
}

inline HttpRequest form_request(std::string body, std::string target = "/") {
  HttpRequest request{http::verb::post, target, 11};
  request.set(http::field::content_type, "application/x-www-form-urlencoded; charset=utf-8");
  request.body() = std::move(body);
  request.prepare_payload();
  return request;
}

inline HttpRequest json_request(std::string_view operation, std::string body) {
  HttpRequest request{http::verb::post, "/", 11};
  request.set(http::field::content_type, "application/x-amz-json-1.0");
  request.set("X-Amz-Target", "AmazonSQS." + std::string(operation));
  request.body() = std::move(body);
  request.prepare_payload();
  return request;
}

inline HttpRequest rest_request(http::verb method, std::string target, std::string body = {}) {
  HttpRequest request{method, target, 11};
  request.body() = std::move(body);
  request.prepare_payload();
  return request;
}

// Runs `action`, returning the AwsError it throws (code "<none>" if it does not throw).
template <typename F>
AwsError error_of(F&& action) {
  try {
    action();
  } catch (const AwsError& error) {
    return error;
  }
  return AwsError(0, "<none>", "");
}

}  // namespace nimbus::protocol::testing
