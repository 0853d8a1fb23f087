#include <gtest/gtest.h>

#include "protocol/protocol.h"
#include "test_support.h"

namespace nimbus::protocol {
namespace {

using testing::error_of;
using testing::json_request;

const model::ServiceModel& sqs() { return model::sqs_model(); }

TEST(JsonDecode, SendMessageWithAttributesDecodesBlobToRawBytes) {
  auto call = decode_request(sqs(), Wire::Json, json_request("SendMessage", R"({
    "QueueUrl": "u", "MessageBody": "hi", "DelaySeconds": 2,
    "MessageAttributes": {"b": {"DataType": "Binary", "BinaryValue": "AP8="},
                          "s": {"DataType": "String", "StringValue": "v"}}})"));
  EXPECT_EQ(call.operation->name, "SendMessage");
  EXPECT_EQ(call.input["DelaySeconds"], 2);
  EXPECT_EQ(call.input["MessageAttributes"]["b"]["BinaryValue"], std::string("\x00\xff", 2));
  EXPECT_EQ(call.input["MessageAttributes"]["s"]["StringValue"], "v");
}

TEST(JsonDecode, EmptyBodyIsEmptyInput) {
  auto call = decode_request(sqs(), Wire::Json, json_request("ListQueues", ""));
  EXPECT_EQ(call.input, Json::object());
}

TEST(JsonDecode, NullMembersAreTreatedAsAbsent) {
  auto call = decode_request(sqs(), Wire::Json, json_request("ListQueues", R"({"QueueNamePrefix": null})"));
  EXPECT_EQ(call.input, Json::object());
}

TEST(JsonDecode, UnknownTargetIsUnknownOperationException) {
  AwsError error = error_of([] { decode_request(sqs(), Wire::Json, json_request("Nope", "{}")); });
  EXPECT_EQ(error.code, "UnknownOperationException");
  HttpRequest wrong_prefix = json_request("ListQueues", "{}");
  wrong_prefix.set("X-Amz-Target", "DynamoDB_20120810.ListQueues");
  EXPECT_EQ(error_of([&] { decode_request(sqs(), Wire::Json, wrong_prefix); }).code, "UnknownOperationException");
}

TEST(JsonDecode, MalformedJsonIsSerializationException) {
  for (std::string body : {"{", "[1,2]", "\"text\"", "{\"QueueUrl\": }"}) {
    AwsError error = error_of([&] { decode_request(sqs(), Wire::Json, json_request("DeleteQueue", body)); });
    EXPECT_EQ(error.code, "SerializationException") << body;
  }
}

TEST(JsonDecode, StringForIntegerIsSerializationExceptionLikeSqs) {
  AwsError error = error_of([] {
    decode_request(sqs(), Wire::Json,
                   json_request("ReceiveMessage", R"({"QueueUrl": "u", "MaxNumberOfMessages": "10"})"));
  });
  EXPECT_EQ(error.code, "SerializationException");
  EXPECT_EQ(error.message, "STRING_VALUE can not be converted to an Integer");
}

TEST(JsonDecode, WrongContainerTypesAreSerializationException) {
  for (std::string body : {R"({"QueueUrl": "u", "AttributeNames": "All"})", R"({"QueueUrl": 5})",
                           R"({"QueueUrl": "u", "MaxNumberOfMessages": 1.5})"}) {
    AwsError error = error_of([&] { decode_request(sqs(), Wire::Json, json_request("ReceiveMessage", body)); });
    EXPECT_EQ(error.code, "SerializationException") << body;
  }
}

TEST(JsonDecode, BadBase64IsSerializationException) {
  AwsError error = error_of([] {
    decode_request(sqs(), Wire::Json, json_request("SendMessage", R"({"QueueUrl": "u", "MessageBody": "b",
      "MessageAttributes": {"b": {"DataType": "Binary", "BinaryValue": "***"}}})"));
  });
  EXPECT_EQ(error.code, "SerializationException");
}

TEST(JsonDecode, MissingRequiredMemberUsesQueryCompatibleCode) {
  AwsError error = error_of([] { decode_request(sqs(), Wire::Json, json_request("SendMessage", R"({"QueueUrl":"u"})")); });
  EXPECT_EQ(error.code, "MissingParameter");
  EXPECT_EQ(error.message, "The request must contain the parameter MessageBody.");
}

TEST(JsonEncode, ReceiveMessageRoundTripsThroughDecodeShapes) {
  Json output = {{"Messages", {{{"MessageId", "m"}, {"Body", "b\r\n\"q\""},
                                {"Attributes", {{"SentTimestamp", "1"}}},
                                {"MessageAttributes", {{"b", {{"DataType", "Binary"},
                                                              {"BinaryValue", std::string("\x00\xff", 2)}}}}}}}}};
  HttpResponse response = encode_response(sqs(), Wire::Json, *sqs().find_operation("ReceiveMessage"), output,
                                          "req-1", 11, true);
  EXPECT_EQ(response[http::field::content_type], "application/x-amz-json-1.0");
  EXPECT_EQ(response["x-amzn-RequestId"], "req-1");
  Json body = Json::parse(response.body());
  EXPECT_EQ(body["Messages"][0]["MessageAttributes"]["b"]["BinaryValue"], "AP8=");
  EXPECT_EQ(body["Messages"][0]["Body"], "b\r\n\"q\"");
  EXPECT_EQ(body["Messages"][0]["Attributes"]["SentTimestamp"], "1");
}

TEST(JsonEncode, AbsentAndUnknownMembersAreOmitted) {
  HttpResponse response = encode_response(sqs(), Wire::Json, *sqs().find_operation("SendMessage"),
                                          {{"MessageId", "m"}, {"SequenceNumber", nullptr}, {"Internal", 1}},
                                          "r", 11, true);
  EXPECT_EQ(Json::parse(response.body()), Json({{"MessageId", "m"}}));
}

TEST(JsonEncode, OperationWithoutOutputWritesEmptyObject) {
  HttpResponse response = encode_response(sqs(), Wire::Json, *sqs().find_operation("DeleteQueue"),
                                          Json::object(), "r", 11, true);
  EXPECT_EQ(response.body(), "{}");
}

TEST(JsonEncode, InvalidUtf8InStringsDoesNotThrow) {
  HttpResponse response = encode_response(sqs(), Wire::Json, *sqs().find_operation("SendMessage"),
                                          {{"MessageId", "\xff\xfe"}}, "r", 11, true);
  EXPECT_TRUE(Json::accept(response.body()));
}

TEST(JsonError, BodyHasNamespacedTypeAndQueryErrorHeader) {
  AwsError error(400, "QueueDoesNotExist", "The specified queue does not exist.",
                 "AWS.SimpleQueueService.NonExistentQueue");
  HttpResponse response = encode_error(&sqs(), Wire::Json, error, "req-2", 11, true);
  EXPECT_EQ(response.result_int(), 400);
  EXPECT_EQ(response[http::field::content_type], "application/x-amz-json-1.0");
  EXPECT_EQ(response["x-amzn-query-error"], "AWS.SimpleQueueService.NonExistentQueue;Sender");
  EXPECT_EQ(response["x-amzn-RequestId"], "req-2");
  EXPECT_EQ(Json::parse(response.body()),
            Json({{"__type", "com.amazonaws.sqs#QueueDoesNotExist"},
                  {"message", "The specified queue does not exist."}}));
}

TEST(JsonError, FrameworkErrorsUseCoralNamespace) {
  HttpResponse response = encode_error(&sqs(), Wire::Json, AwsError::serialization("bad"), "r", 11, true);
  EXPECT_EQ(Json::parse(response.body())["__type"], "com.amazon.coral.service#SerializationException");
  EXPECT_EQ(response["x-amzn-query-error"], "SerializationException;Sender");
}

TEST(JsonError, ReceiverFaultInQueryErrorHeader) {
  HttpResponse response = encode_error(&sqs(), Wire::Json, AwsError::internal(), "r", 11, true);
  EXPECT_EQ(response.result_int(), 500);
  EXPECT_EQ(response["x-amzn-query-error"], "InternalFailure;Receiver");
}

}  // namespace
}  // namespace nimbus::protocol

namespace nimbus::protocol {
namespace {

TEST(JsonEncode, ATimestampShapesOwnFormatAppliesWhenTheMemberHasNone) {
  // The schemas model declares iso8601 on its timestamp shape (__timestampIso8601), not on members.
  const auto& schemas = model::schemas_model();
  HttpResponse response = encode_response(schemas, Wire::RestJson, *schemas.find_operation("DescribeSchema"),
                                          Json{{"LastModified", 1764547200.0}}, "req-ts", 11, true);
  EXPECT_EQ(nlohmann::json::parse(response.body())["LastModified"], "2025-12-01T00:00:00Z");
}

}  // namespace
}  // namespace nimbus::protocol
