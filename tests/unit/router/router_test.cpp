// Routing decisions: served services as before, known-but-unserved services recognised by
// X-Amz-Target prefix, SigV4 scope or AWS-style host, everything else to S3.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "core/clock.h"
#include "protocol/service_directory.h"
#include "router/authenticator.h"
#include "router/router.h"
#include "services/registry.h"
#include "storage/memory_store.h"

namespace nimbus::router {
namespace {

namespace http = boost::beast::http;
using protocol::Wire;

HttpRequest request(http::verb method, std::string target, std::string host = "localhost:4566") {
  HttpRequest req{method, target, 11};
  req.set(http::field::host, host);
  return req;
}

HttpRequest form_post(std::string body, std::string host = "localhost:4566") {
  auto req = request(http::verb::post, "/", host);
  req.set(http::field::content_type, "application/x-www-form-urlencoded; charset=utf-8");
  req.body() = std::move(body);
  req.prepare_payload();
  return req;
}

HttpRequest json_post(std::string target_header, std::string host = "localhost:4566") {
  auto req = request(http::verb::post, "/", host);
  req.set(http::field::content_type, "application/x-amz-json-1.1");
  req.set("X-Amz-Target", target_header);
  req.body() = "{}";
  req.prepare_payload();
  return req;
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() : registry_(store_, clock_, std::filesystem::temp_directory_path() / "nimbus-router-test") {}

  // (served service name or "unserved:<id>", wire) for a request.
  std::pair<std::string, Wire> route(const HttpRequest& req, std::string_view scope = {}) const {
    auto route = router_.route(req, scope);
    if (!route) return {"<none>", Wire::Json};
    if (route->unserved) {
      EXPECT_EQ(route->service, nullptr);
      return {"unserved:" + std::string(route->unserved->id), route->wire};
    }
    EXPECT_NE(route->service, nullptr);
    return {std::string(route->service->name()), route->wire};
  }

  storage::MemoryStore store_;
  Clock clock_;
  ServiceRegistry registry_;
  Router router_{registry_};
};

using Routed = std::pair<std::string, Wire>;

// --- the directory ------------------------------------------------------------------------------

TEST(ServiceDirectory, HoldsEveryModelledServiceSortedById) {
  auto all = model::service_directory();
  EXPECT_GT(all.size(), 300u);
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end(),
                             [](const auto& a, const auto& b) { return a.id < b.id; }));
  for (const auto& info : all) {
    EXPECT_FALSE(info.signing_name.empty()) << info.id;
    EXPECT_FALSE(info.endpoint_prefix.empty()) << info.id;
    EXPECT_FALSE(info.service_id.empty()) << info.id;
    EXPECT_FALSE(info.protocol.empty()) << info.id;
    if (info.protocol == "json") {
      EXPECT_FALSE(info.target_prefix.empty()) << info.id;
    }
  }
}

TEST(ServiceDirectory, ServedServicesAreListedToo) {
  const auto* sqs = model::find_by_signing_name("sqs");
  ASSERT_NE(sqs, nullptr);
  EXPECT_EQ(sqs->target_prefix, "AmazonSQS");
  EXPECT_TRUE(sqs->aws_query_compatible);
  const auto* s3 = model::find_by_endpoint_prefix("s3");
  ASSERT_NE(s3, nullptr);
  EXPECT_EQ(s3->protocol, "rest-xml");
}

TEST(ServiceDirectory, LooksUpBySigningNameEndpointPrefixAndTarget) {
  const auto* lambda = model::find_by_signing_name("lambda");
  ASSERT_NE(lambda, nullptr);
  EXPECT_EQ(lambda->service_id, "Lambda");
  EXPECT_EQ(lambda->protocol, "rest-json");
  EXPECT_EQ(lambda->api_version, "2015-03-31");  // the newest of the two lambda models

  // streams.dynamodb signs as "dynamodb" too: the API named dynamodb wins.
  const auto* dynamodb = model::find_by_signing_name("dynamodb");
  ASSERT_NE(dynamodb, nullptr);
  EXPECT_EQ(dynamodb->id, "dynamodb");
  EXPECT_EQ(dynamodb->json_version, "1.0");
  EXPECT_EQ(model::find_by_target_prefix("DynamoDB_20120810"), dynamodb);
  ASSERT_NE(model::find_by_endpoint_prefix("streams.dynamodb"), nullptr);
  EXPECT_EQ(model::find_by_endpoint_prefix("streams.dynamodb")->target_prefix, "DynamoDBStreams_20120810");

  const auto* events = model::find_by_target_prefix("AWSEvents");
  ASSERT_NE(events, nullptr);
  EXPECT_EQ(events->endpoint_prefix, "events");
  EXPECT_EQ(events->json_version, "1.1");

  const auto* sts = model::find_by_signing_name("sts");
  ASSERT_NE(sts, nullptr);
  EXPECT_EQ(sts->protocol, "query");
  EXPECT_EQ(sts->xml_namespace, "https://sts.amazonaws.com/doc/2011-06-15/");

  EXPECT_EQ(model::find_by_signing_name("no-such-service"), nullptr);
  EXPECT_EQ(model::find_by_signing_name(""), nullptr);
  EXPECT_EQ(model::find_by_target_prefix(""), nullptr);
}

TEST(ServiceDirectory, ErrorModelCarriesWhatTheErrorWritersRead) {
  auto model = model::find_by_signing_name("sts")->error_model();
  EXPECT_EQ(model.name, "sts");
  EXPECT_EQ(model.protocol, "query");
  EXPECT_EQ(model.xml_namespace, "https://sts.amazonaws.com/doc/2011-06-15/");
  EXPECT_TRUE(model.operations.empty());
  EXPECT_EQ(model::find_by_target_prefix("AWSEvents")->error_model().json_version, "1.1");
}

// --- AWS-style host names ----------------------------------------------------------------------

TEST(AwsHostService, NamesTheServiceOfAwsAndLocalstackHosts) {
  auto id = [](std::string_view host) {
    const auto* info = aws_host_service(host);
    return info ? std::string(info->id) : std::string("<none>");
  };
  EXPECT_EQ(id("lambda.us-east-1.amazonaws.com"), "lambda");
  EXPECT_EQ(id("lambda.us-east-1.amazonaws.com:443"), "lambda");
  EXPECT_EQ(id("dynamodb.localhost.localstack.cloud:4566"), "dynamodb");
  EXPECT_EQ(id("dynamodb.eu-west-1.localhost.localstack.cloud:4566"), "dynamodb");
  EXPECT_EQ(id("streams.dynamodb.eu-west-1.amazonaws.com"), "streams.dynamodb");
  EXPECT_EQ(id("sts.amazonaws.com"), "sts");
  EXPECT_EQ(id("events.cn-north-1.amazonaws.com.cn"), "events");
}

TEST(AwsHostService, IgnoresOtherHosts) {
  for (auto host : {"localhost:4566", "127.0.0.1:4566", "[::1]:4566", "lambda.localhost:4566",
                    "localhost.localstack.cloud:4566", "mybucket.s3.amazonaws.com",
                    "lambda.example.com", "nosuch.us-east-1.amazonaws.com"}) {
    EXPECT_EQ(aws_host_service(host), nullptr) << host;
  }
}

// --- served services route as before -----------------------------------------------------------

TEST_F(RouterTest, SqsJsonByTarget) {
  EXPECT_EQ(route(json_post("AmazonSQS.SendMessage"), "sqs"), Routed("sqs", Wire::Json));
  EXPECT_EQ(route(json_post("AmazonSQS.ListQueues")), Routed("sqs", Wire::Json));
}

TEST_F(RouterTest, SqsQueryByScopeActionOrFormPost) {
  EXPECT_EQ(route(form_post("Action=ListQueues&Version=2012-11-05"), "sqs"), Routed("sqs", Wire::Query));
  EXPECT_EQ(route(form_post("Action=ListQueues&Version=2012-11-05")), Routed("sqs", Wire::Query));
  EXPECT_EQ(route(request(http::verb::get, "/?Action=ListQueues")), Routed("sqs", Wire::Query));
  EXPECT_EQ(route(form_post("")), Routed("sqs", Wire::Query));  // body not read yet
}

TEST_F(RouterTest, SqsByHost) {
  EXPECT_EQ(route(form_post("Action=ListQueues", "sqs.us-east-1.localhost.localstack.cloud:4566")),
            Routed("sqs", Wire::Query));
  EXPECT_EQ(route(form_post("Action=ListQueues", "us-east-1.queue.amazonaws.com")),
            Routed("sqs", Wire::Query));
}

TEST_F(RouterTest, S3PathAndVirtualHostStyle) {
  EXPECT_EQ(route(request(http::verb::get, "/bucket/key"), "s3"), Routed("s3", Wire::RestXml));
  EXPECT_EQ(route(request(http::verb::put, "/bucket")), Routed("s3", Wire::RestXml));
  EXPECT_EQ(route(request(http::verb::get, "/key", "bucket.s3.localhost.localstack.cloud:4566")),
            Routed("s3", Wire::RestXml));
  EXPECT_EQ(route(request(http::verb::get, "/key", "bucket.s3.us-east-1.amazonaws.com"), "s3"),
            Routed("s3", Wire::RestXml));
  // bucket.localhost: a bucket that happens to share a service's name is still a bucket.
  EXPECT_EQ(route(request(http::verb::get, "/key", "lambda.localhost:4566")), Routed("s3", Wire::RestXml));
  EXPECT_EQ(route(request(http::verb::get, "/key", "dynamodb.s3.localhost.localstack.cloud")),
            Routed("s3", Wire::RestXml));
}

TEST_F(RouterTest, PresignedS3UrlRoutesByItsQueryScope) {
  auto req = request(http::verb::get,
                     "/bucket/key?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                     "&X-Amz-Credential=test%2F20240101%2Fus-east-1%2Fs3%2Faws4_request"
                     "&X-Amz-Date=20240101T000000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host"
                     "&X-Amz-Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  auto scope = Authenticator::peek_scope_service(req);
  EXPECT_EQ(scope, "s3");
  EXPECT_EQ(route(req, scope), Routed("s3", Wire::RestXml));
}

TEST_F(RouterTest, UnsignedRequestsWithNoHintGoToS3) {
  EXPECT_EQ(route(request(http::verb::get, "/")), Routed("s3", Wire::RestXml));
  EXPECT_EQ(route(request(http::verb::options, "/bucket/key")), Routed("s3", Wire::RestXml));
  // A scope no model knows is no hint either.
  EXPECT_EQ(route(request(http::verb::get, "/"), "no-such-service"), Routed("s3", Wire::RestXml));
}

TEST_F(RouterTest, ServedScopeWinsOverAnUnservedHost) {
  EXPECT_EQ(route(request(http::verb::get, "/bucket"), "s3"), Routed("s3", Wire::RestXml));
  auto req = request(http::verb::get, "/bucket", "lambda.us-east-1.amazonaws.com");
  EXPECT_EQ(route(req, "s3"), Routed("s3", Wire::RestXml));
}

// --- known services nimbus does not serve -----------------------------------------------------

TEST_F(RouterTest, UnservedRestJsonByScope) {
  EXPECT_EQ(route(request(http::verb::post, "/v1/describejobqueues"), "batch"),
            Routed("unserved:batch", Wire::RestJson));
}

TEST_F(RouterTest, ApiGatewaysRestAndHttpApisShareASigningNameAndAreToldApartByPath) {
  EXPECT_EQ(route(request(http::verb::get, "/restapis"), "apigateway"), Routed("apigateway", Wire::RestJson));
  EXPECT_EQ(route(request(http::verb::get, "/v2/apis"), "apigateway"), Routed("apigatewayv2", Wire::RestJson));
}

TEST_F(RouterTest, InvokeUrlsGoToTheApiFrontEndWhateverTheSignature) {
  auto host_form = request(http::verb::get, "/prod/users/1", "abc123defg.execute-api.localhost.localstack.cloud:4566");
  EXPECT_EQ(route(host_form), Routed("execute-api", Wire::RestJson));
  EXPECT_EQ(route(host_form, "execute-api"), Routed("execute-api", Wire::RestJson));
  EXPECT_EQ(route(request(http::verb::post, "/restapis/abc123defg/prod/_user_request_/users/1"), "execute-api"),
            Routed("execute-api", Wire::RestJson));
  EXPECT_EQ(route(request(http::verb::get, "/restapis/abc123defg/prod/_user_request_")),
            Routed("execute-api", Wire::RestJson));
  // The management API's own paths under /restapis/ are not invoke URLs.
  EXPECT_EQ(route(request(http::verb::get, "/restapis/abc123defg/stages/prod"), "apigateway"),
            Routed("apigateway", Wire::RestJson));
}

TEST_F(RouterTest, DynamoDBAndItsStreamsShareASigningNameAndAreToldApartByTarget) {
  EXPECT_EQ(route(json_post("DynamoDB_20120810.ListTables"), "dynamodb"), Routed("dynamodb", Wire::Json));
  EXPECT_EQ(route(json_post("DynamoDB_20120810.ListTables")), Routed("dynamodb", Wire::Json));
  EXPECT_EQ(route(json_post("DynamoDBStreams_20120810.ListStreams"), "dynamodb"),
            Routed("dynamodbstreams", Wire::Json));
}

TEST_F(RouterTest, UnservedJsonByTarget) {
  EXPECT_EQ(route(json_post("AWSStepFunctions.ListStateMachines"), "states"), Routed("unserved:states", Wire::Json));
  EXPECT_EQ(route(json_post("AWSStepFunctions.ListStateMachines")), Routed("unserved:states", Wire::Json));
  EXPECT_EQ(route(json_post("Kinesis_20131202.ListStreams"), "kinesis"), Routed("unserved:kinesis", Wire::Json));
}

TEST_F(RouterTest, UnservedQueryServiceIsNotTakenForSqs) {
  // A form POST would otherwise go to SQS (the only served query service).
  EXPECT_EQ(route(form_post("Action=ListUsers&Version=2010-05-08"), "iam"), Routed("unserved:iam", Wire::Query));
  EXPECT_EQ(route(form_post("Action=DescribeAlarms&Version=2010-08-01"), "monitoring"),
            Routed("unserved:monitoring", Wire::Query));
  // Unsigned, but sent to IAM's host.
  EXPECT_EQ(route(form_post("Action=ListUsers", "iam.amazonaws.com")), Routed("unserved:iam", Wire::Query));
}

TEST_F(RouterTest, UnservedServiceAnsweredInTheProtocolTheRequestSpeaks) {
  // A query-protocol model called with X-Amz-Target (a newer client's json) gets json back.
  EXPECT_EQ(route(json_post("GraniteServiceVersion20100801.ListMetrics"), "monitoring"),
            Routed("unserved:monitoring", Wire::Json));
  EXPECT_EQ(route(form_post("Action=ListMetrics"), "monitoring"), Routed("unserved:monitoring", Wire::Query));
}

TEST_F(RouterTest, UnservedRestXml) {
  EXPECT_EQ(route(request(http::verb::get, "/2020-05-31/distribution"), "cloudfront"),
            Routed("unserved:cloudfront", Wire::RestXml));
}

TEST_F(RouterTest, UnservedByHost) {
  EXPECT_EQ(route(request(http::verb::post, "/v1/describejobqueues", "batch.us-east-1.amazonaws.com")),
            Routed("unserved:batch", Wire::RestJson));
  EXPECT_EQ(route(json_post("X.Y", "kinesis.localhost.localstack.cloud:4566")),
            Routed("unserved:kinesis", Wire::Json));
}

}  // namespace
}  // namespace nimbus::router
