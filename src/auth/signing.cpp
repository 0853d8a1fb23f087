#include "auth/signing.h"

#include <openssl/crypto.h>

#include "core/crypto.h"

namespace nimbus::auth {

std::string credential_scope(std::string_view date, std::string_view region,
                             std::string_view service) {
  std::string scope;
  scope.append(date).append("/").append(region).append("/").append(service);
  return scope + "/aws4_request";
}

std::string derive_signing_key(std::string_view secret_access_key, std::string_view date,
                               std::string_view region, std::string_view service) {
  std::string key = "AWS4";
  key.append(secret_access_key);
  key = crypto::hmac_sha256_raw(key, date);
  key = crypto::hmac_sha256_raw(key, region);
  key = crypto::hmac_sha256_raw(key, service);
  return crypto::hmac_sha256_raw(key, "aws4_request");
}

std::string sign(std::string_view signing_key, std::string_view string_to_sign) {
  return crypto::hex(crypto::hmac_sha256_raw(signing_key, string_to_sign));
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string chunk_signature(std::string_view signing_key, std::string_view amz_date,
                            std::string_view scope, std::string_view previous_signature,
                            std::string_view chunk_data) {
  std::string to_sign = "AWS4-HMAC-SHA256-PAYLOAD\n";
  to_sign.append(amz_date).append("\n").append(scope).append("\n");
  to_sign.append(previous_signature).append("\n");
  to_sign.append(crypto::sha256_hex("")).append("\n");
  to_sign.append(crypto::sha256_hex(chunk_data));
  return sign(signing_key, to_sign);
}

std::string trailer_signature(std::string_view signing_key, std::string_view amz_date,
                              std::string_view scope, std::string_view previous_signature,
                              std::string_view canonical_trailers) {
  std::string to_sign = "AWS4-HMAC-SHA256-TRAILER\n";
  to_sign.append(amz_date).append("\n").append(scope).append("\n");
  to_sign.append(previous_signature).append("\n");
  to_sign.append(crypto::sha256_hex(canonical_trailers));
  return sign(signing_key, to_sign);
}

}  // namespace nimbus::auth
