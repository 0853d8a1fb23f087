#include <gtest/gtest.h>

#include <algorithm>

#include "protocol/model.h"

namespace nimbus::model {
namespace {

TEST(Model, SqsMetadataComesFromV2ModelWithQueryNamespaceOverlay) {
  const ServiceModel& m = sqs_model();
  EXPECT_EQ(m.protocol, "json");
  EXPECT_EQ(m.target_prefix, "AmazonSQS");
  EXPECT_EQ(m.json_version, "1.0");
  EXPECT_TRUE(m.aws_query_compatible);
  EXPECT_EQ(m.xml_namespace, "http://queue.amazonaws.com/doc/2012-11-05/");
  EXPECT_EQ(m.operations.size(), 23u);
}

TEST(Model, OperationsAreSortedAndFoundByBinarySearch) {
  for (const ServiceModel* m : {&sqs_model(), &s3_model()}) {
    EXPECT_TRUE(std::is_sorted(m->operations.begin(), m->operations.end(),
                               [](const OperationDef& a, const OperationDef& b) { return a.name < b.name; }));
    for (const OperationDef& op : m->operations) EXPECT_EQ(m->find_operation(op.name), &op);
    EXPECT_EQ(m->find_operation("Nope"), nullptr);
    EXPECT_EQ(m->find_operation(""), nullptr);
  }
}

TEST(Model, QueryWireNamesAreOverlaidFromBotocore) {
  const ServiceModel& m = sqs_model();
  const OperationDef* create = m.find_operation("CreateQueue");
  auto members = m.members_of(m.shape(create->input));
  auto attributes = std::find_if(members.begin(), members.end(), [](const MemberDef& x) { return x.name == "Attributes"; });
  ASSERT_NE(attributes, members.end());
  EXPECT_EQ(attributes->wire_name(), "Attribute");
  const ShapeDef& map = m.shape(attributes->shape);
  EXPECT_TRUE(map.flattened);
  EXPECT_EQ(map.map_key_name, "Name");
  EXPECT_EQ(map.map_value_name, "Value");
  EXPECT_NE(m.shape(map.map_key).enum_values.find("VisibilityTimeout"), std::string_view::npos);
  EXPECT_EQ(create->result_wrapper, "CreateQueueResult");
}

TEST(Model, ErrorShapesCarryQueryCodes) {
  const ShapeDef* missing = sqs_model().find_shape("QueueDoesNotExist");
  ASSERT_NE(missing, nullptr);
  EXPECT_TRUE(missing->is_error);
  EXPECT_EQ(missing->error_code, "AWS.SimpleQueueService.NonExistentQueue");
  EXPECT_EQ(missing->error_status, 400);
  EXPECT_TRUE(missing->error_sender_fault);
  EXPECT_EQ(sqs_model().find_shape("NoSuchShape"), nullptr);
  EXPECT_NE(s3_model().find_shape("NoSuchKey"), nullptr);
}

TEST(Model, S3RestMetadata) {
  const ServiceModel& m = s3_model();
  EXPECT_EQ(m.protocol, "rest-xml");
  EXPECT_EQ(m.xml_namespace, "http://s3.amazonaws.com/doc/2006-03-01/");
  const OperationDef* list = m.find_operation("ListObjectsV2");
  EXPECT_EQ(list->request_uri, "/{Bucket}?list-type=2");
  EXPECT_EQ(m.shape(list->output).location_name, "ListBucketResult");
  EXPECT_EQ(m.find_operation("DeleteObject")->http_status, 204);
}

}  // namespace
}  // namespace nimbus::model
