#pragma once
// Encoded authorization messages: the opaque text an access-denied error may carry, which STS
// DecodeAuthorizationMessage turns back into its JSON. nimbus's encoding is not encrypted, only
// marked: "nimbus-authz-v1:" + base64 of the JSON document.

#include <optional>
#include <string>
#include <string_view>

namespace nimbus::auth {

std::string encode_authorization_message(std::string_view decoded_json);
// nullopt when `encoded` is not a message encode_authorization_message produced.
std::optional<std::string> decode_authorization_message(std::string_view encoded);

}  // namespace nimbus::auth
