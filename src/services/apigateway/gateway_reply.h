#pragma once
// API Gateway's own answers on invoke URLs ({"message": ...} JSON with x-amzn-ErrorType), shared
// by the front end and both API services.

#include <string>

#include "core/raw_http.h"

namespace nimbus::apigateway {

Reply gateway_reply(unsigned http_version, int status, const std::string& error_type, const std::string& message);

}  // namespace nimbus::apigateway
