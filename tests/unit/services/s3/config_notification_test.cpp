#include <gtest/gtest.h>

#include "services/s3/notification.h"
#include "services/s3/notification_delivery.h"
#include "storage/memory_store.h"

namespace nimbus::s3 {
namespace {

Json configuration() {
  return Json::parse(R"({
    "QueueConfigurations": [
      {"Id": "images", "QueueArn": "arn:aws:sqs:eu-west-1:111122223333:images",
       "Events": ["s3:ObjectCreated:*"],
       "Filter": {"Key": {"FilterRules": [{"Name": "Prefix", "Value": "img/"}, {"Name": "suffix", "Value": ".jpg"}]}}},
      {"Id": "deletes", "QueueArn": "arn:aws:sqs:us-east-1:111122223333:deletes",
       "Events": ["s3:ObjectRemoved:Delete"]}
    ],
    "TopicConfigurations": [
      {"Id": "all", "TopicArn": "arn:aws:sns:us-east-1:111122223333:t", "Events": ["s3:ObjectCreated:Put"]}
    ]})");
}

ObjectSummary object(std::string key) {
  ObjectSummary summary;
  summary.bucket = "photos";
  summary.key = std::move(key);
  summary.version_id = "null";
  summary.etag = "\"9b2cf535f27731c974343645a3985328\"";
  summary.size = 1024;
  return summary;
}

TEST(NotificationTest, EventPatternsMatchWildcardFamiliesAndExactNames) {
  EXPECT_TRUE(event_matches("s3:ObjectCreated:*", "ObjectCreated:CompleteMultipartUpload"));
  EXPECT_TRUE(event_matches("s3:ObjectRemoved:*", "ObjectRemoved:DeleteMarkerCreated"));
  EXPECT_TRUE(event_matches("s3:ObjectCreated:Put", "ObjectCreated:Put"));
  EXPECT_FALSE(event_matches("s3:ObjectCreated:Put", "ObjectCreated:Post"));
  EXPECT_FALSE(event_matches("s3:ObjectRemoved:*", "ObjectCreated:Put"));
}

TEST(NotificationTest, KeyFiltersRequireBothPrefixAndSuffixWithCaseInsensitiveRuleNames) {
  auto entry = configuration()["QueueConfigurations"][0];
  EXPECT_TRUE(key_filter_matches(entry, "img/cat.jpg"));
  EXPECT_FALSE(key_filter_matches(entry, "img/cat.png"));
  EXPECT_FALSE(key_filter_matches(entry, "doc/cat.jpg"));
}

TEST(NotificationTest, DestinationsAreEveryMatchingConfigurationInOrder) {
  auto destinations = matching_destinations(configuration(), "ObjectCreated:Put", "img/a.jpg");
  ASSERT_EQ(destinations.size(), 2u);
  EXPECT_EQ(destinations[0].kind, "queue");
  EXPECT_EQ(destinations[0].configuration_id, "images");
  EXPECT_EQ(destinations[1].kind, "topic");
  EXPECT_TRUE(matching_destinations(configuration(), "ObjectRemoved:DeleteMarkerCreated", "x").empty());
}

TEST(NotificationTest, ValidationNamesUnnamedConfigurationsAndRejectsUnknownEvents) {
  auto named = Json::parse(R"({"QueueConfigurations": [{"QueueArn": "arn:aws:sqs:r:1:q", "Events": ["s3:ObjectCreated:*"]}]})");
  validate_notification(named);
  EXPECT_FALSE(named["QueueConfigurations"][0]["Id"].get<std::string>().empty());
  auto unknown = Json::parse(R"({"QueueConfigurations": [{"QueueArn": "arn:aws:sqs:r:1:q", "Events": ["s3:Nope"]}]})");
  EXPECT_THROW(validate_notification(unknown), AwsError);
  auto bad_rule = configuration();
  bad_rule["QueueConfigurations"][0]["Filter"]["Key"]["FilterRules"][0]["Name"] = "middle";
  EXPECT_THROW(validate_notification(bad_rule), AwsError);
}

TEST(NotificationTest, CreatedEventRecordHasS3ShapeWithEncodedKeyAndUnquotedETag) {
  EventContext event;
  event.region = "eu-west-1";
  event.time_ms = 1389781800123;
  event.event_name = "ObjectCreated:Put";
  event.principal_id = "AWS:AKIDEXAMPLE";
  event.source_ip = "127.0.0.1";
  event.request_id = "req";
  event.host_id = "host";
  event.configuration_id = "images";
  event.bucket_owner = "owner";
  event.sequencer = "0055AED6DCD90281E5";
  auto message = Json::parse(event_message(event, object("img/red flower+1.jpg"), false).dump());
  auto record = message["Records"][0];
  EXPECT_EQ(record["eventVersion"], "2.1");
  EXPECT_EQ(record["eventSource"], "aws:s3");
  EXPECT_EQ(record["awsRegion"], "eu-west-1");
  EXPECT_EQ(record["eventTime"], "2014-01-15T10:30:00.123Z");
  EXPECT_EQ(record["eventName"], "ObjectCreated:Put");
  EXPECT_EQ(record["userIdentity"]["principalId"], "AWS:AKIDEXAMPLE");
  EXPECT_EQ(record["requestParameters"]["sourceIPAddress"], "127.0.0.1");
  EXPECT_EQ(record["responseElements"]["x-amz-request-id"], "req");
  EXPECT_EQ(record["responseElements"]["x-amz-id-2"], "host");
  auto s3 = record["s3"];
  EXPECT_EQ(s3["s3SchemaVersion"], "1.0");
  EXPECT_EQ(s3["configurationId"], "images");
  EXPECT_EQ(s3["bucket"], Json::parse(R"({"name":"photos","ownerIdentity":{"principalId":"owner"},"arn":"arn:aws:s3:::photos"})"));
  EXPECT_EQ(s3["object"]["key"], "img/red+flower%2B1.jpg");
  EXPECT_EQ(s3["object"]["size"], 1024);
  EXPECT_EQ(s3["object"]["eTag"], "9b2cf535f27731c974343645a3985328");
  EXPECT_EQ(s3["object"]["sequencer"], "0055AED6DCD90281E5");
  EXPECT_FALSE(s3["object"].contains("versionId"));
}

TEST(NotificationTest, RemovedEventRecordOmitsSizeAndETagAndCarriesVersionWhenVersioned) {
  EventContext event;
  event.event_name = "ObjectRemoved:DeleteMarkerCreated";
  auto summary = object("a");
  summary.version_id = "v1";
  auto s3_object = event_message(event, summary, true)["Records"][0]["s3"]["object"];
  EXPECT_FALSE(s3_object.contains("size"));
  EXPECT_FALSE(s3_object.contains("eTag"));
  EXPECT_EQ(s3_object["versionId"], "v1");
}

TEST(NotificationTest, TestEventNamesServiceEventAndBucket) {
  auto message = test_event_message("photos", 0, "req", "host");
  EXPECT_EQ(message.dump(),
            R"({"Service":"Amazon S3","Event":"s3:TestEvent","Time":"1970-01-01T00:00:00.000Z","Bucket":"photos","RequestId":"req","HostId":"host"})");
}

TEST(NotificationTest, ArnsSplitIntoServiceRegionAccountAndResource) {
  auto arn = parse_arn("arn:aws:sqs:eu-west-1:111122223333:queue:with:colons");
  ASSERT_TRUE(arn);
  EXPECT_EQ(arn->service, "sqs");
  EXPECT_EQ(arn->region, "eu-west-1");
  EXPECT_EQ(arn->account, "111122223333");
  EXPECT_EQ(arn->resource, "queue:with:colons");
  EXPECT_FALSE(parse_arn("not-an-arn"));
}

TEST(NotificationTest, AnObjectEventMakesOneDeliveryPerMatchingDestinationInItsAccountAndRegion) {
  storage::MemoryStore store;
  Clock clock;
  BucketRegistry buckets(store);
  delivery::Outbox outbox(store, clock, {});
  S3Environment environment{store, clock, buckets, "/tmp", outbox, {}};
  NotificationDelivery notifications(environment);
  Bucket bucket;
  bucket.name = "photos";
  bucket.account_id = "111122223333";
  bucket.region = "us-east-1";
  bucket.configs["notification"] = configuration();
  RequestContext context;
  context.request_id = "req-1";
  auto unfiltered = notifications.object_event({&context, &bucket, "ObjectCreated:Put"}, object("doc/a.txt"));
  ASSERT_EQ(unfiltered.size(), 1u) << "only the topic has no key filter";
  EXPECT_EQ(unfiltered[0].lane, "arn:aws:sns:us-east-1:111122223333:t");
  auto deliveries = notifications.object_event({&context, &bucket, "ObjectCreated:Put"}, object("img/a.jpg"));
  ASSERT_EQ(deliveries.size(), 2u);
  const auto& to_topic = deliveries[1];
  EXPECT_EQ(to_topic.target.service, "sns");
  EXPECT_EQ(to_topic.target.operation, "Publish");
  EXPECT_EQ(to_topic.target.input["TopicArn"], "arn:aws:sns:us-east-1:111122223333:t");
  const auto& to_queue = deliveries[0];
  EXPECT_EQ(to_queue.source, "s3");
  EXPECT_EQ(to_queue.source_arn, "arn:aws:s3:::photos");
  EXPECT_EQ(to_queue.source_account, "111122223333");
  EXPECT_EQ(to_queue.lane, "arn:aws:sqs:eu-west-1:111122223333:images");
  EXPECT_FALSE(to_queue.ordered);
  const auto& call = to_queue.target;
  EXPECT_EQ(call.service, "sqs");
  EXPECT_EQ(call.operation, "SendMessage");
  EXPECT_EQ(call.account, "111122223333");
  EXPECT_EQ(call.region, "eu-west-1");
  EXPECT_EQ(call.input["QueueUrl"], "http://localhost/111122223333/images");
  auto body = Json::parse(call.input["MessageBody"].get<std::string>());
  EXPECT_EQ(body["Records"][0]["s3"]["object"]["key"], "img/a.jpg");
  EXPECT_EQ(body["Records"][0]["s3"]["configurationId"], "images");
  EXPECT_EQ(body["Records"][0]["responseElements"]["x-amz-request-id"], "req-1");
}

}  // namespace
}  // namespace nimbus::s3
