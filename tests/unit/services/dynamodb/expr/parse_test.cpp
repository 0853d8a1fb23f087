// Malformed expressions and the ValidationException texts DynamoDB answers for them: syntax errors
// with their token and context, reserved words, placeholders, functions, sections, paths.
#include <gtest/gtest.h>

#include "expr_test_support.h"

namespace nimbus::dynamodb::expr {
namespace {

using test::error_of;
using test::placeholders;

enum class Kind { Condition, Filter, Key, Update, Projection };

struct Bad {
  Kind kind;
  const char* expression;
  const char* names;
  const char* values;
  const char* error;
};

constexpr const char* kV = R"({":v":{"S":"x"}})";
constexpr const char* kN = R"({":n":{"N":"1"}})";

const Bad kBad[] = {
    // Empty and syntax errors: token, and the text from the token before to the token after.
    {Kind::Condition, "", nullptr, nullptr,
     "Invalid ConditionExpression: The expression can not be empty;"},
    {Kind::Update, "  ", nullptr, nullptr,
     "Invalid UpdateExpression: The expression can not be empty;"},
    {Kind::Update, "ADD hits : incr", nullptr, R"({":incr":{"N":"1"}})",
     R"(Invalid UpdateExpression: Syntax error; token: ":", near: "hits : incr")"},
    {Kind::Update, "SET a = :v, updated = :v", nullptr, kV, ""},
    {Kind::Update, "SET a = :v updated = :v", nullptr, kV,
     R"(Invalid UpdateExpression: Syntax error; token: "updated", near: ":v updated =")"},
    {Kind::Update, "SET a = :v, #, b = :v", nullptr, kV,
     R"(Invalid UpdateExpression: Syntax error; token: "#", near: ", #,")"},
    {Kind::Update, "SET", nullptr, nullptr,
     R"(Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "SET")"},
    {Kind::Update, "SET a = b +", nullptr, nullptr,
     R"(Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "+")"},
    {Kind::Update, "INVALID SYNTAX HERE", nullptr, nullptr,
     R"(Invalid UpdateExpression: Syntax error; token: "INVALID", near: "INVALID SYNTAX")"},
    {Kind::Update, "SET a = b + c + d", nullptr, nullptr,
     R"(Invalid UpdateExpression: Syntax error; token: "+", near: "c + d")"},
    {Kind::Projection, "a b", nullptr, nullptr,
     R"(Invalid ProjectionExpression: Syntax error; token: "b", near: "a b")"},
    {Kind::Projection, "a,", nullptr, nullptr,
     R"(Invalid ProjectionExpression: Syntax error; token: "<EOF>", near: ",")"},
    {Kind::Key, "pk = :type AND sk", nullptr, R"({":type":{"S":"x"}})",
     R"(Invalid KeyConditionExpression: Syntax error; token: "<EOF>", near: "sk")"},
    {Kind::Condition, "a =", nullptr, nullptr,
     R"(Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "=")"},
    {Kind::Condition, "a", nullptr, nullptr,
     R"(Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "a")"},
    {Kind::Condition, "a AND b = :v", nullptr, kV,
     R"(Invalid ConditionExpression: Syntax error; token: "AND", near: "a AND b")"},
    {Kind::Condition, "a = :v AND", nullptr, kV,
     R"(Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "AND")"},
    {Kind::Condition, "a BETWEEN :v OR :v", nullptr, kV,
     R"(Invalid ConditionExpression: Syntax error; token: "OR", near: ":v OR :v")"},
    {Kind::Condition, "NOT NOT a = :v", nullptr, kV,
     R"(Invalid ConditionExpression: Syntax error; token: "NOT", near: "NOT NOT a")"},
    {Kind::Condition, "a = :v)", nullptr, kV,
     R"x(Invalid ConditionExpression: Syntax error; token: ")", near: ":v)")x"},
    {Kind::Condition, "a[x] = :v", nullptr, kV,
     R"(Invalid ConditionExpression: Syntax error; token: "x", near: "[x]")"},
    {Kind::Condition, "a == :v", nullptr, kV,
     R"(Invalid ConditionExpression: Syntax error; token: "=", near: "== :v")"},
    {Kind::Filter, "a = :v ;", nullptr, kV,
     R"(Invalid FilterExpression: Syntax error; token: ";", near: ":v ;")"},
    {Kind::Filter, "size() > :v", nullptr, kV,
     R"x(Invalid FilterExpression: Syntax error; token: ")", near: "() >")x"},
    // Reserved words, in any case, unless written through a name placeholder.
    {Kind::Condition, "status = :v", nullptr, kV,
     "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: status"},
    {Kind::Update, "SET a.Name = :v", nullptr, kV,
     "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: Name"},
    {Kind::Projection, "id, data", nullptr, nullptr,
     "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: data"},
    {Kind::Condition, "#s = :v", R"({"#s":"status"})", kV, ""},
    // Placeholders that are not defined.
    {Kind::Condition, "a = :y", nullptr, kV,
     "Invalid ConditionExpression: An expression attribute value used in expression is not "
     "defined; attribute value: :y"},
    {Kind::Update, "SET #upd = :v", nullptr, kV,
     "Invalid UpdateExpression: An expression attribute name used in the document path is not "
     "defined; attribute name: #upd"},
    {Kind::Projection, "a.#b", nullptr, nullptr,
     "Invalid ProjectionExpression: An expression attribute name used in the document path is not "
     "defined; attribute name: #b"},
    // Functions.
    {Kind::Condition, "foo(a)", nullptr, nullptr,
     "Invalid ConditionExpression: Invalid function name; function: foo"},
    {Kind::Condition, "begins_with(a)", nullptr, nullptr,
     "Invalid ConditionExpression: Incorrect number of operands for operator or function; operator "
     "or function: begins_with, number of operands: 1"},
    {Kind::Condition, "attribute_exists(:v)", nullptr, kV,
     "Invalid ConditionExpression: Operator or function requires a document path; operator or "
     "function: attribute_exists"},
    {Kind::Condition, "begins_with(a, :n)", nullptr, kN,
     "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or "
     "function: begins_with, operand type: N"},
    {Kind::Condition, "size(:n) > :n", nullptr, kN,
     "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or "
     "function: size, operand type: N"},
    {Kind::Condition, "attribute_type(a, :v)", nullptr, kV,
     "Invalid ConditionExpression: Invalid attribute type name found; type: x, valid types: "
     "{B,NULL,SS,BOOL,L,BS,N,NS,S,M}"},
    {Kind::Condition, "attribute_type(a, :n)", nullptr, kN,
     "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or "
     "function: attribute_type, operand type: N"},
    {Kind::Condition, "size(a)", nullptr, nullptr,
     "Invalid ConditionExpression: The function is not allowed to be used this way in an "
     "expression; function: size"},
    {Kind::Condition, "attribute_exists(a) = :v", nullptr, kV,
     "Invalid ConditionExpression: The function is not allowed to be used this way in an "
     "expression; function: attribute_exists"},
    {Kind::Condition, "contains(a, a)", nullptr, nullptr,
     "Invalid ConditionExpression: The first operand must be distinct from the remaining operands "
     "for this operator or function; operator: contains, first operand: [a]"},
    {Kind::Condition, "a.b = a.b", nullptr, nullptr,
     "Invalid ConditionExpression: The first operand must be distinct from the remaining operands "
     "for this operator or function; operator: =, first operand: [a, b]"},
    {Kind::Condition, "if_not_exists(a, :v) = :v", nullptr, kV,
     "Invalid ConditionExpression: The function is not allowed in a condition expression; "
     "function: if_not_exists"},
    {Kind::Update, "SET a = size(b)", nullptr, nullptr,
     "Invalid UpdateExpression: The function is not allowed in an update expression; function: "
     "size"},
    {Kind::Update, "SET a = if_not_exists(:v, :v)", nullptr, kV,
     "Invalid UpdateExpression: Operator or function requires a document path; operator or "
     "function: if_not_exists"},
    {Kind::Update, "SET a = list_append(b, :v)", nullptr, kV,
     "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or "
     "function: list_append, operand type: S"},
    {Kind::Update, "SET a = b + :v", nullptr, kV,
     "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or "
     "function: +, operand type: S"},
    // BETWEEN and IN.
    {Kind::Condition, "a BETWEEN :hi AND :lo", nullptr, R"({":lo":{"N":"1"},":hi":{"N":"5"}})",
     "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or "
     "equal to lower bound; "
     "lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}"},
    {Kind::Condition, "a BETWEEN :v AND :n", nullptr, R"({":v":{"S":"x"},":n":{"N":"1"}})",
     "Invalid ConditionExpression: The BETWEEN operator requires same data type for lower and "
     "upper bounds; "
     "lower bound operand: AttributeValue: {S:x}, upper bound operand: AttributeValue: {N:1}"},
    // Parentheses.
    {Kind::Condition, "((a = :v))", nullptr, kV,
     "Invalid ConditionExpression: The expression has redundant parentheses;"},
    {Kind::Condition, "((a)) = :v", nullptr, kV,
     "Invalid ConditionExpression: The expression has redundant parentheses;"},
    {Kind::Condition, "(a = :v) AND ((a = :v) OR (a = :v))", nullptr, kV, ""},
    // Update sections and paths.
    {Kind::Update, "ADD x :n SET a = :n ADD y :n", nullptr, kN,
     R"(Invalid UpdateExpression: The "ADD" section can only be used once in an update expression;)"},
    {Kind::Update, "set a = :n SET b = :n", nullptr, kN,
     R"(Invalid UpdateExpression: The "SET" section can only be used once in an update expression;)"},
    {Kind::Update, "SET a = :n REMOVE a.b", nullptr, kN,
     "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite "
     "one of these paths; path one: [a], path two: [a, b]"},
    {Kind::Update, "SET f = :n, f = :n", nullptr, kN,
     "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite "
     "one of these paths; path one: [f], path two: [f]"},
    {Kind::Update, "SET a.b = :n REMOVE a[0]", nullptr, kN,
     "Invalid UpdateExpression: Two document paths conflict with each other; must remove or "
     "rewrite one of these paths; path one: [a, b], path two: [a, [0]]"},
    {Kind::Update, "SET a[0] = :n, a[1] = :n, a.b[1] = :n REMOVE c", nullptr, kN,
     "Invalid UpdateExpression: Two document paths conflict with each other; must remove or "
     "rewrite one of these paths; path one: [a, [0]], path two: [a, b, [1]]"},
    {Kind::Update, "ADD a :v", nullptr, kV,
     "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, "
     "operand type: STRING"},
    {Kind::Update, "DELETE a :n", nullptr, kN,
     "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, "
     "operand type: NUMBER"},
    {Kind::Update, "ADD a b", nullptr, nullptr,
     R"(Invalid UpdateExpression: Syntax error; token: "b", near: "a b")"},
    {Kind::Projection, "a, a.b", nullptr, nullptr,
     "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or "
     "rewrite one of these paths; path one: [a], path two: [a, b]"},
    {Kind::Projection, "a[0], a.b", nullptr, nullptr,
     "Invalid ProjectionExpression: Two document paths conflict with each other; must remove or "
     "rewrite one of these paths; path one: [a, [0]], path two: [a, b]"},
    // Key conditions (DynamoDB words these without the "Invalid KeyConditionExpression" prefix).
    {Kind::Key, "pk = :v OR sk = :v", nullptr, kV,
     "Invalid operator used in KeyConditionExpression: OR"},
    {Kind::Key, "pk <> :v", nullptr, kV, "Invalid operator used in KeyConditionExpression: <>"},
    {Kind::Key, "pk IN (:v)", nullptr, kV, "Invalid operator used in KeyConditionExpression: IN"},
    {Kind::Key, "attribute_exists(pk)", nullptr, nullptr,
     "Invalid operator used in KeyConditionExpression: attribute_exists"},
    {Kind::Key, "pk = :v AND pk = :v", nullptr, kV,
     "KeyConditionExpressions must only contain one condition per key"},
    {Kind::Key, "pk.x = :v", nullptr, kV,
     "KeyConditionExpressions cannot have conditions on nested attributes"},
    {Kind::Key, ":v = :v", nullptr, kV,
     "Invalid condition in KeyConditionExpression: No key attribute specified"},
    {Kind::Key, "pk = sk", nullptr, nullptr,
     "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"},
    {Kind::Key, "size(pk) = :n", nullptr, kN,
     "KeyConditionExpressions cannot contain nested operations"},
    {Kind::Key, "begins_with(:v, sk)", nullptr, kV,
     "Invalid condition in KeyConditionExpression: begins_with operator must have the key "
     "attribute as its first operand"},
};

std::string parse_error(const Bad& b) {
  Placeholders p = placeholders(b.names, b.values);
  return error_of([&] {
    switch (b.kind) {
      case Kind::Condition:
        parse_condition(b.expression, p);
        break;
      case Kind::Filter:
        parse_filter(b.expression, p);
        break;
      case Kind::Key:
        parse_key_condition(b.expression, p);
        break;
      case Kind::Update:
        parse_update(b.expression, p);
        break;
      case Kind::Projection:
        parse_projection(b.expression, p);
        break;
    }
  });
}

TEST(Parse, AnswersEachMalformedExpressionWithDynamoDbsText) {
  for (const Bad& b : kBad) EXPECT_EQ(parse_error(b), b.error) << b.expression;
}

TEST(Parse, KeyConditionsYieldOneTermPerKeyWithTheKeyOnTheLeft) {
  Placeholders p = placeholders(nullptr, R"({":p":{"S":"u1"},":lo":{"N":"1"},":hi":{"N":"9"}})");
  KeyCondition k = parse_key_condition("pk = :p AND sk BETWEEN :lo AND :hi", p);
  ASSERT_EQ(k.terms.size(), 2u);
  EXPECT_EQ(k.terms[0].attribute, "pk");
  EXPECT_EQ(k.terms[0].op, KeyTerm::Op::Eq);
  EXPECT_EQ(k.terms[1].op, KeyTerm::Op::Between);
  EXPECT_EQ(k.terms[1].values.size(), 2u);
  KeyCondition flipped = parse_key_condition(":lo < sk", p);
  EXPECT_EQ(flipped.terms[0].attribute, "sk");
  EXPECT_EQ(flipped.terms[0].op, KeyTerm::Op::Gt);
  KeyCondition prefix = parse_key_condition("begins_with(sk, :p)", p);
  EXPECT_EQ(prefix.terms[0].op, KeyTerm::Op::BeginsWith);
}

TEST(Parse, InTakesAtMostOneHundredCandidates) {
  std::string values = "{";
  std::string list;
  for (int i = 0; i < 101; ++i) {
    values += std::string(i ? "," : "") + "\":v" + std::to_string(i) + "\":{\"N\":\"" +
              std::to_string(i) + "\"}";
    list += std::string(i ? "," : "") + ":v" + std::to_string(i);
  }
  values += "}";
  Placeholders p(Json(), Json::parse(values));
  EXPECT_EQ(error_of([&] { parse_condition("a IN (" + list + ")", p); }),
            "Invalid ConditionExpression: The IN operator is provided with too many operands; "
            "number of operands: 101");
  size_t last = list.rfind(',');
  EXPECT_EQ(error_of([&] { parse_condition("a IN (" + list.substr(0, last) + ")", p); }), "");
}

TEST(Parse, RefusesUnusedPlaceholdersOnceTheRequestIsParsed) {
  Placeholders p = placeholders(R"({"#a":"a","#b":"b"})", R"({":x":{"S":"1"},":y":{"S":"2"}})");
  parse_condition("#a = :y", p);
  EXPECT_EQ(error_of([&] { p.check_all_used(); }),
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#b}");
  parse_projection("#b", p);
  EXPECT_EQ(error_of([&] { p.check_all_used(); }),
            "Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}");
  parse_update("SET a = :x", p);
  EXPECT_EQ(error_of([&] { p.check_all_used(); }), "");
}

TEST(Parse, ValidatesPlaceholderKeysAndValues) {
  EXPECT_EQ(error_of([] { placeholders("{}", nullptr); }),
            "ExpressionAttributeNames must not be empty");
  EXPECT_EQ(error_of([] { placeholders(nullptr, "{}"); }),
            "ExpressionAttributeValues must not be empty");
  EXPECT_EQ(error_of([] { placeholders(R"({"a":"b"})", nullptr); }),
            R"(ExpressionAttributeNames contains invalid key: Syntax error; key: "a")");
  EXPECT_EQ(error_of([] { placeholders(nullptr, R"({":a-b":{"S":"x"}})"); }),
            R"(ExpressionAttributeValues contains invalid key: Syntax error; key: ":a-b")");
  EXPECT_EQ(error_of([] { placeholders(nullptr, R"({":v":{"N":"1E126"}})"); }),
            "ExpressionAttributeValues contains invalid value: Number overflow. Attempting to "
            "store a number with magnitude "
            "larger than supported range for key :v");
  EXPECT_EQ(error_of([] { placeholders(nullptr, R"({":v":{"SS":[]}})"); }),
            "ExpressionAttributeValues contains invalid value: One or more parameter values were "
            "invalid: An string set  may not be "
            "empty for key :v");
}

TEST(Parse, LimitsExpressionsToFourKilobytesAndThreeHundredOperators) {
  Placeholders p = placeholders(nullptr, kV);
  std::string long_text = "a = :v" + std::string(4091, ' ');
  EXPECT_EQ(error_of([&] { parse_condition(long_text, p); }),
            "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; "
            "expression size: 4097");
  std::string many = "a = :v";
  for (int i = 0; i < 150; ++i) many += " AND a = :v";
  EXPECT_EQ(error_of([&] { parse_condition(many, p); }),
            "Invalid ConditionExpression: The expression contains too many operators; operator "
            "count: 300");
}

TEST(Parse, DeepNestingIsAnErrorNotAStackOverflow) {
  Placeholders p = placeholders(nullptr, kN);
  std::string parens = std::string(2000, '(') + "a = :n" + std::string(2000, ')');
  EXPECT_EQ(error_of([&] { parse_condition(parens, p); }),
            "Invalid ConditionExpression: The expression contains too many operators; operator "
            "count: 300");
  std::string sizes;
  for (int i = 0; i < 400; ++i) sizes += "size(";
  sizes += "a" + std::string(400, ')') + " = :n";
  EXPECT_EQ(error_of([&] { parse_condition(sizes, p); }),
            "Invalid ConditionExpression: The expression contains too many operators; operator "
            "count: 300");
  std::string deep_path = "a";
  for (int i = 0; i < 32; ++i) deep_path += ".b";
  EXPECT_EQ(error_of([&] { parse_projection(deep_path, p); }),
            "Invalid ProjectionExpression: The document path has too many nesting levels; nesting "
            "levels: 33");
}

}  // namespace
}  // namespace nimbus::dynamodb::expr
