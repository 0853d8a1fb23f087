#include <gtest/gtest.h>

#include "core/aws_error.h"
#include "core/crypto.h"
#include "services/s3/post_policy.h"

namespace nimbus::s3 {
namespace {

// 2030-01-01T00:00:00Z
constexpr int64_t kBeforeExpiry = 1893455999000;

std::string encode(const std::string& json) { return crypto::base64_encode(json); }

std::string policy(const std::string& conditions) {
  return encode(R"({"expiration": "2030-01-01T00:00:00.000Z", "conditions": )" + conditions + "}");
}

std::map<std::string, std::string> fields() {
  return {{"bucket", "uploads"}, {"key", "user/eric/photo.jpg"}, {"content-type", "image/jpeg"},
          {"x-amz-meta-tag", "x"}, {"policy", "..."}, {"x-amz-signature", "..."}, {"x-ignore-me", "1"}};
}

const std::string kAll =
    R"([{"bucket": "uploads"}, ["starts-with", "$key", "user/eric/"], ["starts-with", "$Content-Type", "image/"],
        ["eq", "$x-amz-meta-tag", "x"], ["content-length-range", 1, 1048576]])";

AwsError error_of(const std::string& encoded, const std::map<std::string, std::string>& form, int64_t now_ms) {
  try {
    check_post_policy(encoded, form, now_ms);
  } catch (const AwsError& error) {
    return error;
  }
  return {0, "none", ""};
}

TEST(PostPolicyTest, SatisfiedConditionsYieldTheContentLengthRange) {
  auto limits = check_post_policy(policy(kAll), fields(), kBeforeExpiry);
  EXPECT_EQ(limits.min_length, 1u);
  EXPECT_EQ(limits.max_length, 1048576u);
}

TEST(PostPolicyTest, ExpiredPolicyIsDenied) {
  auto error = error_of(policy(kAll), fields(), kBeforeExpiry + 1000);
  EXPECT_EQ(error.http_status, 403);
  EXPECT_EQ(error.code, "AccessDenied");
  EXPECT_EQ(error.message, "Invalid according to Policy: Policy expired.");
}

TEST(PostPolicyTest, FailedConditionIsQuotedInTheMessage) {
  auto form = fields();
  form["key"] = "user/other/photo.jpg";
  EXPECT_EQ(error_of(policy(kAll), form, kBeforeExpiry).message,
            R"(Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "user/eric/"])");
  form = fields();
  form["bucket"] = "elsewhere";
  EXPECT_EQ(error_of(policy(kAll), form, kBeforeExpiry).message,
            R"(Invalid according to Policy: Policy Condition failed: ["eq", "$bucket", "uploads"])");
}

TEST(PostPolicyTest, FieldsNotMentionedByThePolicyAreExtraInputFields) {
  auto form = fields();
  form["x-amz-meta-sneaky"] = "1";
  EXPECT_EQ(error_of(policy(kAll), form, kBeforeExpiry).message,
            "Invalid according to Policy: Extra input fields: x-amz-meta-sneaky");
}

TEST(PostPolicyTest, ContentTypeStartsWithAppliesToEachListedType) {
  auto form = fields();
  form["content-type"] = "image/png, image/gif";
  EXPECT_NO_THROW(check_post_policy(policy(kAll), form, kBeforeExpiry));
  form["content-type"] = "image/png, text/plain";
  EXPECT_EQ(error_of(policy(kAll), form, kBeforeExpiry).code, "AccessDenied");
}

TEST(PostPolicyTest, MalformedPoliciesAreInvalidPolicyDocuments) {
  EXPECT_EQ(error_of("%%%", fields(), kBeforeExpiry).code, "InvalidPolicyDocument");
  EXPECT_EQ(error_of(encode("[1]"), fields(), kBeforeExpiry).message, "Invalid Policy: Invalid JSON.");
  EXPECT_EQ(error_of(encode(R"({"conditions": []})"), fields(), kBeforeExpiry).message,
            "Invalid Policy: Policy missing expiration.");
  EXPECT_EQ(error_of(encode(R"({"expiration": "2030-01-01T00:00:00Z"})"), fields(), kBeforeExpiry).message,
            "Invalid Policy: Policy missing conditions.");
  EXPECT_EQ(error_of(policy(R"([["between", "$key", "a"]])"), fields(), kBeforeExpiry).code,
            "InvalidPolicyDocument");
}

}  // namespace
}  // namespace nimbus::s3
