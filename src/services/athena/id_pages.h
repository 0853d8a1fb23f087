#pragma once
// The listings that answer ids a page at a time (ListQueryExecutions, ListNamedQueries): the token
// is the id the next page starts at.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace nimbus::athena {

// Up to `max` of `ids` (already in listing order) from the request's NextToken, as `member`, with
// the NextToken of the page after. InvalidRequestException for a token that names no listed id.
nlohmann::json id_page(const std::vector<std::string>& ids, const nlohmann::json& in, size_t max, const char* member);

}  // namespace nimbus::athena
