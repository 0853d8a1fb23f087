#pragma once
// Digests, HMAC and encodings over OpenSSL, shared by every layer (SigV4, SQS MD5s, S3 ETags).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nimbus::crypto {

std::string md5_raw(std::string_view data);
std::string sha256_raw(std::string_view data);
std::string sha1_raw(std::string_view data);
std::string hmac_sha256_raw(std::string_view key, std::string_view data);

std::string hex(std::string_view raw);
std::string md5_hex(std::string_view data);
std::string sha256_hex(std::string_view data);

std::string base64_encode(std::string_view raw);
// nullopt on malformed input (bad alphabet, bad padding).
std::optional<std::string> base64_decode(std::string_view text);

// Cryptographically random bytes.
std::string random_bytes(size_t count);

}  // namespace nimbus::crypto
