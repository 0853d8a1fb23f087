#pragma once
// POST policy documents (base64 JSON with "expiration" and "conditions") checked against the
// fields of a browser upload, as S3 does. No I/O.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace nimbus::s3 {

// What a policy allows beyond field values: its content-length-range, if any.
struct PostPolicyLimits {
  std::optional<uint64_t> min_length;
  std::optional<uint64_t> max_length;
};

// `fields`: the form fields by lower-cased name, plus "bucket" and the final "key". Throws
// InvalidPolicyDocument for a malformed policy and AccessDenied ("Invalid according to Policy:
// Policy expired." / "Policy Condition failed: [...]" / "Extra input fields: ...") when the
// upload is not allowed.
PostPolicyLimits check_post_policy(std::string_view policy_base64,
                                   const std::map<std::string, std::string>& fields, int64_t now_ms);

}  // namespace nimbus::s3
