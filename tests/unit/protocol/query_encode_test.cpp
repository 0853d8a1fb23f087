#include <gtest/gtest.h>

#include "protocol/protocol.h"
#include "test_support.h"

namespace nimbus::protocol {
namespace {

const model::ServiceModel& sqs() { return model::sqs_model(); }

// Encodes the fixture output and compares with the XML botocore was checked to parse back.
void expect_golden_encode(const std::string& operation) {
  Json fixtures = testing::load_fixture("query_responses.json");
  const Json& fixture = fixtures.at(operation);
  const model::OperationDef* op = sqs().find_operation(operation);
  ASSERT_NE(op, nullptr);
  HttpResponse response = encode_response(sqs(), Wire::Query, *op, fixture.at("output"), "req-1", 11, true);
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response[http::field::content_type], "text/xml");
  EXPECT_EQ(response["x-amzn-RequestId"], "req-1");
  EXPECT_EQ(response.body(), fixture.at("xml").get<std::string>());
}

TEST(QueryEncode, ReceiveMessageWithAttributesAndEscapedBody) { expect_golden_encode("ReceiveMessage"); }
TEST(QueryEncode, ListQueuesFlattenedQueueUrls) { expect_golden_encode("ListQueues"); }
TEST(QueryEncode, GetQueueAttributesFlattenedMap) { expect_golden_encode("GetQueueAttributes"); }
TEST(QueryEncode, SendMessageBatchSuccessfulAndFailedEntries) { expect_golden_encode("SendMessageBatch"); }
TEST(QueryEncode, OperationWithoutOutputHasNoResultElement) { expect_golden_encode("PurgeQueue"); }

TEST(QueryEncode, EmptyOutputOfListOperationKeepsResultElement) {
  HttpResponse response = encode_response(sqs(), Wire::Query, *sqs().find_operation("ListQueues"),
                                          Json::object(), "r", 11, true);
  EXPECT_NE(response.body().find("<ListQueuesResult/>"), std::string::npos) << response.body();
}

TEST(QueryEncode, ResponseKeepsHttpVersionAndKeepAlive) {
  HttpResponse response = encode_response(sqs(), Wire::Query, *sqs().find_operation("PurgeQueue"),
                                          Json::object(), "r", 10, false);
  EXPECT_EQ(response.version(), 10u);
  EXPECT_FALSE(response.keep_alive());
  EXPECT_EQ(response[http::field::content_length], std::to_string(response.body().size()));
}

TEST(QueryEncode, ErrorResponseCarriesTypeQueryCodeAndRequestId) {
  AwsError error(400, "QueueDoesNotExist", "The specified queue does not exist.",
                 "AWS.SimpleQueueService.NonExistentQueue");
  HttpResponse response = encode_error(&sqs(), Wire::Query, error, "req-9", 11, true);
  EXPECT_EQ(response.result_int(), 400);
  EXPECT_EQ(response[http::field::content_type], "text/xml");
  EXPECT_EQ(response.body(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<ErrorResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\"><Error><Type>Sender</Type>"
            "<Code>AWS.SimpleQueueService.NonExistentQueue</Code>"
            "<Message>The specified queue does not exist.</Message><Detail/></Error>"
            "<RequestId>req-9</RequestId></ErrorResponse>");
}

TEST(QueryEncode, ServerFaultIsReceiverWithItsStatus) {
  HttpResponse response = encode_error(&sqs(), Wire::Query, AwsError::internal(), "r", 11, true);
  EXPECT_EQ(response.result_int(), 500);
  EXPECT_NE(response.body().find("<Type>Receiver</Type><Code>InternalFailure</Code>"), std::string::npos);
}

TEST(QueryEncode, ErrorWithoutServiceOmitsNamespace) {
  HttpResponse response = encode_error(nullptr, Wire::Query, AwsError::invalid_action("x"), "r", 11, true);
  EXPECT_NE(response.body().find("<ErrorResponse><Error>"), std::string::npos);
}

}  // namespace
}  // namespace nimbus::protocol
