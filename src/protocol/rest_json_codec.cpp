// rest-json bodies: JSON objects keyed by member (locationName) with the json codec's values.
#include "protocol/codecs.h"

namespace nimbus::protocol::detail {

Json decode_rest_json_body(const model::ServiceModel& service, const model::ShapeDef& shape,
                           std::string_view body) {
  Json parsed = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    throw AwsError::serialization("Malformed JSON request body.");
  }
  return json_body_to_value(service, shape, parsed, true);
}

std::string encode_rest_json_body(const model::ServiceModel& service, const model::ShapeDef& shape,
                                  const Json& value) {
  return value_to_json_body(service, shape, value, true).dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace nimbus::protocol::detail
