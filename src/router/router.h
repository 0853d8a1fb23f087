#pragma once
// Finds which service and wire protocol a request is for, from (in order) the X-Amz-Target
// header, the SigV4 credential scope, the Host name, the query `Action` parameter and the path.

#include <boost/beast/http.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/protocol.h"
#include "services/registry.h"

namespace nimbus::router {

struct Route {
  Service* service = nullptr;
  protocol::Wire wire = protocol::Wire::Json;
};

struct HostInfo {
  std::string service;  // "sqs", "s3" or ""
  std::string region;   // "" when the host names none
};

// Reads AWS-style host names: sqs.<region>.localhost.localstack.cloud, sqs.<region>.amazonaws.com,
// <region>.queue.amazonaws.com, s3.<region>.amazonaws.com, <bucket>.s3...; ports are ignored.
HostInfo parse_host(std::string_view host);

// The form-encoded `Action` parameter from the URL query or an x-www-form-urlencoded body.
std::optional<std::string> query_action(const protocol::HttpRequest& request);

class Router {
 public:
  explicit Router(const ServiceRegistry& registry) : registry_(registry) {}
  // `scope_service` is the service name of the SigV4 credential scope ("" when unsigned).
  // nullopt when no registered service matches.
  std::optional<Route> route(const protocol::HttpRequest& request, std::string_view scope_service) const;

 private:
  std::optional<Route> for_service(Service* service, const protocol::HttpRequest& request) const;
  const ServiceRegistry& registry_;
};

}  // namespace nimbus::router
