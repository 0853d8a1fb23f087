#pragma once
// CloudWatch Logs filter patterns in layers: text -> parse() -> FilterPattern (the AST) ->
// matches() over one event's message; PatternCache keeps parsed patterns by their text.
//
// Three forms, picked by the first non-blank character:
// * unstructured terms: `ERROR`, `"exact phrase"`, `?ERROR ?WARN` (any of), `-DEBUG` (none of),
//   `%regex%`; terms are case-sensitive substrings, all plain terms must match. Empty = all.
// * JSON: `{ $.level = "ERROR" && ($.latency > 50 || $.user.id != 7) }`; selectors with
//   `.key`, `[n]`, `[*]`; operators = != < <= > >=, `IS NULL|TRUE|FALSE`, `NOT EXISTS`;
//   string values may use `*` wildcards or be `%regex%`; only JSON-object messages match.
// * space-delimited: `[ip, user, ..., status = 4* || status = 5*, bytes > 1000]`; fields split
//   on spaces, "quoted" and [bracketed] runs are one field; `...` matches any number of fields.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace nimbus::logs::filter {

struct ParseError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class CompareOp { Eq, Ne, Lt, Le, Gt, Ge };

struct Value {
  std::string text;
  std::optional<double> number;            // set when the literal is a number (unquoted)
  std::shared_ptr<const std::regex> regex;  // set for %regex%
};

// One step of a JSON selector: a key, an index, or [*] (any element).
struct PathStep {
  enum class Kind { Key, Index, AnyIndex } kind = Kind::Key;
  std::string key;
  size_t index = 0;
};

struct Condition {
  enum class Kind { And, Or, Compare, IsNull, IsTrue, IsFalse, NotExists, Declared } kind = Kind::Compare;
  std::vector<Condition> children;  // And, Or
  std::string selector;             // JSON: "$.a.b"; delimited: the field name
  std::vector<PathStep> path;       // JSON only
  CompareOp op = CompareOp::Eq;
  Value value;
};

struct Term {
  enum class Mode { Required, Optional, Excluded } mode = Mode::Required;
  std::string text;
  std::shared_ptr<const std::regex> regex;
};

struct FilterPattern {
  enum class Kind { MatchAll, Terms, Json, Delimited } kind = Kind::MatchAll;
  std::vector<Term> terms;            // Terms
  std::optional<Condition> condition;  // Json; Delimited (conditions of its fields, ANDed)
  struct Field {
    std::string name;  // "" for `...`
    bool ellipsis = false;
  };
  std::vector<Field> fields;  // Delimited
};

// Throws ParseError with a short reason.
FilterPattern parse(std::string_view text);
bool matches(const FilterPattern& pattern, std::string_view message);
// `*` matches any run of characters; everything else literally.
bool glob_match(std::string_view pattern, std::string_view text);
// Splits a space-delimited message into fields ("quoted" and [bracketed] runs are one field).
std::vector<std::string_view> split_fields(std::string_view message);

// Parsed patterns by text, shared by all requests; bounded (cleared when full).
class PatternCache {
 public:
  explicit PatternCache(size_t capacity = 256) : capacity_(capacity) {}
  std::shared_ptr<const FilterPattern> get(std::string_view text);
  size_t size() const;

 private:
  mutable std::mutex mutex_;
  size_t capacity_;
  std::unordered_map<std::string, std::shared_ptr<const FilterPattern>> patterns_;
};

}  // namespace nimbus::logs::filter
