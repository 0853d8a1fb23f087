#pragma once
// Input rules of CloudWatch Logs, as small named checks with AWS's error next to each; and the
// accessors handlers read their decoded input with. Input arrives decoded by the json codec
// (numbers as JSON integers, possibly unsigned) or, from another service through
// ServiceRegistry::call, unvalidated: every check a handler relies on is made here too.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace nimbus::logs {

using Json = nlohmann::json;

// Accessors.
std::string required_string(const Json& in, const char* field);
std::optional<std::string> opt_string(const Json& in, const char* field);
std::optional<int64_t> opt_int(const Json& in, const char* field);
bool opt_bool(const Json& in, const char* field, bool fallback);
// A JSON number of any kind as int64 (timestamps, longs); nullopt for anything else.
std::optional<int64_t> as_int64(const Json& value);

// Names: 1-512 characters; groups [.\-_/#A-Za-z0-9]+, streams no ':' or '*'.
void check_group_name(std::string_view name, const char* field = "logGroupName");
void check_stream_name(std::string_view name, const char* field = "logStreamName");
// retentionInDays: one of AWS's values.
void check_retention_days(int64_t days);
bool is_valid_retention_days(int64_t days);
// limit members: 1..max.
int64_t limit_of(const Json& in, int64_t fallback, int64_t max);
// Tags: at most 50, keys 1-128, values ≤ 256 characters; `field` is "tags".
void check_tags(const Json& tags);
std::map<std::string, std::string> tags_of(const Json& tags);

// ARNs: arn:aws:logs:<region>:<account>:log-group:<name> (":*" suffix for the group's `arn`).
std::string group_arn(std::string_view region, std::string_view account, std::string_view group);
std::string stream_arn(std::string_view region, std::string_view account, std::string_view group,
                       std::string_view stream);
struct GroupRef {
  std::string region;
  std::string account;
  std::string group;
};
// The log group an ARN names (a trailing ":*" is allowed); nullopt if it names none.
std::optional<GroupRef> parse_group_arn(std::string_view arn);
// logGroupIdentifier: a name or an ARN.
std::string group_name_of_identifier(std::string_view identifier);

// Pagination tokens: opaque strings carrying a position.
std::string encode_token(std::string_view position);
std::optional<std::string> decode_token(std::string_view token);

}  // namespace nimbus::logs
