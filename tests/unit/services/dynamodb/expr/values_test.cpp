// Attribute values: numbers as exact decimals (DynamoDB's normalization, range and precision
// limits), validation texts, equality and ordering, and item sizes.
#include <gtest/gtest.h>

#include <string>

#include "services/dynamodb/expr/expression_error.h"
#include "services/dynamodb/expr/number.h"
#include "services/dynamodb/expr/value.h"

namespace nimbus::dynamodb::expr {
namespace {

std::string normalized(const std::string& text) { return Number::parse(text).to_string(); }

std::string number_error(const std::string& text) {
  try {
    Number::parse(text);
  } catch (const ExpressionError& e) {
    return e.message;
  }
  return "no error";
}

std::string value_error(const char* wire) {
  Json value = Json::parse(wire);
  try {
    validate_value(value);
  } catch (const ExpressionError& e) {
    return e.message;
  }
  return "no error";
}

constexpr const char* kOverflow =
    "Number overflow. Attempting to store a number with magnitude larger than supported range";
constexpr const char* kUnderflow =
    "Number underflow. Attempting to store a number with magnitude smaller than supported range";
constexpr const char* kTooPrecise =
    "Attempting to store more than 38 significant digits in a Number";

TEST(Number, NormalizesAsDynamoDbReturnsNumbers) {
  EXPECT_EQ(normalized("1.50"), "1.5");
  EXPECT_EQ(normalized("0100"), "100");
  EXPECT_EQ(normalized("1E2"), "100");
  EXPECT_EQ(normalized("1e+2"), "100");
  EXPECT_EQ(normalized("-0"), "0");
  EXPECT_EQ(normalized("0.000"), "0");
  EXPECT_EQ(normalized("+7"), "7");
  EXPECT_EQ(normalized("-12.340E-3"), "-0.01234");
  EXPECT_EQ(normalized(".5"), "0.5");
  EXPECT_EQ(normalized("5."), "5");
  EXPECT_EQ(normalized("123.456"), "123.456");
  EXPECT_EQ(normalized("1E-130"), "0." + std::string(129, '0') + "1");
}

TEST(Number, KeepsThirtyEightSignificantDigitsAndRefusesTheThirtyNinth) {
  std::string digits38 = "12345678901234567890123456789012345678";
  EXPECT_EQ(normalized(digits38), digits38);
  EXPECT_EQ(normalized("0.000" + digits38 + "000"), "0.000" + digits38);
  EXPECT_EQ(number_error(digits38 + "9"), kTooPrecise);
  // Trailing zeros are not significant.
  EXPECT_EQ(normalized(digits38 + "000"), digits38 + "000");
}

TEST(Number, AcceptsTheLargestAndSmallestMagnitudes) {
  std::string largest = "9.9999999999999999999999999999999999999E+125";
  EXPECT_EQ(normalized(largest), std::string(38, '9') + std::string(88, '0'));
  EXPECT_EQ(normalized("-" + largest), "-" + std::string(38, '9') + std::string(88, '0'));
  EXPECT_EQ(number_error("1E-130"), "no error");
}

TEST(Number, RefusesMagnitudesOutsideTheRangeWithDynamoDbsTexts) {
  EXPECT_EQ(number_error("1E126"), kOverflow);
  EXPECT_EQ(number_error("-1E126"), kOverflow);
  EXPECT_EQ(number_error("1E999999999999999999"), kOverflow);
  EXPECT_EQ(number_error("1E-131"), kUnderflow);
  EXPECT_EQ(number_error("0.9E-130"), kUnderflow);
  EXPECT_EQ(number_error("0E999999"), "no error");
}

TEST(Number, RefusesTextThatIsNotANumber) {
  EXPECT_EQ(number_error("abc"), "The parameter cannot be converted to a numeric value: abc");
  EXPECT_EQ(number_error("1e"), "The parameter cannot be converted to a numeric value: 1e");
  EXPECT_EQ(number_error("1.2.3"), "The parameter cannot be converted to a numeric value: 1.2.3");
  EXPECT_EQ(number_error(" 1"), "The parameter cannot be converted to a numeric value:  1");
  EXPECT_EQ(number_error("."), "The parameter cannot be converted to a numeric value: .");
  EXPECT_EQ(number_error("NaN"), "The parameter cannot be converted to a numeric value: NaN");
  EXPECT_EQ(number_error(""), "The parameter cannot be converted to a numeric value");
}

TEST(Number, ComparesExactly) {
  EXPECT_EQ(compare(Number::parse("1.0"), Number::parse("1")), 0);
  EXPECT_LT(compare(Number::parse("-2"), Number::parse("-1.5")), 0);
  EXPECT_GT(compare(Number::parse("0.1"), Number::parse("-100")), 0);
  EXPECT_LT(compare(Number::parse("0"), Number::parse("1E-130")), 0);
  EXPECT_GT(compare(Number::parse("0"), Number::parse("-1E-130")), 0);
  EXPECT_LT(compare(Number::parse("12345678901234567890123456789012345678"),
                    Number::parse("12345678901234567890123456789012345679")),
            0);
  EXPECT_LT(compare(Number::parse("9.99"), Number::parse("10")), 0);
  EXPECT_GT(compare(Number::parse("1.01"), Number::parse("1.001")), 0);
}

TEST(Number, AddsAndSubtractsWithoutRounding) {
  EXPECT_EQ(Number::parse("0.1").plus(Number::parse("0.2")).to_string(), "0.3");
  EXPECT_EQ(Number::parse("1").minus(Number::parse("1.5")).to_string(), "-0.5");
  EXPECT_EQ(Number::parse("-5").plus(Number::parse("5")).to_string(), "0");
  EXPECT_EQ(Number::parse("99").plus(Number::parse("1")).to_string(), "100");
  EXPECT_EQ(Number::parse("-99").minus(Number::parse("1")).to_string(), "-100");
  EXPECT_EQ(Number::parse("1E20").plus(Number::parse("1")).to_string(), "100000000000000000001");
  EXPECT_EQ(Number::parse("-3").minus(Number::parse("-10")).to_string(), "7");
}

TEST(Number, ArithmeticResultsAreRangeChecked) {
  Number largest = Number::parse("9.9999999999999999999999999999999999999E+125");
  try {
    largest.plus(Number::parse("1E125"));
    FAIL();
  } catch (const ExpressionError& e) {
    EXPECT_EQ(e.message, kOverflow);
  }
  try {
    Number::parse("1E30").plus(Number::parse("1E-30"));
    FAIL();
  } catch (const ExpressionError& e) {
    EXPECT_EQ(e.message, kTooPrecise);
  }
}

TEST(Values, AcceptsEveryTypeAndNormalizesNumbersInPlace) {
  Json item =
      Json::parse(R"({"s":{"S":"x"},"n":{"N":"01.50"},"b":{"B":"AAE="},"ss":{"SS":["a","b"]},
    "ns":{"NS":["1E2","2"]},"bs":{"BS":["AA==","AQ=="]},"m":{"M":{"k":{"N":"-0"}}},"l":{"L":[{"N":"1.0"},{"NULL":true}]},
    "nul":{"NULL":true},"bool":{"BOOL":false}})");
  validate_item(item);
  EXPECT_EQ(item["n"], Json::parse(R"({"N":"1.5"})"));
  EXPECT_EQ(item["ns"]["NS"], Json::parse(R"(["100","2"])"));
  EXPECT_EQ(item["m"]["M"]["k"]["N"], "0");
  EXPECT_EQ(item["l"]["L"][0]["N"], "1");
}

TEST(Values, RefusesMalformedValuesWithDynamoDbsTexts) {
  EXPECT_EQ(
      value_error("{}"),
      "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
  EXPECT_EQ(value_error(R"({"S":"a","N":"1"})"),
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one of "
            "the supported datatypes");
  EXPECT_EQ(value_error(R"({"NULL":false})"),
            "One or more parameter values were invalid: Null attribute value types must have the "
            "value of true");
  EXPECT_EQ(value_error(R"({"SS":[]})"),
            "One or more parameter values were invalid: An string set  may not be empty");
  EXPECT_EQ(value_error(R"({"NS":[]})"),
            "One or more parameter values were invalid: An number set  may not be empty");
  EXPECT_EQ(value_error(R"({"BS":[]})"),
            "One or more parameter values were invalid: Binary sets should not be empty");
  EXPECT_EQ(
      value_error(R"({"SS":["a","a"]})"),
      "One or more parameter values were invalid: Input collection [a, a] contains duplicates.");
  EXPECT_EQ(value_error(R"({"NS":["1","1.0"]})"), "Input collection contains duplicates");
  EXPECT_EQ(value_error(R"({"BS":["AA==","AA=="]})"),
            "One or more parameter values were invalid: Input collection [AA==, AA==]of type BS "
            "contains duplicates.");
  EXPECT_EQ(value_error(R"({"N":"1E126"})"), kOverflow);
  EXPECT_EQ(value_error(R"({"NS":["1","x"]})"),
            "The parameter cannot be converted to a numeric value: x");
  EXPECT_EQ(value_error(R"({"L":[{"M":{"a":{"NULL":false}}}]})"),
            "One or more parameter values were invalid: Null attribute value types must have the "
            "value of true");
}

TEST(Values, AllowsThirtyTwoLevelsOfNestingAndNoMore) {
  std::string nested32 = R"({"S":"x"})";
  for (int i = 1; i < 32; ++i) nested32 = R"({"L":[)" + nested32 + "]}";
  EXPECT_EQ(value_error(nested32.c_str()), "no error");
  std::string nested33 = R"({"M":{"k":)" + nested32 + "}}";
  EXPECT_EQ(value_error(nested33.c_str()), "Nesting Levels have exceeded supported limits");
}

TEST(Values, EqualityFollowsDynamoDb) {
  auto eq = [](const char* a, const char* b) { return equal(Json::parse(a), Json::parse(b)); };
  EXPECT_TRUE(eq(R"({"N":"1"})", R"({"N":"1"})"));
  EXPECT_TRUE(eq(R"({"SS":["a","b"]})", R"({"SS":["b","a"]})"));
  EXPECT_TRUE(eq(R"({"NS":["1","2"]})", R"({"NS":["2","1"]})"));
  EXPECT_FALSE(eq(R"({"SS":["a","b"]})", R"({"SS":["a"]})"));
  EXPECT_TRUE(
      eq(R"({"M":{"a":{"N":"1"},"b":{"S":"x"}}})", R"({"M":{"b":{"S":"x"},"a":{"N":"1"}}})"));
  EXPECT_FALSE(eq(R"({"L":[{"N":"1"},{"N":"2"}]})", R"({"L":[{"N":"2"},{"N":"1"}]})"));
  EXPECT_FALSE(eq(R"({"S":"1"})", R"({"N":"1"})"));
  EXPECT_FALSE(eq(R"({"SS":["1"]})", R"({"NS":["1"]})"));
  EXPECT_TRUE(eq(R"({"B":"AQI="})", R"({"B":"AQI="})"));
}

TEST(Values, OrdersStringsAndBinaryBytewiseUnsignedAndNumbersByValue) {
  auto cmp = [](const char* a, const char* b) {
    return compare_ordered(Json::parse(a), Json::parse(b));
  };
  EXPECT_EQ(cmp(R"({"S":"a"})", R"({"S":"b"})"), -1);
  EXPECT_EQ(cmp(R"({"S":"Z"})", R"({"S":"a"})"), -1);
  EXPECT_EQ(cmp(R"({"S":"é"})", R"({"S":"z"})"), 1);        // 0xC3 > 'z'
  EXPECT_EQ(cmp(R"({"B":"/w=="})", R"({"B":"AA=="})"), 1);  // 0xFF > 0x00
  EXPECT_EQ(cmp(R"({"N":"10"})", R"({"N":"9"})"), 1);
  EXPECT_EQ(cmp(R"({"N":"-10"})", R"({"N":"-9"})"), -1);
  EXPECT_EQ(cmp(R"({"N":"1"})", R"({"S":"1"})"), std::nullopt);
  EXPECT_EQ(cmp(R"({"BOOL":true})", R"({"BOOL":false})"), std::nullopt);
}

TEST(Values, ItemSizeCountsNamesAndValuesAsDynamoDbDoes) {
  auto size = [](const char* wire) {
    Json item = Json::parse(wire);
    validate_item(item);
    return item_size(item);
  };
  EXPECT_EQ(size(R"({"name":{"S":"abc"}})"), 4u + 3u);
  EXPECT_EQ(size(R"({"n":{"S":"é"}})"), 1u + 2u);     // UTF-8 bytes
  EXPECT_EQ(size(R"({"b":{"B":"AAEC"}})"), 1u + 3u);  // raw bytes, not base64
  EXPECT_EQ(size(R"({"t":{"BOOL":true},"u":{"NULL":true}})"), 2u + 2u);
  EXPECT_EQ(size(R"({"n":{"N":"0"}})"), 1u + 1u);
  EXPECT_EQ(size(R"({"n":{"N":"1"}})"), 1u + 2u);
  EXPECT_EQ(size(R"({"n":{"N":"12"}})"), 1u + 2u);
  EXPECT_EQ(size(R"({"n":{"N":"123"}})"), 1u + 3u);
  EXPECT_EQ(size(R"({"n":{"N":"-1"}})"), 1u + 3u);   // a negative number's terminator byte
  EXPECT_EQ(size(R"({"n":{"N":"1.2"}})"), 1u + 3u);  // two digits straddling a digit pair
  EXPECT_EQ(size(R"({"n":{"N":"12345678901234567890123456789012345678"}})"), 1u + 20u);
  EXPECT_EQ(size(R"({"l":{"L":[]},"m":{"M":{}}})"), 2u + 3u + 3u);
  EXPECT_EQ(size(R"({"l":{"L":[{"S":"ab"},{"BOOL":true}]}})"), 1u + 3u + (1u + 2u) + (1u + 1u));
  EXPECT_EQ(size(R"({"m":{"M":{"k":{"S":"ab"}}}})"), 1u + 3u + (1u + 1u + 2u));
  EXPECT_EQ(size(R"({"ss":{"SS":["a","bc"]},"ns":{"NS":["1","22"]}})"), 2u + 3u + 2u + 2u + 2u);
}

TEST(Values, DecodesStandardBase64AndRefusesOtherText) {
  EXPECT_EQ(decode_base64("aGVsbG8="), "hello");
  EXPECT_EQ(decode_base64("aGk="), "hi");
  EXPECT_EQ(decode_base64(""), "");
  EXPECT_THROW(decode_base64("aGk"), ExpressionError);
  EXPECT_THROW(decode_base64("a=Gk"), ExpressionError);
  EXPECT_THROW(decode_base64("aG!="), ExpressionError);
}

}  // namespace
}  // namespace nimbus::dynamodb::expr
