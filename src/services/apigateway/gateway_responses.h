#pragma once
// REST APIs' gateway responses: what API Gateway answers itself (missing route, failed
// authorization, integration errors ...), per response type, with the defaults AWS has and the
// API's own overrides (PutGatewayResponse).

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nimbus::apigateway {

using Json = nlohmann::json;

struct GatewayResponseType {
  std::string_view type;          // "MISSING_AUTHENTICATION_TOKEN"
  std::optional<int> status;      // nullopt for DEFAULT_4XX / DEFAULT_5XX
  std::string_view error_type;    // x-amzn-ErrorType
};

const std::vector<GatewayResponseType>& gateway_response_types();
const GatewayResponseType* find_gateway_response_type(std::string_view type);

// The gateway response of `type` as GetGatewayResponse answers it: the API's own
// (`overrides`, keyed by type) or the default, which the DEFAULT_4XX/5XX overrides shape.
Json gateway_response(const Json& overrides, std::string_view type);

}  // namespace nimbus::apigateway
