#pragma once
// EventBridge's list pagination: `Limit` items (default and most 100) from the position in
// `NextToken` (an opaque offset), with NextToken when more remain.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace nimbus::events {

nlohmann::json list_page(const std::vector<nlohmann::json>& items, const nlohmann::json& in, const char* member);

}  // namespace nimbus::events
