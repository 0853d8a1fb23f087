#pragma once
// Amazon API Gateway HTTP APIs (apigatewayv2 2018-11-29, rest-json, model-driven) and the
// serving of their invoke URLs (ApiFrontEnd, called by the execute-api front end).
//
// Management: APIs (with quick create: Target + RouteKey), routes, integrations (AWS_PROXY Lambda
// with payload format 1.0 / 2.0, HTTP_PROXY), stages (AutoDeploy, stage variables), deployments
// (a snapshot of routes, integrations, authorizers and CORS; an AutoDeploy stage gets a new one
// with every change), authorizers (JWT, REQUEST Lambda), CORS, tags.
// Serving (http_api_invoke.cpp): route selection (http_api_routing.h), IAM / JWT / Lambda
// authorizers, the Lambda proxy events and responses, HTTP proxying, CORS preflights.
//
// State: one record per API in storage::RecordTable (space "apigatewayv2", key
// "<account>/<region>/<apiId>") holding everything of the API; an in-memory index apiId -> owner
// for find_api; the JWKS and Lambda-authorizer caches in memory. No background workers.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <unordered_map>

#include "services/apigateway/api_front_end.h"
#include "services/apigateway/apigateway_deps.h"
#include "services/apigateway/http_api_jwt.h"
#include "services/apigateway/throttle.h"
#include "services/service.h"
#include "storage/record_table.h"

namespace nimbus::apigateway {

template <typename T>
using awaitable = boost::asio::awaitable<T>;

struct HttpApiServe;  // http_api_invoke.cpp

class HttpApiService final : public Service, public ApiFrontEnd {
 public:
  explicit HttpApiService(ApiGatewayDeps deps);

  std::string_view name() const override { return "apigatewayv2"; }
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
  friend struct HttpApiServe;
  using Handler = awaitable<Json> (HttpApiService::*)(RequestContext&, const Json&);
  static const std::unordered_map<std::string_view, Handler>& handlers();

  // http_api_api_ops.cpp
  awaitable<Json> create_api(RequestContext& context, const Json& in);
  awaitable<Json> get_api(RequestContext& context, const Json& in);
  awaitable<Json> get_apis(RequestContext& context, const Json& in);
  awaitable<Json> update_api(RequestContext& context, const Json& in);
  awaitable<Json> delete_api(RequestContext& context, const Json& in);
  awaitable<Json> delete_cors_configuration(RequestContext& context, const Json& in);
  awaitable<Json> tag_resource(RequestContext& context, const Json& in);
  awaitable<Json> untag_resource(RequestContext& context, const Json& in);
  awaitable<Json> get_tags(RequestContext& context, const Json& in);
  // http_api_route_ops.cpp
  awaitable<Json> create_route(RequestContext& context, const Json& in);
  awaitable<Json> get_route(RequestContext& context, const Json& in);
  awaitable<Json> get_routes(RequestContext& context, const Json& in);
  awaitable<Json> update_route(RequestContext& context, const Json& in);
  awaitable<Json> delete_route(RequestContext& context, const Json& in);
  awaitable<Json> create_integration(RequestContext& context, const Json& in);
  awaitable<Json> get_integration(RequestContext& context, const Json& in);
  awaitable<Json> get_integrations(RequestContext& context, const Json& in);
  awaitable<Json> update_integration(RequestContext& context, const Json& in);
  awaitable<Json> delete_integration(RequestContext& context, const Json& in);
  // http_api_stage_ops.cpp
  awaitable<Json> create_stage(RequestContext& context, const Json& in);
  awaitable<Json> get_stage(RequestContext& context, const Json& in);
  awaitable<Json> get_stages(RequestContext& context, const Json& in);
  awaitable<Json> update_stage(RequestContext& context, const Json& in);
  awaitable<Json> delete_stage(RequestContext& context, const Json& in);
  awaitable<Json> create_deployment(RequestContext& context, const Json& in);
  awaitable<Json> get_deployment(RequestContext& context, const Json& in);
  awaitable<Json> get_deployments(RequestContext& context, const Json& in);
  awaitable<Json> delete_deployment(RequestContext& context, const Json& in);
  // http_api_authorizer_ops.cpp
  awaitable<Json> create_authorizer(RequestContext& context, const Json& in);
  awaitable<Json> get_authorizer(RequestContext& context, const Json& in);
  awaitable<Json> get_authorizers(RequestContext& context, const Json& in);
  awaitable<Json> update_authorizer(RequestContext& context, const Json& in);
  awaitable<Json> delete_authorizer(RequestContext& context, const Json& in);
  awaitable<Json> reset_authorizers_cache(RequestContext& context, const Json& in);

  // Changes the tags of the API or stage a tagging ARN names (NotFoundException otherwise).
  awaitable<Json> edit_tags(RequestContext& context, std::string arn, std::function<void(Json& tags)> change);
  // The API's record in the caller's scope; NotFoundException when there is none.
  Json api_record(const RequestContext& context, const std::string& api_id) const;
  // Runs `edit` on the API's record under the table's lock (NotFoundException when absent) and
  // awaits the commit; `edit` returns the operation's output. With `redeploy`, every AutoDeploy
  // stage then gets a new deployment of the changed configuration in the same write.
  using Edit = std::function<Json(Json& record)>;
  awaitable<Json> change_api(const RequestContext& context, const std::string& api_id, const Edit& edit,
                             bool redeploy);
  // Adds a deployment of the record's current configuration; returns its id. Sets the deployment
  // of `stage` (when named) to it.
  std::string deploy(Json& record, const std::string& description, bool auto_deployed);
  void redeploy_auto_stages(Json& record);

  storage::Store& store_;
  Clock& clock_;
  delivery::Outbox::Invoke call_;
  const IamChecker& iam_;
  storage::RecordTable apis_;  // key: <account>/<region>/<apiId>
  mutable std::mutex index_mutex_;
  std::unordered_map<std::string, ApiOwner> index_;  // apiId -> owner
  JwksCache jwks_;
  // Lambda authorizer results: "<apiId>/<authorizerId>/<identity>" -> (expiry ms, result).
  std::mutex authorizer_cache_mutex_;
  std::unordered_map<std::string, std::pair<int64_t, Json>> authorizer_cache_;
  std::atomic<int64_t> invocations_{0};
  Throttle throttle_;  // route throttling of stages (RouteSettings / DefaultRouteSettings)
  // Serving reads an API's record shared, not copied per request (a record keeps every deployment):
  // bumped by every change, and a cached record of an older generation is read again.
  std::atomic<uint64_t> generation_{0};
  std::mutex served_mutex_;
  std::unordered_map<std::string, std::pair<uint64_t, std::shared_ptr<const Json>>> served_records_;
  std::shared_ptr<const Json> served_record(const ApiOwner& owner, const std::string& api_id);
  bool started_ = false;
};

std::unique_ptr<HttpApiService> make_http_api_service(ApiGatewayDeps deps);

// ---- shared by the ops files -------------------------------------------------------------
inline constexpr std::string_view kHttpApiSpace = "apigatewayv2";
std::string http_api_scope(const std::string& account, const std::string& region);
// A random id of `length` lowercase letters and digits.
std::string http_api_id(size_t length);
// ISO 8601 text of nimbus's clock (the model's timestamps are iso8601).
std::string http_api_timestamp(int64_t ms);
// One page of `items` (NextToken an opaque offset, MaxResults as a decimal string).
Json http_api_page(const std::vector<Json>& items, const Json& in);
std::string http_api_arn(const std::string& region, const std::string& path);  // arn:aws:apigateway:<region>::<path>

}  // namespace nimbus::apigateway
