#include "services/s3/aws_chunked.h"

#include <gtest/gtest.h>

#include "auth/signing.h"
#include "core/aws_error.h"
#include "test_support.h"

namespace nimbus::s3 {
namespace {

using testing::read_all;
using testing::run;
using testing::StringBody;

std::string decode(const std::string& body, AwsChunkedReader::Options options = {},
                   std::vector<std::pair<std::string, std::string>>* trailers = nullptr) {
  StringBody raw(body);
  AwsChunkedReader reader(raw, std::move(options));
  auto data = run(read_all(reader));
  if (trailers) *trailers = reader.trailers();
  return data;
}

std::string error_code(const std::string& body, AwsChunkedReader::Options options = {}) {
  try {
    decode(body, std::move(options));
  } catch (const AwsError& error) {
    return error.code;
  }
  return "";
}

// AWS's documented example: "Example: PUT Object" of "Signature Calculations for the
// Authorization Header: Transferring Payload in Multiple Chunks".
AwsChunkedReader::Options documented_example() {
  AwsChunkedReader::Options options;
  options.signing_key = auth::derive_signing_key("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "20130524",
                                                 "us-east-1", "s3");
  options.amz_date = "20130524T000000Z";
  options.scope = "20130524/us-east-1/s3/aws4_request";
  options.seed_signature = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
  options.decoded_length = 66560;
  return options;
}

std::string documented_body(std::string_view last_signature) {
  return "10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n" +
         std::string(65536, 'a') + "\r\n" +
         "400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n" +
         std::string(1024, 'a') + "\r\n" + "0;chunk-signature=" + std::string(last_signature) + "\r\n\r\n";
}

TEST(AwsChunked, DecodesUnsignedChunksAndTrailers) {
  std::vector<std::pair<std::string, std::string>> trailers;
  auto data = decode("5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n", {}, &trailers);
  EXPECT_EQ(data, "hello world");
  ASSERT_EQ(trailers.size(), 1u);
  EXPECT_EQ(trailers[0].first, "x-amz-checksum-crc32");
  EXPECT_EQ(trailers[0].second, "DUoRhQ==");
}

TEST(AwsChunked, AcceptsBodyEndingRightAfterLastChunk) { EXPECT_EQ(decode("3\r\nabc\r\n0\r\n"), "abc"); }

TEST(AwsChunked, VerifiesAwsDocumentedChunkSignatureChain) {
  auto body = documented_body("b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9");
  EXPECT_EQ(decode(body, documented_example()), std::string(66560, 'a'));
}

TEST(AwsChunked, RejectsWrongChunkSignature) {
  auto body = documented_body("0000000000000000000000000000000000000000000000000000000000000000");
  EXPECT_EQ(error_code(body, documented_example()), "SignatureDoesNotMatch");
}

TEST(AwsChunked, VerifiesTrailerSignatureChainedOnFinalChunk) {
  auto options = documented_example();
  options.decoded_length = 3;
  auto first = auth::chunk_signature(options.signing_key, options.amz_date, options.scope, options.seed_signature, "abc");
  auto last = auth::chunk_signature(options.signing_key, options.amz_date, options.scope, first, "");
  auto trailer = auth::trailer_signature(options.signing_key, options.amz_date, options.scope, last,
                                         "x-amz-checksum-crc32:NSRBwg==\n");
  std::string body = "3;chunk-signature=" + first + "\r\nabc\r\n0;chunk-signature=" + last +
                     "\r\nx-amz-checksum-crc32:NSRBwg==\r\nx-amz-trailer-signature:" + trailer + "\r\n\r\n";
  EXPECT_EQ(decode(body, options), "abc");
  auto tampered = body;
  tampered.replace(tampered.find("NSRBwg=="), 8, "AAAAAA==");
  EXPECT_EQ(error_code(tampered, options), "SignatureDoesNotMatch");
}

TEST(AwsChunked, TruncatedBodyIsIncomplete) { EXPECT_EQ(error_code("10\r\nabc"), "IncompleteBody"); }

TEST(AwsChunked, BadChunkSizeIsRejected) { EXPECT_EQ(error_code("zz\r\nabc\r\n0\r\n\r\n"), "IncompleteBody"); }

TEST(AwsChunked, MissingCrlfAfterDataIsRejected) { EXPECT_EQ(error_code("3\r\nabcX\r\n0\r\n\r\n"), "IncompleteBody"); }

TEST(AwsChunked, DecodedLengthMismatchIsRejected) {
  AwsChunkedReader::Options options;
  options.decoded_length = 4;
  EXPECT_EQ(error_code("3\r\nabc\r\n0\r\n\r\n", options), "IncompleteBody");
}

}  // namespace
}  // namespace nimbus::s3
