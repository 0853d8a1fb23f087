#include "services/lambda/function_url_service.h"

#include "services/lambda/lambda_service.h"

namespace nimbus::lambda {
namespace {

class FunctionUrlService final : public Service {
 public:
  explicit FunctionUrlService(LambdaService& lambda) : lambda_(lambda) {}
  std::string_view name() const override { return "lambda-url"; }
  const model::ServiceModel& model() const override { return model::lambda_model(); }
  boost::asio::awaitable<Json> invoke(std::string_view, RequestContext&, Json) override { throw AwsError::internal(); }
  bool implements(std::string_view) const override { return false; }
  void start(boost::asio::any_io_executor) override {}
  void stop() override {}
  boost::asio::awaitable<void> reset() override { co_return; }
  bool serves_raw_http() const override { return true; }
  // AuthType NONE lets anyone in; AWS_IAM is checked against the caller (see serve_function_url).
  bool allows_anonymous(const HttpRequest&) const override { return true; }
  boost::asio::awaitable<Reply> handle_http(HttpRequest& head, BodyReader& body, RequestContext& context) override {
    context.operation = "InvokeFunctionUrl";
    co_return co_await lambda_.serve_function_url(head, body, context);
  }

 private:
  LambdaService& lambda_;
};

}  // namespace

std::unique_ptr<Service> make_function_url_service(LambdaService& lambda) {
  return std::make_unique<FunctionUrlService>(lambda);
}

}  // namespace nimbus::lambda
