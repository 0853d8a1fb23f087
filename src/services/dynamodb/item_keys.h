#pragma once
// The store keys of items and index entries. A key attribute's value becomes bytes whose order is
// DynamoDB's order for its type (strings and binary bytewise, numbers by value), so a Query is a
// range walk of the store:
//   item:        join("i", TableId) + part(hash) [+ part(range)]
//   index entry: join("x", TableId, index) + part(index hash) [+ part(index range)] + item's parts
// Also the checks DynamoDB makes on key attributes, with its texts.

#include <optional>
#include <string>

#include "services/dynamodb/table_schema.h"

namespace nimbus::dynamodb {

// Order-preserving bytes of an S, N or B key value of `type` (the caller checked the type).
std::string key_value_bytes(const Json& value, const std::string& type);

std::string items_prefix(const TableSchema& table);
std::string index_prefix(const TableSchema& table, const IndexSchema& index);
// Appends one key value (escaped tuple part) to a key.
void append_key_value(std::string& key, const Json& value, const std::string& type);

// The item key for a request's Key member: exactly the table's key attributes, of their types
// ("The provided key element does not match the schema"), not empty.
std::string item_key_from_key(const TableSchema& table, const Json& key);
// The item key of a whole item (PutItem): "Missing the key <k> in the item", "Type mismatch for
// key <k> expected: S actual: N", size limits.
std::string item_key_of_item(const TableSchema& table, const Json& item);
// The index entry key of an item, or nullopt when the item lacks the index's key attributes (it is
// not in the index). Throws the "Type mismatch for Index Key" and empty-value errors.
std::optional<std::string> index_key_of_item(const TableSchema& table, const IndexSchema& index, const Json& item);

// The key attributes of an item: the table's, plus the index's when `index` is given (Query and
// Scan's LastEvaluatedKey).
Json key_attributes(const TableSchema& table, const Json& item, const IndexSchema* index = nullptr);

}  // namespace nimbus::dynamodb
