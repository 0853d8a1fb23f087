#include "services/dynamodb/table_schema.h"

#include <gtest/gtest.h>

#include "core/aws_error.h"

namespace nimbus::dynamodb {
namespace {

Json create_input() {
  return Json::parse(R"({
    "TableName": "users",
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"},
                             {"AttributeName": "email", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
    "GlobalSecondaryIndexes": [{"IndexName": "by_email", "KeySchema": [{"AttributeName": "email", "KeyType": "HASH"}],
                                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["name"]}}]
  })");
}

const NewTable kTable{"arn:aws:dynamodb:us-east-1:000000000000:table/users", "id-1", 1700000000.0};

std::string error_of(const Json& input) {
  try {
    describe_new_table(input, kTable);
  } catch (const AwsError& error) {
    return error.message;
  }
  return "";
}

TEST(TableSchema, DescriptionReadsBackAsTheSchema) {
  Json description = describe_new_table(create_input(), kTable);
  EXPECT_EQ(description["TableStatus"], "ACTIVE");
  EXPECT_EQ(description["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST");
  EXPECT_EQ(description["GlobalSecondaryIndexes"][0]["IndexArn"], kTable.arn + "/index/by_email");
  TableSchema schema = TableSchema::from_description(description);
  EXPECT_EQ(schema.hash.name, "pk");
  EXPECT_EQ(schema.range->type, "N");
  ASSERT_EQ(schema.indexes.size(), 1u);
  EXPECT_TRUE(schema.indexes[0].global);
  EXPECT_EQ(schema.indexes[0].hash.name, "email");
  EXPECT_EQ(schema.indexes[0].non_key, std::vector<std::string>{"name"});
}

TEST(TableSchema, AttributeDefinitionsMustBeExactlyTheKeys) {
  Json input = create_input();
  input["AttributeDefinitions"].push_back({{"AttributeName", "extra"}, {"AttributeType", "S"}});
  EXPECT_EQ(error_of(input),
            "One or more parameter values were invalid: Some AttributeDefinitions are not used. AttributeDefinitions: "
            "[pk, sk, email, extra], keys used: [email, pk, sk]");
  input.erase("GlobalSecondaryIndexes");
  input["AttributeDefinitions"].erase(2);
  EXPECT_EQ(error_of(input),
            "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number "
            "of attributes defined in AttributeDefinitions");
  input = create_input();
  input["AttributeDefinitions"].erase(1);
  EXPECT_EQ(error_of(input),
            "One or more parameter values were invalid: Some index key attributes are not defined in "
            "AttributeDefinitions. Keys: [sk], AttributeDefinitions: [pk, email]");
}

TEST(TableSchema, BillingModeDecidesWhetherThroughputIsRequired) {
  Json input = create_input();
  input.erase("BillingMode");
  EXPECT_EQ(error_of(input),
            "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified "
            "when BillingMode is PROVISIONED");
  input = create_input();
  input["ProvisionedThroughput"] = {{"ReadCapacityUnits", 1}, {"WriteCapacityUnits", 1}};
  EXPECT_EQ(error_of(input),
            "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be "
            "specified when BillingMode is PAY_PER_REQUEST");
}

TEST(TableSchema, KeySchemaStartsWithHash) {
  Json input = create_input();
  input["KeySchema"][0]["KeyType"] = "RANGE";
  EXPECT_EQ(error_of(input), "Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
}

TEST(TableSchema, LocalIndexNeedsTheTablesHashKey) {
  Json input = create_input();
  input["LocalSecondaryIndexes"] = Json::parse(R"([{"IndexName": "lsi", "KeySchema": [
      {"AttributeName": "email", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
      "Projection": {"ProjectionType": "ALL"}}])");
  EXPECT_EQ(error_of(input),
            "One or more parameter values were invalid: Index KeySchema does not have the same leading hash key as "
            "table KeySchema for index: lsi. index hash key: email, table hash key: pk");
}

TEST(TableSchema, ProjectionIntoAKeysOnlyIndexKeepsOnlyKeys) {
  Json input = create_input();
  input["GlobalSecondaryIndexes"][0]["Projection"] = {{"ProjectionType", "KEYS_ONLY"}};
  TableSchema schema = TableSchema::from_description(describe_new_table(input, kTable));
  Json item = {{"pk", {{"S", "a"}}}, {"sk", {{"N", "1"}}}, {"email", {{"S", "e"}}}, {"name", {{"S", "n"}}}};
  Json projected = project_into_index(item, schema, schema.indexes[0]);
  EXPECT_EQ(projected.size(), 3u);
  EXPECT_FALSE(projected.contains("name"));
}

}  // namespace
}  // namespace nimbus::dynamodb
