// decode_request / encode_response: dispatch to the codec of each wire protocol.
#include "protocol/protocol.h"

#include "protocol/codecs.h"

namespace nimbus::protocol {
namespace {

std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

std::string_view query_of(std::string_view target) {
  size_t question = target.find('?');
  return question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
}

}  // namespace

Wire wire_of(const model::ServiceModel& service) {
  if (service.protocol == "query") return Wire::Query;
  if (service.protocol == "rest-xml") return Wire::RestXml;
  if (service.protocol == "rest-json") return Wire::RestJson;
  return Wire::Json;
}

OperationCall decode_request(const model::ServiceModel& service, Wire wire, const HttpRequest& request) {
  switch (wire) {
    case Wire::Query:
      return detail::decode_query(service, request);
    case Wire::Json:
      return detail::decode_json(service, request);
    case Wire::RestXml:
    case Wire::RestJson: {
      std::string_view target = request.target();
      const model::OperationDef* operation = match_rest_operation(
          service, request.method_string(), path_of(target), query_of(target), &request.base());
      if (operation == nullptr) {
        if (wire == Wire::RestXml) {
          throw AwsError(405, "MethodNotAllowed", "The specified method is not allowed against this resource.");
        }
        throw AwsError::unknown_operation("No operation matches " + std::string(request.method_string()) + " " +
                                          std::string(path_of(target)) + ".");
      }
      return decode_rest_request(service, wire, *operation, target, request.base(), request.body());
    }
  }
  throw AwsError::internal();
}

HttpResponse encode_response(const model::ServiceModel& service, Wire wire, const model::OperationDef& operation,
                             const Json& output, std::string_view request_id, unsigned http_version,
                             bool keep_alive) {
  HttpResponse response;
  switch (wire) {
    case Wire::Query: response = detail::encode_query(service, operation, output, request_id); break;
    case Wire::Json: response = detail::encode_json(service, operation, output, request_id); break;
    case Wire::RestXml:
    case Wire::RestJson: response = detail::encode_rest(service, wire, operation, output, request_id); break;
  }
  response.version(http_version);
  response.keep_alive(keep_alive);
  return response;
}

}  // namespace nimbus::protocol
