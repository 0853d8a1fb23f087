#include <gtest/gtest.h>

#include "protocol/xml_writer.h"

namespace nimbus::protocol {
namespace {

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
