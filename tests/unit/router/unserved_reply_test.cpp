// What a client gets from the pipeline for a service nimbus knows but does not serve: 501 with
// NotImplemented in that service's own protocol, naming the service and what is served.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "router/authenticator.h"
#include "router/dispatcher.h"
#include "services/registry.h"
#include "storage/memory_store.h"

namespace nimbus::router {
namespace {

namespace http = boost::beast::http;

// A header-signed request (the signature is not checked: --auth off).
HttpRequest signed_request(http::verb method, std::string target, std::string_view scope_service,
                           std::string host = "localhost:4566") {
  HttpRequest req{method, target, 11};
  req.set(http::field::host, host);
  req.set("X-Amz-Date", "20240101T000000Z");
  req.set(http::field::authorization,
          "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/" + std::string(scope_service) +
              "/aws4_request, SignedHeaders=host;x-amz-date, "
              "Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  return req;
}

class UnservedReplyTest : public ::testing::Test {
 protected:
  UnservedReplyTest()
      : registry_(store_, clock_, std::filesystem::temp_directory_path() / "nimbus-router-test"),
        authenticator_(AuthMode::Off, ""),
        dispatcher_(registry_, clock_, authenticator_) {}

  // ", "-separated names of the served services, as the message lists them.
  std::string served() const {
    std::vector<std::string> names;
    for (const auto& service : registry_.all()) names.emplace_back(service->name());
    std::sort(names.begin(), names.end());
    std::string list;
    for (const auto& name : names) list += (list.empty() ? "" : ", ") + name;
    return list;
  }

  HttpResponse send(HttpRequest req) {
    req.prepare_payload();
    boost::asio::io_context io;
    auto reply = boost::asio::co_spawn(io, dispatcher_.handle(req, client_ip_), boost::asio::use_future);
    io.run();
    return std::move(reply.get().message);
  }

  // Outlives the coroutine that reads it (a temporary would dangle once handle() suspends).
  const std::string client_ip_ = "127.0.0.1";
  storage::MemoryStore store_;
  Clock clock_;
  ServiceRegistry registry_;
  Authenticator authenticator_;
  Dispatcher dispatcher_;
};

TEST_F(UnservedReplyTest, RestJsonService) {
  auto response = send(signed_request(http::verb::post, "/v1/describejobqueues", "batch"));
  EXPECT_EQ(response.result_int(), 501);
  EXPECT_EQ(response["x-amzn-ErrorType"], "NotImplemented");
  EXPECT_EQ(response[http::field::content_type], "application/json");
  auto body = nlohmann::json::parse(response.body());
  EXPECT_EQ(body["__type"], "NotImplemented");
  std::string message = body["message"];
  EXPECT_TRUE(message.starts_with("nimbus does not serve the ")) << message;
  EXPECT_TRUE(message.ends_with("(batch) yet; served: " + served())) << message;
}

TEST_F(UnservedReplyTest, JsonService) {
  auto req = signed_request(http::verb::post, "/", "states");
  req.set("X-Amz-Target", "AWSStepFunctions.ListStateMachines");
  req.set(http::field::content_type, "application/x-amz-json-1.0");
  req.body() = "{}";
  auto response = send(std::move(req));
  EXPECT_EQ(response.result_int(), 501);
  EXPECT_EQ(response["x-amzn-ErrorType"], "NotImplemented");
  EXPECT_EQ(response[http::field::content_type], "application/x-amz-json-1.0");
  auto body = nlohmann::json::parse(response.body());
  EXPECT_TRUE(body["__type"].get<std::string>().ends_with("#NotImplemented")) << body;
  EXPECT_NE(body["message"].get<std::string>().find("(states)"), std::string::npos);
}

TEST_F(UnservedReplyTest, JsonServiceOfVersion11) {
  auto req = signed_request(http::verb::post, "/", "kinesis");
  req.set("X-Amz-Target", "Kinesis_20131202.ListStreams");
  req.set(http::field::content_type, "application/x-amz-json-1.1");
  req.body() = "{}";
  auto response = send(std::move(req));
  EXPECT_EQ(response.result_int(), 501);
  EXPECT_EQ(response[http::field::content_type], "application/x-amz-json-1.1");
  EXPECT_NE(response.body().find("(kinesis)"), std::string::npos) << response.body();
}

TEST_F(UnservedReplyTest, QueryService) {
  auto req = signed_request(http::verb::post, "/", "iam");
  req.set(http::field::content_type, "application/x-www-form-urlencoded; charset=utf-8");
  req.body() = "Action=ListUsers&Version=2010-05-08";
  auto response = send(std::move(req));
  EXPECT_EQ(response.result_int(), 501);
  const auto& body = response.body();
  EXPECT_NE(body.find("<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"), std::string::npos)
      << body;
  EXPECT_NE(body.find("<Type>Sender</Type><Code>NotImplemented</Code>"), std::string::npos) << body;
  EXPECT_NE(body.find("the IAM API (iam)"), std::string::npos) << body;
}

TEST_F(UnservedReplyTest, RestXmlService) {
  auto response = send(signed_request(http::verb::get, "/2020-05-31/distribution", "cloudfront"));
  EXPECT_EQ(response.result_int(), 501);
  EXPECT_NE(response.body().find("<Error><Code>NotImplemented</Code>"), std::string::npos) << response.body();
}

TEST_F(UnservedReplyTest, HeadRequestGetsNoBody) {
  auto response = send(signed_request(http::verb::head, "/v1/describejobqueues", "batch"));
  EXPECT_EQ(response.result_int(), 501);
  EXPECT_TRUE(response.body().empty());
}

TEST_F(UnservedReplyTest, UnsignedRequestByHost) {
  HttpRequest req{http::verb::post, "/v1/describejobqueues", 11};
  req.set(http::field::host, "batch.us-east-1.amazonaws.com");
  auto response = send(std::move(req));
  EXPECT_EQ(response.result_int(), 501);
  EXPECT_EQ(response["x-amzn-ErrorType"], "NotImplemented");
}

TEST_F(UnservedReplyTest, RejectedRequestsOfUnservedServicesUseTheirProtocol) {
  auto req = signed_request(http::verb::post, "/", "iam");
  req.set(http::field::content_type, "application/x-www-form-urlencoded");
  auto response = dispatcher_.reject(req, AwsError::payload_too_large("too large"));
  EXPECT_EQ(response.result_int(), 413);
  EXPECT_NE(response.body().find("<ErrorResponse"), std::string::npos) << response.body();
  EXPECT_FALSE(dispatcher_.wants_streamed_body(req));
}

}  // namespace
}  // namespace nimbus::router
