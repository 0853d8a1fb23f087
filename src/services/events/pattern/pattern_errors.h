#pragma once
// Every reason parse() can give, worded as event-ruler (and so EventBridge) words them; AWS wraps
// them as "Event pattern is not valid. Reason: <reason>" in an InvalidEventPatternException.

#include <string>
#include <string_view>

#include "core/aws_error.h"

namespace nimbus::events::pattern::errors {

[[noreturn]] inline void invalid(std::string_view reason) {
  throw AwsError(400, "InvalidEventPatternException",
                 "Event pattern is not valid. Reason: " + std::string(reason));
}

inline constexpr std::string_view kNotJson = "Filter is not valid JSON";  // ours: Jackson's texts vary
inline constexpr std::string_view kNotObject = "Filter is not an object";
inline constexpr std::string_view kEmptyObject = "Empty objects are not allowed";
inline constexpr std::string_view kEmptyArray = "Empty arrays are not allowed";
inline constexpr std::string_view kBadMatchValue = "Match value must be String, number, true, false, or null";
inline constexpr std::string_view kNoMatchName = "Match expression name not found";
inline constexpr std::string_view kOneKey = "Only one key allowed in match expression";
inline constexpr std::string_view kTooManyNumeric = "Too many elements in numeric expression";
inline constexpr std::string_view kTooManyRange = "Too many terms in numeric range expression";
inline constexpr std::string_view kNumericNotArray = "Value of numeric must be an array.";
inline constexpr std::string_view kBottomTop = "Bottom must be less than top";
inline constexpr std::string_view kNumericRange = "Value must be between -5.0E9 and 5.0E9, inclusive";
inline constexpr std::string_view kPrefixString = "prefix match pattern must be a string";
inline constexpr std::string_view kSuffixString = "suffix match pattern must be a string";
inline constexpr std::string_view kIgnoreCaseString = "equals-ignore-case match pattern must be a string";
inline constexpr std::string_view kWildcardString = "wildcard match pattern must be a string";
inline constexpr std::string_view kPrefixName = "Prefix expression name not found";
inline constexpr std::string_view kSuffixName = "Suffix expression name not found";
inline constexpr std::string_view kAnythingButName = "Anything-But expression name not found";
inline constexpr std::string_view kAnythingButValue =
    "Value of anything-but must be an array or single string/number value.";
inline constexpr std::string_view kAnythingButListType =
    "Inside anything but list, start|null|boolean is not supported.";
inline constexpr std::string_view kAnythingButMixed =
    "Inside anything but list, either all values are number or string, mixed type is not supported";
inline constexpr std::string_view kAnythingButIgnoreCaseType =
    "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.";
inline constexpr std::string_view kAnythingButAffixType = "prefix/suffix match pattern must be a string";
inline constexpr std::string_view kNullAffix = "Null prefix/suffix not allowed";
inline constexpr std::string_view kExistsBool = "exists match pattern must be either true or false.";
inline constexpr std::string_view kOrArray = "It must be an Array followed with $or.";
inline constexpr std::string_view kOrObjects = "Only JSON object is allowed in array of $or relationship.";
inline constexpr std::string_view kOrTwo = "There must have at least 2 Objects in $or relationship.";
inline constexpr std::string_view kCidrSlash = "Malformed CIDR, one '/' required";
inline constexpr std::string_view kCidrInteger = "Malformed CIDR, mask bits must be an integer";
inline constexpr std::string_view kCidrNegative = "Malformed CIDR, mask bits must not be negative";
inline constexpr std::string_view kCidrV4Bits = "IPv4 mask bits must be < 32";
inline constexpr std::string_view kCidrV6Bits = "IPv6 mask bits must be < 128";

inline std::string too_long(size_t max_chars) {  // ours: AWS's quota error text is not documented
  return "Event pattern exceeds the maximum size of " + std::to_string(max_chars) + " characters";
}
inline std::string not_object_or_array(std::string_view name) {
  return "\"" + std::string(name) + "\" must be an object or an array";
}
inline std::string unknown_match(std::string_view name) { return "Unrecognized match type " + std::string(name); }
inline std::string unknown_prefix(std::string_view op) { return "Unsupported prefix pattern: " + std::string(op); }
inline std::string unknown_suffix(std::string_view op) { return "Unsupported suffix pattern: " + std::string(op); }
inline std::string unknown_anything_but(std::string_view op) {
  return "Unsupported anything-but pattern: " + std::string(op);
}
inline std::string numeric_member(std::string_view text) { return "Invalid member in numeric match: " + std::string(text); }
inline std::string numeric_operator(std::string_view op) {
  return "Unrecognized numeric range operator: " + std::string(op);
}
inline std::string not_numeric(std::string_view op) { return "Value of " + std::string(op) + " must be numeric"; }
inline std::string range_value(std::string_view text) { return "Bad value in numeric range: " + std::string(text); }
inline std::string range_operator(std::string_view op) { return "Bad numeric range operator: " + std::string(op); }
inline std::string reserved_in_or(std::string_view name) {
  return std::string(name) + " is Ruler reserved fieldName which cannot be used inside $or.";
}
inline std::string consecutive_wildcards(size_t pos) {
  return "Consecutive wildcard characters at pos " + std::to_string(pos);
}
inline std::string bad_escape(size_t pos) { return "Invalid escape character at pos " + std::to_string(pos); }
inline std::string invalid_ip(std::string_view ip) { return "Invalid IP address: " + std::string(ip); }
inline std::string nonstandard_ip(std::string_view ip) { return "Nonstandard IP address: " + std::string(ip); }

}  // namespace nimbus::events::pattern::errors
