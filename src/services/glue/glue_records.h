#pragma once
// The records the catalog stores and answers: a Database, a Table and a Partition built from
// their *Input shapes as Glue does (members stored as given, names lowercased, CatalogId,
// DatabaseName, times and VersionId added), and the request members every handler reads.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "services/glue/partition_expression.h"

namespace nimbus::glue {

using Json = nlohmann::json;

// A required name member, lowercased; InvalidInputException when missing or unusable.
std::string name_member(const Json& in, const char* member);
// A list of strings (partition values); InvalidInputException when it is not one.
std::vector<std::string> string_list(const Json& value, const char* member);
// MaxResults within [1, cap], `fallback` when absent.
size_t page_size(const Json& in, size_t fallback, size_t cap);

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
