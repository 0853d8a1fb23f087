#pragma once
// What both API Gateway services (REST APIs, HTTP APIs) are built with.

#include "core/clock.h"
#include "delivery/outbox.h"
#include "services/apigateway/invoke_auth.h"
#include "storage/store.h"

namespace nimbus::apigateway {

struct ApiGatewayDeps {
  storage::Store& store;
  Clock& clock;
  // Calls another service's operation as a client would (ServiceRegistry::call): Lambda's Invoke.
  delivery::Outbox::Invoke call;
  // AWS_IAM routes' signature check.
  const IamChecker& iam;
};

}  // namespace nimbus::apigateway
