// Delivery records: what the outbox stores for each staged delivery reads back whole, in the
// current (CBOR) format and in the JSON text that earlier versions stored.

#include "delivery/delivery.h"

#include <gtest/gtest.h>

namespace nimbus::delivery {
namespace {

Delivery sample() {
  Delivery delivery;
  delivery.source = "events";
  delivery.source_arn = "arn:aws:events:us-east-1:000000000000:rule/orders";
  delivery.source_account = "000000000000";
  delivery.lane = "arn:aws:sqs:us-east-1:000000000000:orders";
  delivery.target = {"sqs", "SendMessage", "000000000000", "us-east-1",
                     {{"QueueUrl", "http://localhost/000000000000/orders"},
                      {"MessageBody", "{\"detail\":{\"quote\":\"\\\"\",\"é\":\"\\u0000\"}}"}}};
  delivery.retry.max_attempts = 186;
  delivery.retry.retry_missing = false;
  delivery.source_context = {{"dlq", "arn:aws:sqs:us-east-1:000000000000:dlq"}};
  return delivery;
}

void expect_same(const Delivery& read, const Delivery& written) {
  EXPECT_EQ(read.source, written.source);
  EXPECT_EQ(read.source_arn, written.source_arn);
  EXPECT_EQ(read.source_account, written.source_account);
  EXPECT_EQ(read.lane, written.lane);
  EXPECT_EQ(read.target.operation, written.target.operation);
  EXPECT_EQ(read.target.input, written.target.input);
  EXPECT_EQ(read.retry.max_attempts, written.retry.max_attempts);
  EXPECT_EQ(read.retry.retry_missing, written.retry.retry_missing);
  EXPECT_EQ(read.source_context, written.source_context);
}

TEST(DeliveryRecordTest, AnEncodedDeliveryReadsBackWhole) {
  auto written = sample();
  auto record = encode_delivery(written, 1234);
  EXPECT_NE(record.front(), '{') << "stored as CBOR, not JSON text";
  auto read = decode_delivery(record);
  ASSERT_TRUE(read);
  expect_same(read->first, written);
  EXPECT_EQ(read->second, 1234);
}

TEST(DeliveryRecordTest, RecordsStoredAsJsonTextStillRead) {
  auto written = sample();
  Json target = describe_target(written.target);
  target["input"] = written.target.input;
  Json record = {{"source", written.source}, {"source_arn", written.source_arn},
                 {"source_account", written.source_account}, {"lane", written.lane},
                 {"ordered", false}, {"target", target},
                 {"retry", {{"max_attempts", 186}, {"retry_missing", false}}},
                 {"dead_letter", false}, {"created_ms", 99}, {"source_context", written.source_context}};
  auto read = decode_delivery(record.dump());
  ASSERT_TRUE(read);
  expect_same(read->first, written);
  EXPECT_EQ(read->second, 99);
}

TEST(DeliveryRecordTest, UnreadableRecordsAreRefusedNotThrown) {
  EXPECT_FALSE(decode_delivery(""));
  EXPECT_FALSE(decode_delivery("{not json"));
  EXPECT_FALSE(decode_delivery("\xa1\x61"));  // a CBOR map cut short
  EXPECT_FALSE(decode_delivery("\x01"));      // CBOR, but not a map
}

}  // namespace
}  // namespace nimbus::delivery
