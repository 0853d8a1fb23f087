// The worked examples of the S3 SigV4 documentation ("Authenticating Requests: Using the
// Authorization Header", "Query Parameters", "Transferring Payload in Multiple Chunks").

#include <gtest/gtest.h>

#include "auth/credentials.h"
#include "auth/signing.h"
#include "auth/sigv4_info.h"
#include "auth/verify.h"
#include "test_support.h"

namespace nimbus::auth {
namespace {

constexpr const char* kDocsCredentials =
    R"({"credentials":[{"access_key_id":"AKIAIOSFODNN7EXAMPLE",
        "secret_access_key":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "account_id":"123456789012"}]})";
constexpr const char* kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

class S3DocsExamples : public ::testing::Test {
 protected:
  VerifiedSignature verify(const test::OwnedRequest& owned) {
    const auto request = owned.view();
    const auto info = parse_sigv4(request, Dialect::kS3);
    EXPECT_TRUE(info);
    return verify_sigv4(request, *info, Dialect::kS3, credentials_,
                        test::epoch_ms("20130524T000000Z"));
  }

  static std::string authorization(const std::string& signed_headers,
                                   const std::string& signature) {
    return "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
           "SignedHeaders=" + signed_headers + ",Signature=" + signature;
  }

  Credentials credentials_ = Credentials::parse(kDocsCredentials, "docs");
};

TEST_F(S3DocsExamples, GetObjectWithRangeVerifies) {
  const auto verified = verify(
      {"GET", "/test.txt",
       {{"Host", "examplebucket.s3.amazonaws.com"},
        {"Range", "bytes=0-9"},
        {"x-amz-content-sha256", kEmptySha256},
        {"x-amz-date", "20130524T000000Z"},
        {"Authorization",
         authorization("host;range;x-amz-content-sha256;x-amz-date",
                       "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")}},
       ""});
  EXPECT_EQ(verified.account_id, "123456789012");
}

TEST_F(S3DocsExamples, PutObjectWithDollarInKeyVerifies) {
  verify({"PUT", "/test$file.text",
          {{"Host", "examplebucket.s3.amazonaws.com"},
           {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
           {"x-amz-date", "20130524T000000Z"},
           {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
           {"x-amz-content-sha256",
            "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"},
           {"Authorization",
            authorization("date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
                          "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")}},
          "Welcome to Amazon S3."});
}

TEST_F(S3DocsExamples, GetBucketLifecycleSubresourceVerifies) {
  verify({"GET", "/?lifecycle",
          {{"Host", "examplebucket.s3.amazonaws.com"},
           {"x-amz-date", "20130524T000000Z"},
           {"x-amz-content-sha256", kEmptySha256},
           {"Authorization",
            authorization("host;x-amz-content-sha256;x-amz-date",
                          "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")}},
          ""});
}

TEST_F(S3DocsExamples, ListObjectsQueryIsSortedBeforeSigning) {
  verify({"GET", "/?max-keys=2&prefix=J",
          {{"Host", "examplebucket.s3.amazonaws.com"},
           {"x-amz-date", "20130524T000000Z"},
           {"x-amz-content-sha256", kEmptySha256},
           {"Authorization",
            authorization("host;x-amz-content-sha256;x-amz-date",
                          "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")}},
          ""});
}

TEST_F(S3DocsExamples, PresignedGetVerifiesWithUnsignedPayload) {
  const test::OwnedRequest owned{
      "GET",
      "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
      "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
      "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
      "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
      {{"Host", "examplebucket.s3.amazonaws.com"}},
      ""};
  const auto info = parse_sigv4(owned.view(), Dialect::kS3);
  ASSERT_TRUE(info);
  EXPECT_TRUE(info->presigned);
  EXPECT_EQ(info->expires, 86400);
  EXPECT_EQ(verify(owned).payload_hash, "UNSIGNED-PAYLOAD");
}

TEST_F(S3DocsExamples, ChunkedUploadSeedAndChunkSignaturesChain) {
  const auto verified = verify(
      {"PUT", "/examplebucket/chunkObject.txt",
       {{"Host", "s3.amazonaws.com"},
        {"x-amz-date", "20130524T000000Z"},
        {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
        {"x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"},
        {"Content-Encoding", "aws-chunked"},
        {"x-amz-decoded-content-length", "66560"},
        {"Content-Length", "66824"},
        {"Authorization",
         authorization("content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;"
                       "x-amz-decoded-content-length;x-amz-storage-class",
                       "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9")}},
       ""});
  ASSERT_EQ(verified.payload_hash, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD");

  const std::string first = chunk_signature(verified.signing_key, verified.amz_date,
                                            verified.scope, verified.signature,
                                            std::string(65536, 'a'));
  EXPECT_EQ(first, "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648");
  const std::string second = chunk_signature(verified.signing_key, verified.amz_date,
                                             verified.scope, first, std::string(1024, 'a'));
  EXPECT_EQ(second, "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497");
  EXPECT_EQ(chunk_signature(verified.signing_key, verified.amz_date, verified.scope, second, ""),
            "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9");
}

}  // namespace
}  // namespace nimbus::auth
