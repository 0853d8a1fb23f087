#include <gtest/gtest.h>

#include "core/text.h"

namespace nimbus {
namespace {

TEST(Text, TimestampsParseIsoHttpDateAndEpoch) {
  EXPECT_EQ(text::parse_timestamp("2023-01-02T03:04:05Z"), 1672628645.0);
  EXPECT_EQ(text::parse_timestamp("2023-01-02T03:04:05.5Z"), 1672628645.5);
  EXPECT_EQ(text::parse_timestamp("2023-01-02T05:04:05+02:00"), 1672628645.0);
  EXPECT_EQ(text::parse_timestamp("Mon, 02 Jan 2023 03:04:05 GMT"), 1672628645.0);
  EXPECT_EQ(text::parse_timestamp("1672628645"), 1672628645.0);
  EXPECT_FALSE(text::parse_timestamp("2023-13-02T03:04:05Z"));
  EXPECT_FALSE(text::parse_timestamp("yesterday"));
}

TEST(Text, TimestampsFormatIsoAndHttpDate) {
  EXPECT_EQ(text::format_iso8601(1672628645), "2023-01-02T03:04:05Z");
  EXPECT_EQ(text::format_iso8601(1672628645.25), "2023-01-02T03:04:05.250Z");
  EXPECT_EQ(text::format_http_date(1672628645), "Mon, 02 Jan 2023 03:04:05 GMT");
  EXPECT_EQ(text::format_iso8601(0), "1970-01-01T00:00:00Z");
}

TEST(Text, IntegersAndDoublesAreStrictBooleansIgnoreCase) {
  EXPECT_EQ(text::parse_integer("-42"), -42);
  EXPECT_FALSE(text::parse_integer("4x"));
  EXPECT_FALSE(text::parse_integer(""));
  EXPECT_FALSE(text::parse_integer("99999999999999999999"));
  EXPECT_EQ(text::parse_boolean("true"), true);
  EXPECT_EQ(text::parse_boolean("True"), true) << "botocore before 1.31 writes Python's spelling";
  EXPECT_EQ(text::parse_boolean("FALSE"), false);
  EXPECT_FALSE(text::parse_boolean("yes"));
  EXPECT_FALSE(text::parse_boolean("truex"));
  EXPECT_EQ(text::parse_double("1.5"), 1.5);
  EXPECT_FALSE(text::parse_double("nan"));
}

TEST(Text, PercentDecodingRejectsTruncatedEscapes) {
  EXPECT_EQ(text::percent_decode("a%20b+c", true), "a b c");
  EXPECT_EQ(text::percent_decode("a+c", false), "a+c");
  EXPECT_FALSE(text::percent_decode("%", true));
  EXPECT_FALSE(text::percent_decode("%2", true));
  EXPECT_FALSE(text::percent_decode("%g0", true));
}

TEST(Text, PercentEncodingKeepsUnreserved) {
  EXPECT_EQ(text::percent_encode("a b/c~", false), "a%20b%2Fc~");
  EXPECT_EQ(text::percent_encode("a b/c", true), "a%20b/c");
}

}  // namespace
}  // namespace nimbus
