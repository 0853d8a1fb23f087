#pragma once
// ExportSchema's conversion of an OpenAPI 3 schema document to JSON Schema draft 4, as AWS's
// export writes it: the root is the event component ("AWSEvent", else the one named by
// info.title, else the first), titled with info.title, with "$schema" draft-04; the other
// components move to "definitions" and every "#/components/schemas/X" $ref becomes
// "#/definitions/X"; OpenAPI's `nullable: true` becomes a ["<type>", "null"] type.

#include <nlohmann/json.hpp>

namespace nimbus::schemas {

using Json = nlohmann::json;

inline constexpr const char* kDraft4 = "http://json-schema.org/draft-04/schema#";

// Throws std::invalid_argument when `openapi` has no components.schemas object.
Json openapi_to_draft4(const Json& openapi);

}  // namespace nimbus::schemas
