#pragma once
// The Condition element of IAM policies: operators (String*, Numeric*, Date*, Bool, BinaryEquals,
// IpAddress/NotIpAddress, Arn*, Null), the ...IfExists suffix and the ForAnyValue:/ForAllValues:
// set qualifiers, evaluated against the condition keys a request carries.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace nimbus::auth {

// Condition keys present in a request: lower-case name ("aws:sourceip") -> values (several for
// multivalued keys). A key not in the map is absent.
using ConditionContext = std::map<std::string, std::vector<std::string>>;

// What a condition operator compares; negation, IfExists and set qualifiers are separate flags.
enum class ConditionKind {
  kStringEquals, kStringEqualsIgnoreCase, kStringLike,
  kNumericEquals, kNumericLessThan, kNumericLessThanEquals, kNumericGreaterThan, kNumericGreaterThanEquals,
  kDateEquals, kDateLessThan, kDateLessThanEquals, kDateGreaterThan, kDateGreaterThanEquals,
  kBool, kBinaryEquals, kIpAddress, kArnLike, kNull,
};

enum class SetQualifier { kNone, kForAnyValue, kForAllValues };

// One operator applied to one key: {"StringLike": {"s3:prefix": ["home/*", ""]}} gives one test.
struct ConditionTest {
  std::string operator_name;  // as written in the policy
  ConditionKind kind = ConditionKind::kStringEquals;
  bool negated = false;    // StringNotEquals, NotIpAddress, ArnNotLike, NumericNotEquals...
  bool if_exists = false;  // ...IfExists: an absent key passes
  SetQualifier qualifier = SetQualifier::kNone;
  std::string key;  // lower-case
  std::vector<std::string> values;  // policy values (numbers and booleans as text); OR-ed
};

// Parses the tests of one operator block. Throws std::invalid_argument with AWS's wording for an
// unknown operator or a value that is not a string, number, boolean or list of them.
std::vector<ConditionTest> parse_condition_block(const std::string& operator_name,
                                                 const nlohmann::json& keys);

// Whether the test holds for the request's condition keys (IAM rules for absent keys: false,
// except negated operators, IfExists and ForAllValues which pass; Null tests presence).
bool condition_holds(const ConditionTest& test, const ConditionContext& context);

// Seconds since the epoch of "2024-01-02", "2024-01-02T03:04:05Z" (fractions and +hh:mm offsets
// allowed) or a plain epoch number; nullopt otherwise.
std::optional<double> parse_policy_date(std::string_view text);

}  // namespace nimbus::auth
