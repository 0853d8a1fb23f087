// Condition and filter expressions evaluated against one item: every comparator, BETWEEN, IN,
// AND/OR/NOT with DynamoDB's precedence, every function, document paths and name placeholders;
// nothere attributes and mismatched types make a comparison false (and its NOT true).
#include <gtest/gtest.h>

#include "expr_test_support.h"

namespace nimbus::dynamodb::expr {
namespace {

constexpr const char* kItem = R"({
  "id": {"S": "u1"}, "n": {"N": "5"}, "f": {"N": "-1.5"}, "s": {"S": "hello"}, "es": {"S": ""},
  "u": {"S": "é€"}, "b": {"B": "AQID"}, "t": {"BOOL": true}, "z": {"NULL": true},
  "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2"]}, "bs": {"BS": ["AQ=="]},
  "l": {"L": [{"S": "x"}, {"N": "2"}, {"M": {"k": {"S": "v"}}}]},
  "m": {"M": {"a": {"N": "1"}, "nested": {"M": {"deep": {"S": "d"}}}}},
  "a.b": {"S": "x"}})";

constexpr const char* kValues = R"({
  ":zero": {"N": "0"}, ":one": {"N": "1"}, ":two": {"N": "2"}, ":three": {"N": "3"}, ":four": {"N": "4"},
  ":five": {"N": "5"}, ":five0": {"N": "5.00"}, ":six": {"N": "6"},
  ":hello": {"S": "hello"}, ":he": {"S": "he"}, ":ll": {"S": "ll"}, ":x": {"S": "x"}, ":a": {"S": "a"},
  ":v": {"S": "v"}, ":d": {"S": "d"},
  ":b1": {"B": "AQ=="}, ":b12": {"B": "AQI="}, ":b3": {"B": "Aw=="},
  ":true": {"BOOL": true}, ":null": {"NULL": true}, ":ssba": {"SS": ["b", "a"]}, ":lx": {"L": [{"S": "x"}]},
  ":tS": {"S": "S"}, ":tN": {"S": "N"}, ":tB": {"S": "B"}, ":tSS": {"S": "SS"}, ":tL": {"S": "L"}, ":tM": {"S": "M"},
  ":tNULL": {"S": "NULL"}, ":tBOOL": {"S": "BOOL"}})";

struct Case {
  const char* expression;
  bool expected;
  const char* names = nullptr;
};

const Case kCases[] = {
    // = <> < <= > >= on numbers (by value), strings and binary (bytewise)
    {"n = :five", true},
    {"n = :five0", true},
    {"n <> :five", false},
    {"n <> :four", true},
    {"n < :six", true},
    {"n <= :five", true},
    {"n > :four", true},
    {"n >= :six", false},
    {"f < :one", true},
    {"n > f", true},
    {"s = :hello", true},
    {"s < :x", true},
    {"s > :he", true},
    {"s <= :he", false},
    {"b > :b12", true},
    {"b < :b3", true},
    {"b = :b12", false},
    // other types: equality only; mismatched types never compare
    {"t = :true", true},
    {"z = :null", true},
    {"t < :true", false},
    {"t >= :true", false},
    {"ss = :ssba", true},
    {"l[0] = :x", true},
    {"n = :hello", false},
    {"n < :hello", false},
    {"n <> :hello", true},
    // a nothere attribute: false, <> true, and NOT of false true
    {"nothere = :five", false},
    {"nothere <> :five", true},
    {"NOT nothere = :five", true},
    {"nothere < :five", false},
    {"NOT nothere < :five", true},
    {"nothere >= :five", false},
    // document paths
    {"m.a = :one", true},
    {"m.nested.deep = :d", true},
    {"l[1] = :two", true},
    {"l[2].k = :v", true},
    {"l[5] = :x", false},
    {"m[0] = :x", false},
    {"l.a = :x", false},
    {"m.a.b = :x", false},
    {"(n) = :five", true},
    {"n = (:five)", true},
    // name placeholders stand for one attribute name, dots included
    {"#n = :five", true, R"({"#n": "n"})"},
    {"#m.#a = :one", true, R"({"#m": "m", "#a": "a"})"},
    {"#ab = :x", true, R"({"#ab": "a.b"})"},
    {"a.b = :x", false},
    {"#s = :hello", true, R"({"#s": "s"})"},
    // BETWEEN (inclusive) and IN
    {"n BETWEEN :four AND :six", true},
    {"n BETWEEN :five AND :five", true},
    {"n BETWEEN :one AND :four", false},
    {"s BETWEEN :he AND :x", true},
    {"nothere BETWEEN :one AND :six", false},
    {"NOT nothere BETWEEN :one AND :six", true},
    {"n BETWEEN :he AND :x", false},
    {"n IN (:one, :five)", true},
    {"n IN (:one, :two)", false},
    {"s IN (:hello)", true},
    {"nothere IN (:one)", false},
    {"ss IN (:ssba, :x)", true},
    {"n IN (:five0)", true},
    // precedence: comparisons, then NOT, then AND, then OR
    {"n = :five OR n = :one AND s = :x", true},
    {"NOT n = :one AND s = :x", false},
    {"(n = :five OR n = :one) AND s = :x", false},
    {"NOT (n = :five)", false},
    {"n = :one OR NOT s = :x", true},
    {"n = :five AND (s = :x OR s = :hello)", true},
    {"n = :one OR n = :two OR n = :five", true},
    {"n = :five AND s = :hello AND t = :true", true},
    {"n = :five and s = :hello or n = :one", true},
    // attribute_exists / attribute_not_exists
    {"attribute_exists(n)", true},
    {"attribute_exists(nothere)", false},
    {"attribute_not_exists(nothere)", true},
    {"attribute_not_exists(n)", false},
    {"attribute_exists(m.nested.deep)", true},
    {"attribute_exists(l[2].k)", true},
    {"attribute_exists(l[9])", false},
    {"attribute_exists(z)", true},
    {"NOT attribute_exists(nothere)", true},
    // attribute_type
    {"attribute_type(n, :tN)", true},
    {"attribute_type(s, :tN)", false},
    {"attribute_type(ss, :tSS)", true},
    {"attribute_type(l, :tL)", true},
    {"attribute_type(m, :tM)", true},
    {"attribute_type(z, :tNULL)", true},
    {"attribute_type(t, :tBOOL)", true},
    {"attribute_type(b, :tB)", true},
    {"attribute_type(nothere, :tS)", false},
    // begins_with: strings and binary of the same type
    {"begins_with(s, :he)", true},
    {"begins_with(s, :ll)", false},
    {"begins_with(b, :b12)", true},
    {"begins_with(b, :b3)", false},
    {"begins_with(n, :he)", false},
    {"begins_with(nothere, :he)", false},
    {"begins_with(s, :b12)", false},
    {"begins_with(es, :he)", false},
    // contains: substrings, set members of the element type, list elements
    {"contains(s, :ll)", true},
    {"contains(s, :x)", false},
    {"contains(b, :b12)", true},
    {"contains(ss, :a)", true},
    {"contains(ss, :x)", false},
    {"contains(ns, :two)", true},
    {"contains(ns, :five)", false},
    {"contains(bs, :b1)", true},
    {"contains(ss, :one)", false},
    {"contains(l, :x)", true},
    {"contains(l, :two)", true},
    {"contains(l, :lx)", false},
    {"contains(n, :five)", false},
    {"contains(nothere, :x)", false},
    // size: string length, binary bytes, element counts; nothing for numbers, booleans and null
    {"size(s) = :five", true},
    {"size(es) = :zero", true},
    {"size(b) = :three", true},
    {"size(ss) = :two", true},
    {"size(l) = :three", true},
    {"size(m) = :two", true},
    {"size(u) = :two", true},
    {"size(:hello) = :five", true},
    {"size(s) > size(ss)", true},
    {"size(l[2]) = :one", true},
    {"size(n) = :one", false},
    {"NOT size(n) = :one", true},
    {"size(t) = :one", false},
    {"size(nothere) > :zero", false},
    {"size(s) BETWEEN :four AND :six", true},
    {"size(ss) IN (:one, :two)", true},
};

TEST(Condition, EvaluatesEachCaseAsDynamoDbDoes) {
  Json item = Json::parse(kItem);
  validate_item(item);
  for (const Case& c : kCases) {
    Placeholders p = test::placeholders(c.names, kValues);
    std::string error = test::error_of([&] {
      EXPECT_EQ(evaluate(parse_condition(c.expression, p), item), c.expected) << c.expression;
    });
    EXPECT_EQ(error, "") << c.expression;
  }
}

TEST(Condition, AnAbsentItemFailsEveryComparisonAndPassesAttributeNotExists) {
  Placeholders p = test::placeholders(nullptr, kValues);
  Json none = Json::object();
  EXPECT_FALSE(evaluate(parse_condition("attribute_exists(id)", p), none));
  EXPECT_TRUE(evaluate(parse_condition("attribute_not_exists(id)", p), none));
  EXPECT_FALSE(evaluate(parse_condition("id = :x", p), none));
  EXPECT_TRUE(evaluate(parse_condition("NOT id = :x", p), none));
}

TEST(Condition, KeywordsAndFunctionNamesAreCaseInsensitiveOrNotAsDynamoDbHasThem) {
  Json item = Json::parse(kItem);
  Placeholders p = test::placeholders(nullptr, kValues);
  EXPECT_TRUE(evaluate(parse_condition("n between :four and :six", p), item));
  EXPECT_TRUE(evaluate(parse_condition("not n in (:one)", p), item));
  // Function names are case-sensitive.
  EXPECT_EQ(test::error_of([&] { parse_condition("Attribute_Exists(n)", p); }),
            "Invalid ConditionExpression: Invalid function name; function: Attribute_Exists");
}

TEST(Condition, KeyTermsMatchTheKeyAttribute) {
  Json item = Json::parse(R"({"pk": {"S": "u1"}, "sk": {"S": "order#2024-05"}, "n": {"N": "7"}})");
  Placeholders p = test::placeholders(
      nullptr,
      R"({":p": {"S": "u1"}, ":pre": {"S": "order#"}, ":lo": {"N": "1"}, ":hi": {"N": "7"}})");
  KeyCondition k = parse_key_condition("pk = :p AND begins_with(sk, :pre)", p);
  EXPECT_TRUE(matches(k.terms[0], item));
  EXPECT_TRUE(matches(k.terms[1], item));
  KeyCondition range = parse_key_condition("n BETWEEN :lo AND :hi", p);
  EXPECT_TRUE(matches(range.terms[0], item));
  KeyCondition flipped = parse_key_condition(":hi > n", p);
  EXPECT_FALSE(matches(flipped.terms[0], item));
  KeyCondition absent = parse_key_condition("absent = :p", p);
  EXPECT_FALSE(matches(absent.terms[0], item));
}

}  // namespace
}  // namespace nimbus::dynamodb::expr
