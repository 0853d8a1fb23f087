#pragma once
// Text <-> value conversions every layer may use, all without exceptions on malformed input:
// integers, doubles and booleans, timestamps (ISO-8601, HTTP dates, epoch seconds),
// percent-encoding and x-www-form-urlencoded parsing.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nimbus::text {

std::optional<int64_t> parse_integer(std::string_view text);
std::optional<double> parse_double(std::string_view text);
// "true" / "false" in any case, as AWS reads them (botocore before 1.31 sends "True").
std::optional<bool> parse_boolean(std::string_view text);

// Seconds since the epoch from ISO-8601 ("2023-01-02T03:04:05.678Z", offsets allowed),
// RFC-822/IMF-fixdate ("Mon, 02 Jan 2023 03:04:05 GMT") or a decimal epoch number.
std::optional<double> parse_timestamp(std::string_view text);
// "2023-01-02T03:04:05.678Z" (milliseconds only when non-zero).
std::string format_iso8601(double seconds);
// "Mon, 02 Jan 2023 03:04:05 GMT".
std::string format_http_date(double seconds);

// %XX decoding; `plus_is_space` for form bodies. nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);
// RFC 3986 unreserved characters kept, everything else %XX (uppercase); '/' kept if `keep_slash`.
std::string percent_encode(std::string_view text, bool keep_slash);

using Params = std::vector<std::pair<std::string, std::string>>;
// Splits and decodes "a=1&b=2" (form or query string). nullopt on a malformed escape.
std::optional<Params> parse_form(std::string_view text);

}  // namespace nimbus::text
