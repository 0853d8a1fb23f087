#pragma once
// Every error STS answers, as named factories, worded as AWS words them. Query protocol only:
// `code` is what <Code> carries.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/aws_error.h"

namespace nimbus::sts::errors {

// Coral's validation text: "1 validation error detected: Value 'x' at 'roleSessionName' failed
// to satisfy constraint: Member must ...".
inline AwsError validation(std::string_view value, std::string_view field, std::string_view constraint) {
  return {400, "ValidationError",
          "1 validation error detected: Value '" + std::string(value) + "' at '" + std::string(field) +
              "' failed to satisfy constraint: " + std::string(constraint)};
}
inline AwsError invalid_role_arn(std::string_view arn) {
  return {400, "ValidationError", "Invalid RoleArn: " + std::string(arn) +
                                      " is not the ARN of an IAM role (arn:aws:iam::<account>:role/<name>)."};
}
inline AwsError malformed_policy(std::string_view reason) {
  return {400, "MalformedPolicyDocument", std::string(reason)};
}
inline AwsError packed_policy_too_large(int64_t percent) {
  return {400, "PackedPolicyTooLarge",
          "Packed policy consumes " + std::to_string(percent) + "% of allotted space, please use smaller policy for this request."};
}
inline AwsError duplicate_tag_keys() {
  return {400, "InvalidParameterValue",
          "Duplicate tag keys found. Please note that Tag keys are case insensitive."};
}
inline AwsError invalid_identity_token(std::string message) {
  return {400, "InvalidIdentityToken", std::move(message)};
}
inline AwsError not_a_jwt() {
  return invalid_identity_token(
      "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)");
}
// A web identity token whose `exp` (epoch seconds) is not after now.
inline AwsError web_identity_token_expired(int64_t now_seconds, int64_t exp_seconds) {
  return {400, "ExpiredTokenException",
          "Token expired: current date/time " + std::to_string(now_seconds) +
              " must be before the expiration date/time " + std::to_string(exp_seconds)};
}
inline AwsError session_token_from_session() {
  return {403, "AccessDenied", "Cannot call GetSessionToken with session credentials"};
}
inline AwsError invalid_authorization_message() {
  return {400, "InvalidAuthorizationMessageException",
          "The message is not a valid encoded authorization message."};
}

}  // namespace nimbus::sts::errors
