#pragma once
// Finds which service and wire protocol a request is for, from (in order) the X-Amz-Target
// header, the SigV4 credential scope, the Host name, the query `Action` parameter and the path.
// A request that names an AWS service nimbus does not serve (by X-Amz-Target prefix, scope or
// AWS-style host) gets a Route to that service's directory entry, to be answered 501.

#include <boost/beast/http.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/protocol.h"
#include "protocol/service_directory.h"
#include "services/registry.h"

namespace nimbus::router {

struct Route {
  Service* service = nullptr;  // null exactly when `unserved` is set
  protocol::Wire wire = protocol::Wire::Json;
  // A known AWS service nimbus does not serve; `wire` is the protocol to answer it in.
  const model::ServiceInfo* unserved = nullptr;
};

struct HostInfo {
  std::string service;  // "sqs", "s3", "lambda-url" or ""
  std::string region;   // "" when the host names none
};

// Reads AWS-style host names: sqs.<region>.localhost.localstack.cloud, sqs.<region>.amazonaws.com,
// <region>.queue.amazonaws.com, s3.<region>.amazonaws.com, <bucket>.s3..., and function URLs
// <url-id>.lambda-url.<region>.<domain> (service "lambda-url"); ports are ignored.
HostInfo parse_host(std::string_view host);

// The known AWS service an AWS-style host name names: <endpoint-prefix>[.<region>] followed by
// amazonaws.com[.cn], api.aws or localhost.localstack.cloud (lambda.us-east-1.amazonaws.com,
// dynamodb.localhost.localstack.cloud, streams.dynamodb.eu-west-1.amazonaws.com); nullptr for
// any other host (bucket.localhost, 127.0.0.1, ...). Ports are ignored.
const model::ServiceInfo* aws_host_service(std::string_view host);

// The form-encoded `Action` parameter from the URL query or an x-www-form-urlencoded body.
std::optional<std::string> query_action(const HttpRequest& request);

class Router {
 public:
  explicit Router(const ServiceRegistry& registry) : registry_(registry) {}
  // `scope_service` is the service name of the SigV4 credential scope ("" when unsigned).
  // Order: X-Amz-Target and scope naming a served service, then naming a known unserved one,
  // the Host (served, then unserved), the query Action, a form POST (query services), else S3.
  // nullopt when no registered service matches and S3 is not registered.
  std::optional<Route> route(const HttpRequest& request, std::string_view scope_service) const;

 private:
  std::optional<Route> for_service(Service* service, const HttpRequest& request) const;
  // A Route answering `info` (known, not served) in its protocol, as this request speaks it.
  static Route unserved(const model::ServiceInfo& info, const HttpRequest& request);
  const ServiceRegistry& registry_;
};

}  // namespace nimbus::router
