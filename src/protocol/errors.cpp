// Error responses for every wire protocol, and the headers common to all responses.
#include "protocol/codecs.h"
#include "protocol/xml_writer.h"

#include <zlib.h>

namespace nimbus::protocol {
namespace detail {
namespace {

// Errors raised by AWS' request framework itself rather than by the service.
bool is_framework_error(std::string_view code) {
  return code == "SerializationException" || code == "UnknownOperationException";
}

std::string json_type(const model::ServiceModel* service, const AwsError& error) {
  if (service == nullptr || is_framework_error(error.code)) {
    return "com.amazon.coral.service#" + error.code;
  }
  // DynamoDB's Coral namespace carries its API version, as its clients see it.
  if (service->name == "dynamodb" || service->name == "dynamodbstreams") {
    return "com.amazonaws." + std::string(service->name) + ".v20120810#" + error.code;
  }
  return "com.amazonaws." + std::string(service->name) + "#" + error.code;
}

http::status status_of(const AwsError& error) {
  return static_cast<http::status>(error.http_status > 0 ? error.http_status : 500);
}

}  // namespace

void finish_response(HttpResponse& response, std::string_view content_type, std::string_view request_id) {
  if (!content_type.empty()) response.set(http::field::content_type, content_type);
  response.set("x-amzn-RequestId", request_id);
  response.prepare_payload();
}

void add_body_crc32(const model::ServiceModel& service, HttpResponse& response) {
  if (service.name != "dynamodb" && service.name != "dynamodbstreams") return;
  const std::string& body = response.body();
  response.set("x-amz-crc32", std::to_string(crc32(0L, reinterpret_cast<const Bytef*>(body.data()),
                                                    static_cast<uInt>(body.size()))));
}

HttpResponse encode_json_error(const model::ServiceModel* service, const AwsError& error,
                               std::string_view request_id) {
  HttpResponse response{status_of(error), 11};
  Json body = {{"__type", json_type(service, error)}, {"message", error.message}};
  for (const auto& [name, text] : error.json_members) body[name] = Json::parse(text);
  response.body() = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (service != nullptr && service->aws_query_compatible) {
    response.set("x-amzn-query-error",
                 error.wire_query_code() + (error.sender_fault ? ";Sender" : ";Receiver"));
  }
  std::string version = service && !service->json_version.empty() ? std::string(service->json_version) : "1.0";
  finish_response(response, "application/x-amz-json-" + version, request_id);
  if (service != nullptr) add_body_crc32(*service, response);
  return response;
}

HttpResponse encode_rest_json_error(const model::ServiceModel* service, const AwsError& error,
                                    std::string_view request_id) {
  HttpResponse response{status_of(error), 11};
  Json body = {{"__type", error.code}, {"message", error.message}};
  // Members an error shape adds (Lambda's TooManyRequestsException "Reason").
  for (const auto& [name, value] : error.extra) body[name] = value;
  response.body() = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  response.set("x-amzn-ErrorType", error.code);
  finish_response(response, "application/json", request_id);
  return response;
}

HttpResponse encode_rest_xml_error(const AwsError& error, std::string_view request_id) {
  XmlWriter writer;
  writer.declaration();
  writer.start("Error");
  writer.element("Code", error.code);
  writer.element("Message", error.message);
  for (const auto& [name, value] : error.extra) writer.element(name, value);
  writer.element("RequestId", request_id);
  writer.end();
  HttpResponse response{status_of(error), 11};
  response.body() = writer.take();
  response.set("x-amz-request-id", request_id);
  finish_response(response, "application/xml", request_id);
  return response;
}

}  // namespace detail

HttpResponse encode_error(const model::ServiceModel* service, Wire wire, const AwsError& error,
                          std::string_view request_id, unsigned http_version, bool keep_alive) {
  HttpResponse response;
  switch (wire) {
    case Wire::Query: response = detail::encode_query_error(service, error, request_id); break;
    case Wire::Json: response = detail::encode_json_error(service, error, request_id); break;
    case Wire::RestJson: response = detail::encode_rest_json_error(service, error, request_id); break;
    case Wire::RestXml: response = detail::encode_rest_xml_error(error, request_id); break;
  }
  response.version(http_version);
  response.keep_alive(keep_alive);
  return response;
}

}  // namespace nimbus::protocol
