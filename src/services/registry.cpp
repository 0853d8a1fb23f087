#include "services/registry.h"

#include "services/apigateway/execute_api_service.h"
#include "services/apigateway/invoke_auth.h"
#include "services/apigateway/http_api_service.h"
#include "services/apigateway/rest_api_service.h"
#include "services/apigateway/upstream_guard.h"
#include "services/athena/athena_service.h"
#include "services/dynamodb/dynamodb_service.h"
#include "services/dynamodb/streams_service.h"
#include "services/events/events_service.h"
#include "services/glue/glue_service.h"
#include "services/lambda/function_url_service.h"
#include "services/lambda/lambda_service.h"
#include "services/logs/logs_service.h"
#include "services/s3/s3_service.h"
#include "services/scheduler/scheduler_service.h"
#include "services/schemas/schemas_service.h"
#include "services/sqs/delivery_combining.h"
#include "services/sqs/sqs_service.h"
#include "services/sts/sts_service.h"

namespace nimbus {

ServiceRegistry::ServiceRegistry(storage::Store& store, Clock& clock, std::filesystem::path files_dir,
                                 const auth::Credentials* credentials, LocalEndpoints* endpoints,
                                 bool verify_signatures) {
  auto call_service = [this](const delivery::Target& target, RequestContext& context) { return call(target, context); };
  outbox_ = std::make_unique<delivery::Outbox>(store, clock, call_service);
  services_.push_back(sqs::make_sqs_service(store, clock));
  outbox_->combine("sqs", "SendMessage", sqs::send_message_combining());
  services_.push_back(s3::make_s3_service(store, clock, files_dir / "s3", credentials, *outbox_, call_service));
  auto sts = sts::make_sts_service(store, clock, credentials);
  sessions_ = sts.get();
  services_.push_back(std::move(sts));
  services_.push_back(logs::make_logs_service(store, clock));
  auto lambda = lambda::make_lambda_service(
      {store, clock, files_dir / "lambda", *outbox_, call_service, endpoints, credentials});
  // After Lambda: routing by signing name ("lambda") must find the API first.
  auto function_urls = lambda::make_function_url_service(*lambda);
  services_.push_back(std::move(lambda));
  services_.push_back(std::move(function_urls));
  services_.push_back(events::make_events_service({store, clock, *outbox_, call_service}));
  services_.push_back(scheduler::make_scheduler_service({store, clock, *outbox_}));
  services_.push_back(schemas::make_schemas_service({store, clock, call_service}));
  services_.push_back(glue::make_glue_service({store, clock, call_service, endpoints, files_dir / "glue"}));
  auto dynamodb = dynamodb::make_dynamodb_service({store, clock});
  auto dynamodb_streams = dynamodb::make_streams_service(*dynamodb);
  services_.push_back(std::move(dynamodb));
  services_.push_back(std::move(dynamodb_streams));
  iam_checker_ = std::make_unique<apigateway::IamChecker>(credentials, sessions_, verify_signatures);
  apigateway::ApiGatewayDeps api_deps{store, clock, call_service, *iam_checker_};
  auto rest_apis = apigateway::make_rest_api_service(api_deps);
  auto http_apis = apigateway::make_http_api_service(api_deps);
  auto invoke_urls = apigateway::make_execute_api_service({rest_apis.get(), http_apis.get()});
  services_.push_back(std::move(rest_apis));
  services_.push_back(std::move(http_apis));
  services_.push_back(std::move(invoke_urls));
  services_.push_back(athena::make_athena_service({store, clock, files_dir / "athena", call_service}));
  admin_controls_.emplace("upstreams", apigateway::upstreams_control);
}

ServiceRegistry::~ServiceRegistry() = default;

Service* ServiceRegistry::find(std::string_view name) const {
  for (const auto& service : services_) {
    if (service->name() == name) return service.get();
  }
  return nullptr;
}

boost::asio::awaitable<Json> ServiceRegistry::call(const delivery::Target& target, RequestContext& context) const {
  auto* service = find(target.service);
  if (!service || !service->implements(target.operation)) {
    throw AwsError(501, "NotImplemented",
                   "nimbus does not serve " + target.service + " " + target.operation + " yet", {}, false);
  }
  co_return co_await service->invoke(target.operation, context, target.input);
}

void ServiceRegistry::start(boost::asio::any_io_executor executor) {
  for (auto& service : services_) service->start(executor);
  outbox_->start(executor);
}

void ServiceRegistry::stop() {
  outbox_->stop();
  for (auto& service : services_) service->stop();
}

std::vector<const model::ServiceModel*> known_models() {
  return {&model::sqs_model(), &model::s3_model(), &model::sts_model(), &model::logs_model(),
          &model::lambda_model(), &model::events_model(), &model::scheduler_model(),
          &model::schemas_model(), &model::dynamodb_model(), &model::dynamodbstreams_model(),
          &model::apigateway_model(), &model::apigatewayv2_model(), &model::glue_model(),
          &model::athena_model()};
}

}  // namespace nimbus
