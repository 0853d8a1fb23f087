// Event source mappings from DynamoDB streams, the pure parts: the event record, the mapping's
// settings, ReportBatchItemFailures' answer for stream sources, the OnFailure invocation record,
// and the checks of a Create's or Update's stream settings.
#include <gtest/gtest.h>

#include "core/aws_error.h"
#include "services/lambda/esm_stream_poller.h"

namespace nimbus::lambda {
namespace {

const std::string kStreamArn = "arn:aws:dynamodb:us-east-1:000000000000:table/users/stream/2026-12-01T16:20:16.782";

Json stream_record(const std::string& sequence, double created) {
  return {{"eventID", "e" + sequence},
          {"eventName", "INSERT"},
          {"eventVersion", "1.1"},
          {"eventSource", "aws:dynamodb"},
          {"awsRegion", "us-east-1"},
          {"dynamodb",
           {{"ApproximateCreationDateTime", created},
            {"Keys", {{"id", {{"S", "a"}}}}},
            {"SequenceNumber", sequence},
            {"SizeBytes", 10},
            {"StreamViewType", "NEW_AND_OLD_IMAGES"}}}};
}

TEST(EsmStreamRecord, GetsTheStreamArnAndKeepsEverythingElse) {
  Json record = stream_record("000000000000000000001", 1764606016.0);
  Json event = stream_event_record(record, kStreamArn);
  EXPECT_EQ(event["eventSourceARN"], kStreamArn);
  event.erase("eventSourceARN");
  EXPECT_EQ(event, record);
}

TEST(EsmStreamSettings, DefaultsAreLambdasForStreamSources) {
  Json record = {{"account", "000000000000"},
                 {"region", "us-east-1"},
                 {"source", "dynamodb"},
                 {"stream_account", "000000000000"},
                 {"stream_region", "us-east-1"},
                 {"config", {{"EventSourceArn", kStreamArn}, {"FunctionArn", "arn:aws:lambda:us-east-1:000000000000:function:f"}}}};
  EXPECT_TRUE(is_stream_mapping(record));
  auto s = EsmStreamPoller::settings_of(record);
  EXPECT_EQ(s.batch_size, 100u);
  EXPECT_EQ(s.max_retries, -1);
  EXPECT_EQ(s.max_age_s, -1);
  EXPECT_FALSE(s.bisect);
  EXPECT_FALSE(s.report_failures);
  EXPECT_TRUE(s.on_failure.empty());
  EXPECT_EQ(s.stream_arn, kStreamArn);

  record["config"]["DestinationConfig"] = {{"OnFailure", {{"Destination", "arn:aws:sqs:us-east-1:000000000000:dlq"}}}};
  record["config"]["FunctionResponseTypes"] = Json::array({"ReportBatchItemFailures"});
  record["config"]["MaximumRetryAttempts"] = 2;
  record["config"]["BisectBatchOnFunctionError"] = true;
  record["config"]["MaximumBatchingWindowInSeconds"] = 3;
  s = EsmStreamPoller::settings_of(record);
  EXPECT_EQ(s.on_failure, "arn:aws:sqs:us-east-1:000000000000:dlq");
  EXPECT_TRUE(s.report_failures);
  EXPECT_TRUE(s.bisect);
  EXPECT_EQ(s.max_retries, 2);
  EXPECT_EQ(s.window_ms, 3000);
}

TEST(EsmStreamSettings, QueueMappingsAreNotStreamMappings) {
  EXPECT_FALSE(is_stream_mapping(Json{{"queue_url", "http://localhost/0/q"}, {"config", Json::object()}}));
}

TEST(EsmStreamFailures, NothingReportedMeansTheWholeBatchSucceeded) {
  std::vector<std::string> sequences = {"1", "2", "3"};
  EXPECT_EQ(first_failed_record("", sequences), 3u);
  EXPECT_EQ(first_failed_record("null", sequences), 3u);
  EXPECT_EQ(first_failed_record(R"({"batchItemFailures": []})", sequences), 3u);
  EXPECT_EQ(first_failed_record(R"({"batchItemFailures": null})", sequences), 3u);
  EXPECT_EQ(first_failed_record(R"("done")", sequences), 3u);
}

TEST(EsmStreamFailures, TheLowestReportedSequenceNumberWins) {
  std::vector<std::string> sequences = {"1", "2", "3"};
  EXPECT_EQ(first_failed_record(R"({"batchItemFailures": [{"itemIdentifier": "3"}, {"itemIdentifier": "2"}]})", sequences), 1u);
  EXPECT_EQ(first_failed_record(R"({"batchItemFailures": [{"itemIdentifier": "1"}]})", sequences), 0u);
}

TEST(EsmStreamFailures, AnInvalidAnswerFailsTheWholeBatch) {
  std::vector<std::string> sequences = {"1", "2"};
  EXPECT_FALSE(first_failed_record("{not json", sequences));
  EXPECT_FALSE(first_failed_record(R"({"batchItemFailures": [{"itemIdentifier": "9"}]})", sequences));
  EXPECT_FALSE(first_failed_record(R"({"batchItemFailures": [{"itemIdentifier": ""}]})", sequences));
  EXPECT_FALSE(first_failed_record(R"({"batchItemFailures": [{"itemIdentifier": null}]})", sequences));
  EXPECT_FALSE(first_failed_record(R"({"batchItemFailures": [{}]})", sequences));
  EXPECT_FALSE(first_failed_record(R"({"batchItemFailures": "1"})", sequences));
}

TEST(EsmStreamFailures, TheOnFailureRecordDescribesTheBatch) {
  std::vector<Json> batch = {stream_record("000000000000000000001", 1764606016.0),
                             stream_record("000000000000000000002", 1764606017.0),
                             stream_record("000000000000000000003", 1764606018.0)};
  StreamFailure failure{"req-1", "arn:aws:lambda:us-east-1:000000000000:function:f", "RetryAttemptsExhausted",
                        "$LATEST", "Unhandled", "shardId-00000001764606016000-abcdef01", kStreamArn, 3, 1764606100123};
  Json record = stream_failure_record(failure, batch, 1, 3);
  EXPECT_EQ(record["version"], "1.0");
  EXPECT_EQ(record["timestamp"], "2025-12-01T16:21:40.123Z");
  EXPECT_EQ(record["requestContext"],
            (Json{{"requestId", "req-1"},
                  {"functionArn", "arn:aws:lambda:us-east-1:000000000000:function:f"},
                  {"condition", "RetryAttemptsExhausted"},
                  {"approximateInvokeCount", 3}}));
  EXPECT_EQ(record["responseContext"],
            (Json{{"statusCode", 200}, {"executedVersion", "$LATEST"}, {"functionError", "Unhandled"}}));
  const Json& info = record["DDBStreamBatchInfo"];
  EXPECT_EQ(info["shardId"], "shardId-00000001764606016000-abcdef01");
  EXPECT_EQ(info["startSequenceNumber"], "000000000000000000002");
  EXPECT_EQ(info["endSequenceNumber"], "000000000000000000003");
  EXPECT_EQ(info["approximateArrivalOfFirstRecord"], "2025-12-01T16:20:17Z");
  EXPECT_EQ(info["approximateArrivalOfLastRecord"], "2025-12-01T16:20:18Z");
  EXPECT_EQ(info["batchSize"], 2);
  EXPECT_EQ(info["streamArn"], kStreamArn);
}

TEST(EsmStreamFailures, RecordsPastTheirAgeWereNeverInvoked) {
  std::vector<Json> batch = {stream_record("000000000000000000001", 1764606016.0)};
  StreamFailure failure{"req-2", "arn:aws:lambda:us-east-1:000000000000:function:f", "RecordAgeExceeded",
                        "", "", "shardId-1", kStreamArn, 0, 1764606100000};
  Json record = stream_failure_record(failure, batch, 0, 1);
  EXPECT_EQ(record["responseContext"]["statusCode"], 0);
  EXPECT_EQ(record["requestContext"]["condition"], "RecordAgeExceeded");
}

std::string refusal(const Json& input) {
  try {
    check_stream_settings(input);
  } catch (const AwsError& error) {
    return error.code + ": " + error.message;
  }
  return "";
}

TEST(EsmStreamChecks, AcceptsAwsRanges) {
  EXPECT_EQ(refusal({{"BatchSize", 10000},
                     {"MaximumBatchingWindowInSeconds", 300},
                     {"ParallelizationFactor", 10},
                     {"MaximumRetryAttempts", -1},
                     {"MaximumRecordAgeInSeconds", 60},
                     {"TumblingWindowInSeconds", 900},
                     {"FunctionResponseTypes", Json::array({"ReportBatchItemFailures"})},
                     {"DestinationConfig", {{"OnFailure", {{"Destination", "arn:aws:sqs:us-east-1:000000000000:dlq"}}}}}}),
            "");
  EXPECT_EQ(refusal({{"MaximumRecordAgeInSeconds", -1}, {"MaximumRetryAttempts", 10000}}), "");
}

TEST(EsmStreamChecks, RefusesOutOfRangeAndSqsOnlySettings) {
  EXPECT_EQ(refusal({{"BatchSize", 0}}),
            "ValidationException: 1 validation error detected: Value '0' at 'batchSize' failed to satisfy constraint: "
            "Member must have value greater than or equal to 1");
  EXPECT_EQ(refusal({{"ParallelizationFactor", 11}}).rfind("ValidationException", 0), 0u);
  EXPECT_EQ(refusal({{"MaximumRetryAttempts", -2}}).rfind("ValidationException", 0), 0u);
  EXPECT_EQ(refusal({{"MaximumRecordAgeInSeconds", 59}}).rfind("InvalidParameterValueException", 0), 0u);
  EXPECT_EQ(refusal({{"ScalingConfig", {{"MaximumConcurrency", 5}}}}),
            "InvalidParameterValueException: Unsupported ScalingConfig parameter for given event source mapping type.");
  EXPECT_EQ(refusal({{"DestinationConfig", {{"OnSuccess", {{"Destination", "arn:aws:sqs:us-east-1:000000000000:q"}}}}}})
                .rfind("InvalidParameterValueException", 0),
            0u);
  EXPECT_EQ(refusal({{"DestinationConfig", {{"OnFailure", {{"Destination", "arn:aws:s3:::bucket"}}}}}})
                .rfind("InvalidParameterValueException", 0),
            0u);
}

TEST(EsmStreamChecks, ApplyCarriesTheSettingsIntoTheConfiguration) {
  Json config = {{"BatchSize", 100}, {"DestinationConfig", {{"OnFailure", Json::object()}}}};
  apply_stream_settings({{"BatchSize", 5},
                         {"BisectBatchOnFunctionError", true},
                         {"DestinationConfig", {{"OnFailure", {{"Destination", "arn:aws:sqs:us-east-1:000000000000:dlq"}}}}}},
                        config);
  EXPECT_EQ(config["BatchSize"], 5);
  EXPECT_EQ(config["BisectBatchOnFunctionError"], true);
  EXPECT_EQ(config["DestinationConfig"]["OnFailure"]["Destination"], "arn:aws:sqs:us-east-1:000000000000:dlq");
  apply_stream_settings({{"DestinationConfig", {{"OnFailure", Json::object()}}}}, config);
  EXPECT_EQ(config["DestinationConfig"], (Json{{"OnFailure", Json::object()}}));
}

}  // namespace
}  // namespace nimbus::lambda
