// Schema inference (schema_infer.h): AWS's envelope shape, types, nested components, merges.
#include "services/schemas/schema_infer.h"

#include <gtest/gtest.h>

#include "services/schemas/schemas_names.h"

namespace nimbus::schemas {
namespace {

Json order_event(const Json& detail) {
  return {{"version", "0"},          {"id", "e1"},          {"detail-type", "OrderCreated"},
          {"source", "shop.orders"}, {"account", "000000000000"}, {"time", "2026-12-01T08:00:00Z"},
          {"region", "us-east-1"},   {"resources", Json::array()}, {"detail", detail}};
}

TEST(SchemaInfer, EventBecomesAwsEventEnvelopeWithDetailComponent) {
  Json doc = infer_openapi(order_event({{"orderId", "o-1"}, {"amount", 12}, {"paid", true}}));
  EXPECT_EQ(doc["openapi"], "3.0.0");
  EXPECT_EQ(doc["info"]["title"], "OrderCreated");
  EXPECT_EQ(doc["info"]["version"], "1.0.0");
  EXPECT_TRUE(doc["paths"].is_object());
  const Json& envelope = doc["components"]["schemas"]["AWSEvent"];
  EXPECT_EQ(envelope["x-amazon-events-source"], "shop.orders");
  EXPECT_EQ(envelope["x-amazon-events-detail-type"], "OrderCreated");
  EXPECT_EQ(envelope["properties"]["detail"]["$ref"], "#/components/schemas/OrderCreated");
  EXPECT_EQ(envelope["properties"]["time"]["format"], "date-time");
  EXPECT_EQ(envelope["properties"]["resources"]["items"]["type"], "string");
  EXPECT_EQ(envelope["required"].size(), 9u);
  const Json& detail = doc["components"]["schemas"]["OrderCreated"];
  EXPECT_EQ(detail["type"], "object");
  EXPECT_EQ(detail["properties"]["orderId"]["type"], "string");
  EXPECT_EQ(detail["properties"]["amount"]["type"], "number");
  EXPECT_EQ(detail["properties"]["paid"]["type"], "boolean");
  EXPECT_EQ(detail["required"], Json::array({"amount", "orderId", "paid"}));
}

TEST(SchemaInfer, NestedObjectsAndArraysGetComponentsNamedInPascalCase) {
  Json doc = infer_openapi(order_event(
      {{"ship-to", {{"city", "Oslo"}}}, {"items", Json::array({{{"sku", "a"}}, {{"sku", "b"}, {"qty", 1.5}}})},
       {"tags", Json::array()}, {"note", nullptr}, {"at", "2026-12-01T08:00:00.5+01:00"}}));
  const Json& schemas = doc["components"]["schemas"];
  EXPECT_EQ(schemas["OrderCreated"]["properties"]["ship-to"]["$ref"], "#/components/schemas/ShipTo");
  EXPECT_EQ(schemas["ShipTo"]["properties"]["city"]["type"], "string");
  EXPECT_EQ(schemas["OrderCreated"]["properties"]["items"]["items"]["$ref"], "#/components/schemas/Items");
  // Array elements merge: sku everywhere (required), qty in one only (optional).
  EXPECT_EQ(schemas["Items"]["required"], Json::array({"sku"}));
  EXPECT_EQ(schemas["Items"]["properties"]["qty"]["format"], "double");
  EXPECT_EQ(schemas["OrderCreated"]["properties"]["tags"]["items"]["type"], "object");
  EXPECT_EQ(schemas["OrderCreated"]["properties"]["note"], Json::object());
  EXPECT_EQ(schemas["OrderCreated"]["properties"]["at"]["format"], "date-time");
}

TEST(SchemaInfer, PlainObjectBecomesEventComponent) {
  Json doc = infer_openapi(Json{{"Source", "com.mycompany.myapp"}, {"Resources", Json::array({"r1"})}});
  EXPECT_EQ(doc["info"]["title"], "Event");
  const Json& event = doc["components"]["schemas"]["Event"];
  EXPECT_EQ(event["required"], Json::array({"Resources", "Source"}));
  EXPECT_EQ(event["properties"]["Resources"]["items"]["type"], "string");
  EXPECT_FALSE(doc["components"]["schemas"].contains("AWSEvent"));
  EXPECT_THROW(infer_openapi(Json::array()), std::invalid_argument);
}

TEST(SchemaInfer, MergeAddsMembersAndTheSameStructureIsUnchanged) {
  Json first = infer_openapi(order_event({{"orderId", "o-1"}}));
  Json again = merge_openapi(first, infer_openapi(order_event({{"orderId", "o-2"}})));
  EXPECT_EQ(again, first);
  Json grown = merge_openapi(first, infer_openapi(order_event({{"orderId", "o-3"}, {"coupon", "X"}})));
  EXPECT_NE(grown, first);
  const Json& detail = grown["components"]["schemas"]["OrderCreated"];
  EXPECT_TRUE(detail["properties"].contains("coupon"));
  EXPECT_EQ(detail["required"], Json::array({"orderId"}));
  // What a grown schema already has adds nothing more.
  EXPECT_EQ(merge_openapi(grown, infer_openapi(order_event({{"orderId", "o-4"}}))), grown);
}

TEST(SchemaInfer, DateTimesAndNames) {
  EXPECT_TRUE(is_date_time("2026-12-01T08:00:00Z"));
  EXPECT_TRUE(is_date_time("2026-12-01T08:00:00.123-05:00"));
  EXPECT_FALSE(is_date_time("2026-12-01"));
  EXPECT_FALSE(is_date_time("2026-12-01T08:00:00"));
  EXPECT_EQ(pascal_name("EC2 Instance State-change Notification"), "EC2InstanceStateChangeNotification");
  EXPECT_EQ(discovered_schema_name("my/app", "order created"), "my-app@OrderCreated");
}

}  // namespace
}  // namespace nimbus::schemas
