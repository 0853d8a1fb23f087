#include <gtest/gtest.h>

#include "core/aws_error.h"
#include "services/s3/lifecycle.h"

namespace nimbus::s3 {
namespace {

constexpr int64_t kDay = 86'400'000;
// 2014-01-15T10:30:00Z
constexpr int64_t kJan15_1030 = 1389781800000;
// 2014-01-19T00:00:00Z
constexpr int64_t kJan19 = 1390089600000;

ObjectSummary object(std::string key, uint64_t size = 10, int64_t modified = kJan15_1030) {
  ObjectSummary summary;
  summary.bucket = "b";
  summary.key = std::move(key);
  summary.size = size;
  summary.last_modified_ms = modified;
  return summary;
}

AwsError error_of(Json configuration) {
  try {
    validate_lifecycle(configuration);
  } catch (const AwsError& error) {
    return error;
  }
  return {0, "none", ""};
}

TEST(LifecycleTest, DaysAreCountedFromModificationAndRoundedToTheNextMidnightUtc) {
  Json rule = {{"Status", "Enabled"}, {"Expiration", {{"Days", 3}}}};
  EXPECT_EQ(expiration_due_ms(rule, kJan15_1030), kJan19);
  // An object written exactly at midnight still waits for the following midnight.
  EXPECT_EQ(expiration_due_ms(rule, kJan19), kJan19 + 4 * kDay);
}

TEST(LifecycleTest, DateExpirationIsDueAtThatInstant) {
  Json rule = {{"Status", "Enabled"}, {"Expiration", {{"Date", kJan19 / 1000}}}};
  EXPECT_EQ(expiration_due_ms(rule, kJan15_1030), kJan19);
  EXPECT_FALSE(expiration_due_ms(Json{{"Status", "Enabled"}}, kJan15_1030).has_value());
}

TEST(LifecycleTest, ExpiresOnlyObjectsSelectedByEnabledRulesOnceDue) {
  Json configuration = {{"Rules", Json::array({{{"ID", "logs"},
                                                {"Status", "Enabled"},
                                                {"Filter", {{"Prefix", "logs/"}}},
                                                {"Expiration", {{"Days", 3}}}},
                                               {{"ID", "off"},
                                                {"Status", "Disabled"},
                                                {"Filter", {{"Prefix", ""}}},
                                                {"Expiration", {{"Days", 1}}}}})}};
  EXPECT_FALSE(lifecycle_expires(configuration, object("logs/a"), kJan19 - 1));
  EXPECT_TRUE(lifecycle_expires(configuration, object("logs/a"), kJan19));
  EXPECT_FALSE(lifecycle_expires(configuration, object("data/a"), kJan19 + 30 * kDay));
}

TEST(LifecycleTest, AndFilterCombinesPrefixAndSizeBounds) {
  Json rule = {{"Status", "Enabled"},
               {"Filter", {{"And", {{"Prefix", "tmp/"}, {"ObjectSizeGreaterThan", 100}, {"ObjectSizeLessThan", 1000}}}}},
               {"Expiration", {{"Days", 1}}}};
  EXPECT_TRUE(lifecycle_rule_selects(rule, object("tmp/x", 500)));
  EXPECT_FALSE(lifecycle_rule_selects(rule, object("tmp/x", 100)));
  EXPECT_FALSE(lifecycle_rule_selects(rule, object("tmp/x", 1000)));
  EXPECT_FALSE(lifecycle_rule_selects(rule, object("other/x", 500)));
}

TEST(LifecycleTest, TagFiltersNeverSelectBecauseTagsAreUnknownHere) {
  Json rule = {{"Status", "Enabled"}, {"Filter", {{"Tag", {{"Key", "k"}, {"Value", "v"}}}}}};
  EXPECT_FALSE(lifecycle_rule_selects(rule, object("a")));
}

TEST(LifecycleTest, ExpirationHeaderNamesTheEarliestMatchingRuleInAwsFormat) {
  Json configuration = {{"Rules", Json::array({
      {{"ID", "late rule"}, {"Status", "Enabled"}, {"Filter", {{"Prefix", ""}}}, {"Expiration", {{"Days", 30}}}},
      {{"ID", "logs/short"}, {"Status", "Enabled"}, {"Filter", {{"Prefix", "logs/"}}}, {"Expiration", {{"Days", 3}}}},
      {{"ID", "off"}, {"Status", "Disabled"}, {"Filter", {{"Prefix", ""}}}, {"Expiration", {{"Days", 1}}}},
      {{"ID", "uploads"}, {"Status", "Enabled"}, {"Filter", {{"Prefix", ""}}},
       {"AbortIncompleteMultipartUpload", {{"DaysAfterInitiation", 1}}}}})}};
  // Written 2014-01-15 10:30 UTC: 3 days later rounded up to the next midnight is Sunday the 19th.
  EXPECT_EQ(expiration_header(configuration, object("logs/a")),
            "expiry-date=\"Sun, 19 Jan 2014 00:00:00 GMT\", rule-id=\"logs%2Fshort\"");
  EXPECT_EQ(expiration_header(configuration, object("data/a")),
            "expiry-date=\"Sat, 15 Feb 2014 00:00:00 GMT\", rule-id=\"late%20rule\"");
  Json dated = {{"Rules", Json::array({{{"ID", "d"}, {"Status", "Enabled"}, {"Prefix", "x/"},
                                        {"Expiration", {{"Date", kJan19 / 1000}}}}})}};
  EXPECT_EQ(expiration_header(dated, object("x/1")), "expiry-date=\"Sun, 19 Jan 2014 00:00:00 GMT\", rule-id=\"d\"");
  EXPECT_FALSE(expiration_header(dated, object("y/1")).has_value());

  Bucket bucket;
  Json output = Json::object();
  describe_expiration(bucket, object("x/1"), output);
  EXPECT_FALSE(output.contains("Expiration"));
  bucket.configs["lifecycle"] = dated;
  describe_expiration(bucket, object("x/1"), output);
  EXPECT_EQ(output.value("Expiration", ""), "expiry-date=\"Sun, 19 Jan 2014 00:00:00 GMT\", rule-id=\"d\"");
}

TEST(LifecycleTest, ValidationGeneratesMissingIdsAndRejectsWhatS3Rejects) {
  Json good = {{"Rules", Json::array({{{"Status", "Enabled"}, {"Filter", {{"Prefix", ""}}},
                                       {"AbortIncompleteMultipartUpload", {{"DaysAfterInitiation", 7}}}}})}};
  validate_lifecycle(good);
  EXPECT_FALSE(good["Rules"][0]["ID"].get<std::string>().empty());

  EXPECT_EQ(error_of({{"Rules", Json::array({{{"ID", "a"}, {"Status", "On"}, {"Expiration", {{"Days", 1}}}}})}}).code,
            "MalformedXML");
  EXPECT_EQ(error_of({{"Rules", Json::array({{{"ID", "a"}, {"Status", "Enabled"}}})}}).message,
            "At least one action needs to be specified in a rule");
  EXPECT_EQ(error_of({{"Rules", Json::array({{{"ID", "a"}, {"Status", "Enabled"}, {"Expiration", {{"Days", 0}}}}})}})
                .message,
            "'Days' for Expiration action must be a positive integer");
  EXPECT_EQ(error_of({{"Rules", Json::array({{{"ID", "a"}, {"Status", "Enabled"},
                                              {"Expiration", {{"Date", kJan15_1030 / 1000}}}}})}})
                .message,
            "'Date' must be at midnight GMT");
  Json rule = {{"ID", "same"}, {"Status", "Enabled"}, {"Expiration", {{"Days", 1}}}};
  EXPECT_EQ(error_of({{"Rules", Json::array({rule, rule})}}).code, "InvalidArgument");
}

}  // namespace
}  // namespace nimbus::s3
