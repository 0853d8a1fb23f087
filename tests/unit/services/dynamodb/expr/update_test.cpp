// UpdateExpression applied to an item: SET (arithmetic, list_append, if_not_exists, list indexes
// past the end), REMOVE (list elements by their original index), ADD (numbers and sets), DELETE
// (sets), and DynamoDB's runtime errors.
#include <gtest/gtest.h>

#include "expr_test_support.h"

namespace nimbus::dynamodb::expr {
namespace {

constexpr const char* kItem = R"({
  "id": {"S": "u1"}, "n": {"N": "5"}, "s": {"S": "x"},
  "l": {"L": [{"N": "0"}, {"N": "1"}, {"N": "2"}]}, "m": {"M": {"a": {"N": "1"}}},
  "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2"]}, "bs": {"BS": ["AQ=="]}})";

constexpr const char* kValues = R"({
  ":one": {"N": "1"}, ":two": {"N": "2"}, ":dec": {"N": "0.1"}, ":x": {"S": "x"}, ":y": {"S": "y"},
  ":big": {"N": "9.9999999999999999999999999999999999999E+125"},
  ":s1": {"SS": ["c"]}, ":sa": {"SS": ["a"]}, ":sab": {"SS": ["b", "a"]}, ":n3": {"NS": ["3", "2"]},
  ":b2": {"BS": ["Ag=="]}, ":l": {"L": [{"N": "9"}]}, ":empty": {"L": []}, ":m": {"M": {"k": {"S": "v"}}}})";

constexpr const char* kWrongType = "An operand in the update expression has an incorrect data type";
constexpr const char* kInvalidPath =
    "The document path provided in the update expression is invalid for update";
constexpr const char* kNoAttribute =
    "The provided expression refers to an attribute that does not exist in the item";

struct Case {
  const char* expression;
  const char*
      changes;  // attributes of the result that differ from kItem (null: removed), or nullptr
  const char* error = "";
  const char* names = nullptr;
};

const Case kCases[] = {
    // SET
    {"SET s = :y", R"({"s": {"S": "y"}})"},
    {"SET added = :x", R"({"added": {"S": "x"}})"},
    {"SET m2 = :m", R"({"m2": {"M": {"k": {"S": "v"}}}})"},
    {"SET n = n + :one", R"({"n": {"N": "6"}})"},
    {"SET n = n - :two", R"({"n": {"N": "3"}})"},
    {"SET n = :dec + :dec", R"({"n": {"N": "0.2"}})"},
    {"SET n = :one - n", R"({"n": {"N": "-4"}})"},
    {"SET dup = n", R"({"dup": {"N": "5"}})"},
    {"SET m.a = :two", R"({"m": {"M": {"a": {"N": "2"}}}})"},
    {"SET m.b = :x", R"({"m": {"M": {"a": {"N": "1"}, "b": {"S": "x"}}}})"},
    {"SET l[1] = :x", R"({"l": {"L": [{"N": "0"}, {"S": "x"}, {"N": "2"}]}})"},
    {"SET l[10] = :x", R"({"l": {"L": [{"N": "0"}, {"N": "1"}, {"N": "2"}, {"S": "x"}]}})"},
    {"SET l[10] = :x, l[11] = :y",
     R"({"l": {"L": [{"N": "0"}, {"N": "1"}, {"N": "2"}, {"S": "x"}, {"S": "y"}]}})"},
    {"SET l = list_append(l, :l)",
     R"({"l": {"L": [{"N": "0"}, {"N": "1"}, {"N": "2"}, {"N": "9"}]}})"},
    {"SET l = list_append(:l, l)",
     R"({"l": {"L": [{"N": "9"}, {"N": "0"}, {"N": "1"}, {"N": "2"}]}})"},
    {"SET c = if_not_exists(c, :one)", R"({"c": {"N": "1"}})"},
    {"SET n = if_not_exists(n, :one)", "{}"},
    {"SET c = list_append(if_not_exists(c, :empty), :l)", R"({"c": {"L": [{"N": "9"}]}})"},
    {"SET a = n, n = :one", R"({"a": {"N": "5"}, "n": {"N": "1"}})"},
    {"SET #st = :x", R"({"status": {"S": "x"}})", "", R"({"#st": "status"})"},
    {"SET n = s + :one", nullptr, kWrongType},
    {"SET n = :one + s", nullptr, kWrongType},
    {"SET n = nothere + :one", nullptr, kNoAttribute},
    {"SET n = nothere", nullptr, kNoAttribute},
    {"SET s = list_append(s, :l)", nullptr, kWrongType},
    {"SET x.y = :one", nullptr, kInvalidPath},
    {"SET s.y = :one", nullptr, kInvalidPath},
    {"SET l.a = :one", nullptr, kInvalidPath},
    {"SET m[0] = :one", nullptr, kInvalidPath},
    {"SET n = :big + :big", nullptr,
     "Number overflow. Attempting to store a number with magnitude larger than supported range"},
    // REMOVE
    {"REMOVE s", R"({"s": null})"},
    {"REMOVE nothere", "{}"},
    {"REMOVE m.a", R"({"m": {"M": {}}})"},
    {"REMOVE l[0], l[2]", R"({"l": {"L": [{"N": "1"}]}})"},
    {"REMOVE l[2], l[0]", R"({"l": {"L": [{"N": "1"}]}})"},
    {"REMOVE l[5]", "{}"},
    {"REMOVE x.y", nullptr, kInvalidPath},
    // ADD
    {"ADD n :one", R"({"n": {"N": "6"}})"},
    {"ADD added :two", R"({"added": {"N": "2"}})"},
    {"ADD ss :s1", R"({"ss": {"SS": ["a", "b", "c"]}})"},
    {"ADD ss :sab", "{}"},
    {"ADD fresh :s1", R"({"fresh": {"SS": ["c"]}})"},
    {"ADD ns :n3", R"({"ns": {"NS": ["1", "2", "3"]}})"},
    {"ADD m.c :one", R"({"m": {"M": {"a": {"N": "1"}, "c": {"N": "1"}}}})"},
    {"ADD l[0] :one", R"({"l": {"L": [{"N": "1"}, {"N": "1"}, {"N": "2"}]}})"},
    {"ADD s :one", nullptr, kWrongType},
    {"ADD ss :n3", nullptr, kWrongType},
    {"ADD x.y :one", nullptr, kInvalidPath},
    // DELETE
    {"DELETE ss :sa", R"({"ss": {"SS": ["b"]}})"},
    {"DELETE ss :sab", R"({"ss": null})"},
    {"DELETE nothere :sa", "{}"},
    {"DELETE ns :n3", R"({"ns": {"NS": ["1"]}})"},
    {"DELETE bs :b2", "{}"},
    {"DELETE ss :n3", nullptr, kWrongType},
    {"DELETE s :sa", nullptr, kWrongType},
    // clauses together, in any order and case
    {"SET a = :one REMOVE s ADD n :one DELETE ss :sa",
     R"({"a": {"N": "1"}, "s": null, "n": {"N": "6"}, "ss": {"SS": ["b"]}})"},
    {"remove s set a = :one", R"({"a": {"N": "1"}, "s": null})"},
    {"REMOVE l[1] SET l[2] = :x", R"({"l": {"L": [{"N": "0"}, {"S": "x"}]}})"},
};

TEST(Update, AppliesEachCaseAsDynamoDbDoes) {
  Json item = Json::parse(kItem);
  validate_item(item);
  for (const Case& c : kCases) {
    Placeholders p = test::placeholders(c.names, kValues);
    Json result;
    std::string error =
        test::error_of([&] { result = apply_update(parse_update(c.expression, p), item); });
    EXPECT_EQ(error, c.error) << c.expression;
    if (!c.changes || !error.empty()) continue;
    Json expected = item;
    Json changes = Json::parse(c.changes);
    for (auto& [name, value] : changes.items()) {
      if (value.is_null()) {
        expected.erase(name);
      } else {
        expected[name] = value;
      }
    }
    EXPECT_TRUE(equal(Json{{"M", result}}, Json{{"M", expected}}))
        << c.expression << ": " << result.dump();
  }
}

TEST(Update, LeavesTheInputItemUntouched) {
  Json item = Json::parse(kItem);
  Json before = item;
  Placeholders p = test::placeholders(nullptr, kValues);
  apply_update(parse_update("SET n = n + :one REMOVE s", p), item);
  EXPECT_EQ(item, before);
}

TEST(Update, StartsAnUpdateOfAnAbsentItemFromNothing) {
  Placeholders p = test::placeholders(nullptr, kValues);
  Json result = apply_update(parse_update("ADD visits :one SET title = :x", p), Json::object());
  EXPECT_EQ(result, Json::parse(R"({"visits": {"N": "1"}, "title": {"S": "x"}})"));
}

}  // namespace
}  // namespace nimbus::dynamodb::expr
