// Requests signed by Debian's botocore (fixtures/sigv4/botocore/generate.py) verify, and fail
// once any signed byte changes.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "auth/credentials.h"
#include "auth/sigv4_info.h"
#include "auth/verify.h"
#include "test_support.h"

namespace nimbus::auth {
namespace {

struct BotocoreCase {
  test::OwnedRequest request;
  Dialect dialect;
  std::string name;
};

const nlohmann::json& fixture() {
  static const nlohmann::json doc =
      nlohmann::json::parse(test::read_fixture("sigv4/botocore/requests.json"));
  return doc;
}

Credentials botocore_credentials() {
  nlohmann::json file = {{"credentials", nlohmann::json::array()}};
  for (const auto& key : fixture()["credentials"]) {
    file["credentials"].push_back({{"access_key_id", key["access_key_id"]},
                                   {"secret_access_key", key["secret_access_key"]},
                                   {"account_id", "444455556666"}});
  }
  return Credentials::parse(file.dump(), "botocore");
}

BotocoreCase load_case(const std::string& name) {
  for (const auto& entry : fixture()["requests"]) {
    if (entry["name"] != name) continue;
    BotocoreCase result{{entry["method"], entry["target"], {}, entry["body"]},
                        entry["dialect"] == "s3" ? Dialect::kS3 : Dialect::kQueryJson,
                        name};
    for (const auto& header : entry["headers"]) {
      result.request.headers.emplace_back(header[0], header[1]);
    }
    return result;
  }
  ADD_FAILURE() << "no botocore fixture " << name;
  return {};
}

VerifiedSignature verify_case(const BotocoreCase& c) {
  const auto request = c.request.view();
  const auto info = parse_sigv4(request, c.dialect);
  EXPECT_TRUE(info);
  return verify_sigv4(request, *info, c.dialect, botocore_credentials(),
                      test::epoch_ms(info->amz_date) + 30'000);
}

class BotocoreSigned : public ::testing::TestWithParam<std::string> {};

TEST_P(BotocoreSigned, Verifies) {
  EXPECT_EQ(verify_case(load_case(GetParam())).account_id, "444455556666");
}

TEST_P(BotocoreSigned, TamperedPathOrQueryFailsWithSignatureDoesNotMatch) {
  auto c = load_case(GetParam());
  const size_t question = c.request.target.find('?');
  c.request.target.insert(question == std::string::npos ? c.request.target.size() : question, "x");
  test::expect_aws_error([&] { verify_case(c); }, "SignatureDoesNotMatch", 403);
}

INSTANTIATE_TEST_SUITE_P(Debian, BotocoreSigned,
                         ::testing::Values("sqs_query_post", "dynamodb_json_post",
                                           "lambda_rest_json_encoded_path", "sts_session_token",
                                           "s3_put_object_encoded_key", "s3_list_objects_query",
                                           "s3_presigned_get",
                                           "sts_presigned_get_caller_identity"));

TEST(BotocoreSignedBody, ChangedJsonBodyFailsWithSignatureDoesNotMatch) {
  auto c = load_case("dynamodb_json_post");
  c.request.body = R"({"Limit": 11})";
  test::expect_aws_error([&] { verify_case(c); }, "SignatureDoesNotMatch", 403);
}

TEST(BotocoreSignedBody, S3BodyNotMatchingContentSha256FailsWithXAmzContentSHA256Mismatch) {
  auto c = load_case("s3_put_object_encoded_key");
  c.request.body = "hello, OBJECT";
  test::expect_aws_error([&] { verify_case(c); }, "XAmzContentSHA256Mismatch", 400);
}

TEST(BotocoreSignedBody, S3BodyNotYetReadIsTrustedToTheSignedHash) {
  auto c = load_case("s3_put_object_encoded_key");
  auto request = c.request.view();
  request.body = {};
  request.body_available = false;
  const auto info = parse_sigv4(request, Dialect::kS3);
  const auto verified = verify_sigv4(request, *info, Dialect::kS3, botocore_credentials(),
                                     test::epoch_ms(info->amz_date));
  EXPECT_EQ(verified.payload_hash,
            "dc6eef50d899ff36f817b8d6d622821685abd13e52c9959641a61b343992e4e8");
}

}  // namespace
}  // namespace nimbus::auth
