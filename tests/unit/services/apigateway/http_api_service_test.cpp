// The HTTP APIs service over an in-memory store, with a Lambda stand-in that records the events it
// is given: management answers and errors, and invoke requests served through serve().

#include "services/apigateway/http_api_service.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/http.hpp>
#include <thread>

#include "storage/memory_store.h"

namespace nimbus::apigateway {
namespace {
namespace http = boost::beast::http;

constexpr const char* kFunction = "arn:aws:lambda:us-east-1:000000000000:function:f";

class HttpApiServiceTest : public ::testing::Test {
 protected:
  HttpApiServiceTest() {
    ApiGatewayDeps deps{store_, clock_,
                        [this](const delivery::Target& target, RequestContext&) -> boost::asio::awaitable<Json> {
                          events_.push_back(Json::parse(target.input["Payload"].get<std::string>()));
                          co_return Json{{"Payload", answer_}};
                        },
                        iam_};
    service_ = make_http_api_service(deps);
    service_->start(io_.get_executor());
  }

  static boost::asio::awaitable<Json> run(HttpApiService* service, std::string operation, Json input) {
    RequestContext context;
    co_return co_await service->invoke(operation, context, std::move(input));
  }
  Json call(const std::string& operation, Json input) {
    auto future = boost::asio::co_spawn(io_, run(service_.get(), operation, std::move(input)), boost::asio::use_future);
    io_.restart();
    io_.run();
    return future.get();
  }
  AwsError error_of(const std::string& operation, Json input) {
    try {
      call(operation, std::move(input));
    } catch (const AwsError& error) {
      return error;
    }
    ADD_FAILURE() << operation << " succeeded";
    return AwsError(0, "", "");
  }

  static boost::asio::awaitable<Reply> serve_one(HttpApiService* service, HttpRequest* head, std::string api_id,
                                                 std::string path, std::string query) {
    RequestContext context;
    ApiInvocation invocation{*head, "", context, api_id, std::nullopt, path, query, api_id + ".execute-api.localhost"};
    auto owner = service->find_api(api_id);
    co_return co_await service->serve(invocation, *owner);
  }
  Reply get(const std::string& api_id, const std::string& path, const std::string& query = "",
            std::vector<std::pair<std::string, std::string>> headers = {}, http::verb method = http::verb::get) {
    HttpRequest head{method, path, 11};
    for (const auto& [name, value] : headers) head.set(name, value);
    auto future =
        boost::asio::co_spawn(io_, serve_one(service_.get(), &head, api_id, path, query), boost::asio::use_future);
    io_.restart();
    io_.run();
    return future.get();
  }

  boost::asio::io_context io_;
  storage::MemoryStore store_;
  Clock clock_;
  IamChecker iam_{nullptr, nullptr, false};
  std::unique_ptr<HttpApiService> service_;
  std::vector<Json> events_;
  std::string answer_ = R"({"statusCode": 201, "headers": {"x-a": "1"}, "cookies": ["c=1"], "body": "ok"})";
};

TEST_F(HttpApiServiceTest, QuickCreateServesTheFunctionWithThe20Event) {
  Json api = call("CreateApi", {{"Name", "a"}, {"ProtocolType", "HTTP"}, {"Target", kFunction}});
  std::string id = api["ApiId"];
  EXPECT_EQ(id.size(), 10u);
  EXPECT_EQ(call("GetStage", {{"ApiId", id}, {"StageName", "$default"}})["AutoDeploy"], true);
  Reply reply = get(id, "/a/b", "x=1&x=2", {{"Cookie", "s=1; t=2"}, {"X-Two", "p"}});
  EXPECT_EQ(reply.message.result_int(), 201);
  EXPECT_EQ(reply.message["x-a"], "1");
  EXPECT_EQ(reply.message["set-cookie"], "c=1");
  EXPECT_FALSE(reply.message["apigw-requestid"].empty());
  EXPECT_EQ(reply.message.body(), "ok");
  ASSERT_EQ(events_.size(), 1u);
  const Json& event = events_[0];
  EXPECT_EQ(event["version"], "2.0");
  EXPECT_EQ(event["rawPath"], "/a/b");
  EXPECT_EQ(event["queryStringParameters"], (Json{{"x", "1,2"}}));
  EXPECT_EQ(event["cookies"], (Json{"s=1", "t=2"}));
  EXPECT_EQ(event["headers"]["x-two"], "p");
  EXPECT_EQ(event["requestContext"]["stage"], "$default");
  EXPECT_EQ(event["requestContext"]["http"]["method"], "GET");
}

TEST_F(HttpApiServiceTest, NamedStagesServeTheirDeploymentAndUnknownPathsAreNotFound) {
  std::string id = call("CreateApi", {{"Name", "a"}, {"ProtocolType", "HTTP"}})["ApiId"];
  std::string integration = call("CreateIntegration", {{"ApiId", id},
                                                       {"IntegrationType", "AWS_PROXY"},
                                                       {"IntegrationUri", kFunction},
                                                       {"PayloadFormatVersion", "1.0"}})["IntegrationId"];
  call("CreateRoute", {{"ApiId", id}, {"RouteKey", "GET /items/{id}"}, {"Target", "integrations/" + integration}});
  call("CreateStage", {{"ApiId", id}, {"StageName", "prod"}, {"StageVariables", {{"k", "v"}}}});
  EXPECT_EQ(get(id, "/prod/items/1").message.result_int(), 404);
  call("CreateDeployment", {{"ApiId", id}, {"StageName", "prod"}});
  answer_ = R"({"statusCode": 200, "body": "one"})";
  Reply reply = get(id, "/prod/items/1");
  EXPECT_EQ(reply.message.result_int(), 200);
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0]["version"], "1.0");
  EXPECT_EQ(events_[0]["path"], "/prod/items/1");
  EXPECT_EQ(events_[0]["pathParameters"], (Json{{"id", "1"}}));
  EXPECT_EQ(events_[0]["stageVariables"], (Json{{"k", "v"}}));
  Reply missing = get(id, "/prod/other");
  EXPECT_EQ(missing.message.result_int(), 404);
  EXPECT_EQ(missing.message.body(), R"({"message":"Not Found"})");
}

TEST_F(HttpApiServiceTest, InferredAndFailedResponses) {
  std::string id = call("CreateApi", {{"Name", "a"}, {"ProtocolType", "HTTP"}, {"Target", kFunction}})["ApiId"];
  answer_ = R"("Hello")";
  EXPECT_EQ(get(id, "/").message.body(), "Hello");
  answer_ = R"({"message": "x"})";
  Reply inferred = get(id, "/");
  EXPECT_EQ(inferred.message.result_int(), 200);
  EXPECT_EQ(inferred.message[http::field::content_type], "application/json");
  answer_ = "not json";
  Reply failed = get(id, "/");
  EXPECT_EQ(failed.message.result_int(), 500);
  EXPECT_EQ(failed.message.body(), R"({"message":"Internal Server Error"})");
}

TEST_F(HttpApiServiceTest, ManagementErrorsAsAwsWritesThem) {
  AwsError missing = error_of("GetApi", {{"ApiId", "abcdefghij"}});
  EXPECT_EQ(missing.http_status, 404);
  EXPECT_EQ(missing.code, "NotFoundException");
  EXPECT_EQ(missing.message, "Invalid API identifier specified 000000000000:abcdefghij");
  std::string id = call("CreateApi", {{"Name", "a"}, {"ProtocolType", "HTTP"}})["ApiId"];
  call("CreateRoute", {{"ApiId", id}, {"RouteKey", "GET /a"}});
  EXPECT_EQ(error_of("CreateRoute", {{"ApiId", id}, {"RouteKey", "GET /a"}}).code, "ConflictException");
  EXPECT_EQ(error_of("CreateRoute", {{"ApiId", id}, {"RouteKey", "GET a"}}).code, "BadRequestException");
  EXPECT_EQ(error_of("GetStage", {{"ApiId", id}, {"StageName", "x"}}).message, "Invalid stage identifier specified");
  EXPECT_EQ(error_of("GetRoute", {{"ApiId", id}, {"RouteId", "r1"}}).message, "Invalid Route identifier specified r1");
  Json tags = {{"ResourceArn", "arn:aws:apigateway:us-east-1::/apis/" + id}, {"Tags", {{"a", "1"}}}};
  call("TagResource", tags);
  EXPECT_EQ(call("GetTags", {{"ResourceArn", tags["ResourceArn"]}})["Tags"], (Json{{"a", "1"}}));
  EXPECT_EQ(call("GetApis", Json::object())["Items"].size(), 1u);
  call("DeleteApi", {{"ApiId", id}});
  EXPECT_FALSE(service_->find_api(id));
}

TEST_F(HttpApiServiceTest, CorsPreflightIsAnsweredWithoutARoute) {
  std::string id = call("CreateApi", {{"Name", "a"},
                                      {"ProtocolType", "HTTP"},
                                      {"Target", kFunction},
                                      {"RouteKey", "GET /x"},
                                      {"CorsConfiguration", {{"AllowOrigins", {"*"}}, {"AllowMethods", {"GET"}}}}})["ApiId"];
  Reply reply = get(id, "/x", "", {{"Origin", "https://a.example"}, {"Access-Control-Request-Method", "GET"}},
                    http::verb::options);
  EXPECT_EQ(reply.message.result_int(), 204);
  EXPECT_EQ(reply.message["access-control-allow-origin"], "*");
  EXPECT_EQ(reply.message["access-control-allow-methods"], "GET");
  EXPECT_TRUE(events_.empty());
}

TEST_F(HttpApiServiceTest, JwtRoutesRefuseRequestsWithoutAToken) {
  std::string id = call("CreateApi", {{"Name", "a"}, {"ProtocolType", "HTTP"}, {"Target", kFunction}, {"RouteKey", "GET /x"}})["ApiId"];
  std::string authorizer = call("CreateAuthorizer", {{"ApiId", id},
                                                     {"Name", "j"},
                                                     {"AuthorizerType", "JWT"},
                                                     {"IdentitySource", {"$request.header.Authorization"}},
                                                     {"JwtConfiguration", {{"Issuer", "http://127.0.0.1:9"}}}})["AuthorizerId"];
  std::string route = call("GetRoutes", {{"ApiId", id}})["Items"][0]["RouteId"];
  call("UpdateRoute", {{"ApiId", id}, {"RouteId", route}, {"AuthorizationType", "JWT"}, {"AuthorizerId", authorizer}});
  Reply reply = get(id, "/x");
  EXPECT_EQ(reply.message.result_int(), 401);
  EXPECT_EQ(reply.message.body(), R"({"message":"Unauthorized"})");
  EXPECT_EQ(get(id, "/x", "", {{"Authorization", "Bearer a.b.c"}}).message.result_int(), 401);
}

}  // namespace
}  // namespace nimbus::apigateway
