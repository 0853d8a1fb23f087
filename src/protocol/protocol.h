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
#include <optional>
#include <string_view>

#include "core/aws_error.h"
#include "core/http_message.h"
#include "protocol/model.h"

namespace nimbus::protocol {

namespace http = boost::beast::http;
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

// The wire protocol a model speaks natively ("query", "json", "rest-xml", "rest-json").
Wire wire_of(const model::ServiceModel& service);

// --- rest-xml / rest-json pieces for services that stream bodies (S3) ---------------------------

// The operation whose http method + requestUri template matches a path-style request: `path` as
// on the request line (percent-encoded, "/bucket/my%20key"), `query` without the '?'. Query
// literals in the template ("?uploads", "?list-type=2") must be present; among matches the most
// specific wins (more query literals, then more required querystring/header members present,
// then more literal path segments). Required querystring and header members must be present
// (`headers` nullptr = no headers). nullptr when nothing matches.
const model::OperationDef* match_rest_operation(const model::ServiceModel& service,
                                                std::string_view method, std::string_view path,
                                                std::string_view query,
                                                const http::fields* headers = nullptr);

// Decodes a rest request for a matched `operation`: uri labels, querystring, headers, the
// `headers` prefix map (x-amz-meta-*, keys lower-cased) and the body. `body` nullopt means the
// caller streams it: a blob payload member is then left absent (a structure payload still needs
// the body). Validates like decode_request.
OperationCall decode_rest_request(const model::ServiceModel& service, Wire wire,
                                  const model::OperationDef& operation, std::string_view target,
                                  const http::fields& headers, std::optional<std::string_view> body);

// Status and header members of a rest output (Content-Type / Content-Length untouched unless
// they are output members), for callers that write a streamed body themselves.
void encode_rest_head(const model::ServiceModel& service, const model::OperationDef& operation,
                      const Json& output, http::response_header<>& head);

}  // namespace nimbus::protocol
