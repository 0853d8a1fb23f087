#pragma once
// Internal entry points of each wire protocol's codec; protocol.cpp and errors.cpp dispatch to
// them. Not for use outside src/protocol/ (see protocol.h for the public API).

#include <string_view>

#include "protocol/protocol.h"

namespace nimbus::protocol::detail {

OperationCall decode_query(const model::ServiceModel& service, const HttpRequest& request);
HttpResponse encode_query(const model::ServiceModel& service, const model::OperationDef& operation,
                          const Json& output, std::string_view request_id);
HttpResponse encode_query_error(const model::ServiceModel* service, const AwsError& error,
                                std::string_view request_id);

OperationCall decode_json(const model::ServiceModel& service, const HttpRequest& request);
HttpResponse encode_json(const model::ServiceModel& service, const model::OperationDef& operation,
                         const Json& output, std::string_view request_id);
HttpResponse encode_json_error(const model::ServiceModel* service, const AwsError& error,
                               std::string_view request_id);

// JSON bodies, shared with rest_json_codec.cpp. awsJson keys members by name only (the query
// locationNames overlaid on awsQueryCompatible models are not JSON keys); rest-json by wire name.
Json json_body_to_value(const model::ServiceModel& service, const model::ShapeDef& structure,
                        const Json& body, bool by_location_name);
Json value_to_json_body(const model::ServiceModel& service, const model::ShapeDef& structure,
                        const Json& value, bool by_location_name);

// rest bodies. decode_*: the decoded value of `shape` (a structure) from a non-empty body; throw
// MalformedXML / SerializationException (rest-xml: also when `root` is given and the document's
// root element is named otherwise). encode_*: the body text of `value`.
Json decode_rest_xml_body(const model::ServiceModel& service, const model::ShapeDef& shape,
                          std::string_view body, std::string_view root = {});
std::string encode_rest_xml_body(const model::ServiceModel& service, std::string_view root,
                                 std::string_view xmlns, const model::ShapeDef& shape,
                                 const Json& value);
Json decode_rest_json_body(const model::ServiceModel& service, const model::ShapeDef& shape,
                           std::string_view body);
std::string encode_rest_json_body(const model::ServiceModel& service, const model::ShapeDef& shape,
                                  const Json& value);

// A full rest response: encode_rest_head plus the payload / body members.
HttpResponse encode_rest(const model::ServiceModel& service, Wire wire,
                         const model::OperationDef& operation, const Json& output,
                         std::string_view request_id);

HttpResponse encode_rest_xml_error(const AwsError& error, std::string_view request_id);
HttpResponse encode_rest_json_error(const model::ServiceModel* service, const AwsError& error,
                                    std::string_view request_id);

// Sets the headers every response carries (request id, content type, length).
void finish_response(HttpResponse& response, std::string_view content_type,
                     std::string_view request_id);
// DynamoDB's answers carry x-amz-crc32, the CRC32 of the body, which its SDKs check when present.
void add_body_crc32(const model::ServiceModel& service, HttpResponse& response);

}  // namespace nimbus::protocol::detail
