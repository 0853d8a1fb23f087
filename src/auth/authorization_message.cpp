#include "auth/authorization_message.h"

#include "core/crypto.h"

namespace nimbus::auth {
namespace {
constexpr std::string_view kMarker = "nimbus-authz-v1:";
}  // namespace

std::string encode_authorization_message(std::string_view decoded_json) {
  return std::string(kMarker) + crypto::base64_encode(decoded_json);
}

std::optional<std::string> decode_authorization_message(std::string_view encoded) {
  if (!encoded.starts_with(kMarker)) return std::nullopt;
  return crypto::base64_decode(encoded.substr(kMarker.size()));
}

}  // namespace nimbus::auth
