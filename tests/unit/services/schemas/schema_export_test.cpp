// OpenAPI 3 → JSON Schema draft 4 (schema_export.h), as ExportSchema answers it.
#include "services/schemas/schema_export.h"

#include <gtest/gtest.h>

#include "services/schemas/schema_infer.h"

namespace nimbus::schemas {
namespace {

TEST(SchemaExport, AwsEventBecomesRootAndComponentsBecomeDefinitions) {
  Json event = {{"detail-type", "Order Created"}, {"source", "shop"}, {"detail", {{"address", {{"zip", "1"}}}}}};
  Json out = openapi_to_draft4(infer_openapi(event));
  EXPECT_EQ(out["$schema"], "http://json-schema.org/draft-04/schema#");
  EXPECT_EQ(out["title"], "OrderCreated");
  EXPECT_EQ(out["x-amazon-events-source"], "shop");
  EXPECT_EQ(out["properties"]["detail"]["$ref"], "#/definitions/OrderCreated");
  EXPECT_EQ(out["definitions"]["OrderCreated"]["properties"]["address"]["$ref"], "#/definitions/Address");
  EXPECT_EQ(out["definitions"]["Address"]["properties"]["zip"]["type"], "string");
  EXPECT_FALSE(out["definitions"].contains("AWSEvent"));
  EXPECT_FALSE(out.contains("components"));
}

TEST(SchemaExport, TitledComponentIsRootAndNullableBecomesATypeList) {
  Json doc = {{"openapi", "3.0.0"},
              {"info", {{"title", "Thing"}, {"version", "1.0.0"}}},
              {"paths", Json::object()},
              {"components",
               {{"schemas",
                 {{"Other", {{"type", "object"}}},
                  {"Thing", {{"type", "object"}, {"properties", {{"n", {{"type", "string"}, {"nullable", true}}}}}}}}}}}};
  Json out = openapi_to_draft4(doc);
  EXPECT_EQ(out["title"], "Thing");
  EXPECT_EQ(out["properties"]["n"]["type"], Json::array({"string", "null"}));
  EXPECT_FALSE(out["properties"]["n"].contains("nullable"));
  EXPECT_TRUE(out["definitions"].contains("Other"));
  EXPECT_THROW(openapi_to_draft4(Json{{"openapi", "3.0.0"}}), std::invalid_argument);
}

}  // namespace
}  // namespace nimbus::schemas
