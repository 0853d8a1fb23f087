#pragma once
// SigV4 key derivation and HMAC signatures, including S3's chained chunk and trailer signatures.

#include <string>
#include <string_view>

namespace nimbus::auth {

// "20150830/us-east-1/service/aws4_request"
std::string credential_scope(std::string_view date, std::string_view region,
                             std::string_view service);
// Raw 32-byte kSigning = HMAC chain of "AWS4"+secret over date, region, service, "aws4_request".
std::string derive_signing_key(std::string_view secret_access_key, std::string_view date,
                               std::string_view region, std::string_view service);
// Lowercase hex HMAC-SHA256 of string_to_sign under the raw signing key.
std::string sign(std::string_view signing_key, std::string_view string_to_sign);
// Equality that takes the same time wherever the first difference is.
bool constant_time_equal(std::string_view a, std::string_view b);

// STREAMING-AWS4-HMAC-SHA256-PAYLOAD: the signature of one chunk, chained on the previous
// chunk's signature (the seed signature for the first chunk).
std::string chunk_signature(std::string_view signing_key, std::string_view amz_date,
                            std::string_view scope, std::string_view previous_signature,
                            std::string_view chunk_data);
// STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER: the signature of the trailing headers, chained on
// the final (empty) chunk's signature. canonical_trailers is "name:value\n" per trailer.
std::string trailer_signature(std::string_view signing_key, std::string_view amz_date,
                              std::string_view scope, std::string_view previous_signature,
                              std::string_view canonical_trailers);

}  // namespace nimbus::auth
