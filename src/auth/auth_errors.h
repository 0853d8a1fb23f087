#pragma once
// The AwsErrors authentication fails with, coded and worded as AWS does in each dialect.

#include <cstdint>
#include <string_view>

#include "auth/request.h"
#include "core/aws_error.h"

namespace nimbus::auth::errors {

// Malformed SigV4 data. S3: AuthorizationHeaderMalformed, or AuthorizationQueryParametersError
// when presigned, with s3_message. Others: IncompleteSignature with message.
AwsError malformed(Dialect dialect, bool presigned, std::string_view s3_message,
                   std::string_view message);
// Header-signed request without a usable X-Amz-Date or Date header.
AwsError missing_date(Dialect dialect, std::string_view authorization);
// S3 refuses non-SigV4 Authorization schemes this way.
AwsError unsupported_authorization(std::string_view authorization);
// The credential scope's date is not the day of X-Amz-Date.
AwsError scope_date_mismatch(Dialect dialect, bool presigned, std::string_view scope_date,
                             std::string_view amz_date);
AwsError unknown_access_key(Dialect dialect, std::string_view access_key_id);
// Temporary credentials used past their expiry: ExpiredToken (S3 400, others 403).
AwsError expired_token(Dialect dialect);
// A temporary key sent without its session token or with another one.
AwsError invalid_security_token(Dialect dialect);
AwsError signature_mismatch(Dialect dialect, std::string_view access_key_id,
                            std::string_view string_to_sign, std::string_view signature,
                            std::string_view canonical_request);
// Header-signed request whose time is more than 15 minutes from now (times in epoch seconds).
AwsError clock_skew(Dialect dialect, int64_t request_time, int64_t now);
// Presigned URL used after X-Amz-Date + X-Amz-Expires.
AwsError presign_expired(Dialect dialect, int64_t signed_at, int64_t expires_seconds, int64_t now);
// S3: the x-amz-content-sha256 header does not match the body received.
AwsError content_sha256_mismatch(std::string_view claimed, std::string_view computed);
// S3: header-signed requests must carry x-amz-content-sha256.
AwsError missing_content_sha256();

}  // namespace nimbus::auth::errors
