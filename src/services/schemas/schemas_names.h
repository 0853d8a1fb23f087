#pragma once
// Names, ARNs, record keys and pagination of the Schema Registry.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/request_context.h"

namespace nimbus::schemas {

using Json = nlohmann::json;

inline constexpr std::string_view kSpace = "schemas";
// Built-in registries: AWS's own event schemas, and what discoverers infer.
inline constexpr std::string_view kAwsRegistry = "aws.events";
inline constexpr std::string_view kDiscoveredRegistry = "discovered-schemas";
inline constexpr std::string_view kOpenApi3 = "OpenApi3";
inline constexpr std::string_view kJsonSchemaDraft4 = "JSONSchemaDraft4";

// "<account>/<region>/", the prefix of every record of a caller's scope.
std::string scope(const RequestContext& context);
std::string scope(const std::string& account, const std::string& region);

std::string registry_arn(const RequestContext& context, const std::string& registry);
std::string schema_arn(const RequestContext& context, const std::string& registry, const std::string& schema);
std::string discoverer_arn(const std::string& account, const std::string& region, const std::string& id);

// "OrderCreated", "EC2InstanceStateChangeNotification" from "EC2 Instance State-change
// Notification": every run of letters and digits with its first letter upper-cased.
std::string pascal_name(std::string_view text);
// The discovered-schemas name of an event: "<source>@<PascalCase detail-type>", '/' as '-'.
std::string discovered_schema_name(std::string_view source, std::string_view detail_type);

// One page of `items` from the input's NextToken (an opaque offset) and Limit (≤ 100).
Json list_page(const std::vector<Json>& items, const Json& in, const char* member);

// A timestamp member's value: ISO 8601 text, as the model's __timestampIso8601 shape says. (Written
// as text here because the JSON codec applies a member's timestampFormat but not a shape's: a
// number would go out as epoch seconds, which the JS SDK refuses for these members.)
std::string timestamp(int64_t ms);

}  // namespace nimbus::schemas
