#pragma once
// Function URLs served over HTTP: requests to <url-id>.lambda-url.<region>.<any domain>[:port]
// (on.aws on AWS; localhost, localhost.localstack.cloud here) invoke the function with the
// payload format 2.0 event and answer what it returns, as Lambda's URL front end does. A raw-HTTP
// service of its own ("lambda-url") beside the Lambda API, which it drives through
// LambdaService::serve_function_url.

#include <memory>

#include "services/service.h"

namespace nimbus::lambda {

class LambdaService;

std::unique_ptr<Service> make_function_url_service(LambdaService& lambda);

}  // namespace nimbus::lambda
