#include <gtest/gtest.h>

#include "protocol/wire_values.h"
#include "protocol/xml_writer.h"

namespace nimbus::protocol {
namespace {

TEST(WireValues, TimestampsParseIsoHttpDateAndEpoch) {
  EXPECT_EQ(wire::parse_timestamp("2023-01-02T03:04:05Z"), 1672628645.0);
  EXPECT_EQ(wire::parse_timestamp("2023-01-02T03:04:05.5Z"), 1672628645.5);
  EXPECT_EQ(wire::parse_timestamp("2023-01-02T05:04:05+02:00"), 1672628645.0);
  EXPECT_EQ(wire::parse_timestamp("Mon, 02 Jan 2023 03:04:05 GMT"), 1672628645.0);
  EXPECT_EQ(wire::parse_timestamp("1672628645"), 1672628645.0);
  EXPECT_FALSE(wire::parse_timestamp("2023-13-02T03:04:05Z"));
  EXPECT_FALSE(wire::parse_timestamp("yesterday"));
}

TEST(WireValues, TimestampsFormatIsoAndHttpDate) {
  EXPECT_EQ(wire::format_iso8601(1672628645), "2023-01-02T03:04:05Z");
  EXPECT_EQ(wire::format_iso8601(1672628645.25), "2023-01-02T03:04:05.250Z");
  EXPECT_EQ(wire::format_http_date(1672628645), "Mon, 02 Jan 2023 03:04:05 GMT");
  EXPECT_EQ(wire::format_iso8601(0), "1970-01-01T00:00:00Z");
}

TEST(WireValues, IntegersBooleansAndDoublesAreStrict) {
  EXPECT_EQ(wire::parse_integer("-42"), -42);
  EXPECT_FALSE(wire::parse_integer("4x"));
  EXPECT_FALSE(wire::parse_integer(""));
  EXPECT_FALSE(wire::parse_integer("99999999999999999999"));
  EXPECT_EQ(wire::parse_boolean("true"), true);
  EXPECT_FALSE(wire::parse_boolean("True"));
  EXPECT_EQ(wire::parse_double("1.5"), 1.5);
  EXPECT_FALSE(wire::parse_double("nan"));
}

TEST(WireValues, PercentDecodingRejectsTruncatedEscapes) {
  EXPECT_EQ(wire::percent_decode("a%20b+c", true), "a b c");
  EXPECT_EQ(wire::percent_decode("a+c", false), "a+c");
  EXPECT_FALSE(wire::percent_decode("%", true));
  EXPECT_FALSE(wire::percent_decode("%2", true));
  EXPECT_FALSE(wire::percent_decode("%g0", true));
}

TEST(WireValues, PercentEncodingKeepsUnreserved) {
  EXPECT_EQ(wire::percent_encode("a b/c~", false), "a%20b%2Fc~");
  EXPECT_EQ(wire::percent_encode("a b/c", true), "a%20b/c");
}

TEST(XmlEscape, EscapesMarkupQuotesAndControlCharacters) {
  EXPECT_EQ(xml_escape("<a&b>\"'"), "&lt;a&amp;b&gt;&quot;&apos;");
  EXPECT_EQ(xml_escape("a\r\nb\tc"), "a&#xD;\nb\tc");
  EXPECT_EQ(xml_escape(std::string("x\x01y", 3)), "x&#x1;y");
  EXPECT_EQ(xml_escape("a\nb", true), "a&#xA;b");
  EXPECT_EQ(xml_escape("\xe2\x9c\x93"), "\xe2\x9c\x93");
}

TEST(XmlWriter, EmptyElementsAndNestedText) {
  XmlWriter writer;
  writer.start("A", "urn:x");
  writer.start("B");
  writer.end();
  writer.element("C", "");
  writer.element("D", "1<2");
  writer.end();
  EXPECT_EQ(writer.str(), "<A xmlns=\"urn:x\"><B/><C></C><D>1&lt;2</D></A>");
}

}  // namespace
}  // namespace nimbus::protocol
