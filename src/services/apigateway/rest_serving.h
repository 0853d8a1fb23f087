#pragma once
// What a REST API stage serves, compiled from its deployment's snapshot (rest_invoke.cpp), and
// the pieces of one request's handling that the serving files share.

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "services/apigateway/http_api_routing.h"
#include "services/apigateway/vtl/vtl.h"

namespace nimbus::apigateway {

using Json = nlohmann::json;

// A Lambda authorizer's answer kept for its TTL, keyed by the identity it was asked about.
struct CachedAuthorization {
  Json policy;   // the authorizer's answer (principalId, policyDocument, context, usageIdentifierKey)
  std::chrono::steady_clock::time_point expires;
};

struct ServedStage {
  uint64_t generation = 0;
  std::string api_id;
  std::string stage_name;
  std::string deployment_id;
  Json snapshot;  // the deployment's: api settings, resources, authorizers, gatewayResponses ...
  Json stage;     // the stage record: variables, methodSettings
  std::vector<CompiledRoute> routes;  // one per (resource, method): id "<resourceId> <METHOD>"
  // Lambda authorizer results by "<authorizerId>\n<identity>"; rebuilt with the stage.
  mutable std::mutex cache_mutex;
  mutable std::map<std::string, CachedAuthorization> authorizations;
  // The snapshot's mapping templates, parsed on first use, by the address of their text in
  // `snapshot` (immutable for the stage's life).
  mutable std::mutex templates_mutex;
  mutable std::unordered_map<const std::string*, std::shared_ptr<const vtl::Template>> templates;
};

// One request being served: what the templates, events and authorizers read.
struct RestRequest {
  std::string method;                 // as sent
  std::string resource_id;
  std::string resource_path;          // "/users/{id}"
  std::string path;                   // decoded path after the stage ("/users/1")
  std::map<std::string, std::string> path_parameters;
  // Header names as sent; values in order.
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  std::string body;
  bool body_is_binary = false;
  Json request_context;  // the event's requestContext (identity, authorizer ...)
  std::string method_arn;  // arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path>
};

// A header's last value ("" when absent), by case-insensitive name.
std::string header_value(const RestRequest& request, std::string_view name);

}  // namespace nimbus::apigateway

#include <boost/asio/awaitable.hpp>
#include <exception>
#include <optional>

#include "core/raw_http.h"
#include "delivery/outbox.h"
#include "services/apigateway/api_front_end.h"

namespace nimbus::apigateway {

// API Gateway answering a request itself with one of its gateway response types.
struct GatewayError : std::exception {
  std::string type;     // "MISSING_AUTHENTICATION_TOKEN", ...
  std::string message;  // $context.error.message
  // nimbus's own answers beyond AWS's (an open circuit: 503, x-nimbus-circuit): a status replacing
  // the type's default (not a statusCode the API set for the type), and headers added to the reply.
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string validation_errors;  // $context.error.validationErrorString (request validation)
  GatewayError(std::string type, std::string message, std::string validation_errors = "")
      : type(std::move(type)), message(std::move(message)), validation_errors(std::move(validation_errors)) {}
  const char* what() const noexcept override { return message.c_str(); }
};

// The reply for `error` through the stage's gateway responses (or AWS's defaults).
Reply render_gateway_error(const Json& gateway_responses, const GatewayError& error, unsigned http_version,
                           const std::string& request_id);

// What serving needs of the service.
struct ServeDeps {
  const delivery::Outbox::Invoke& call;
  const ApiOwner& owner;
  unsigned http_version;
  std::string request_id;
};

// rest_authorizers.cpp: runs the method's Lambda authorizer (TOKEN / REQUEST) or checks a Cognito
// token; fills request.request_context["authorizer"]; answers the usage identifier key (for
// apiKeySource AUTHORIZER). Throws GatewayError (UNAUTHORIZED, ACCESS_DENIED, AUTHORIZER_*).
boost::asio::awaitable<std::string> authorize(const ServeDeps& deps, const ServedStage& served,
                                              const Json& authorizer, RestRequest& request);

// proxy_event.cpp: the Lambda proxy integration's event (payload format 1.0) and the reply mapped
// from what the function returned (nullopt: a malformed Lambda proxy response).
Json proxy_event(const RestRequest& request, const ServedStage& served);
std::optional<Reply> proxy_reply(const std::string& payload, const ServedStage& served, const RestRequest& request,
                                 unsigned http_version);

// rest_integrations.cpp: runs the method's integration and answers its reply. Throws GatewayError.
boost::asio::awaitable<Reply> run_integration(const ServeDeps& deps, const ServedStage& served, const Json& method,
                                              RestRequest& request);

}  // namespace nimbus::apigateway
