#include "services/s3/object_http.h"

#include <gtest/gtest.h>

#include "core/aws_error.h"
#include "core/crypto.h"

namespace nimbus::s3 {
namespace {

std::string range_error(std::string_view header, uint64_t size) {
  try {
    parse_range(header, size);
  } catch (const AwsError& error) {
    return error.code + " " + std::to_string(error.http_status);
  }
  return "";
}

TEST(Range, ClosedRangeIsClampedToTheObject) {
  auto range = parse_range("bytes=2-100", 10);
  ASSERT_TRUE(range);
  EXPECT_EQ(range->start, 2u);
  EXPECT_EQ(range->length, 8u);
}

TEST(Range, OpenEndedAndSuffixRanges) {
  auto open = parse_range("bytes=4-", 10);
  ASSERT_TRUE(open);
  EXPECT_EQ(open->start, 4u);
  EXPECT_EQ(open->length, 6u);
  auto suffix = parse_range("bytes=-3", 10);
  ASSERT_TRUE(suffix);
  EXPECT_EQ(suffix->start, 7u);
  EXPECT_EQ(suffix->length, 3u);
  auto whole = parse_range("bytes=-30", 10);
  ASSERT_TRUE(whole);
  EXPECT_EQ(whole->start, 0u);
  EXPECT_EQ(whole->length, 10u);
}

TEST(Range, StartPastTheEndIsUnsatisfiable) {
  EXPECT_EQ(range_error("bytes=10-20", 10), "InvalidRange 416");
  EXPECT_EQ(range_error("bytes=0-0", 0), "InvalidRange 416");
}

TEST(Range, MalformedOrMultipleRangesAreIgnored) {
  EXPECT_FALSE(parse_range("bytes=5-2", 10));
  EXPECT_FALSE(parse_range("bytes=0-1,3-4", 10));
  EXPECT_FALSE(parse_range("items=0-1", 10));
  EXPECT_FALSE(parse_range("bytes=a-b", 10));
}

TEST(Conditions, IfMatchFailureIsPreconditionFailed) {
  Conditions c;
  c.if_match = "\"other\"";
  EXPECT_EQ(evaluate_conditions(c, "\"abc\"", 100), ConditionOutcome::PreconditionFailed);
  c.if_match = "\"x\", \"abc\"";
  EXPECT_EQ(evaluate_conditions(c, "\"abc\"", 100), ConditionOutcome::Proceed);
}

TEST(Conditions, IfMatchTrueOverridesFailingIfUnmodifiedSince) {
  Conditions c;
  c.if_match = "abc";
  c.if_unmodified_since = 50;
  EXPECT_EQ(evaluate_conditions(c, "\"abc\"", 100), ConditionOutcome::Proceed);
  c.if_match.reset();
  EXPECT_EQ(evaluate_conditions(c, "\"abc\"", 100), ConditionOutcome::PreconditionFailed);
}

TEST(Conditions, IfNoneMatchFalseWithIfModifiedSinceTrueIsNotModified) {
  Conditions c;
  c.if_none_match = "\"abc\"";
  c.if_modified_since = 50;
  EXPECT_EQ(evaluate_conditions(c, "\"abc\"", 100), ConditionOutcome::NotModified);
}

TEST(Conditions, IfModifiedSinceAloneAnswersNotModifiedWhenUnchanged) {
  Conditions c;
  c.if_modified_since = 100;
  EXPECT_EQ(evaluate_conditions(c, "\"abc\"", 100), ConditionOutcome::NotModified);
  c.if_modified_since = 99;
  EXPECT_EQ(evaluate_conditions(c, "\"abc\"", 100), ConditionOutcome::Proceed);
}

TEST(Conditions, WildcardMatchesAnyEtag) { EXPECT_TRUE(etag_matches("*", "\"abc\"")); }

TEST(MultipartEtag, IsMd5OfConcatenatedPartDigestsWithPartCount) {
  auto a = crypto::md5_raw("part one");
  auto b = crypto::md5_raw("part two");
  auto etag = multipart_etag({quoted_etag(a), quoted_etag(b)});
  ASSERT_TRUE(etag);
  EXPECT_EQ(*etag, "\"" + crypto::md5_hex(a + b) + "-2\"");
}

TEST(MultipartEtag, RejectsNonMd5Etags) { EXPECT_FALSE(multipart_etag({"\"abc-2\""})); }

TEST(Tagging, HeaderIsUrlDecodedAndLimited) {
  auto tags = parse_tagging_header("a=1&b%20c=d+e&empty=");
  ASSERT_EQ(tags.size(), 3u);
  EXPECT_EQ(tags[1].first, "b c");
  EXPECT_EQ(tags[1].second, "d e");
  EXPECT_EQ(tags[2].second, "");
  EXPECT_THROW(parse_tagging_header("a=1&a=2"), AwsError);
  std::string eleven;
  for (int i = 0; i < 11; ++i) eleven += "k" + std::to_string(i) + "=v&";
  EXPECT_THROW(parse_tagging_header(eleven), AwsError);
}

TEST(CopySource, KeyIsPercentDecodedAndVersionSplitOff) {
  auto source = parse_copy_source("/bucket/dir/my%20file%2B1.txt?versionId=v%2F1");
  EXPECT_EQ(source.bucket, "bucket");
  EXPECT_EQ(source.key, "dir/my file+1.txt");
  EXPECT_EQ(source.version_id, "v/1");
  EXPECT_THROW(parse_copy_source("bucket-only"), AwsError);
}

TEST(ContentHeaders, AwsChunkedIsNotStoredAsContentEncoding) {
  ObjectRecord record;
  apply_content_headers(record, {{"ContentEncoding", "aws-chunked"}});
  EXPECT_FALSE(record.headers.contains("ContentEncoding"));
  EXPECT_EQ(record.headers["ContentType"], "binary/octet-stream");
  apply_content_headers(record, {{"ContentEncoding", "aws-chunked,gzip"}});
  EXPECT_EQ(record.headers["ContentEncoding"], "gzip");
}

TEST(UrlEncoding, KeepsSlashesAndUnreservedCharacters) { EXPECT_EQ(url_encode_key("a b/ü~"), "a%20b/%C3%BC~"); }

}  // namespace
}  // namespace nimbus::s3
