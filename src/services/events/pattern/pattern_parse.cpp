// The pattern parser: JSON text -> Node tree, validated in document order with event-ruler's reasons.
#include <algorithm>
#include <array>
#include <string_view>

#include "services/events/pattern/operand_parse.h"
#include "services/events/pattern/pattern.h"
#include "services/events/pattern/pattern_errors.h"

namespace nimbus::events::pattern {
namespace {

using Ordered = nlohmann::ordered_json;  // keeps keys in document order, so errors come in that order

// Field names event-ruler refuses inside "$or" branches (its RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP).
constexpr std::array<std::string_view, 24> kReservedInOr = {
    "exactly", "equals-ignore-case", "prefix", "suffix", "anything-but", "exists", "wildcard",
    "numeric", "cidr", "=", "<", "<=", ">", ">=", "regex", "not-wildcard", "not-equals-ignore-case",
    "date-after", "date-on-or-after", "date-before", "date-on-or-before", "in-date-range",
    "ip-address-in-range", "ip-address-not-in-range"};

size_t utf8_chars(std::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// The one-key object {"name": value} of a match expression; AWS checks the value before the count.
struct Expression {
  const std::string& name;
  const Ordered& value;
  bool extra;  // more than one key
};

Expression first_member(const Ordered& object, std::string_view empty_reason) {
  if (object.empty()) errors::invalid(empty_reason);
  auto it = object.begin();
  return {it.key(), it.value(), object.size() > 1};
}

std::string ascii_string(const Ordered& value, std::string_view reason) {
  if (!value.is_string()) errors::invalid(reason);
  return value.get<std::string>();
}

// {"prefix": {"equals-ignore-case": "x"}} and its suffix twin.
Matcher ignore_case_affix(const Ordered& object, bool prefix) {
  Expression inner = first_member(object, prefix ? errors::kPrefixName : errors::kSuffixName);
  if (inner.name != "equals-ignore-case") {
    errors::invalid(prefix ? errors::unknown_prefix(inner.name) : errors::unknown_suffix(inner.name));
  }
  Matcher m;
  m.kind = prefix ? Matcher::Kind::PrefixIgnoreCase : Matcher::Kind::SuffixIgnoreCase;
  m.strings.push_back(fold_case(ascii_string(inner.value, errors::kIgnoreCaseString)));
  if (inner.extra) errors::invalid(errors::kOneKey);
  return m;
}

Matcher affix(const Ordered& value, bool prefix) {
  if (value.is_object()) return ignore_case_affix(value, prefix);
  Matcher m;
  m.kind = prefix ? Matcher::Kind::Prefix : Matcher::Kind::Suffix;
  m.strings.push_back(ascii_string(value, prefix ? errors::kPrefixString : errors::kSuffixString));
  return m;
}

// {"anything-but": {"prefix"|"suffix"|"equals-ignore-case"|"wildcard": s | [s...]}}
Matcher anything_but_set(const Ordered& object) {
  Expression inner = first_member(object, errors::kAnythingButName);
  Matcher m;
  if (inner.name == "prefix") {
    m.kind = Matcher::Kind::AnythingButPrefix;
  } else if (inner.name == "suffix") {
    m.kind = Matcher::Kind::AnythingButSuffix;
  } else if (inner.name == "equals-ignore-case") {
    m.kind = Matcher::Kind::AnythingButIgnoreCase;
  } else if (inner.name == "wildcard") {
    m.kind = Matcher::Kind::AnythingButWildcard;
  } else {
    errors::invalid(errors::unknown_anything_but(inner.name));
  }
  const Ordered& v = inner.value;
  if (!v.is_array() && !v.is_string() && !v.is_number()) errors::invalid(errors::kAnythingButValue);
  auto add = [&](const Ordered& item) {
    if (!item.is_string()) {
      errors::invalid(m.kind == Matcher::Kind::AnythingButIgnoreCase ? errors::kAnythingButIgnoreCaseType
                      : m.kind == Matcher::Kind::AnythingButWildcard ? errors::kWildcardString
                                                                      : errors::kAnythingButAffixType);
    }
    std::string text = item.get<std::string>();
    bool affix_kind = m.kind == Matcher::Kind::AnythingButPrefix || m.kind == Matcher::Kind::AnythingButSuffix;
    if (affix_kind && text.empty()) errors::invalid(errors::kNullAffix);
    if (m.kind == Matcher::Kind::AnythingButWildcard) {
      m.wildcards.push_back(parse_wildcard(text));
    } else {
      m.strings.push_back(m.kind == Matcher::Kind::AnythingButIgnoreCase ? fold_case(text) : text);
    }
  };
  if (v.is_array()) {
    for (const Ordered& item : v) add(item);
  } else {
    add(v);
  }
  if (inner.extra) errors::invalid(errors::kTooManyNumeric);
  return m;
}

// {"anything-but": "s" | 5 | ["a", "b"] | [1, 2]}: strings and numbers, never mixed.
Matcher anything_but(const Ordered& value) {
  if (value.is_object()) return anything_but_set(value);
  if (!value.is_array() && !value.is_string() && !value.is_number()) errors::invalid(errors::kAnythingButValue);
  Matcher m;
  m.kind = Matcher::Kind::AnythingBut;
  auto add = [&](const Ordered& item) {
    if (item.is_string()) {
      m.strings.push_back(item.get<std::string>());
    } else if (item.is_number()) {
      double number = item.get<double>();
      if (!numeric_in_range(number)) errors::invalid(errors::kNumericRange);
      m.numbers.push_back(numeric_key(number));
    } else {
      errors::invalid(errors::kAnythingButListType);
    }
  };
  if (value.is_array()) {
    for (const Ordered& item : value) add(item);
    if (m.strings.empty() == m.numbers.empty()) errors::invalid(errors::kAnythingButMixed);
  } else {
    add(value);
  }
  return m;
}

Matcher exact(const Ordered& item) {
  Matcher m;
  m.kind = Matcher::Kind::Exact;
  if (item.is_string()) {
    m.value = item.get<std::string>();
  } else if (item.is_boolean()) {
    m.value = item.get<bool>();
  } else if (item.is_number_unsigned()) {
    m.value = item.get<uint64_t>();
  } else if (item.is_number_integer()) {
    m.value = item.get<int64_t>();
  } else if (item.is_number_float()) {
    m.value = item.get<double>();
  }  // else null, the default
  return m;
}

Matcher exists(const Ordered& value) {
  if (!value.is_boolean()) errors::invalid(errors::kExistsBool);
  Matcher m;
  m.kind = Matcher::Kind::Exists;
  m.exists = value.get<bool>();
  return m;
}

Matcher match_expression(const Ordered& object) {
  Expression e = first_member(object, errors::kNoMatchName);
  Matcher m;
  std::string_view extra_reason = errors::kOneKey;
  if (e.name == "prefix" || e.name == "suffix") {
    m = affix(e.value, e.name == "prefix");
  } else if (e.name == "equals-ignore-case") {
    m.kind = Matcher::Kind::EqualsIgnoreCase;
    m.strings.push_back(fold_case(ascii_string(e.value, errors::kIgnoreCaseString)));
  } else if (e.name == "wildcard") {
    m.kind = Matcher::Kind::Wildcard;
    m.wildcards.push_back(parse_wildcard(ascii_string(e.value, errors::kWildcardString)));
  } else if (e.name == "numeric") {
    if (!e.value.is_array()) errors::invalid(errors::kNumericNotArray);
    m = numeric(e.value);
    extra_reason = errors::kTooManyNumeric;
  } else if (e.name == "anything-but") {
    m = anything_but(e.value);
    extra_reason = errors::kTooManyNumeric;
  } else if (e.name == "exists") {
    m = exists(e.value);
  } else if (e.name == "cidr") {
    m = cidr(ascii_string(e.value, errors::kPrefixString));  // sic: event-ruler's wording for cidr
  } else {
    errors::invalid(errors::unknown_match(e.name));
  }
  if (e.extra) errors::invalid(extra_reason);
  return m;
}

std::vector<Matcher> leaf(const Ordered& array) {
  std::vector<Matcher> matchers;
  for (const Ordered& item : array) {
    if (item.is_object()) {
      matchers.push_back(match_expression(item));
    } else if (item.is_array() || item.is_binary() || item.is_discarded()) {
      errors::invalid(errors::kBadMatchValue);
    } else {
      matchers.push_back(exact(item));
    }
  }
  if (matchers.empty()) errors::invalid(errors::kEmptyArray);
  return matchers;
}

Node object(const Ordered& value, bool inside_or);

std::vector<Node> or_group(const Ordered& value) {
  if (!value.is_array()) errors::invalid(errors::kOrArray);
  std::vector<Node> branches;
  for (const Ordered& item : value) {
    if (!item.is_object()) errors::invalid(errors::kOrObjects);
    branches.push_back(object(item, true));
  }
  if (branches.size() < 2) errors::invalid(errors::kOrTwo);
  return branches;
}

Node object(const Ordered& value, bool inside_or) {
  if (value.empty()) errors::invalid(errors::kEmptyObject);
  Node node;
  for (auto it = value.begin(); it != value.end(); ++it) {
    const std::string& name = it.key();
    if (name == "$or") {
      node.any_of.push_back(or_group(it.value()));
      continue;
    }
    if (inside_or && std::find(kReservedInOr.begin(), kReservedInOr.end(), name) != kReservedInOr.end()) {
      errors::invalid(errors::reserved_in_or(name));
    }
    Field field;
    field.name = name;
    if (it.value().is_object()) {
      field.object = std::make_unique<Node>(object(it.value(), inside_or));
    } else if (it.value().is_array()) {
      field.matchers = leaf(it.value());
    } else {
      errors::invalid(errors::not_object_or_array(name));
    }
    node.fields.push_back(std::move(field));
  }
  return node;
}

}  // namespace

std::shared_ptr<const Pattern> parse(std::string_view pattern_json, size_t max_chars) {
  if (utf8_chars(pattern_json) > max_chars) errors::invalid(errors::too_long(max_chars));
  Ordered document = Ordered::parse(pattern_json, nullptr, false);
  if (document.is_discarded()) errors::invalid(errors::kNotJson);
  if (!document.is_object()) errors::invalid(errors::kNotObject);
  return std::make_shared<const Pattern>(object(document, false));
}

}  // namespace nimbus::events::pattern
