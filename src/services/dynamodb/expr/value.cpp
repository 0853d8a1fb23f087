#include "services/dynamodb/expr/value.h"

#include <algorithm>
#include <array>
#include <vector>

#include "services/dynamodb/expr/expression_error.h"
#include "services/dynamodb/expr/number.h"

namespace nimbus::dynamodb::expr {
namespace {

constexpr size_t kMaxNesting = 32;

struct TypeKey {
  Type type;
  std::string_view key;
};
constexpr std::array<TypeKey, 10> kTypeKeys = {{{Type::S, "S"},
                                                {Type::N, "N"},
                                                {Type::B, "B"},
                                                {Type::SS, "SS"},
                                                {Type::NS, "NS"},
                                                {Type::BS, "BS"},
                                                {Type::M, "M"},
                                                {Type::L, "L"},
                                                {Type::Null, "NULL"},
                                                {Type::Bool, "BOOL"}}};

std::optional<Type> type_for_key(std::string_view key) {
  for (const TypeKey& t : kTypeKeys) {
    if (t.key == key) return t.type;
  }
  return std::nullopt;
}

[[noreturn]] void invalid(std::string message) { throw ExpressionError{std::move(message)}; }

// A wire member of the wrong JSON type is a SerializationException in DynamoDB, raised before
// validation; the service's decoder normally catches it first.
void expect(bool ok) {
  if (!ok) invalid("Supplied AttributeValue has an invalid value for its datatype");
}

std::string list_text(const Json& elements) {
  std::string out = "[";
  for (size_t i = 0; i < elements.size(); ++i)
    out += (i ? ", " : "") + elements[i].get<std::string>();
  return out + "]";
}

void validate_set(Type type, Json& elements) {
  expect(elements.is_array());
  for (const Json& e : elements) expect(e.is_string());
  if (elements.empty()) {
    if (type == Type::SS)
      invalid("One or more parameter values were invalid: An string set  may not be empty");
    if (type == Type::NS)
      invalid("One or more parameter values were invalid: An number set  may not be empty");
    invalid("One or more parameter values were invalid: Binary sets should not be empty");
  }
  std::vector<std::string> keys;
  for (Json& e : elements) {
    if (type == Type::NS) {
      e = Number::parse(e.get<std::string>()).to_string();
      keys.push_back(e.get<std::string>());
    } else if (type == Type::BS) {
      keys.push_back(decode_base64(e.get<std::string>()));
    } else {
      keys.push_back(e.get<std::string>());
    }
  }
  std::sort(keys.begin(), keys.end());
  if (std::adjacent_find(keys.begin(), keys.end()) == keys.end()) return;
  if (type == Type::SS)
    invalid("One or more parameter values were invalid: Input collection " + list_text(elements) +
            " contains duplicates.");
  if (type == Type::NS) invalid("Input collection contains duplicates");
  invalid("One or more parameter values were invalid: Input collection " + list_text(elements) +
          "of type BS contains duplicates.");
}

void validate(Json& value, size_t depth) {
  if (depth > kMaxNesting) invalid("Nesting Levels have exceeded supported limits");
  expect(value.is_object());
  // Members that are not type keys are ignored, as DynamoDB's decoder ignores unknown members.
  std::optional<Type> type;
  std::string key;
  for (auto it = value.begin(); it != value.end(); ++it) {
    std::optional<Type> t = type_for_key(it.key());
    if (!t) continue;
    if (type)
      invalid(
          "Supplied AttributeValue has more than one datatypes set, must contain exactly one of "
          "the supported datatypes");
    type = t;
    key = it.key();
  }
  if (!type)
    invalid(
        "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
  if (value.size() > 1) value = Json{{key, value[key]}};
  Json& v = value[key];
  switch (*type) {
    case Type::S:
      expect(v.is_string());
      break;
    case Type::N:
      expect(v.is_string());
      v = Number::parse(v.get<std::string>()).to_string();
      break;
    case Type::B:
      expect(v.is_string());
      decode_base64(v.get<std::string>());
      break;
    case Type::SS:
    case Type::NS:
    case Type::BS:
      validate_set(*type, v);
      break;
    case Type::M:
      expect(v.is_object());
      for (auto& [name, member] : v.items()) validate(member, depth + 1);
      break;
    case Type::L:
      expect(v.is_array());
      for (Json& element : v) validate(element, depth + 1);
      break;
    case Type::Null:
      expect(v.is_boolean());
      if (!v.get<bool>())
        invalid(
            "One or more parameter values were invalid: Null attribute value types must have the "
            "value of true");
      break;
    case Type::Bool:
      expect(v.is_boolean());
      break;
  }
}

const Json& payload(const Json& value) { return value.begin().value(); }

Number number(const Json& text) { return Number::parse(text.get<std::string>()); }

// A set's elements as comparable keys: numbers normalized, binary decoded.
std::vector<std::string> set_keys(Type type, const Json& elements) {
  std::vector<std::string> keys;
  for (const Json& e : elements) {
    const std::string& s = e.get_ref<const std::string&>();
    keys.push_back(type == Type::NS   ? Number::parse(s).to_string()
                   : type == Type::BS ? decode_base64(s)
                                      : s);
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

size_t utf8_size(const Json& text) { return text.get_ref<const std::string&>().size(); }

int base64_digit(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

std::string_view type_key(Type type) {
  for (const TypeKey& t : kTypeKeys) {
    if (t.type == type) return t.key;
  }
  return "";
}

Type type_of(const Json& value) { return *type_for_key(value.begin().key()); }

bool is_set(Type type) { return type == Type::SS || type == Type::NS || type == Type::BS; }

void validate_value(Json& value) { validate(value, 1); }

void validate_item(Json& item) {
  expect(item.is_object());
  for (auto& [name, value] : item.items()) validate_value(value);
}

bool equal(const Json& a, const Json& b) {
  Type ta = type_of(a);
  if (ta != type_of(b)) return false;
  const Json& va = payload(a);
  const Json& vb = payload(b);
  switch (ta) {
    case Type::N:
      return number(va) == number(vb);
    case Type::B:
      return decode_base64(va.get<std::string>()) == decode_base64(vb.get<std::string>());
    case Type::SS:
    case Type::NS:
    case Type::BS:
      return va.size() == vb.size() && set_keys(ta, va) == set_keys(ta, vb);
    case Type::L:
      if (va.size() != vb.size()) return false;
      for (size_t i = 0; i < va.size(); ++i) {
        if (!equal(va[i], vb[i])) return false;
      }
      return true;
    case Type::M:
      if (va.size() != vb.size()) return false;
      for (auto it = va.begin(); it != va.end(); ++it) {
        auto other = vb.find(it.key());
        if (other == vb.end() || !equal(it.value(), *other)) return false;
      }
      return true;
    default:
      return va == vb;
  }
}

std::optional<int> compare_ordered(const Json& a, const Json& b) {
  Type ta = type_of(a);
  if (ta != type_of(b)) return std::nullopt;
  const Json& va = payload(a);
  const Json& vb = payload(b);
  int c = 0;
  // std::string compares as unsigned char, which is DynamoDB's byte order for S and B.
  if (ta == Type::S) {
    c = va.get_ref<const std::string&>().compare(vb.get_ref<const std::string&>());
  } else if (ta == Type::B) {
    c = decode_base64(va.get<std::string>()).compare(decode_base64(vb.get<std::string>()));
  } else if (ta == Type::N) {
    c = compare(number(va), number(vb));
  } else {
    return std::nullopt;
  }
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

std::string decode_base64(std::string_view text) {
  if (text.size() % 4 != 0) invalid("Invalid Base64 value: length is not a multiple of 4");
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    int d[4];
    size_t padding = 0;
    for (size_t j = 0; j < 4; ++j) {
      char c = text[i + j];
      bool last_group = i + 4 == text.size();
      if (c == '=' && last_group && j >= 2 && (j == 3 || text[i + 3] == '=')) {
        d[j] = 0;
        ++padding;
      } else {
        d[j] = base64_digit(c);
        if (d[j] < 0 || padding > 0) invalid("Invalid Base64 value: unexpected character");
      }
    }
    unsigned bits =
        (unsigned(d[0]) << 18) | (unsigned(d[1]) << 12) | (unsigned(d[2]) << 6) | unsigned(d[3]);
    out += static_cast<char>((bits >> 16) & 0xff);
    if (padding < 2) out += static_cast<char>((bits >> 8) & 0xff);
    if (padding < 1) out += static_cast<char>(bits & 0xff);
  }
  return out;
}

size_t value_size(const Json& value) {
  const Json& v = payload(value);
  size_t size = 0;
  switch (type_of(value)) {
    case Type::S:
      return utf8_size(v);
    case Type::N:
      return number(v).storage_size();
    case Type::B:
      return decode_base64(v.get<std::string>()).size();
    case Type::SS:
      for (const Json& e : v) size += utf8_size(e);
      return size;
    case Type::NS:
      for (const Json& e : v) size += number(e).storage_size();
      return size;
    case Type::BS:
      for (const Json& e : v) size += decode_base64(e.get<std::string>()).size();
      return size;
    case Type::L:
      // 3 bytes for the list, 1 per element.
      size = 3;
      for (const Json& e : v) size += 1 + value_size(e);
      return size;
    case Type::M:
      size = 3;
      for (auto it = v.begin(); it != v.end(); ++it)
        size += 1 + it.key().size() + value_size(it.value());
      return size;
    case Type::Null:
    case Type::Bool:
      return 1;
  }
  return size;
}

size_t item_size(const Json& item) {
  size_t size = 0;
  for (auto it = item.begin(); it != item.end(); ++it)
    size += it.key().size() + value_size(it.value());
  return size;
}

}  // namespace nimbus::dynamodb::expr
