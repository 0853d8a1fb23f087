#include "services/apigateway/http_api_service.h"

#include <algorithm>

#include "core/crypto.h"
#include "core/text.h"
#include "services/apigateway/http_api_errors.h"
#include "services/apigateway/upstream_guard.h"

namespace nimbus::apigateway {

std::unique_ptr<HttpApiService> make_http_api_service(ApiGatewayDeps deps) {
  return std::make_unique<HttpApiService>(deps);
}

const std::unordered_map<std::string_view, HttpApiService::Handler>& HttpApiService::handlers() {
  static const std::unordered_map<std::string_view, Handler> table = {
      {"CreateApi", &HttpApiService::create_api},
      {"CreateAuthorizer", &HttpApiService::create_authorizer},
      {"CreateDeployment", &HttpApiService::create_deployment},
      {"CreateIntegration", &HttpApiService::create_integration},
      {"CreateRoute", &HttpApiService::create_route},
      {"CreateStage", &HttpApiService::create_stage},
      {"DeleteApi", &HttpApiService::delete_api},
      {"DeleteAuthorizer", &HttpApiService::delete_authorizer},
      {"DeleteCorsConfiguration", &HttpApiService::delete_cors_configuration},
      {"DeleteDeployment", &HttpApiService::delete_deployment},
      {"DeleteIntegration", &HttpApiService::delete_integration},
      {"DeleteRoute", &HttpApiService::delete_route},
      {"DeleteStage", &HttpApiService::delete_stage},
      {"GetApi", &HttpApiService::get_api},
      {"GetApis", &HttpApiService::get_apis},
      {"GetAuthorizer", &HttpApiService::get_authorizer},
      {"GetAuthorizers", &HttpApiService::get_authorizers},
      {"GetDeployment", &HttpApiService::get_deployment},
      {"GetDeployments", &HttpApiService::get_deployments},
      {"GetIntegration", &HttpApiService::get_integration},
      {"GetIntegrations", &HttpApiService::get_integrations},
      {"GetRoute", &HttpApiService::get_route},
      {"GetRoutes", &HttpApiService::get_routes},
      {"GetStage", &HttpApiService::get_stage},
      {"GetStages", &HttpApiService::get_stages},
      {"GetTags", &HttpApiService::get_tags},
      {"ResetAuthorizersCache", &HttpApiService::reset_authorizers_cache},
      {"TagResource", &HttpApiService::tag_resource},
      {"UntagResource", &HttpApiService::untag_resource},
      {"UpdateApi", &HttpApiService::update_api},
      {"UpdateAuthorizer", &HttpApiService::update_authorizer},
      {"UpdateIntegration", &HttpApiService::update_integration},
      {"UpdateRoute", &HttpApiService::update_route},
      {"UpdateStage", &HttpApiService::update_stage},
  };
  return table;
}

HttpApiService::HttpApiService(ApiGatewayDeps deps)
    : store_(deps.store),
      clock_(deps.clock),
      call_(std::move(deps.call)),
      iam_(deps.iam),
      apis_(deps.store, std::string(kHttpApiSpace), "api") {}

const model::ServiceModel& HttpApiService::model() const { return model::apigatewayv2_model(); }

bool HttpApiService::implements(std::string_view operation) const { return handlers().count(operation) > 0; }

awaitable<Json> HttpApiService::invoke(std::string_view operation, RequestContext& context, Json input) {
  auto it = handlers().find(operation);
  if (it == handlers().end()) {
    throw AwsError::unknown_operation("The requested operation " + std::string(operation) + " is not supported.");
  }
  if (!input.is_object()) input = Json::object();
  co_return co_await (this->*(it->second))(context, input);
}

void HttpApiService::start(boost::asio::any_io_executor) {
  if (started_) return;
  started_ = true;
  apis_.load();
  std::lock_guard lock(index_mutex_);
  for (const auto& [key, record] : apis_.list("")) {
    auto first = key.find('/');
    auto second = key.find('/', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    index_[key.substr(second + 1)] = ApiOwner{key.substr(0, first), key.substr(first + 1, second - first - 1)};
  }
}

void HttpApiService::stop() { started_ = false; }

awaitable<void> HttpApiService::reset() {
  apis_.clear();
  ++generation_;
  {
    std::lock_guard lock(served_mutex_);
    served_records_.clear();
  }
  {
    std::lock_guard lock(index_mutex_);
    index_.clear();
  }
  {
    std::lock_guard lock(authorizer_cache_mutex_);
    authorizer_cache_.clear();
  }
  jwks_.clear();
  co_await store_.wipe(kHttpApiSpace);
}

Json HttpApiService::health() const {
  size_t apis = 0;
  {
    std::lock_guard lock(index_mutex_);
    apis = index_.size();
  }
  return {{"state", "running"}, {"apis", apis}, {"invocations", invocations_.load()},
          {"upstreams", UpstreamGuard::shared().summary(UpstreamCaller::HttpApi)}};
}

std::optional<ApiOwner> HttpApiService::find_api(std::string_view api_id) const {
  std::lock_guard lock(index_mutex_);
  auto it = index_.find(std::string(api_id));
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

Json HttpApiService::api_record(const RequestContext& context, const std::string& api_id) const {
  auto record = apis_.get(http_api_scope(context.account_id, context.region) + api_id);
  if (!record) throw v2errors::api_not_found(context.account_id, api_id);
  return *record;
}

awaitable<Json> HttpApiService::change_api(const RequestContext& context, const std::string& api_id,
                                           const Edit& edit, bool redeploy) {
  Json out;
  storage::RecordTable::Change change = [&](std::optional<Json>& record) {
    if (!record) throw v2errors::api_not_found(context.account_id, api_id);
    Json copy = *record;
    out = edit(copy);
    if (redeploy) redeploy_auto_stages(copy);
    record = std::move(copy);
  };
  auto pending = apis_.update(http_api_scope(context.account_id, context.region) + api_id, change).first;
  ++generation_;
  co_await pending->wait();
  co_return out;
}

std::shared_ptr<const Json> HttpApiService::served_record(const ApiOwner& owner, const std::string& api_id) {
  uint64_t generation = generation_.load();
  {
    std::lock_guard lock(served_mutex_);
    auto found = served_records_.find(api_id);
    if (found != served_records_.end() && found->second.first == generation) return found->second.second;
  }
  auto record = apis_.get(http_api_scope(owner.account, owner.region) + api_id);
  if (!record) return nullptr;
  auto shared = std::make_shared<const Json>(std::move(*record));
  std::lock_guard lock(served_mutex_);
  served_records_[api_id] = {generation, shared};
  return shared;
}

std::string HttpApiService::deploy(Json& record, const std::string& description, bool auto_deployed) {
  std::string id = http_api_id(6);
  Json deployment = {{"DeploymentId", id},
                     {"DeploymentStatus", "DEPLOYED"},
                     {"AutoDeployed", auto_deployed},
                     {"CreatedDate", http_api_timestamp(clock_.now_ms())}};
  if (!description.empty()) deployment["Description"] = description;
  Json config = {{"Routes", record.value("Routes", Json::object())},
                 {"Integrations", record.value("Integrations", Json::object())},
                 {"Authorizers", record.value("Authorizers", Json::object())},
                 {"Cors", record["Api"].value("CorsConfiguration", Json())}};
  record["Deployments"][id] = {{"Deployment", deployment}, {"Config", config}, {"CreatedMs", clock_.now_ms()}};
  return id;
}

void HttpApiService::redeploy_auto_stages(Json& record) {
  if (!record.contains("Stages")) return;
  std::string id;
  for (auto it = record["Stages"].begin(); it != record["Stages"].end(); ++it) {
    Json& stage = it.value();
    if (!stage.value("AutoDeploy", false)) continue;
    if (id.empty()) id = deploy(record, "Automatic deployment triggered by changes to the Api configuration", true);
    stage["DeploymentId"] = id;
    stage["LastDeploymentStatusMessage"] = "Successfully deployed stage with deployment ID '" + id + "'";
    stage["LastUpdatedDate"] = http_api_timestamp(clock_.now_ms());
  }
}

std::string http_api_scope(const std::string& account, const std::string& region) {
  return account + "/" + region + "/";
}

std::string http_api_id(size_t length) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string bytes = crypto::random_bytes(length);
  std::string out;
  for (unsigned char c : bytes) out += kAlphabet[c % 36];
  return out;
}

std::string http_api_timestamp(int64_t ms) {
  auto text = text::format_iso8601(static_cast<double>(ms / 1000));
  // AWS writes whole seconds: 2024-01-02T03:04:05Z.
  auto dot = text.find('.');
  if (dot != std::string::npos) text = text.substr(0, dot) + "Z";
  return text;
}

Json http_api_page(const std::vector<Json>& items, const Json& in) {
  size_t start = 0;
  if (auto token = in.value("NextToken", std::string()); !token.empty()) {
    auto decoded = crypto::base64_decode(token);
    if (!decoded || decoded->rfind("offset:", 0) != 0) throw v2errors::bad_request("Invalid NextToken");
    start = std::strtoull(decoded->c_str() + 7, nullptr, 10);
  }
  size_t limit = 500;
  if (auto max = in.value("MaxResults", std::string()); !max.empty()) {
    auto parsed = text::parse_integer(max);
    if (!parsed || *parsed < 1) throw v2errors::bad_request("Invalid MaxResults");
    limit = static_cast<size_t>(std::min<int64_t>(*parsed, 500));
  }
  Json page = Json::array();
  for (size_t i = start; i < items.size() && page.size() < limit; ++i) page.push_back(items[i]);
  Json out = {{"Items", page}};
  if (start + page.size() < items.size()) {
    out["NextToken"] = crypto::base64_encode("offset:" + std::to_string(start + page.size()));
  }
  return out;
}

std::string http_api_arn(const std::string& region, const std::string& path) {
  return "arn:aws:apigateway:" + region + "::" + path;
}

}  // namespace nimbus::apigateway
