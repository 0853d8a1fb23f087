#include <gtest/gtest.h>

#include "protocol/protocol.h"
#include "test_support.h"

namespace nimbus::protocol {
namespace {

using testing::error_of;
using testing::form_request;

const model::ServiceModel& sqs() { return model::sqs_model(); }

// Decodes the botocore-serialized body of `operation` and compares with the botocore params.
void expect_golden_decode(const std::string& operation) {
  Json fixtures = testing::load_fixture("query_requests.json");
  const Json& fixture = fixtures.at(operation);
  OperationCall call = decode_request(sqs(), Wire::Query, form_request(fixture.at("body")));
  ASSERT_NE(call.operation, nullptr);
  EXPECT_EQ(call.operation->name, operation);
  EXPECT_EQ(call.input, fixture.at("input")) << call.input.dump(1);
}

TEST(QueryDecode, CreateQueueAttributesAndTagsFromBotocoreBody) { expect_golden_decode("CreateQueue"); }
TEST(QueryDecode, SendMessageStringNumberAndBinaryAttributes) { expect_golden_decode("SendMessage"); }
TEST(QueryDecode, SendMessageBatchEntriesWithNestedAttributes) { expect_golden_decode("SendMessageBatch"); }
TEST(QueryDecode, ReceiveMessageAttributeNameLists) { expect_golden_decode("ReceiveMessage"); }
TEST(QueryDecode, DeleteMessageBatchEntries) { expect_golden_decode("DeleteMessageBatch"); }
TEST(QueryDecode, UntagQueueTagKeyList) { expect_golden_decode("UntagQueue"); }

TEST(QueryDecode, BinaryAttributeIsDecodedToRawBytes) {
  auto call = decode_request(sqs(), Wire::Query,
                             form_request("Action=SendMessage&QueueUrl=u&MessageBody=b"
                                          "&MessageAttribute.1.Name=b&MessageAttribute.1.Value.DataType=Binary"
                                          "&MessageAttribute.1.Value.BinaryValue=AP8%3D"));
  EXPECT_EQ(call.input["MessageAttributes"]["b"]["BinaryValue"], std::string("\x00\xff", 2));
}

TEST(QueryDecode, ParametersFromUrlQueryStringAreMergedWithBody) {
  auto call = decode_request(sqs(), Wire::Query,
                             form_request("QueueUrl=http%3A%2F%2Fq", "/?Action=DeleteQueue"));
  EXPECT_EQ(call.operation->name, "DeleteQueue");
  EXPECT_EQ(call.input, Json({{"QueueUrl", "http://q"}}));
}

TEST(QueryDecode, ListItemsAreOrderedByIndexNotByText) {
  std::string body = "Action=ReceiveMessage&QueueUrl=u";
  for (int i = 12; i >= 1; --i) body += "&MessageAttributeName." + std::to_string(i) + "=n" + std::to_string(i);
  auto call = decode_request(sqs(), Wire::Query, form_request(body));
  ASSERT_EQ(call.input["MessageAttributeNames"].size(), 12u);
  EXPECT_EQ(call.input["MessageAttributeNames"][1], "n2");
  EXPECT_EQ(call.input["MessageAttributeNames"][11], "n12");
}

TEST(QueryDecode, EmptyListParameterDecodesToEmptyArray) {
  auto call = decode_request(sqs(), Wire::Query, form_request("Action=GetQueueAttributes&QueueUrl=u&AttributeNames="));
  EXPECT_EQ(call.input["AttributeNames"], Json::array());
}

TEST(QueryDecode, PlusIsSpaceAndPercentEscapesDecode) {
  auto call = decode_request(sqs(), Wire::Query,
                             form_request("Action=SendMessage&QueueUrl=u&MessageBody=a+b%2Bc%E2%9C%93"));
  EXPECT_EQ(call.input["MessageBody"], "a b+c\xe2\x9c\x93");
}

TEST(QueryDecode, UnknownActionIsInvalidAction) {
  AwsError error = error_of([] { decode_request(sqs(), Wire::Query, form_request("Action=Nope")); });
  EXPECT_EQ(error.code, "InvalidAction");
  EXPECT_EQ(error.http_status, 400);
  EXPECT_EQ(error.message, "The action Nope is not valid for this endpoint.");
}

TEST(QueryDecode, MissingActionIsRejected) {
  AwsError error = error_of([] { decode_request(sqs(), Wire::Query, form_request("QueueUrl=u")); });
  EXPECT_EQ(error.code, "MissingAction");
}

TEST(QueryDecode, MalformedPercentEscapeIsMalformedQueryString) {
  for (std::string body : {"Action=ListQueues&QueueNamePrefix=%zz", "Action=ListQueues&QueueNamePrefix=%4",
                           "Action=ListQueues&Queue%NamePrefix=a"}) {
    AwsError error = error_of([&] { decode_request(sqs(), Wire::Query, form_request(body)); });
    EXPECT_EQ(error.code, "MalformedQueryString") << body;
  }
}

TEST(QueryDecode, BadIntegerNamesTheParameter) {
  AwsError error = error_of([] {
    decode_request(sqs(), Wire::Query, form_request("Action=SendMessage&QueueUrl=u&MessageBody=b&DelaySeconds=ten"));
  });
  EXPECT_EQ(error.code, "InvalidParameterValue");
  EXPECT_NE(error.message.find("DelaySeconds"), std::string::npos);
}

TEST(QueryDecode, IntegerOutsideInt32IsInvalidParameterValue) {
  AwsError error = error_of([] {
    decode_request(sqs(), Wire::Query,
                   form_request("Action=SendMessage&QueueUrl=u&MessageBody=b&DelaySeconds=99999999999"));
  });
  EXPECT_EQ(error.code, "InvalidParameterValue");
}

TEST(QueryDecode, BadBase64NamesTheParameter) {
  AwsError error = error_of([] {
    decode_request(sqs(), Wire::Query,
                   form_request("Action=SendMessage&QueueUrl=u&MessageBody=b&MessageAttribute.1.Name=b"
                                "&MessageAttribute.1.Value.DataType=Binary&MessageAttribute.1.Value.BinaryValue=!!"));
  });
  EXPECT_EQ(error.code, "InvalidParameterValue");
  EXPECT_NE(error.message.find("MessageAttribute.1.Value.BinaryValue"), std::string::npos);
}

TEST(QueryDecode, MissingRequiredParameterIsMissingParameter) {
  AwsError error = error_of([] { decode_request(sqs(), Wire::Query, form_request("Action=SendMessage&QueueUrl=u")); });
  EXPECT_EQ(error.code, "MissingParameter");
  EXPECT_EQ(error.message, "The request must contain the parameter MessageBody.");
}

}  // namespace
}  // namespace nimbus::protocol
