// Event source mappings' pure parts: the aws:sqs event record, ReportBatchItemFailures' answer,
// and FilterCriteria matching and checking.
#include <gtest/gtest.h>

#include "core/aws_error.h"
#include "services/lambda/esm_poller.h"

namespace nimbus::lambda {
namespace {

const std::string kQueueArn = "arn:aws:sqs:us-east-1:123456789012:q";

TEST(EsmRecord, SqsMessageBecomesAnAwsSqsRecord) {
  Json message = {{"MessageId", "m1"},
                  {"ReceiptHandle", "rh"},
                  {"Body", "hello"},
                  {"MD5OfBody", "5d41402abc4b2a76b9719d911017c592"},
                  {"Attributes", {{"ApproximateReceiveCount", "1"}, {"SentTimestamp", "1700000000000"}}}};
  Json record = sqs_event_record(message, kQueueArn, "us-east-1");
  EXPECT_EQ(record["messageId"], "m1");
  EXPECT_EQ(record["receiptHandle"], "rh");
  EXPECT_EQ(record["body"], "hello");
  EXPECT_EQ(record["md5OfBody"], "5d41402abc4b2a76b9719d911017c592");
  EXPECT_EQ(record["attributes"]["ApproximateReceiveCount"], "1");
  EXPECT_EQ(record["messageAttributes"], Json::object());
  EXPECT_EQ(record["eventSource"], "aws:sqs");
  EXPECT_EQ(record["eventSourceARN"], kQueueArn);
  EXPECT_EQ(record["awsRegion"], "us-east-1");
  EXPECT_FALSE(record.contains("md5OfMessageAttributes"));
}

TEST(EsmRecord, MessageAttributesUseLambdasCamelCaseShapeAndBinaryIsBase64) {
  Json message = {{"MessageId", "m1"},
                  {"Body", "b"},
                  {"MD5OfMessageAttributes", "abc"},
                  {"MessageAttributes",
                   {{"Name", {{"DataType", "String"}, {"StringValue", "v"}}},
                    {"Blob", {{"DataType", "Binary"}, {"BinaryValue", std::string("\x01\x02\x03", 3)}}}}}};
  Json record = sqs_event_record(message, kQueueArn, "us-east-1");
  EXPECT_EQ(record["messageAttributes"]["Name"],
            (Json{{"stringValue", "v"}, {"stringListValues", Json::array()}, {"binaryListValues", Json::array()},
                  {"dataType", "String"}}));
  EXPECT_EQ(record["messageAttributes"]["Blob"]["binaryValue"], "AQID");
  EXPECT_EQ(record["messageAttributes"]["Blob"]["dataType"], "Binary");
  EXPECT_EQ(record["md5OfMessageAttributes"], "abc");
}

TEST(EsmRecord, MissingFieldsBecomeEmpty) {
  Json record = sqs_event_record(Json::object(), kQueueArn, "eu-west-1");
  EXPECT_EQ(record["messageId"], "");
  EXPECT_EQ(record["body"], "");
  EXPECT_EQ(record["attributes"], Json::object());
}

const std::vector<std::string> kIds = {"a", "b", "c"};

TEST(BatchItemFailures, NoReportMeansTheWholeBatchSucceeded) {
  for (std::string payload : {"", "null", "{}", "[]", "\"text\"", "42", R"({"batchItemFailures":null})",
                              R"({"batchItemFailures":[]})"}) {
    auto failed = batch_item_failures(payload, kIds);
    ASSERT_TRUE(failed) << payload;
    EXPECT_TRUE(failed->empty()) << payload;
  }
}

TEST(BatchItemFailures, ListedIdsStayInTheQueue) {
  auto failed = batch_item_failures(R"({"batchItemFailures":[{"itemIdentifier":"b"},{"itemIdentifier":"c"}]})", kIds);
  ASSERT_TRUE(failed);
  EXPECT_EQ(*failed, (std::vector<std::string>{"b", "c"}));
}

TEST(BatchItemFailures, MalformedReportsFailTheWholeBatch) {
  for (std::string payload : {"{not json", R"({"batchItemFailures":{}})", R"({"batchItemFailures":"a"})",
                              R"({"batchItemFailures":["a"]})", R"({"batchItemFailures":[{}]})",
                              R"({"batchItemFailures":[{"itemIdentifier":""}]})",
                              R"({"batchItemFailures":[{"itemIdentifier":null}]})",
                              R"({"batchItemFailures":[{"itemIdentifier":7}]})",
                              R"({"batchItemFailures":[{"itemIdentifier":"a"},{"itemIdentifier":"zzz"}]})"}) {
    EXPECT_FALSE(batch_item_failures(payload, kIds)) << payload;
  }
}

Json filters(std::initializer_list<std::string> patterns) {
  Json list = Json::array();
  for (const auto& pattern : patterns) list.push_back({{"Pattern", pattern}});
  return list;
}

Json record_with_body(const std::string& body) {
  return sqs_event_record({{"MessageId", "m"}, {"Body", body}, {"Attributes", {{"SenderId", "AIDA1"}}}}, kQueueArn,
                          "us-east-1");
}

TEST(EsmFilter, NoFiltersMatchEverything) {
  EXPECT_TRUE(matches_filters(Json(), record_with_body("x")));
  EXPECT_TRUE(matches_filters(Json::array(), record_with_body("x")));
}

TEST(EsmFilter, JsonBodyIsMatchedByItsFields) {
  Json f = filters({R"({"body":{"kind":["order"]}})"});
  EXPECT_TRUE(matches_filters(f, record_with_body(R"({"kind":"order","n":1})")));
  EXPECT_FALSE(matches_filters(f, record_with_body(R"({"kind":"refund"})")));
  EXPECT_FALSE(matches_filters(f, record_with_body("kind order")));  // plain-text body: no fields
}

TEST(EsmFilter, PlainTextBodyIsMatchedAsAString) {
  EXPECT_TRUE(matches_filters(filters({R"({"body":["hello"]})"}), record_with_body("hello")));
  EXPECT_TRUE(matches_filters(filters({R"({"body":[{"prefix":"hel"}]})"}), record_with_body("hello")));
  EXPECT_FALSE(matches_filters(filters({R"({"body":[{"suffix":"xyz"}]})"}), record_with_body("hello")));
}

TEST(EsmFilter, AnyFilterMatchingIsEnough) {
  Json f = filters({R"({"body":{"kind":["a"]}})", R"({"body":{"kind":["b"]}})"});
  EXPECT_TRUE(matches_filters(f, record_with_body(R"({"kind":"b"})")));
  EXPECT_FALSE(matches_filters(f, record_with_body(R"({"kind":"c"})")));
}

TEST(EsmFilter, OperatorsOfEventBridgesLanguage) {
  auto body = record_with_body(R"({"n":15,"s":"Hello","tags":["x","y"],"nothing":null})");
  auto match = [&](const std::string& pattern) { return matches_filters(filters({pattern}), body); };
  EXPECT_TRUE(match(R"({"body":{"n":[{"numeric":[">",10,"<=",15]}]}})"));
  EXPECT_FALSE(match(R"({"body":{"n":[{"numeric":["<",10]}]}})"));
  EXPECT_TRUE(match(R"({"body":{"n":[15]}})"));
  EXPECT_TRUE(match(R"({"body":{"s":[{"equals-ignore-case":"hello"}]}})"));
  EXPECT_TRUE(match(R"({"body":{"s":[{"anything-but":["Bye","Ciao"]}]}})"));
  EXPECT_FALSE(match(R"({"body":{"s":[{"anything-but":"Hello"}]}})"));
  EXPECT_FALSE(match(R"({"body":{"s":[{"anything-but":{"prefix":"He"}}]}})"));
  EXPECT_TRUE(match(R"({"body":{"tags":["y"]}})"));  // an array matches when any element does
  EXPECT_TRUE(match(R"({"body":{"missing":[{"exists":false}]}})"));
  EXPECT_FALSE(match(R"({"body":{"n":[{"exists":false}]}})"));
  EXPECT_TRUE(match(R"({"body":{"n":[{"exists":true}]}})"));
  EXPECT_FALSE(match(R"({"body":{"nothing":[{"exists":true}]}})"));
  EXPECT_TRUE(match(R"({"attributes":{"SenderId":["AIDA1"]}})"));
  EXPECT_TRUE(match(R"({"eventSource":["aws:sqs"]})"));
}

TEST(EsmFilter, UnparsablePatternsMatchNothing) {
  EXPECT_FALSE(matches_filters(filters({"{not json"}), record_with_body("x")));
  EXPECT_FALSE(matches_filters(filters({"[]"}), record_with_body("x")));
}

TEST(EsmFilter, CheckRefusesPatternsThatAreNotJsonObjects) {
  EXPECT_NO_THROW(check_filters(Json::object()));
  EXPECT_NO_THROW(check_filters(Json{{"Filters", filters({R"({"body":{"a":["b"]}})"})}}));
  for (std::string bad : {"", "{", "[1]", "\"x\""}) {
    try {
      check_filters(Json{{"Filters", filters({bad})}});
      ADD_FAILURE() << "accepted " << bad;
    } catch (const AwsError& error) {
      EXPECT_EQ(error.code, "InvalidParameterValueException") << bad;
      EXPECT_EQ(error.message, "Invalid filter pattern definition.");
    }
  }
}

}  // namespace
}  // namespace nimbus::lambda

namespace nimbus::lambda {
namespace {

TEST(EsmFilterRobustness, AMatcherWithArgumentsOfTheWrongTypeMatchesNothingInsteadOfThrowing) {
  Json filters = Json::array({{{"Pattern", R"({"body": {"kind": [{"anything-but": {"prefix": 5}}]}})"}},
                              {{"Pattern", R"({"body": {"n": [{"numeric": [">", "x"]}]}})"}}});
  Json record = {{"body", R"({"kind": "order", "n": 3})"}};
  EXPECT_NO_THROW(EXPECT_FALSE(matches_filters(filters, record)));
}

}  // namespace
}  // namespace nimbus::lambda
