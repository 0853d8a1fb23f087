#pragma once
// Timestamps SigV4 carries: ISO 8601 basic ("20150830T123600Z") and the HTTP Date header.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nimbus::auth {

// Seconds since the epoch of "YYYYMMDDTHHMMSSZ"; nullopt unless exactly that shape and a valid time.
std::optional<int64_t> parse_amz_date(std::string_view text);
// Seconds since the epoch of an RFC 7231 IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT").
std::optional<int64_t> parse_http_date(std::string_view text);
// "20150830T123600Z"
std::string format_amz_date(int64_t epoch_seconds);
// "2015-08-30T12:36:00Z", as S3 writes <ServerTime>.
std::string format_iso8601(int64_t epoch_seconds);

}  // namespace nimbus::auth
