#pragma once
// What the execute-api front end (invoke URLs) hands an API service, and what both API Gateway
// services (REST APIs: apigateway; HTTP APIs: apigatewayv2) implement to serve their APIs.
//
// API ids are unique across both services, accounts and regions (like AWS's, they name the API
// in its invoke host), so the front end asks each service which one owns an id.

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/raw_http.h"
#include "core/request_context.h"

namespace nimbus::apigateway {

// One request to an invoke URL, body read whole.
struct ApiInvocation {
  HttpRequest& head;        // request line and headers as received
  std::string body;
  RequestContext& context;  // the caller (signature identified, not verified; see invoke_auth.h)
  std::string api_id;
  // The stage named by the path form (/restapis/<id>/<stage>/_user_request_/...); nullopt for
  // the host form, where the path's first segment is the stage of a REST API and, for an HTTP
  // API, a stage when one has that name and otherwise part of the path ($default stage).
  std::optional<std::string> stage;
  std::string path;       // after the stage in the path form, the whole path in the host form; "/..." raw
  std::string raw_query;  // after '?', raw
  std::string domain;     // the Host header without port
};

struct ApiOwner {
  std::string account;
  std::string region;
};

class ApiFrontEnd {
 public:
  virtual ~ApiFrontEnd() = default;
  // The owner of API `api_id` when this service holds it.
  virtual std::optional<ApiOwner> find_api(std::string_view api_id) const = 0;
  // Serves one invoke request of an API this service holds (find_api answered).
  virtual boost::asio::awaitable<Reply> serve(ApiInvocation& call, const ApiOwner& owner) = 0;
};

}  // namespace nimbus::apigateway
