#include "services/dynamodb/item_keys.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "core/aws_error.h"

namespace nimbus::dynamodb {
namespace {

std::string number_key(const std::string& text) { return key_value_bytes({{"N", text}}, "N"); }

TEST(ItemKeys, NumberBytesSortAsTheNumbersDo) {
  std::vector<std::string> ascending = {"-1E+125", "-100", "-12.5", "-1.55", "-1.5", "-1", "-0.5", "-1E-130", "0",
                                        "1E-130", "0.001", "0.5", "1", "1.5", "1.55", "2", "10", "12.5", "100",
                                        "9.9999999999999999999999999999999999999E+125"};
  for (size_t i = 0; i + 1 < ascending.size(); ++i) {
    EXPECT_LT(number_key(ascending[i]), number_key(ascending[i + 1])) << ascending[i] << " < " << ascending[i + 1];
  }
}

TEST(ItemKeys, EqualNumbersInAnyNotationHaveOneKey) {
  EXPECT_EQ(number_key("1.50"), number_key("1.5"));
  EXPECT_EQ(number_key("100"), number_key("1E2"));
  EXPECT_EQ(number_key("-0"), number_key("0"));
}

TEST(ItemKeys, RandomIntegersSortByValue) {
  std::mt19937 random(7);
  std::vector<long> values;
  for (int i = 0; i < 500; ++i) values.push_back(static_cast<long>(random() % 2000001) - 1000000);
  std::sort(values.begin(), values.end());
  for (size_t i = 0; i + 1 < values.size(); ++i) {
    if (values[i] == values[i + 1]) continue;
    EXPECT_LT(number_key(std::to_string(values[i])), number_key(std::to_string(values[i + 1])));
  }
}

TableSchema table_with_range() {
  TableSchema schema;
  schema.name = "t";
  schema.id = "id";
  schema.hash = {"pk", "S"};
  schema.range = KeyAttribute{"sk", "N"};
  schema.indexes.push_back({"by_g", true, {"g", "S"}, std::nullopt, "KEYS_ONLY", {}});
  return schema;
}

TEST(ItemKeys, KeyMemberMustBeExactlyTheSchemasKeys) {
  auto schema = table_with_range();
  EXPECT_NO_THROW(item_key_from_key(schema, {{"pk", {{"S", "a"}}}, {"sk", {{"N", "1"}}}}));
  for (const Json& bad : {Json{{"pk", {{"S", "a"}}}}, Json{{"pk", {{"N", "1"}}}, {"sk", {{"N", "1"}}}},
                          Json{{"pk", {{"S", "a"}}}, {"sk", {{"N", "1"}}}, {"x", {{"S", "b"}}}}}) {
    try {
      item_key_from_key(schema, bad);
      ADD_FAILURE() << bad.dump();
    } catch (const AwsError& error) {
      EXPECT_EQ(error.message, "The provided key element does not match the schema");
    }
  }
}

TEST(ItemKeys, ItemKeysNameTheMissingOrMistypedKey) {
  auto schema = table_with_range();
  try {
    item_key_of_item(schema, {{"pk", {{"S", "a"}}}});
    ADD_FAILURE();
  } catch (const AwsError& error) {
    EXPECT_EQ(error.message, "One or more parameter values were invalid: Missing the key sk in the item");
  }
  try {
    item_key_of_item(schema, {{"pk", {{"N", "1"}}}, {"sk", {{"N", "1"}}}});
    ADD_FAILURE();
  } catch (const AwsError& error) {
    EXPECT_EQ(error.message, "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N");
  }
}

TEST(ItemKeys, AnItemWithoutTheIndexKeyIsNotInTheIndex) {
  auto schema = table_with_range();
  Json item = {{"pk", {{"S", "a"}}}, {"sk", {{"N", "1"}}}};
  EXPECT_FALSE(index_key_of_item(schema, schema.indexes[0], item));
  item["g"] = {{"S", "x"}};
  auto entry = index_key_of_item(schema, schema.indexes[0], item);
  ASSERT_TRUE(entry);
  EXPECT_TRUE(entry->starts_with(index_prefix(schema, schema.indexes[0])));
  item["g"] = {{"N", "1"}};
  EXPECT_THROW(index_key_of_item(schema, schema.indexes[0], item), AwsError);
}

}  // namespace
}  // namespace nimbus::dynamodb
