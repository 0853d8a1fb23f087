// Each way a SigV4 request can fail gives AWS's error code and HTTP status for its dialect.

#include <gtest/gtest.h>

#include "auth/credentials.h"
#include "auth/sigv4_info.h"
#include "auth/verify.h"
#include "test_support.h"

namespace nimbus::auth {
namespace {

constexpr const char* kCreds =
    R"({"credentials":[{"access_key_id":"AKIDEXAMPLE",
        "secret_access_key":"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        "account_id":"111122223333"}]})";
// get-vanilla from the AWS test suite, signed at 20150830T123600Z.
constexpr const char* kVanillaAuthz =
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
    "SignedHeaders=host;x-amz-date, "
    "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
constexpr const char* kSignedAt = "20150830T123600Z";
constexpr int64_t kMinute = 60'000;

test::OwnedRequest vanilla(const std::string& authorization = kVanillaAuthz) {
  return {"GET", "/",
          {{"Host", "example.amazonaws.com"},
           {"X-Amz-Date", kSignedAt},
           {"Authorization", authorization}},
          ""};
}

test::OwnedRequest presigned(const std::string& expires) {
  return {"GET",
          "/bucket/key?X-Amz-Algorithm=AWS4-HMAC-SHA256"
          "&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fs3%2Faws4_request"
          "&X-Amz-Date=20150830T123600Z&X-Amz-Expires=" + expires +
              "&X-Amz-SignedHeaders=host&X-Amz-Signature=00",
          {{"Host", "example.amazonaws.com"}},
          ""};
}

void verify(const test::OwnedRequest& owned, Dialect dialect, int64_t now_ms) {
  const auto request = owned.view();
  const auto info = parse_sigv4(request, dialect);
  ASSERT_TRUE(info);
  verify_sigv4(request, *info, dialect, Credentials::parse(kCreds, "test"), now_ms);
}

void parse(const test::OwnedRequest& owned, Dialect dialect) {
  parse_sigv4(owned.view(), dialect);
}

TEST(SigV4Errors, UnsignedRequestIsAnonymous) {
  const test::OwnedRequest owned{"GET", "/bucket/key?versionId=1", {{"Host", "h"}}, ""};
  EXPECT_FALSE(parse_sigv4(owned.view(), Dialect::kS3));
  EXPECT_FALSE(parse_sigv4(owned.view(), Dialect::kQueryJson));
}

TEST(SigV4Errors, VanillaVerifiesWithinFifteenMinutes) {
  EXPECT_NO_THROW(verify(vanilla(), Dialect::kQueryJson, test::epoch_ms(kSignedAt) + 14 * kMinute));
  EXPECT_NO_THROW(verify(vanilla(), Dialect::kQueryJson, test::epoch_ms(kSignedAt) - 14 * kMinute));
}

TEST(SigV4Errors, ClockSkewIsRequestExpiredForQueryJson) {
  test::expect_aws_error(
      [] { verify(vanilla(), Dialect::kQueryJson, test::epoch_ms(kSignedAt) + 16 * kMinute); },
      "RequestExpired", 400);
  test::expect_aws_error(
      [] { verify(vanilla(), Dialect::kQueryJson, test::epoch_ms(kSignedAt) - 16 * kMinute); },
      "RequestExpired", 400);
}

TEST(SigV4Errors, ClockSkewIsRequestTimeTooSkewedForS3) {
  test::expect_aws_error(
      [] { verify(vanilla(), Dialect::kS3, test::epoch_ms(kSignedAt) + 16 * kMinute); },
      "RequestTimeTooSkewed", 403);
}

TEST(SigV4Errors, UnknownAccessKeyIsInvalidClientTokenIdOrInvalidAccessKeyId) {
  std::string authz = kVanillaAuthz;
  authz.replace(authz.find("AKIDEXAMPLE"), 11, "AKIDUNKNOWN");
  test::expect_aws_error(
      [&] { verify(vanilla(authz), Dialect::kQueryJson, test::epoch_ms(kSignedAt)); },
      "InvalidClientTokenId", 403);
  test::expect_aws_error([&] { verify(vanilla(authz), Dialect::kS3, test::epoch_ms(kSignedAt)); },
                         "InvalidAccessKeyId", 403);
}

TEST(SigV4Errors, WrongSignatureIsSignatureDoesNotMatchWithS3Message) {
  std::string authz = kVanillaAuthz;
  authz.back() = '0';
  test::expect_aws_error(
      [&] { verify(vanilla(authz), Dialect::kQueryJson, test::epoch_ms(kSignedAt)); },
      "SignatureDoesNotMatch", 403);
  auto s3 = vanilla(authz);
  s3.headers.emplace_back("x-amz-content-sha256", "UNSIGNED-PAYLOAD");
  try {
    verify(s3, Dialect::kS3, test::epoch_ms(kSignedAt));
    ADD_FAILURE() << "expected SignatureDoesNotMatch";
  } catch (const AwsError& error) {
    EXPECT_EQ(error.code, "SignatureDoesNotMatch");
    EXPECT_EQ(error.message,
              "The request signature we calculated does not match the signature you provided. "
              "Check your key and signing method.");
  }
}

TEST(SigV4Errors, S3HeaderAuthWithoutContentSha256IsInvalidRequest) {
  test::expect_aws_error([] { verify(vanilla(), Dialect::kS3, test::epoch_ms(kSignedAt)); },
                         "InvalidRequest", 400);
}

TEST(SigV4Errors, CredentialDateOtherThanAmzDateIsRejected) {
  std::string authz = kVanillaAuthz;
  authz.replace(authz.find("20150830"), 8, "20150831");
  test::expect_aws_error(
      [&] { verify(vanilla(authz), Dialect::kQueryJson, test::epoch_ms(kSignedAt)); },
      "SignatureDoesNotMatch", 403);
  test::expect_aws_error([&] { verify(vanilla(authz), Dialect::kS3, test::epoch_ms(kSignedAt)); },
                         "AuthorizationHeaderMalformed", 400);
}

TEST(SigV4Errors, MalformedAuthorizationHeaderIsIncompleteSignatureOrMalformed) {
  for (std::string authz :
       {"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request",
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/aws4_request, "
        "SignedHeaders=host, Signature=00",
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws5_request, "
        "SignedHeaders=host, Signature=00"}) {
    test::expect_aws_error([&] { parse(vanilla(authz), Dialect::kQueryJson); },
                           "IncompleteSignature", 400);
    test::expect_aws_error([&] { parse(vanilla(authz), Dialect::kS3); },
                           "AuthorizationHeaderMalformed", 400);
  }
}

TEST(SigV4Errors, NonSigV4AuthorizationIsUnsupportedForS3) {
  test::expect_aws_error([] { parse(vanilla("Bearer abc"), Dialect::kS3); }, "InvalidArgument",
                         400);
  test::expect_aws_error([] { parse(vanilla("Bearer abc"), Dialect::kQueryJson); },
                         "IncompleteSignature", 400);
}

TEST(SigV4Errors, MissingDateIsIncompleteSignatureOrAccessDenied) {
  test::OwnedRequest owned{"GET", "/", {{"Host", "h"}, {"Authorization", kVanillaAuthz}}, ""};
  test::expect_aws_error([&] { parse(owned, Dialect::kQueryJson); }, "IncompleteSignature", 400);
  test::expect_aws_error([&] { parse(owned, Dialect::kS3); }, "AccessDenied", 403);
}

TEST(SigV4Errors, DateHeaderStandsInForMissingXAmzDate) {
  test::OwnedRequest owned{"GET", "/",
                           {{"Host", "h"},
                            {"Date", "Sun, 30 Aug 2015 12:36:00 GMT"},
                            {"Authorization", kVanillaAuthz}},
                           ""};
  EXPECT_EQ(parse_sigv4(owned.view(), Dialect::kS3)->amz_date, kSignedAt);
}

TEST(SigV4Errors, ExpiredPresignedUrlIsAccessDenied) {
  test::expect_aws_error(
      [] { verify(presigned("60"), Dialect::kS3, test::epoch_ms(kSignedAt) + 61'000); },
      "AccessDenied", 403);
}

TEST(SigV4Errors, PresignedUrlIsCheckedOnlyAgainstItsExpiryNotClockSkew) {
  // One hour after signing, within X-Amz-Expires: the signature (00) is what fails.
  test::expect_aws_error(
      [] { verify(presigned("7200"), Dialect::kS3, test::epoch_ms(kSignedAt) + 60 * kMinute); },
      "SignatureDoesNotMatch", 403);
}

TEST(SigV4Errors, PresignedExpiresOverAWeekIsAuthorizationQueryParametersError) {
  test::expect_aws_error([] { parse(presigned("604801"), Dialect::kS3); },
                         "AuthorizationQueryParametersError", 400);
  EXPECT_NO_THROW(parse(presigned("604800"), Dialect::kS3));
}

TEST(SigV4Errors, PresignedExpiresNotANumberIsAuthorizationQueryParametersError) {
  test::expect_aws_error([] { parse(presigned("soon"), Dialect::kS3); },
                         "AuthorizationQueryParametersError", 400);
  test::expect_aws_error([] { parse(presigned("-1"), Dialect::kS3); },
                         "AuthorizationQueryParametersError", 400);
}

TEST(SigV4Errors, PresignedMissingParameterIsDialectSpecific) {
  const test::OwnedRequest owned{"GET", "/?X-Amz-Algorithm=AWS4-HMAC-SHA256", {{"Host", "h"}},
                                 ""};
  test::expect_aws_error([&] { parse(owned, Dialect::kS3); }, "AuthorizationQueryParametersError",
                         400);
  test::expect_aws_error([&] { parse(owned, Dialect::kQueryJson); }, "IncompleteSignature", 400);
}

}  // namespace
}  // namespace nimbus::auth
