#pragma once
// Lambda's names and ARNs: the FunctionName forms a caller may use (name, name:qualifier, partial
// ARN, full ARN), the ARNs Lambda returns, and the timestamps it writes.

#include <optional>
#include <string>
#include <string_view>

namespace nimbus::lambda {

struct FunctionRef {
  std::string account;  // empty: the caller's
  std::string region;   // empty: the caller's
  std::string name;
  std::string qualifier;  // "" = unqualified ($LATEST)
};

// Parses a FunctionName parameter; throws AwsError ValidationException for a malformed one
// (naming `member`, e.g. "functionName", as AWS's message does).
FunctionRef parse_function_ref(std::string_view text, std::string_view member = "functionName");

std::string function_arn(std::string_view region, std::string_view account, std::string_view name);
std::string layer_arn(std::string_view region, std::string_view account, std::string_view name);

// "2024-01-31T12:34:56.789+0000", as Lambda writes LastModified.
std::string lambda_timestamp(int64_t epoch_ms);
// "2024-01-31T12:34:56.789Z", as Lambda writes log lines and invocation records.
std::string iso8601_ms(int64_t epoch_ms);

// Validates a function name as CreateFunction requires (1-64 of [a-zA-Z0-9-_]).
void check_function_name(std::string_view name);

}  // namespace nimbus::lambda
