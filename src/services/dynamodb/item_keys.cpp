#include "services/dynamodb/item_keys.h"

#include "services/dynamodb/dynamodb_errors.h"
#include "services/dynamodb/expr/number.h"
#include "services/dynamodb/expr/value.h"
#include "storage/key_codec.h"

namespace nimbus::dynamodb {
namespace {

constexpr size_t kMaxHashKeyBytes = 2048;
constexpr size_t kMaxRangeKeyBytes = 1024;
constexpr int kMagnitudeBias = 512;  // DynamoDB magnitudes are -130..125

void append_magnitude(std::string& out, int magnitude, bool invert) {
  unsigned biased = static_cast<unsigned>(magnitude + kMagnitudeBias);
  unsigned char high = static_cast<unsigned char>(biased >> 8), low = static_cast<unsigned char>(biased & 0xff);
  out.push_back(static_cast<char>(invert ? ~high : high));
  out.push_back(static_cast<char>(invert ? ~low : low));
}

// Numbers: a sign byte (negative < zero < positive), then the magnitude of the leading digit and
// the significant digits; inverted for negatives, with a terminator so -1.5 sorts after -1.55.
std::string number_bytes(const std::string& wire) {
  std::string normalized = expr::Number::parse(wire).to_string();
  bool negative = normalized.starts_with('-');
  std::string plain = negative ? normalized.substr(1) : normalized;
  if (plain == "0") return std::string(1, '\x80');
  size_t point = plain.find('.');
  std::string digits = plain;
  if (point != std::string::npos) digits.erase(point, 1);
  size_t first = digits.find_first_not_of('0');
  int integer_digits = static_cast<int>(point == std::string::npos ? plain.size() : point);
  int magnitude = integer_digits - 1 - static_cast<int>(first);
  digits = digits.substr(first);
  while (!digits.empty() && digits.back() == '0') digits.pop_back();
  std::string out(1, negative ? '\x40' : '\xc0');
  append_magnitude(out, magnitude, negative);
  for (char digit : digits) out.push_back(negative ? static_cast<char>(~digit) : digit);
  if (negative) out.push_back('\xff');
  return out;
}

std::string type_name(const Json& value) {
  return value.is_object() && value.size() == 1 ? value.begin().key() : std::string("?");
}

bool is_empty_value(const Json& value) {
  const Json& inner = value.begin().value();
  return inner.is_string() && inner.get_ref<const std::string&>().empty();
}

size_t raw_size(const Json& value, const std::string& type) {
  const auto& text = value.begin().value().get_ref<const std::string&>();
  return type == "B" ? expr::decode_base64(text).size() : text.size();
}

[[noreturn]] void empty_key(const std::string& name) {
  throw errors::validation(
      "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty "
      "string value. Key: " + name);
}

void check_key_size(const Json& value, const KeyAttribute& key, bool is_range) {
  if (is_range && raw_size(value, key.type) > kMaxRangeKeyBytes) {
    throw errors::invalid_parameter("Aggregated size of all range keys has exceeded the size limit of 1024 bytes");
  }
  if (!is_range && raw_size(value, key.type) > kMaxHashKeyBytes) {
    throw errors::invalid_parameter("Size of hashkey has exceeded the maximum size limit of2048 bytes");
  }
}

}  // namespace

std::string key_value_bytes(const Json& value, const std::string& type) {
  const auto& text = value.at(type).get_ref<const std::string&>();
  if (type == "N") return number_bytes(text);
  if (type == "B") return expr::decode_base64(text);
  return text;
}

void append_key_value(std::string& key, const Json& value, const std::string& type) {
  storage::keys::append_part(key, key_value_bytes(value, type));
}

std::string items_prefix(const TableSchema& table) { return storage::keys::join({"i", table.id}); }

std::string index_prefix(const TableSchema& table, const IndexSchema& index) {
  return storage::keys::join({"x", table.id, index.name});
}

std::string item_key_from_key(const TableSchema& table, const Json& key) {
  size_t expected = table.range ? 2 : 1;
  if (!key.is_object() || key.size() != expected) throw errors::key_mismatch();
  std::string out = items_prefix(table);
  std::vector<std::pair<const KeyAttribute*, bool>> parts{{&table.hash, false}};
  if (table.range) parts.emplace_back(&*table.range, true);
  for (auto [attribute, is_range] : parts) {
    auto it = key.find(attribute->name);
    if (it == key.end() || type_name(*it) != attribute->type) throw errors::key_mismatch();
    if (is_empty_value(*it)) empty_key(attribute->name);
    check_key_size(*it, *attribute, is_range);
    append_key_value(out, *it, attribute->type);
  }
  return out;
}

std::string item_key_of_item(const TableSchema& table, const Json& item) {
  std::string out = items_prefix(table);
  std::vector<std::pair<const KeyAttribute*, bool>> parts{{&table.hash, false}};
  if (table.range) parts.emplace_back(&*table.range, true);
  for (auto [attribute, is_range] : parts) {
    auto it = item.find(attribute->name);
    if (it == item.end()) throw errors::invalid_parameter("Missing the key " + attribute->name + " in the item");
    if (type_name(*it) != attribute->type) {
      throw errors::invalid_parameter("Type mismatch for key " + attribute->name + " expected: " + attribute->type +
                                      " actual: " + type_name(*it));
    }
    if (is_empty_value(*it)) empty_key(attribute->name);
    check_key_size(*it, *attribute, is_range);
    append_key_value(out, *it, attribute->type);
  }
  return out;
}

std::optional<std::string> index_key_of_item(const TableSchema& table, const IndexSchema& index, const Json& item) {
  std::vector<const KeyAttribute*> index_keys{&index.hash};
  if (index.range) index_keys.push_back(&*index.range);
  for (const auto* attribute : index_keys) {
    auto it = item.find(attribute->name);
    if (it == item.end()) return std::nullopt;
    if (type_name(*it) != attribute->type) {
      throw errors::invalid_parameter("Type mismatch for Index Key " + attribute->name + " Expected: " +
                                      attribute->type + " Actual: " + type_name(*it) + " IndexName: " + index.name);
    }
    if (is_empty_value(*it)) {
      throw errors::validation(
          "One or more parameter values are not valid. A value specified for a secondary index key is not supported. "
          "The AttributeValue for a key attribute cannot contain an empty string value. IndexName: " + index.name +
          ", IndexKey: " + attribute->name);
    }
  }
  std::string out = index_prefix(table, index);
  for (const auto* attribute : index_keys) append_key_value(out, item.at(attribute->name), attribute->type);
  append_key_value(out, item.at(table.hash.name), table.hash.type);
  if (table.range) append_key_value(out, item.at(table.range->name), table.range->type);
  return out;
}

Json key_attributes(const TableSchema& table, const Json& item, const IndexSchema* index) {
  Json out = Json::object();
  auto keep = [&](const KeyAttribute& key) {
    auto it = item.find(key.name);
    if (it != item.end()) out[key.name] = *it;
  };
  keep(table.hash);
  if (table.range) keep(*table.range);
  if (index) {
    keep(index->hash);
    if (index->range) keep(*index->range);
  }
  return out;
}

}  // namespace nimbus::dynamodb
