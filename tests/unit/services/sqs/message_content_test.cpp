#include <gtest/gtest.h>

#include "services/sqs/message_content.h"
#include "sqs_fixture.h"

namespace nimbus::sqs::testing {
namespace {

Attributes number_attribute(const std::string& name, const std::string& value) {
  return {{name, AttributeValue{"Number", value}}};
}

// Digests pinned by the moto and localstack suites as what AWS returns.
TEST(MessageDigests, AttributeMd5MatchesKnownAwsValues) {
  EXPECT_EQ(md5_of_attributes(number_attribute("timestamp", "1493147359900")),
            "235c5c510d26fb653d073faed50ae77c");
  EXPECT_EQ(md5_of_attributes(number_attribute("timestamp", "1493147359901")),
            "994258b45346a2cc3f9cbb611aa7af30");
  EXPECT_EQ(md5_of_body("derp"), "58fd9edd83341c29f1aebba81c31e257");
}

TEST(MessageDigests, NoAttributesHaveNoDigest) { EXPECT_EQ(md5_of_attributes({}), ""); }

TEST(MessageCharacters, AcceptsAllowedRangesAndRejectsControlAndSurrogates) {
  EXPECT_TRUE(valid_message_characters("tab\there\nnew \r ok \xE2\x82\xAC \xF0\x9F\x98\x80"));
  EXPECT_FALSE(valid_message_characters(std::string("bell\x07")));
  EXPECT_FALSE(valid_message_characters("\xED\xA0\x80"));  // U+D800 surrogate
  EXPECT_FALSE(valid_message_characters("\xEF\xBF\xBF"));  // U+FFFF
  EXPECT_FALSE(valid_message_characters("\xC3"));          // truncated sequence
}

class SendContentTest : public SqsTest {};

TEST_F(SendContentTest, SendReturnsBodyAndAttributeDigests) {
  auto url = create_queue("digests");
  Json out = send(url, "derp",
                  {{"MessageAttributes",
                    {{"timestamp", {{"DataType", "Number"}, {"StringValue", "1493147359900"}}}}}});
  EXPECT_EQ(out["MD5OfMessageBody"], "58fd9edd83341c29f1aebba81c31e257");
  EXPECT_EQ(out["MD5OfMessageAttributes"], "235c5c510d26fb653d073faed50ae77c");
  EXPECT_FALSE(out.contains("MD5OfMessageSystemAttributes"));
}

TEST_F(SendContentTest, ReceiveDigestCoversOnlyTheReturnedAttributes) {
  auto url = create_queue("selected");
  send(url, "derp",
       {{"MessageAttributes",
         {{"timestamp", {{"DataType", "Number"}, {"StringValue", "1493147359900"}}},
          {"other.thing", {{"DataType", "String"}, {"StringValue", "x"}}}}}});
  auto messages = receive(url, {{"MessageAttributeNames", {"timestamp"}}});
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0]["MD5OfMessageAttributes"], "235c5c510d26fb653d073faed50ae77c");
  EXPECT_EQ(messages[0]["MessageAttributes"].size(), 1u);
}

TEST_F(SendContentTest, PrefixFilterSelectsAttributesByNamePrefix) {
  auto url = create_queue("prefix");
  send(url, "b",
       {{"MessageAttributes",
         {{"other.thing", {{"DataType", "String"}, {"StringValue", "x"}}},
          {"timestamp", {{"DataType", "Number"}, {"StringValue", "1"}}}}}});
  auto messages = receive(url, {{"MessageAttributeNames", {"other.*"}}});
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_TRUE(messages[0]["MessageAttributes"].contains("other.thing"));
  EXPECT_FALSE(messages[0]["MessageAttributes"].contains("timestamp"));
}

TEST_F(SendContentTest, InvalidCharactersAreRejected) {
  auto url = create_queue("chars");
  auto e = error("SendMessage", {{"QueueUrl", url}, {"MessageBody", std::string("a\x01")}});
  EXPECT_EQ(e.code, "InvalidMessageContents");
  EXPECT_EQ(e.message,
            "Invalid binary character '#x1' was found in the message body, the set of allowed "
            "characters is #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].");
  e = error("SendMessage", {{"QueueUrl", url}, {"MessageBody", std::string("ok\xEF\xBF\xBE")}});
  EXPECT_NE(e.message.find("'#xFFFE'"), std::string::npos) << e.message;
}

TEST_F(SendContentTest, AttributeTypeAndEmptyValueErrorsUseAwsWording) {
  auto url = create_queue("attr-text");
  auto empty = error("SendMessage", {{"QueueUrl", url},
                                     {"MessageBody", "b"},
                                     {"MessageAttributes",
                                      {{"ErrorDetails", {{"DataType", "String"}, {"StringValue", ""}}}}}});
  EXPECT_EQ(empty.code, "InvalidParameterValue");
  EXPECT_EQ(empty.message,
            "Message (user) attribute 'ErrorDetails' must contain a non-empty value of type "
            "'String'.");
  auto type = error("SendMessage", {{"QueueUrl", url},
                                    {"MessageBody", "b"},
                                    {"MessageAttributes",
                                     {{"my-attribute", {{"DataType", "string"}, {"StringValue", "v"}}}}}});
  EXPECT_EQ(type.code, "InvalidParameterValue");
  EXPECT_EQ(type.message,
            "The type of message (user) attribute 'my-attribute' is invalid. You must use only the "
            "following supported type prefixes: Binary, Number, String.");
}

TEST_F(SendContentTest, BodyLargerThanMaximumMessageSizeIsRejected) {
  auto url = create_queue("small", {{"MaximumMessageSize", "1024"}});
  auto e = error("SendMessage", {{"QueueUrl", url}, {"MessageBody", std::string(1025, 'a')}});
  EXPECT_EQ(e.code, "InvalidParameterValue");
  EXPECT_NO_THROW(send(url, std::string(1024, 'a')));
}

TEST_F(SendContentTest, MoreThanTenAttributesAreRejected) {
  auto url = create_queue("many");
  Json attributes = Json::object();
  for (int i = 0; i < 11; ++i) {
    attributes["a" + std::to_string(i)] = {{"DataType", "String"}, {"StringValue", "v"}};
  }
  auto e = error("SendMessage",
                 {{"QueueUrl", url}, {"MessageBody", "b"}, {"MessageAttributes", attributes}});
  EXPECT_EQ(e.code, "InvalidParameterValue");
}

TEST_F(SendContentTest, TraceHeaderIsReturnedWithSystemDigest) {
  auto url = create_queue("trace");
  Json out = send(url, "b",
                  {{"MessageSystemAttributes",
                    {{"AWSTraceHeader", {{"DataType", "String"}, {"StringValue", "Root=1-abc"}}}}}});
  EXPECT_EQ(out["MD5OfMessageSystemAttributes"].get<std::string>().size(), 32u);
  auto messages = receive(url, {{"MessageSystemAttributeNames", {"AWSTraceHeader"}}});
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0]["Attributes"]["AWSTraceHeader"], "Root=1-abc");
}

}  // namespace
}  // namespace nimbus::sqs::testing
