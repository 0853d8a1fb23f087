#pragma once
// Helpers shared by the auth tests: fixture files, raw HTTP requests and AwsError expectations.

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "auth/amz_date.h"
#include "auth/request.h"
#include "core/aws_error.h"

namespace nimbus::auth::test {

inline std::string read_fixture(const std::string& relative) {
  std::ifstream in(std::string(NIMBUS_FIXTURES_DIR) + "/" + relative, std::ios::binary);
  EXPECT_TRUE(in) << "missing fixture " << relative;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Owns the bytes a SignedRequest views.
struct OwnedRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  SignedRequest view() const {
    SignedRequest request{method, target, {}, body, true};
    for (const auto& [name, value] : headers) request.headers.emplace_back(name, value);
    return request;
  }
};

// Parses a test-suite .req file: "METHOD target HTTP/1.1", "Name:value" lines, blank line, body.
inline OwnedRequest parse_raw_request(const std::string& raw) {
  OwnedRequest request;
  std::istringstream in(raw);
  std::string line;
  std::getline(in, line);
  request.method = line.substr(0, line.find(' '));
  request.target = line.substr(line.find(' ') + 1, line.rfind(' ') - line.find(' ') - 1);
  while (std::getline(in, line) && !line.empty()) {
    const size_t colon = line.find(':');
    request.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  std::ostringstream body;
  body << in.rdbuf();
  request.body = body.str();
  return request;
}

inline int64_t epoch_ms(const std::string& amz_date) { return *parse_amz_date(amz_date) * 1000; }

// Runs `action` and checks it throws an AwsError with this code and HTTP status.
inline void expect_aws_error(const std::function<void()>& action, const std::string& code,
                             int status) {
  try {
    action();
    ADD_FAILURE() << "expected AwsError " << code;
  } catch (const AwsError& error) {
    EXPECT_EQ(error.code, code) << error.message;
    EXPECT_EQ(error.http_status, status) << error.code;
  }
}

}  // namespace nimbus::auth::test
