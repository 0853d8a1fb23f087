#include <gtest/gtest.h>

#include "protocol/validation.h"
#include "test_support.h"

namespace nimbus::protocol {
namespace {

using testing::error_of;

const model::ServiceModel& sqs() { return model::sqs_model(); }
const model::ShapeDef& input_of(const model::ServiceModel& service, std::string_view operation) {
  return service.shape(service.find_operation(operation)->input);
}

TEST(Validation, MissingTopLevelMemberPerWire) {
  const auto& input = input_of(sqs(), "DeleteQueue");
  EXPECT_EQ(error_of([&] { validate_input(sqs(), input, Json::object(), Wire::Query); }).code, "MissingParameter");
  EXPECT_EQ(error_of([&] { validate_input(sqs(), input, Json::object(), Wire::Json); }).code, "MissingParameter");
  EXPECT_EQ(error_of([&] { validate_input(sqs(), input, Json::object(), Wire::RestJson); }).code, "ValidationException");
  EXPECT_EQ(error_of([&] { validate_input(sqs(), input, Json::object(), Wire::RestXml); }).code, "InvalidRequest");
}

TEST(Validation, MissingMemberOfListEntryNamesItsPath) {
  Json input = {{"QueueUrl", "u"}, {"Entries", {{{"Id", "a"}}}}};
  AwsError error = error_of([&] { validate_input(sqs(), input_of(sqs(), "SendMessageBatch"), input, Wire::Query); });
  EXPECT_EQ(error.code, "MissingParameter");
  EXPECT_EQ(error.message, "The request must contain the parameter Entries.1.MessageBody.");
}

TEST(Validation, MissingRequiredInsideMapValue) {
  Json input = {{"QueueUrl", "u"}, {"MessageBody", "b"}, {"MessageAttributes", {{"a", {{"StringValue", "v"}}}}}};
  AwsError error = error_of([&] { validate_input(sqs(), input_of(sqs(), "SendMessage"), input, Wire::Query); });
  EXPECT_EQ(error.message, "The request must contain the parameter MessageAttributes.a.DataType.");
}

TEST(Validation, ListItemsOutsideEnumAreAccepted) {
  Json input = {{"QueueUrl", "u"}, {"AttributeNames", {"SentTimestamp", "Whatever"}}};
  EXPECT_EQ(error_of([&] { validate_input(sqs(), input_of(sqs(), "ReceiveMessage"), input, Wire::Query); }).code,
            "<none>");
}

TEST(Validation, ScalarEnumMemberRejectsUnknownValueOnJsonButNotRestXml) {
  const auto& s3 = model::s3_model();
  Json input = {{"Bucket", "b"}, {"Key", "k"}, {"StorageClass", "NOPE"}};
  const auto& put = input_of(s3, "PutObject");
  EXPECT_EQ(error_of([&] { validate_input(s3, put, input, Wire::RestJson); }).code, "ValidationException");
  EXPECT_EQ(error_of([&] { validate_input(s3, put, input, Wire::RestXml); }).code, "<none>");
  input["StorageClass"] = "STANDARD";
  EXPECT_EQ(error_of([&] { validate_input(s3, put, input, Wire::RestJson); }).code, "<none>");
}

TEST(Validation, CompleteInputPasses) {
  Json input = {{"QueueUrl", "u"}, {"MessageBody", "b"},
                {"MessageAttributes", {{"a", {{"DataType", "String"}, {"StringValue", "v"}}}}}};
  EXPECT_EQ(error_of([&] { validate_input(sqs(), input_of(sqs(), "SendMessage"), input, Wire::Query); }).code, "<none>");
}

}  // namespace
}  // namespace nimbus::protocol
