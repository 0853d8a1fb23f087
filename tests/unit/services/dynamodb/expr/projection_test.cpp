// ProjectionExpression applied to an item: top-level and nested paths keep their structure, list
// elements picked by index are packed in index order, nothere paths are left out.
#include <gtest/gtest.h>

#include "expr_test_support.h"

namespace nimbus::dynamodb::expr {
namespace {

constexpr const char* kItem = R"({
  "id": {"S": "u1"}, "n": {"N": "5"},
  "l": {"L": [{"N": "0"}, {"N": "1"}, {"N": "2"}]},
  "m": {"M": {"a": {"N": "1"}, "b": {"S": "x"}, "nested": {"M": {"deep": {"S": "d"}, "sibling": {"S": "o"}}}}},
  "lm": {"L": [{"M": {"k": {"N": "1"}, "z": {"N": "2"}}}, {"M": {"j": {"N": "3"}}}]}})";

struct Case {
  const char* projection;
  const char* expected;
  const char* names = nullptr;
};

const Case kCases[] = {
    {"id", R"({"id": {"S": "u1"}})"},
    {"id, n, nothere", R"({"id": {"S": "u1"}, "n": {"N": "5"}})"},
    {"m.a", R"({"m": {"M": {"a": {"N": "1"}}}})"},
    {"m.nested.deep, m.b",
     R"({"m": {"M": {"b": {"S": "x"}, "nested": {"M": {"deep": {"S": "d"}}}}}})"},
    {"l[2], l[0]", R"({"l": {"L": [{"N": "0"}, {"N": "2"}]}})"},
    {"l[1]", R"({"l": {"L": [{"N": "1"}]}})"},
    {"l[5]", "{}"},
    {"l[0].x", "{}"},
    {"m.nothere", "{}"},
    {"lm[0].k, lm[1].j", R"({"lm": {"L": [{"M": {"k": {"N": "1"}}}, {"M": {"j": {"N": "3"}}}]}})"},
    {"#n, #m.#a", R"({"n": {"N": "5"}, "m": {"M": {"a": {"N": "1"}}}})",
     R"({"#n": "n", "#m": "m", "#a": "a"})"},
};

TEST(Projection, PicksThePathsWithTheirStructure) {
  Json item = Json::parse(kItem);
  validate_item(item);
  for (const Case& c : kCases) {
    Placeholders p = test::placeholders(c.names, nullptr);
    Json result;
    EXPECT_EQ(test::error_of([&] { result = project(parse_projection(c.projection, p), item); }),
              "")
        << c.projection;
    EXPECT_EQ(result, Json::parse(c.expected)) << c.projection;
  }
}

}  // namespace
}  // namespace nimbus::dynamodb::expr
