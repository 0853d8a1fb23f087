#pragma once
// Compact, build-time-generated tables of an AWS service model (tools/gen_models.py writes one
// <service>_model.cpp per service from the pinned npm aws-sdk v2 apis/ JSON, with query-protocol
// wire names overlaid from Debian's python3-botocore model). Start-up parses nothing.

#include <cstdint>
#include <span>
#include <string_view>

namespace nimbus::model {

enum class ShapeType : uint8_t {
  Structure, List, Map, String, Integer, Long, Boolean, Float, Double, Blob, Timestamp,
  Document  // any JSON, passed through unvalidated (shapes that contain themselves)
};

constexpr uint16_t kNoShape = 0xFFFF;

struct MemberDef {
  std::string_view name{};           // member name in the model ("QueueUrl")
  uint16_t shape{};                  // index into ServiceModel::shapes
  std::string_view location{};       // "" (body), "header", "headers", "querystring", "uri", "statusCode"
  std::string_view location_name{};  // wire name if different from `name` ("" = name)
  std::string_view query_name{};     // ec2-style queryName ("" = none)
  bool flattened{};                  // member-level flattened (xml/query)
  bool xml_attribute{};
  bool required{};
  bool streaming{};                  // streaming blob payload
  bool idempotency_token{};
  bool host_label{};
  bool event_payload{};              // the member of an event carried as the message's payload
  std::string_view timestamp_format{};  // "" = protocol default
  std::string_view xml_namespace_uri{};  // xmlNamespace.uri on the member, if any
  std::string_view xml_namespace_prefix{};

  std::string_view wire_name() const { return location_name.empty() ? name : location_name; }
};

struct ShapeDef {
  std::string_view name{};  // shape name ("" for inline shapes of the minified model)
  ShapeType type{};
  // Structure: members [first_member, first_member + member_count) of ServiceModel::members.
  uint32_t first_member{};
  uint16_t member_count{};
  // List: member shape; Map: key and value shapes.
  uint16_t list_member{};
  uint16_t map_key{};
  uint16_t map_value{};
  std::string_view list_member_name{};  // locationName of a list's member ("" = "member")
  std::string_view map_key_name{};      // "" = "key"
  std::string_view map_value_name{};    // "" = "value"
  bool flattened{};
  bool has_min{}, has_max{};
  int64_t min{}, max{};
  std::string_view enum_values{};  // '\n'-separated; "" = not an enum
  std::string_view payload{};      // structure's payload member name ("" = none)
  std::string_view location_name{};  // xml element name of a payload structure / rest-xml output root
  std::string_view xml_namespace{};  // xmlNamespace.uri of a payload structure
  std::string_view timestamp_format{};
  bool streaming{};
  bool event_stream{};  // a union of events sent as application/vnd.amazon.eventstream messages
  bool is_error{};
  std::string_view error_code{};  // error.code ("AWS.SimpleQueueService.NonExistentQueue")
  uint16_t error_status{};        // error.httpStatusCode (0 = unset)
  bool error_sender_fault{};
};

struct OperationDef {
  std::string_view name{};
  std::string_view http_method{};
  std::string_view request_uri{};  // "/{Bucket}/{Key+}?uploads"
  uint16_t input{};                // kNoShape = none
  uint16_t output{};               // kNoShape = none
  std::string_view result_wrapper{};  // query: <...Result> element
  uint16_t http_status{};             // responseCode, 0 = 200
  std::string_view input_location_name{};  // rest-xml: input payload element name
  std::string_view input_xml_namespace{};
  // A deprecated operation sharing its request line with a current one (S3 PutBucketLifecycle
  // vs PutBucketLifecycleConfiguration) loses ties when matching rest requests.
  bool deprecated{};
};

struct ServiceModel {
  std::string_view name{};          // "sqs"
  std::string_view protocol{};      // "json", "query", "rest-xml", "rest-json"
  std::string_view api_version{};   // "2012-11-05"
  std::string_view target_prefix{}; // "AmazonSQS"
  std::string_view json_version{};  // "1.0"
  std::string_view xml_namespace{}; // query responses' xmlns; rest-xml: its bodies' xmlns
  std::string_view signing_name{};  // SigV4 service name ("sqs", "s3")
  bool aws_query_compatible{};
  std::span<const ShapeDef> shapes{};
  std::span<const MemberDef> members{};
  std::span<const OperationDef> operations{};  // sorted by name

  const OperationDef* find_operation(std::string_view operation_name) const;
  const ShapeDef& shape(uint16_t index) const { return shapes[index]; }
  std::span<const MemberDef> members_of(const ShapeDef& s) const {
    return members.subspan(s.first_member, s.member_count);
  }
  // A shape by its model name (error shapes); nullptr if absent.
  const ShapeDef* find_shape(std::string_view shape_name) const;
};

// One accessor per generated model.
const ServiceModel& sqs_model();
const ServiceModel& s3_model();
const ServiceModel& sts_model();
const ServiceModel& lambda_model();
const ServiceModel& logs_model();
const ServiceModel& events_model();
const ServiceModel& scheduler_model();
const ServiceModel& schemas_model();
const ServiceModel& dynamodb_model();
const ServiceModel& dynamodbstreams_model();
const ServiceModel& apigateway_model();
const ServiceModel& apigatewayv2_model();
const ServiceModel& glue_model();
const ServiceModel& athena_model();

}  // namespace nimbus::model
