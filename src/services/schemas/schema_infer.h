#pragma once
// Schema inference, as schema discovery and GetDiscoveredSchema do it: OpenAPI 3 documents
// inferred from JSON events, and the merge of two such documents (what a discoverer does when an
// event of a known kind arrives). Pure functions over JSON; no state.
//
// An EventBridge event (an object with "source", "detail-type" and "detail") becomes AWS's
// envelope shape: component "AWSEvent" (the envelope's members, x-amazon-events-source and
// x-amazon-events-detail-type) whose "detail" is a $ref to a component named after the
// detail-type in PascalCase; any other JSON object becomes a component "Event". Nested objects
// become components of their own, named after their member in PascalCase.
//
// Types: string (format date-time when it is an RFC 3339 date-time), number (integers) or
// number/format double (others), boolean, array (items from the elements, merged; an empty array
// has items {"type":"object"}), objects by $ref; null answers {} (any). Every member seen is
// required; a merge keeps only members required in both, and the union of members.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace nimbus::schemas {

using Json = nlohmann::json;

// The OpenAPI 3 document for one event (an object). Throws std::invalid_argument otherwise.
Json infer_openapi(const Json& event);
// The document for several events: each inferred, then merged in order.
Json infer_openapi(const std::vector<Json>& events);
// `base` with what `added` adds: components and members unioned, required intersected.
Json merge_openapi(const Json& base, const Json& added);
// True for "2026-12-01T08:00:00Z", "2026-12-01T08:00:00.123+02:00".
bool is_date_time(const std::string& text);

}  // namespace nimbus::schemas
