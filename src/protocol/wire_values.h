#pragma once
// Model-driven scalar conversions shared by every codec: the text form of a shape's value and
// back, timestamps in a model's timestampFormat. The plain text helpers (numbers, dates,
// percent-encoding, form parsing) are in core/text.h.

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "protocol/model.h"

namespace nimbus::protocol::wire {

// Formats for `format` ("iso8601", "rfc822", "unixTimestamp"); "" = `fallback`.
nlohmann::json format_timestamp(double seconds, std::string_view format, std::string_view fallback);

// Converts the text form of a scalar (query parameter, header, XML text) to the decoded value of
// `shape`; nullopt when the text does not parse. Blobs are base64 unless `raw_blob`.
std::optional<nlohmann::json> scalar_from_text(const model::ShapeDef& shape, std::string_view text,
                                               bool raw_blob = false);
// The text form of a decoded scalar: blobs base64, timestamps per `timestamp_format`
// ("" = iso8601), floats with no trailing noise.
std::string scalar_to_text(const model::ShapeDef& shape, const nlohmann::json& value,
                           std::string_view timestamp_format = {});

bool is_scalar(model::ShapeType type);

}  // namespace nimbus::protocol::wire
