// Canonical URI and query rules where S3 and the other services differ, and chunk trailers.

#include <gtest/gtest.h>

#include "auth/canonical.h"
#include "auth/signing.h"
#include "core/crypto.h"

namespace nimbus::auth {
namespace {

TEST(CanonicalUri, NonS3EncodesTheReceivedPathAgain) {
  EXPECT_EQ(canonical_uri("/a%20b/c:d", Dialect::kQueryJson), "/a%2520b/c%3Ad");
}

TEST(CanonicalUri, NonS3RemovesDotAndEmptySegments) {
  EXPECT_EQ(canonical_uri("//a/./b/../c//", Dialect::kQueryJson), "/a/c/");
}

TEST(CanonicalUri, S3EncodesTheKeyOnceAndKeepsDotsAndSlashes) {
  EXPECT_EQ(canonical_uri("/bucket/a%20b/./c//d", Dialect::kS3), "/bucket/a%20b/./c//d");
  EXPECT_EQ(canonical_uri("/bucket/test$file+x", Dialect::kS3), "/bucket/test%24file%2Bx");
}

TEST(CanonicalQuery, SortsByEncodedKeyThenValueAndDropsTheSignature) {
  EXPECT_EQ(canonical_query("b=2&a=z&a=y&X-Amz-Signature=ff&acl"), "a=y&a=z&acl=&b=2");
}

TEST(CanonicalQuery, ReencodesValuesWithUppercaseHexAndKeepsPlusLiteral) {
  EXPECT_EQ(canonical_query("prefix=a%2fb&q=a+b&s=%7E"), "prefix=a%2Fb&q=a%2Bb&s=~");
}

TEST(ChunkSignatures, TrailerSignatureSignsTheHashOfTheCanonicalTrailers) {
  const std::string key = derive_signing_key("secret", "20130524", "us-east-1", "s3");
  const std::string scope = credential_scope("20130524", "us-east-1", "s3");
  const std::string trailers = "x-amz-checksum-crc32c:sOO8/Q==\n";
  const std::string expected = sign(key,
                                    "AWS4-HMAC-SHA256-TRAILER\n20130524T000000Z\n" + scope +
                                        "\nprevious\n" + crypto::sha256_hex(trailers));
  EXPECT_EQ(trailer_signature(key, "20130524T000000Z", scope, "previous", trailers), expected);
  EXPECT_NE(trailer_signature(key, "20130524T000000Z", scope, "other", trailers), expected);
}

TEST(ConstantTimeEqual, ComparesLengthAndEveryByte) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
}

}  // namespace
}  // namespace nimbus::auth
