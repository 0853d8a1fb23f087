#pragma once
// Bucket policy documents: the checks PutBucketPolicy makes (MalformedPolicy) and whether a
// policy makes the bucket public (GetBucketPolicyStatus). No I/O.

#include <string_view>

#include <nlohmann/json.hpp>

namespace nimbus::s3 {

// Parses and checks a policy document for `bucket` (S3's own checks, then auth::parse_policy's);
// throws MalformedPolicy with S3's message.
nlohmann::json validate_bucket_policy(std::string_view document, std::string_view bucket);

// True when an Allow statement grants to everyone ("*" or {"AWS": "*"}) without conditions.
bool policy_is_public(const nlohmann::json& policy);

}  // namespace nimbus::s3
