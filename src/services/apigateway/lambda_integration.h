#pragma once
// Calling a Lambda function from an API route (AWS_PROXY / AWS integrations, Lambda authorizers),
// through Lambda's own Invoke operation as API Gateway does: as the service principal
// apigateway.amazonaws.com with the route's execute-api ARN as source, so the function's resource
// policy must allow it (lambda add-permission), unless the integration has credentials (a role).

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "delivery/outbox.h"
#include "services/apigateway/api_front_end.h"

namespace nimbus::apigateway {

// The function ARN in an integration URI
// (arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<function-arn>/invocations), or
// a plain function ARN; nullopt when the URI names no function.
std::optional<std::string> function_of_uri(std::string_view uri);

struct LambdaOutcome {
  enum class Kind { Ok, FunctionError, Throttled, Failed, TimedOut } kind = Kind::Ok;
  std::string payload;  // what the function returned (Ok, FunctionError)
  std::string detail;   // why the call failed (Failed: AWS's error code and message, for logs)
};

struct LambdaCall {
  std::string function_arn;
  std::string payload;
  std::string source_arn;  // arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path>
  bool with_credentials = false;  // the integration has a role: no resource-policy check
  // API Gateway stops waiting after this long (the integration's timeoutInMillis); 0: no limit.
  // The function itself runs on to its own timeout, as on AWS.
  int64_t timeout_ms = 0;
};

boost::asio::awaitable<LambdaOutcome> call_lambda(const delivery::Outbox::Invoke& call, const ApiOwner& owner,
                                                  const LambdaCall& request);

}  // namespace nimbus::apigateway
