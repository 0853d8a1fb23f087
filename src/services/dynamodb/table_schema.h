#pragma once
// A table's keys and indexes, read from its TableDescription (the record DescribeTable answers
// from), and the validation CreateTable and UpdateTable do before a description exists.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nimbus::dynamodb {

using Json = nlohmann::json;

struct KeyAttribute {
  std::string name;
  std::string type;  // "S", "N" or "B"
};

struct IndexSchema {
  std::string name;
  bool global = false;
  KeyAttribute hash;
  std::optional<KeyAttribute> range;
  std::string projection = "ALL";     // KEYS_ONLY | INCLUDE | ALL
  std::vector<std::string> non_key;   // INCLUDE's NonKeyAttributes
};

struct TableSchema {
  std::string name;
  std::string id;  // TableId: the store keys of a table recreated under the same name never meet
  KeyAttribute hash;
  std::optional<KeyAttribute> range;
  std::vector<IndexSchema> indexes;  // local ones, then global ones

  const IndexSchema* find_index(std::string_view index_name) const;
  // Whether `attribute` is one of the table's key attributes.
  bool is_table_key(std::string_view attribute) const;
  static TableSchema from_description(const Json& description);
};

// What the description gets that CreateTable's input does not say.
struct NewTable {
  std::string arn;
  std::string id;
  double created = 0;  // epoch seconds
};

// Validates CreateTable's input as DynamoDB does (key schema shapes, attribute definitions that
// are exactly the key attributes of the table and its indexes, billing mode and throughput,
// index limits and projections) and builds the TableDescription, TableStatus ACTIVE. Throws
// AwsError (ValidationException, LimitExceededException).
Json describe_new_table(const Json& input, const NewTable& table);

// Validates one GlobalSecondaryIndexUpdates Create against the table and builds its description.
Json describe_new_global_index(const Json& create, const Json& table_description,
                               const Json& attribute_definitions);

// The projection of an item into an index: its key attributes (table and index) and what the
// projection keeps.
Json project_into_index(const Json& item, const TableSchema& table, const IndexSchema& index);

}  // namespace nimbus::dynamodb
