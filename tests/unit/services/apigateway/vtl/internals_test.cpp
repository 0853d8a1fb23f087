// The pieces under the engine: Java number formatting, JSONPath, the $util text functions.

#include <gtest/gtest.h>

#include "services/apigateway/vtl/json_path.h"
#include "services/apigateway/vtl/text_util.h"
#include "services/apigateway/vtl/values.h"

namespace nimbus::apigateway::vtl {

TEST(VtlInternals, JavaDoubleToString) {
  EXPECT_EQ(java_double(1.0), "1.0");
  EXPECT_EQ(java_double(249.99), "249.99");
  EXPECT_EQ(java_double(0.001), "0.001");
  EXPECT_EQ(java_double(0.0001), "1.0E-4");
  EXPECT_EQ(java_double(1234567.0), "1234567.0");
  EXPECT_EQ(java_double(12345678.0), "1.2345678E7");
  EXPECT_EQ(java_double(-2.5e-7), "-2.5E-7");
  EXPECT_EQ(java_double(100.0), "100.0");
  EXPECT_EQ(java_double(0.0), "0.0");
}

TEST(VtlInternals, JsonPathSelects) {
  Value doc = Value::parse(R"({"a": {"b": [10, 20, {"c": 1}]}, "c": 2, "d e": 3})");
  auto one = [&](const char* path) {
    auto found = select(parse_json_path(path), doc, 100);
    return found.empty() ? std::string("none") : found[0]->dump();
  };
  EXPECT_EQ(one("$"), doc.dump());
  EXPECT_EQ(one("$.a.b[1]"), "20");
  EXPECT_EQ(one("$['d e']"), "3");
  EXPECT_EQ(one("$.a.b[5]"), "none");
  EXPECT_EQ(select(parse_json_path("$..c"), doc, 100).size(), 2u);
  EXPECT_EQ(select(parse_json_path("$.a.b[*]"), doc, 100).size(), 3u);
  EXPECT_EQ(select(parse_json_path("$.*"), doc, 100).size(), 3u);
  EXPECT_TRUE(parse_json_path("$.a.b[0]").definite());
  EXPECT_FALSE(parse_json_path("$..c").definite());
  EXPECT_THROW(parse_json_path("$.a[0:2]"), TemplateError);
}

TEST(VtlInternals, TextFunctions) {
  EXPECT_EQ(url_encode("a b~*"), "a+b%7E*");
  EXPECT_EQ(url_decode("%41+%4a"), "A J");
  EXPECT_FALSE(url_decode("%4"));
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("ab"), "YWI=");
  EXPECT_EQ(base64_decode("YWI"), "ab");
  EXPECT_FALSE(base64_decode("Y"));
  EXPECT_EQ(escape_javascript("\x01\r\n"), "\\u0001\\r\\n");
  EXPECT_EQ(escape_javascript("\xff"), "\\uFFFD");
}

}  // namespace nimbus::apigateway::vtl
