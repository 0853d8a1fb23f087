#pragma once
// Glue's names and keys: database and table names are stored lowercased (as Glue does) and
// looked up lowercased; GetTables' name pattern; the order-preserving store keys of the state
// (glue_state.h lists the layout) and the opaque NextTokens of listings.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nimbus::glue {

// Lowercased (ASCII; Glue lowercases names).
std::string normalize_name(std::string_view name);
// A usable name: 1-255 bytes, no control characters but tab (the model's NameString).
bool valid_name(std::string_view name);

// GetTables' Expression on a table name, as Glue (like Hive) reads it: alternatives split by
// '|', each a regular expression in which a '*' not after '.' means any run of characters,
// matched in full and case-insensitively. Throws std::invalid_argument when it is not a
// valid regular expression.
class NamePattern {
 public:
  explicit NamePattern(std::string_view pattern);
  ~NamePattern();
  NamePattern(NamePattern&&) noexcept;
  bool matches(std::string_view name) const;

 private:
  struct Compiled;
  std::vector<Compiled> alternatives_;
};

// Scope, database, table keys: tuple keys (storage/key_codec.h), so a scope's databases, a
// database's tables and a table's partitions are each one key range.
std::string scope_key(std::string_view account, std::string_view region);
std::string database_key(std::string_view account, std::string_view region,
                         std::string_view database);
std::string table_key(std::string_view account, std::string_view region, std::string_view database,
                      std::string_view table);
// A table's partition: the table key + the values as a tuple (partition-value order).
std::string partition_suffix(const std::vector<std::string>& values);
std::optional<std::vector<std::string>> values_of_suffix(std::string_view suffix);
// A table version: the table key + the version number big-endian (numeric order).
std::string version_suffix(uint64_t version);

// NextTokens: the last key suffix returned, hex-encoded.
std::string encode_token(std::string_view suffix);
std::optional<std::string> decode_token(std::string_view token);

}  // namespace nimbus::glue
