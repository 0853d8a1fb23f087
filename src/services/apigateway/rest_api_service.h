#pragma once
// Amazon API Gateway REST APIs (apigateway 2015-07-09, rest-json, model-driven): APIs with their
// resource trees, methods, integrations and responses, deployments and stages, authorizers,
// models, request validators, gateway responses, API keys and usage plans; OpenAPI import and
// export. And the APIs served (ApiFrontEnd): a stage serves the snapshot its deployment took.
//
// State: one record per REST API in storage::RecordTable (space "apigateway", kind "restapi"),
// holding the whole API (API Gateway's own quotas keep it small): its settings under "api", and
// "resources", "authorizers", "models", "requestValidators", "gatewayResponses", "deployments"
// (each with the snapshot it serves), "stages". API keys and usage plans are records of their own.

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <unordered_map>

#include "services/apigateway/api_front_end.h"
#include "services/apigateway/apigateway_deps.h"
#include "services/apigateway/throttle.h"
#include "services/service.h"
#include "storage/record_table.h"

namespace nimbus::apigateway {

template <typename T>
using awaitable = boost::asio::awaitable<T>;

struct ServedStage;
struct GatewayError;

class RestApiService final : public Service, public ApiFrontEnd {
 public:
  explicit RestApiService(ApiGatewayDeps deps);
  ~RestApiService() override;

  std::string_view name() const override { return "apigateway"; }
  const model::ServiceModel& model() const override;
  awaitable<Json> invoke(std::string_view operation, RequestContext& context, Json input) override;
  bool implements(std::string_view operation) const override;
  void start(boost::asio::any_io_executor executor) override;
  void stop() override;
  awaitable<void> reset() override;
  Json health() const override;

  std::optional<ApiOwner> find_api(std::string_view api_id) const override;
  awaitable<Reply> serve(ApiInvocation& call, const ApiOwner& owner) override;

 private:
  using Handler = awaitable<Json> (RestApiService::*)(RequestContext&, const Json&);
  static const std::unordered_map<std::string_view, Handler>& handlers();

  // The API's record (a copy); throws NotFoundException.
  Json api_document(const RequestContext& context, const std::string& api_id) const;
  // Changes API `api_id`'s record under the table's lock and answers what `change` returned with
  // the commit to await before answering the client. Throws NotFoundException for an unknown API;
  // an AwsError from `change` changes nothing. (Synchronous, so callers pass lambdas without a
  // temporary living across a co_await.)
  struct Changed {
    std::shared_ptr<storage::PendingCommit> commit;
    Json result;
  };
  Changed edit_api(const RequestContext& context, const std::string& api_id,
                   const std::function<Json(Json& document)>& change);
  std::string api_key(const RequestContext& context, const std::string& api_id) const;
  // A new REST API record from CreateRestApi's or an import's settings.
  Json new_api_document(const RequestContext& context, const Json& in);
  awaitable<Json> store_new_api(const RequestContext& context, Json document);

  // rest_api_ops.cpp
  awaitable<Json> create_rest_api(RequestContext& context, const Json& in);
  awaitable<Json> get_rest_api(RequestContext& context, const Json& in);
  awaitable<Json> get_rest_apis(RequestContext& context, const Json& in);
  awaitable<Json> update_rest_api(RequestContext& context, const Json& in);
  awaitable<Json> delete_rest_api(RequestContext& context, const Json& in);
  awaitable<Json> import_rest_api(RequestContext& context, const Json& in);
  awaitable<Json> put_rest_api(RequestContext& context, const Json& in);
  awaitable<Json> get_export(RequestContext& context, const Json& in);
  // rest_resource_ops.cpp
  awaitable<Json> create_resource(RequestContext& context, const Json& in);
  awaitable<Json> get_resource(RequestContext& context, const Json& in);
  awaitable<Json> get_resources(RequestContext& context, const Json& in);
  awaitable<Json> update_resource(RequestContext& context, const Json& in);
  awaitable<Json> delete_resource(RequestContext& context, const Json& in);
  // rest_method_ops.cpp
  awaitable<Json> put_method(RequestContext& context, const Json& in);
  awaitable<Json> get_method(RequestContext& context, const Json& in);
  awaitable<Json> update_method(RequestContext& context, const Json& in);
  awaitable<Json> delete_method(RequestContext& context, const Json& in);
  awaitable<Json> put_method_response(RequestContext& context, const Json& in);
  awaitable<Json> get_method_response(RequestContext& context, const Json& in);
  awaitable<Json> update_method_response(RequestContext& context, const Json& in);
  awaitable<Json> delete_method_response(RequestContext& context, const Json& in);
  awaitable<Json> put_integration(RequestContext& context, const Json& in);
  awaitable<Json> get_integration(RequestContext& context, const Json& in);
  awaitable<Json> update_integration(RequestContext& context, const Json& in);
  awaitable<Json> delete_integration(RequestContext& context, const Json& in);
  awaitable<Json> put_integration_response(RequestContext& context, const Json& in);
  awaitable<Json> get_integration_response(RequestContext& context, const Json& in);
  awaitable<Json> update_integration_response(RequestContext& context, const Json& in);
  awaitable<Json> delete_integration_response(RequestContext& context, const Json& in);
  // rest_stage_ops.cpp
  awaitable<Json> create_deployment(RequestContext& context, const Json& in);
  awaitable<Json> get_deployment(RequestContext& context, const Json& in);
  awaitable<Json> get_deployments(RequestContext& context, const Json& in);
  awaitable<Json> update_deployment(RequestContext& context, const Json& in);
  awaitable<Json> delete_deployment(RequestContext& context, const Json& in);
  awaitable<Json> create_stage(RequestContext& context, const Json& in);
  awaitable<Json> get_stage(RequestContext& context, const Json& in);
  awaitable<Json> get_stages(RequestContext& context, const Json& in);
  awaitable<Json> update_stage(RequestContext& context, const Json& in);
  awaitable<Json> delete_stage(RequestContext& context, const Json& in);
  awaitable<Json> flush_stage_authorizers_cache(RequestContext& context, const Json& in);
  // rest_child_ops.cpp: authorizers, models, request validators, gateway responses
  awaitable<Json> create_authorizer(RequestContext& context, const Json& in);
  awaitable<Json> get_authorizer(RequestContext& context, const Json& in);
  awaitable<Json> get_authorizers(RequestContext& context, const Json& in);
  awaitable<Json> update_authorizer(RequestContext& context, const Json& in);
  awaitable<Json> delete_authorizer(RequestContext& context, const Json& in);
  awaitable<Json> create_model(RequestContext& context, const Json& in);
  awaitable<Json> get_model(RequestContext& context, const Json& in);
  awaitable<Json> get_models(RequestContext& context, const Json& in);
  awaitable<Json> update_model(RequestContext& context, const Json& in);
  awaitable<Json> delete_model(RequestContext& context, const Json& in);
  awaitable<Json> create_request_validator(RequestContext& context, const Json& in);
  awaitable<Json> get_request_validator(RequestContext& context, const Json& in);
  awaitable<Json> get_request_validators(RequestContext& context, const Json& in);
  awaitable<Json> update_request_validator(RequestContext& context, const Json& in);
  awaitable<Json> delete_request_validator(RequestContext& context, const Json& in);
  awaitable<Json> put_gateway_response(RequestContext& context, const Json& in);
  awaitable<Json> get_gateway_response(RequestContext& context, const Json& in);
  awaitable<Json> get_gateway_responses(RequestContext& context, const Json& in);
  awaitable<Json> update_gateway_response(RequestContext& context, const Json& in);
  awaitable<Json> delete_gateway_response(RequestContext& context, const Json& in);
  // rest_tag_ops.cpp
  // Changes the record a tagging ARN names (a REST API, a stage, an API key, a usage plan) with
  // `edit`; the commit to await.
  std::shared_ptr<storage::PendingCommit> edit_tags(const RequestContext& context, const std::string& arn,
                                                    const std::function<void(Json& tagged)>& edit);
  awaitable<Json> tag_resource(RequestContext& context, const Json& in);
  awaitable<Json> untag_resource(RequestContext& context, const Json& in);
  awaitable<Json> get_tags(RequestContext& context, const Json& in);
  awaitable<Json> get_account(RequestContext& context, const Json& in);
  awaitable<Json> update_account(RequestContext& context, const Json& in);
  // rest_key_ops.cpp: API keys, usage plans and their keys
  awaitable<Json> create_api_key(RequestContext& context, const Json& in);
  awaitable<Json> get_api_key(RequestContext& context, const Json& in);
  awaitable<Json> get_api_keys(RequestContext& context, const Json& in);
  awaitable<Json> update_api_key(RequestContext& context, const Json& in);
  awaitable<Json> delete_api_key(RequestContext& context, const Json& in);
  awaitable<Json> create_usage_plan(RequestContext& context, const Json& in);
  awaitable<Json> get_usage_plan(RequestContext& context, const Json& in);
  awaitable<Json> get_usage_plans(RequestContext& context, const Json& in);
  awaitable<Json> update_usage_plan(RequestContext& context, const Json& in);
  awaitable<Json> delete_usage_plan(RequestContext& context, const Json& in);
  awaitable<Json> create_usage_plan_key(RequestContext& context, const Json& in);
  awaitable<Json> get_usage_plan_key(RequestContext& context, const Json& in);
  awaitable<Json> get_usage_plan_keys(RequestContext& context, const Json& in);
  awaitable<Json> delete_usage_plan_key(RequestContext& context, const Json& in);

  // rest_invoke.cpp
  std::shared_ptr<const ServedStage> served_stage(const ApiOwner& owner, const std::string& api_id,
                                                  const std::string& stage);
  // The usage plan of the API's stage holding an enabled API key with this value, and the key's
  // id; nullopt when none admits it.
  struct PlanKey {
    Json plan;
    std::string key_id;
  };
  std::optional<PlanKey> plan_admitting(const ApiOwner& owner, const std::string& api_id, const std::string& stage,
                                        const std::string& value) const;
  // Throws THROTTLED / QUOTA_EXCEEDED when the stage's, the method's or the key's limits are spent.
  void apply_limits(const ServedStage& served, const std::string& resource_path, const std::string& method,
                    const std::optional<PlanKey>& plan_key);

  // rest_access_log.cpp: the stage's access log line for one request (accessLogSettings), written
  // to its CloudWatch Logs group in the background.
  awaitable<void> log_access(const ServedStage& served, const ApiOwner& owner, const Json& context, const Reply& reply,
                             const GatewayError* failure);

  storage::Store& store_;
  Clock& clock_;
  delivery::Outbox::Invoke call_;
  const IamChecker& iam_;
  storage::RecordTable apis_;
  storage::RecordTable api_keys_;
  storage::RecordTable usage_plans_;
  storage::RecordTable accounts_;
  bool started_ = false;

  mutable std::mutex index_mutex_;
  std::unordered_map<std::string, ApiOwner> api_owners_;  // api id -> owner
  // Bumped by every change to an API: served stages compiled before are rebuilt.
  std::atomic<uint64_t> generation_{0};
  std::mutex served_mutex_;
  std::unordered_map<std::string, std::shared_ptr<const ServedStage>> served_;  // "<apiId>/<stage>"
  std::atomic<uint64_t> invocations_{0};
  Throttle throttle_;
};

std::unique_ptr<RestApiService> make_rest_api_service(ApiGatewayDeps deps);

}  // namespace nimbus::apigateway
