#pragma once
// EventBridge event patterns in layers: JSON text -> parse() (validation with AWS's reasons) ->
// Pattern (the AST) -> matches() against one event; RuleIndex (rule_index.h) matches many at once.
//
// A pattern is an object whose leaves are arrays of matchers (any of them may match):
//   exact "s" / 5 / true / null, {"prefix": "s" | {"equals-ignore-case": "s"}},
//   {"suffix": same forms}, {"equals-ignore-case": "s"}, {"wildcard": "a*b"},
//   {"anything-but": v | [v...] | {"prefix"|"suffix"|"equals-ignore-case"|"wildcard": s | [s...]}},
//   {"numeric": [op, n (, op, n)]}, {"exists": bool}, {"cidr": "10.0.0.0/24"};
// nested objects descend into the event, and "$or": [{...}, {...}] at any level means any of.
// Arrays in the event match if any element matches; fields of one pattern object are matched
// against one array element together ("array consistency", as event-ruler's rulesForJSONEvent).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace nimbus::events::pattern {

using Json = nlohmann::json;

// EventBridge's "Event pattern size" quota (2,048 characters, adjustable; the API model allows 4,096).
inline constexpr size_t kMaxPatternChars = 2048;
// AWS documents numeric matching for -5.0e9..+5.0e9 with six digits after the decimal point.
inline constexpr double kNumericLimit = 5.0e9;

// One `*`-glob: the literal runs between unescaped stars (`\*` and `\\` are literal).
struct Wildcard {
  std::vector<std::string> parts;  // parts.size() == stars + 1
  bool matches(std::string_view text) const;
};

// One element of a leaf's array.
struct Matcher {
  enum class Kind {
    Exact,              // value: a string, number, bool or null
    Prefix,             // strings[0]
    PrefixIgnoreCase,   // strings[0], ASCII-folded
    Suffix,             // strings[0]
    SuffixIgnoreCase,   // strings[0], ASCII-folded
    EqualsIgnoreCase,   // strings[0], ASCII-folded
    Wildcard,           // wildcards[0]
    Numeric,            // low/high bounds on micro-units (see numeric_key)
    Cidr,               // family + address range
    Exists,             // exists
    AnythingBut,        // strings and numbers (micro-units) that must not match
    AnythingButPrefix,  // strings
    AnythingButSuffix,  // strings
    AnythingButIgnoreCase,  // strings, ASCII-folded
    AnythingButWildcard,    // wildcards
  } kind = Kind::Exact;
  Json value;
  std::vector<std::string> strings;
  std::vector<int64_t> numbers;
  std::vector<Wildcard> wildcards;
  bool exists = true;
  // Numeric: bounds in micro-units; a missing side is INT64_MIN/INT64_MAX.
  int64_t low = INT64_MIN, high = INT64_MAX;
  bool low_open = false, high_open = false;
  // Cidr: 4 or 16 address bytes (first..last of the block).
  int family = 0;
  std::string first, last;
};

struct Node;

// One key of a pattern object: either a leaf (matchers) or a nested object.
struct Field {
  std::string name;
  std::vector<Matcher> matchers;
  std::unique_ptr<Node> object;
};

// A pattern object: all fields must match, and each `$or` group needs one matching branch.
struct Node {
  std::vector<Field> fields;
  std::vector<std::vector<Node>> any_of;
};

class Pattern {
 public:
  explicit Pattern(Node root) : root_(std::move(root)) {}
  const Node& root() const { return root_; }

 private:
  Node root_;
};

// Parses and validates a pattern. Throws nimbus::AwsError{400, "InvalidEventPatternException",
// "Event pattern is not valid. Reason: <reason>"} with event-ruler's reasons (without its
// "at [Source: ...; line, column]" suffix).
std::shared_ptr<const Pattern> parse(std::string_view pattern_json, size_t max_chars = kMaxPatternChars);

// One pattern against one event (a JSON object; anything else matches as if it had no fields).
bool matches(const Pattern& pattern, const Json& event);

// Numbers as the matchers compare them: in micro-units (rounded) when |n| <= kNumericLimit;
// numeric matchers never match numbers outside it, exact numbers outside it compare as doubles.
bool numeric_in_range(double number);
int64_t numeric_key(double number);
// The canonical text of a non-string scalar (numbers by value, so 3 and 3.0 agree), shared by
// exact matching and the index's exact buckets.
std::string scalar_key(const Json& value);
// Lower-cases ASCII letters (equals-ignore-case folds ASCII only).
std::string fold_case(std::string_view text);
// Parses an IPv4 (dotted quad) or IPv6 literal into 4 or 16 bytes; empty when it is neither.
std::string parse_ip(std::string_view text);

}  // namespace nimbus::events::pattern
