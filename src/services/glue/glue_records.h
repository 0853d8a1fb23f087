#pragma once
// The records the catalog stores and answers: a Database, a Table and a Partition built from
// their *Input shapes as Glue does (members stored as given, names lowercased, CatalogId,
// DatabaseName, times and VersionId added), the request members every handler reads, and the
// walk that pages a listing.

#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "services/glue/glue_names.h"
#include "services/glue/partition_expression.h"

namespace nimbus::glue {

using Json = nlohmann::json;

// A required name member, lowercased; InvalidInputException when missing or unusable.
std::string name_member(const Json& in, const char* member);
// A list of strings (partition values); InvalidInputException when it is not one.
std::vector<std::string> string_list(const Json& value, const char* member);
// MaxResults within [1, cap], `fallback` when absent.
size_t page_size(const Json& in, size_t fallback, size_t cap);
// NextToken decoded (nullopt when absent or empty); InvalidInputException when it is not one of ours.
std::optional<std::string> next_token(const Json& in);

// One page of the records under `prefix` (a scope's, a database's, a table's key): from after the
// key suffix `after` (a decoded NextToken; from the first when nullopt) on, the records `keep`
// accepts, at most `limit` of them, each passed to `take`. `keep` and `take` are called with the
// record's key suffix and the record. Returns the NextToken (the last suffix taken, encoded) when
// more records would be kept, "" when the listing is done. The caller holds the state's mutex.
template <typename Keep, typename Take>
std::string page_records(const std::map<std::string, Json>& records, const std::string& prefix,
                         const std::optional<std::string>& after, size_t limit, Keep keep, Take take) {
  auto it = after ? records.upper_bound(prefix + *after) : records.lower_bound(prefix);
  std::string_view last;
  size_t taken = 0;
  for (; it != records.end() && it->first.starts_with(prefix); ++it) {
    std::string_view suffix = std::string_view(it->first).substr(prefix.size());
    if (!keep(suffix, it->second)) continue;
    if (taken == limit) return encode_token(last);
    take(suffix, it->second);
    last = suffix;
    ++taken;
  }
  return "";
}
// The same, keeping every record.
template <typename Take>
std::string page_records(const std::map<std::string, Json>& records, const std::string& prefix,
                         const std::optional<std::string>& after, size_t limit, Take take) {
  return page_records(records, prefix, after, limit, [](std::string_view, const Json&) { return true; }, take);
}

Json database_record(const Json& input, const std::string& account, double now);
// `created` is kept across updates; `version` is the table's VersionId.
Json table_record(const Json& input, const std::string& database, const std::string& account,
                  double created, double updated, uint64_t version);
Json partition_record(const Json& input, const std::string& database, const std::string& table,
                      const std::string& account, double created);

// The table's PartitionKeys as the expression parser wants them.
std::vector<expr::KeyColumn> key_columns(const Json& table);
// Throws InvalidInputException unless there is one value per partition key.
void check_value_count(const Json& table, const std::vector<std::string>& values);

}  // namespace nimbus::glue
