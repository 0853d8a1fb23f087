#pragma once
// The model-driven protocol layer: turns an HTTP request into (operation, decoded input) and an
// output value or AwsError back into an HTTP response, for the five AWS wire protocols.
// Decoded values are nlohmann::json shaped by the model (see src/protocol/README.md):
//   structure -> object keyed by member name, list -> array, map -> object,
//   string/enum -> string, integer/long -> integer, float/double -> number, boolean -> bool,
//   blob -> string of raw (decoded) bytes, timestamp -> number of seconds since epoch (may be fractional).
// Handlers never see wire names, flattening, base64 or XML.

#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>
#include <string_view>

#include "core/aws_error.h"
#include "protocol/model.h"

namespace nimbus::protocol {

namespace http = boost::beast::http;
using HttpRequest = http::request<http::string_body>;
using HttpResponse = http::response<http::string_body>;
using Json = nlohmann::json;

enum class Wire { Query, Json, RestJson, RestXml };

struct OperationCall {
  const model::OperationDef* operation = nullptr;
  Json input;
};

// Finds the operation (Action= for query, X-Amz-Target for json, method + path for rest-*),
// decodes and validates the input against the model. Throws AwsError (InvalidAction /
// UnknownOperationException, MissingParameter, InvalidParameterValue, SerializationException...).
OperationCall decode_request(const model::ServiceModel& service, Wire wire, const HttpRequest& request);

// Encodes a handler's output value. `request_id` goes into ResponseMetadata / x-amzn-RequestId.
HttpResponse encode_response(const model::ServiceModel& service, Wire wire,
                             const model::OperationDef& operation, const Json& output,
                             std::string_view request_id, unsigned http_version, bool keep_alive);

// Encodes an error the way `wire` does (query <ErrorResponse>, json __type + x-amzn-query-error,
// rest-xml <Error>); `service` may be null when the service could not be determined.
HttpResponse encode_error(const model::ServiceModel* service, Wire wire, const AwsError& error,
                          std::string_view request_id, unsigned http_version, bool keep_alive);

}  // namespace nimbus::protocol
