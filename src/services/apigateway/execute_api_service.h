#pragma once
// API Gateway's invoke URLs, served over HTTP on nimbus's port: a raw-HTTP service
// ("execute-api") that finds the API a request names and hands it to the service holding it
// (REST APIs or HTTP APIs, see api_front_end.h). The forms accepted:
//   http://<apiId>.execute-api.<anything>[:port]/<stage>/<path>    (host form; also AWS's own
//       <apiId>.execute-api.<region>.amazonaws.com and *.localhost.localstack.cloud)
//   http://<host>/restapis/<apiId>/<stage>/_user_request_/<path>  (path form, any host)

#include <memory>
#include <vector>

#include "services/apigateway/api_front_end.h"
#include "services/apigateway/invoke_auth.h"
#include "services/service.h"

namespace nimbus::apigateway {

// The path form's marker segment.
inline constexpr std::string_view kUserRequest = "/_user_request_";

// Whether a request is an invoke request in the path form (routing: before the management API,
// whose paths also start /restapis/).
bool is_path_form_invoke(std::string_view target);

std::unique_ptr<Service> make_execute_api_service(std::vector<ApiFrontEnd*> front_ends);

}  // namespace nimbus::apigateway
