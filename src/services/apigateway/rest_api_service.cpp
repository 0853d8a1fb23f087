#include "services/apigateway/rest_api_service.h"

#include "services/apigateway/apigateway_errors.h"
#include "services/apigateway/rest_common.h"
#include "services/apigateway/rest_serving.h"
#include "services/apigateway/upstream_guard.h"

namespace nimbus::apigateway {
namespace {

constexpr std::string_view kSpace = "apigateway";

}  // namespace

std::unique_ptr<RestApiService> make_rest_api_service(ApiGatewayDeps deps) {
  return std::make_unique<RestApiService>(deps);
}

const std::unordered_map<std::string_view, RestApiService::Handler>& RestApiService::handlers() {
  using S = RestApiService;
  static const std::unordered_map<std::string_view, Handler> table = {
      {"CreateRestApi", &S::create_rest_api},
      {"GetRestApi", &S::get_rest_api},
      {"GetRestApis", &S::get_rest_apis},
      {"UpdateRestApi", &S::update_rest_api},
      {"DeleteRestApi", &S::delete_rest_api},
      {"ImportRestApi", &S::import_rest_api},
      {"PutRestApi", &S::put_rest_api},
      {"GetExport", &S::get_export},
      {"CreateResource", &S::create_resource},
      {"GetResource", &S::get_resource},
      {"GetResources", &S::get_resources},
      {"UpdateResource", &S::update_resource},
      {"DeleteResource", &S::delete_resource},
      {"PutMethod", &S::put_method},
      {"GetMethod", &S::get_method},
      {"UpdateMethod", &S::update_method},
      {"DeleteMethod", &S::delete_method},
      {"PutMethodResponse", &S::put_method_response},
      {"GetMethodResponse", &S::get_method_response},
      {"UpdateMethodResponse", &S::update_method_response},
      {"DeleteMethodResponse", &S::delete_method_response},
      {"PutIntegration", &S::put_integration},
      {"GetIntegration", &S::get_integration},
      {"UpdateIntegration", &S::update_integration},
      {"DeleteIntegration", &S::delete_integration},
      {"PutIntegrationResponse", &S::put_integration_response},
      {"GetIntegrationResponse", &S::get_integration_response},
      {"UpdateIntegrationResponse", &S::update_integration_response},
      {"DeleteIntegrationResponse", &S::delete_integration_response},
      {"CreateDeployment", &S::create_deployment},
      {"GetDeployment", &S::get_deployment},
      {"GetDeployments", &S::get_deployments},
      {"UpdateDeployment", &S::update_deployment},
      {"DeleteDeployment", &S::delete_deployment},
      {"CreateStage", &S::create_stage},
      {"GetStage", &S::get_stage},
      {"GetStages", &S::get_stages},
      {"UpdateStage", &S::update_stage},
      {"DeleteStage", &S::delete_stage},
      {"FlushStageAuthorizersCache", &S::flush_stage_authorizers_cache},
      {"CreateAuthorizer", &S::create_authorizer},
      {"GetAuthorizer", &S::get_authorizer},
      {"GetAuthorizers", &S::get_authorizers},
      {"UpdateAuthorizer", &S::update_authorizer},
      {"DeleteAuthorizer", &S::delete_authorizer},
      {"CreateModel", &S::create_model},
      {"GetModel", &S::get_model},
      {"GetModels", &S::get_models},
      {"UpdateModel", &S::update_model},
      {"DeleteModel", &S::delete_model},
      {"CreateRequestValidator", &S::create_request_validator},
      {"GetRequestValidator", &S::get_request_validator},
      {"GetRequestValidators", &S::get_request_validators},
      {"UpdateRequestValidator", &S::update_request_validator},
      {"DeleteRequestValidator", &S::delete_request_validator},
      {"PutGatewayResponse", &S::put_gateway_response},
      {"GetGatewayResponse", &S::get_gateway_response},
      {"GetGatewayResponses", &S::get_gateway_responses},
      {"UpdateGatewayResponse", &S::update_gateway_response},
      {"DeleteGatewayResponse", &S::delete_gateway_response},
      {"TagResource", &S::tag_resource},
      {"UntagResource", &S::untag_resource},
      {"GetTags", &S::get_tags},
      {"GetAccount", &S::get_account},
      {"UpdateAccount", &S::update_account},
      {"CreateApiKey", &S::create_api_key},
      {"GetApiKey", &S::get_api_key},
      {"GetApiKeys", &S::get_api_keys},
      {"UpdateApiKey", &S::update_api_key},
      {"DeleteApiKey", &S::delete_api_key},
      {"CreateUsagePlan", &S::create_usage_plan},
      {"GetUsagePlan", &S::get_usage_plan},
      {"GetUsagePlans", &S::get_usage_plans},
      {"UpdateUsagePlan", &S::update_usage_plan},
      {"DeleteUsagePlan", &S::delete_usage_plan},
      {"CreateUsagePlanKey", &S::create_usage_plan_key},
      {"GetUsagePlanKey", &S::get_usage_plan_key},
      {"GetUsagePlanKeys", &S::get_usage_plan_keys},
      {"DeleteUsagePlanKey", &S::delete_usage_plan_key},
  };
  return table;
}

RestApiService::RestApiService(ApiGatewayDeps deps)
    : store_(deps.store),
      clock_(deps.clock),
      call_(std::move(deps.call)),
      iam_(deps.iam),
      apis_(deps.store, std::string(kSpace), "restapi"),
      api_keys_(deps.store, std::string(kSpace), "apikey"),
      usage_plans_(deps.store, std::string(kSpace), "usageplan"),
      accounts_(deps.store, std::string(kSpace), "account") {}

RestApiService::~RestApiService() = default;

const model::ServiceModel& RestApiService::model() const { return model::apigateway_model(); }

bool RestApiService::implements(std::string_view operation) const { return handlers().count(operation) > 0; }

awaitable<Json> RestApiService::invoke(std::string_view operation, RequestContext& context, Json input) {
  auto it = handlers().find(operation);
  if (it == handlers().end()) {
    throw AwsError::unknown_operation("The requested operation " + std::string(operation) + " is not supported.");
  }
  if (!input.is_object()) input = Json::object();
  co_return co_await (this->*(it->second))(context, input);
}

void RestApiService::start(boost::asio::any_io_executor) {
  if (started_) return;
  started_ = true;
  apis_.load();
  api_keys_.load();
  usage_plans_.load();
  accounts_.load();
  std::lock_guard lock(index_mutex_);
  for (const auto& [key, record] : apis_.list("")) {
    auto account = key.substr(0, key.find('/'));
    auto region = key.substr(account.size() + 1, key.find('/', account.size() + 1) - account.size() - 1);
    api_owners_[record["api"].value("id", "")] = {account, region};
  }
}

void RestApiService::stop() { started_ = false; }

awaitable<void> RestApiService::reset() {
  apis_.clear();
  api_keys_.clear();
  usage_plans_.clear();
  accounts_.clear();
  {
    std::lock_guard lock(index_mutex_);
    api_owners_.clear();
  }
  {
    std::lock_guard lock(served_mutex_);
    served_.clear();
  }
  ++generation_;
  throttle_.clear();
  co_await store_.wipe(kSpace);
}

Json RestApiService::health() const {
  std::lock_guard lock(index_mutex_);
  return {{"state", "running"}, {"rest_apis", api_owners_.size()}, {"invocations", invocations_.load()},
          {"upstreams", UpstreamGuard::shared().summary(UpstreamCaller::RestApi)}};
}

std::optional<ApiOwner> RestApiService::find_api(std::string_view api_id) const {
  std::lock_guard lock(index_mutex_);
  auto it = api_owners_.find(std::string(api_id));
  if (it == api_owners_.end()) return std::nullopt;
  return it->second;
}

std::string RestApiService::api_key(const RequestContext& context, const std::string& api_id) const {
  return scope(context) + api_id;
}

Json RestApiService::api_document(const RequestContext& context, const std::string& api_id) const {
  auto record = apis_.get(api_key(context, api_id));
  if (!record) throw errors::api_not_found(context.account_id, api_id);
  return *record;
}

RestApiService::Changed RestApiService::edit_api(const RequestContext& context, const std::string& api_id,
                                                 const std::function<Json(Json& document)>& change) {
  Json result;
  storage::RecordTable::Change apply = [&](std::optional<Json>& record) {
    if (!record) throw errors::api_not_found(context.account_id, api_id);
    Json changed = *record;  // an error part-way leaves the record as it was
    result = change(changed);
    record = std::move(changed);
  };
  auto updated = apis_.update(api_key(context, api_id), apply);
  ++generation_;
  return {std::move(updated.first), std::move(result)};
}

}  // namespace nimbus::apigateway
