#pragma once
// Small helpers the REST API operations share: ids, record keys, paging and PATCH operations.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/request_context.h"

namespace nimbus::apigateway {

using Json = nlohmann::json;

// A random id of `length` lowercase letters and digits, as API Gateway's ids are.
std::string random_id(size_t length);
// "<account>/<region>/": the prefix of a caller's records.
std::string scope(const std::string& account, const std::string& region);
std::string scope(const RequestContext& context);
// Wall-clock seconds since the epoch (the timestamps API Gateway answers).
double now_seconds(const Clock& clock);

// One page of `items` ({"items", "position"}): `position` is the index to continue from,
// `limit` 25 by default and at most 500, as API Gateway pages.
Json page(const std::vector<Json>& items, const Json& in);

// Applies API Gateway's patchOperations ({op, path, value, from}) to `document`.
// `allowed` lists the paths the resource accepts: "/name" (that member), "/variables/*" (any key
// of that map), "/binaryMediaTypes/*" (an array whose last segment is the element). Values arrive
// as strings and take the type the member has (booleans and numbers by name, see patch.cpp).
// Throws BadRequestException for an unknown op or a path not allowed.
void apply_patch(Json& document, const Json& operations, const std::vector<std::string_view>& allowed);

// Refuses any op but "replace" as API Gateway does for resources, models and request validators:
// "Invalid patch path  '<path>' specified for op '<op>'. Please choose supported operations".
void replace_only(const Json& operations);

// `object[key]` when `object` has it, else an empty object: a reference that outlives the
// expression, so `member_object(x, "k").items()` is safe where `x.value("k", {}).items()` dangles.
const Json& member_object(const Json& object, const char* key);

// `pattern` (ECMAScript) against `text`, the whole of it or a part; false for a pattern that does
// not compile. libstdc++'s matcher recurses per character: a text longer than 16 KiB is not
// matched at all rather than risk the stack.
bool regex_matches(const std::string& pattern, const std::string& text, bool whole);

// A resource as GetResource answers it; `embed_methods` false lists its methods as empty objects
// (GetResources without embed=methods).
Json resource_view(const Json& resource, bool embed_methods);

}  // namespace nimbus::apigateway
