#include "services/sqs/persistence.h"

#include <gtest/gtest.h>

namespace nimbus::sqs {
namespace {

Message full_message() {
  Message m;
  m.id = "5fea7756-0ea4-451a-a703-a558b933e274";
  m.body = std::string("body with \0 and \xff bytes", 24);
  m.attributes["bin"] = {"Binary.custom", std::string("\x00\x01\xfe", 3)};
  m.attributes["city"] = {"String", "Any City"};
  m.trace_header = "Root=1-5759e988-bd862e3fe1be46a994272793";
  m.md5_body = "fafb00f5732ab283681e124bf8747ed1";
  m.md5_attributes = "d25a6aea97eb8f585bfa92d314504a92";
  m.md5_system_attributes = "5ae4d5d7636402d80f4eb6d213245a88";
  m.sender_id = "000000000000";
  m.sent_ms = 1764172800123;
  m.group_id = "g1";
  m.dedup_id = "d1";
  m.sequence_number = "00000000000000000042";
  m.dead_letter_source_arn = "arn:aws:sqs:us-east-1:000000000000:source";
  return m;
}

TEST(SqsMessageRecord, MessageContentRoundTripsThroughTheBinaryRecord) {
  Message original = full_message();
  Message loaded;
  persist::decode_message(persist::encode_message(original), loaded);
  EXPECT_EQ(loaded.id, original.id);
  EXPECT_EQ(loaded.body, original.body);
  EXPECT_EQ(loaded.attributes, original.attributes);
  EXPECT_EQ(loaded.trace_header, original.trace_header);
  EXPECT_EQ(loaded.md5_body, original.md5_body);
  EXPECT_EQ(loaded.md5_attributes, original.md5_attributes);
  EXPECT_EQ(loaded.md5_system_attributes, original.md5_system_attributes);
  EXPECT_EQ(loaded.sender_id, original.sender_id);
  EXPECT_EQ(loaded.sent_ms, original.sent_ms);
  EXPECT_EQ(loaded.group_id, original.group_id);
  EXPECT_EQ(loaded.dedup_id, original.dedup_id);
  EXPECT_EQ(loaded.sequence_number, original.sequence_number);
  EXPECT_EQ(loaded.dead_letter_source_arn, original.dead_letter_source_arn);
  EXPECT_EQ(loaded.visible_at_ms, original.sent_ms);  // loading derives: visible at send
}

TEST(SqsMessageRecord, ReceiveStateRoundTrips) {
  Message original;
  original.visible_at_ms = 1764172830000;
  original.first_receive_ms = 1764172800500;
  original.last_receive_ms = 1764172801000;
  original.receive_count = 3;
  original.receipt_nonce = 7;
  Message loaded;
  persist::decode_state(persist::encode_state(original), loaded);
  EXPECT_EQ(loaded.visible_at_ms, original.visible_at_ms);
  EXPECT_EQ(loaded.first_receive_ms, original.first_receive_ms);
  EXPECT_EQ(loaded.last_receive_ms, original.last_receive_ms);
  EXPECT_EQ(loaded.receive_count, 3);
  EXPECT_EQ(loaded.receipt_nonce, 7u);
}

TEST(SqsMessageRecord, JsonRecordsOfEarlierReleasesStillLoad) {
  Message m;
  persist::decode_message(
      R"({"id":"m1","body":"hi","md5":"49f68a5c8493ec2c0bf489821c21fc3b","sent":5,)"
      R"("sender":"000000000000","attrs":{"b":{"t":"Binary","v":"AAH+"}},"md5a":"x","group":"g"})",
      m);
  EXPECT_EQ(m.id, "m1");
  EXPECT_EQ(m.body, "hi");
  EXPECT_EQ(m.attributes.at("b").value, std::string("\x00\x01\xfe", 3));
  EXPECT_EQ(m.group_id, "g");
  EXPECT_EQ(m.visible_at_ms, 5);
  persist::decode_state(R"({"visible":9,"count":2,"nonce":4})", m);
  EXPECT_EQ(m.visible_at_ms, 9);
  EXPECT_EQ(m.receive_count, 2);
  EXPECT_EQ(m.receipt_nonce, 4u);
}

TEST(SqsMessageRecord, CorruptRecordsThrowInsteadOfLoadingGarbage) {
  Message m;
  auto record = persist::encode_message(full_message());
  EXPECT_THROW(persist::decode_message(record.substr(0, record.size() / 2), m), std::exception);
  EXPECT_THROW(persist::decode_message("", m), std::exception);
  EXPECT_THROW(persist::decode_state("\x07", m), std::exception);
}

}  // namespace
}  // namespace nimbus::sqs
