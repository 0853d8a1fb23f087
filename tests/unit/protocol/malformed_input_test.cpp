#include <gtest/gtest.h>

#include <random>

#include "protocol/protocol.h"
#include "test_support.h"

namespace nimbus::protocol {
namespace {

// Decoding must either succeed or throw AwsError: never crash or throw anything else.
void expect_only_aws_errors(const model::ServiceModel& service, Wire wire, const HttpRequest& request) {
  try {
    decode_request(service, wire, request);
  } catch (const AwsError&) {
  }
}

std::string random_text(std::mt19937& rng, std::string_view alphabet, size_t max_size) {
  std::uniform_int_distribution<size_t> size(0, max_size);
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::string out(size(rng), ' ');
  for (char& c : out) c = alphabet[pick(rng)];
  return out;
}

TEST(MalformedInput, RandomQueryBodiesOnlyRaiseAwsErrors) {
  std::mt19937 rng(1234);
  const std::string alphabet = "Action=SendMessageBatchRequestEntry.1.0%+&QueueUrlMessageAttribute.Value.BinaryName\xff";
  for (int i = 0; i < 3000; ++i) {
    std::string body = "Action=SendMessageBatch&" + random_text(rng, alphabet, 120);
    EXPECT_NO_FATAL_FAILURE(expect_only_aws_errors(model::sqs_model(), Wire::Query, testing::form_request(body)));
  }
}

TEST(MalformedInput, RandomJsonBodiesOnlyRaiseAwsErrors) {
  std::mt19937 rng(99);
  const std::string alphabet = "{}[]\":,0123456789.eE-truefalsnul \\uQueueUrlEntriesIdMessageBody\xc3";
  for (int i = 0; i < 3000; ++i) {
    std::string body = random_text(rng, alphabet, 120);
    EXPECT_NO_FATAL_FAILURE(
        expect_only_aws_errors(model::sqs_model(), Wire::Json, testing::json_request("SendMessageBatch", body)));
  }
}

TEST(MalformedInput, DeeplyNestedJsonIsRejectedWithoutCrashing) {
  std::string body = R"({"QueueUrl":"u","Entries":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
  expect_only_aws_errors(model::sqs_model(), Wire::Json, testing::json_request("SendMessageBatch", body));
}

TEST(MalformedInput, RandomRestXmlRequestsOnlyRaiseAwsErrors) {
  std::mt19937 rng(7);
  const std::string path_alphabet = "/ab%2F?&=uploadsdeletetaggingpartNumberuploadId1";
  const std::string xml_alphabet = "<>/DeleteObjectKeyQuiet&amp;\"' xmlns=trueCompleteMultipartUploadPart";
  const http::verb verbs[] = {http::verb::get, http::verb::put, http::verb::post, http::verb::delete_,
                              http::verb::head};
  for (int i = 0; i < 3000; ++i) {
    std::string target = "/b" + random_text(rng, path_alphabet, 40);
    HttpRequest request = testing::rest_request(verbs[i % 5], target, random_text(rng, xml_alphabet, 120));
    EXPECT_NO_FATAL_FAILURE(expect_only_aws_errors(model::s3_model(), Wire::RestXml, request));
  }
}

}  // namespace
}  // namespace nimbus::protocol
