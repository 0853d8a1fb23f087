#pragma once
// Access logs of API stages (REST APIs' accessLogSettings, HTTP APIs' AccessLogSettings).

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "delivery/outbox.h"
#include "services/apigateway/api_front_end.h"

namespace nimbus::apigateway {

// Renders `format` ($context.<dotted.name> replaced by its value in `context`, "-" when absent, as
// API Gateway does) and writes the line to the log group `destination_arn` names (stream `stream`,
// created when missing) in the background. Nothing when the settings name no group or format.
boost::asio::awaitable<void> log_access_line(const delivery::Outbox::Invoke& call, const ApiOwner& owner,
                                             const std::string& destination_arn, const std::string& format,
                                             const std::string& stream, const nlohmann::json& context,
                                             int64_t timestamp_ms);

}  // namespace nimbus::apigateway
