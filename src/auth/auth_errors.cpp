#include "auth/auth_errors.h"

#include <string>

#include "auth/amz_date.h"

namespace nimbus::auth::errors {
namespace {

constexpr int64_t kMaxSkewSeconds = 15 * 60;

}  // namespace

AwsError malformed(Dialect dialect, bool presigned, std::string_view s3_message,
                   std::string_view message) {
  if (dialect == Dialect::kS3) {
    return {400, presigned ? "AuthorizationQueryParametersError" : "AuthorizationHeaderMalformed",
            std::string(s3_message)};
  }
  return {400, "IncompleteSignature", std::string(message)};
}

AwsError missing_date(Dialect dialect, std::string_view authorization) {
  if (dialect == Dialect::kS3) {
    return {403, "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header"};
  }
  return {400, "IncompleteSignature",
          "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
          "Authorization=" +
              std::string(authorization)};
}

AwsError unsupported_authorization(std::string_view authorization) {
  AwsError error(400, "InvalidArgument", "Unsupported Authorization Type");
  error.extra = {{"ArgumentName", "Authorization"}, {"ArgumentValue", std::string(authorization)}};
  return error;
}

AwsError scope_date_mismatch(Dialect dialect, bool presigned, std::string_view scope_date,
                             std::string_view amz_date) {
  if (dialect == Dialect::kS3) {
    const std::string detail = "Invalid credential date. Date is not the same as X-Amz-Date.";
    return malformed(dialect, presigned,
                     presigned ? detail : "The authorization header is malformed; " + detail, "");
  }
  return {403, "SignatureDoesNotMatch",
          "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
          "HTTP: '" + std::string(scope_date) + "' != '" + std::string(amz_date.substr(0, 8)) +
              "', from '" + std::string(amz_date) + "'."};
}

AwsError unknown_access_key(Dialect dialect, std::string_view access_key_id) {
  if (dialect == Dialect::kS3) {
    AwsError error(403, "InvalidAccessKeyId",
                   "The AWS Access Key Id you provided does not exist in our records.");
    error.extra = {{"AWSAccessKeyId", std::string(access_key_id)}};
    return error;
  }
  return {403, "InvalidClientTokenId", "The security token included in the request is invalid."};
}

AwsError expired_token(Dialect dialect) {
  if (dialect == Dialect::kS3) return {400, "ExpiredToken", "The provided token has expired."};
  return {403, "ExpiredToken", "The security token included in the request is expired"};
}

AwsError invalid_security_token(Dialect dialect) {
  if (dialect == Dialect::kS3) {
    return {400, "InvalidToken", "The provided token is malformed or otherwise invalid."};
  }
  return {403, "InvalidClientTokenId", "The security token included in the request is invalid."};
}

AwsError signature_mismatch(Dialect dialect, std::string_view access_key_id,
                            std::string_view string_to_sign, std::string_view signature,
                            std::string_view canonical_request) {
  if (dialect == Dialect::kS3) {
    AwsError error(403, "SignatureDoesNotMatch",
                   "The request signature we calculated does not match the signature you "
                   "provided. Check your key and signing method.");
    error.extra = {{"AWSAccessKeyId", std::string(access_key_id)},
                   {"StringToSign", std::string(string_to_sign)},
                   {"SignatureProvided", std::string(signature)},
                   {"CanonicalRequest", std::string(canonical_request)}};
    return error;
  }
  return {403, "SignatureDoesNotMatch",
          "The request signature we calculated does not match the signature you provided. Check "
          "your AWS Secret Access Key and signing method. Consult the service documentation for "
          "details."};
}

AwsError clock_skew(Dialect dialect, int64_t request_time, int64_t now) {
  if (dialect == Dialect::kS3) {
    AwsError error(403, "RequestTimeTooSkewed",
                   "The difference between the request time and the current time is too large.");
    error.extra = {{"RequestTime", format_amz_date(request_time)},
                   {"ServerTime", format_iso8601(now)},
                   {"MaxAllowedSkewMilliseconds", std::to_string(kMaxSkewSeconds * 1000)}};
    return error;
  }
  const std::string message =
      request_time < now
          ? "Signature expired: " + format_amz_date(request_time) + " is now earlier than " +
                format_amz_date(now - kMaxSkewSeconds) + " (" + format_amz_date(now) +
                " - 15 min.)"
          : "Signature not yet current: " + format_amz_date(request_time) +
                " is still later than " + format_amz_date(now + kMaxSkewSeconds) + " (" +
                format_amz_date(now) + " + 15 min.)";
  return {400, "RequestExpired", message};
}

AwsError presign_expired(Dialect dialect, int64_t signed_at, int64_t expires_seconds,
                         int64_t now) {
  if (dialect == Dialect::kS3) {
    AwsError error(403, "AccessDenied", "Request has expired");
    error.extra = {{"X-Amz-Expires", std::to_string(expires_seconds)},
                   {"Expires", format_iso8601(signed_at + expires_seconds)},
                   {"ServerTime", format_iso8601(now)}};
    return error;
  }
  return {400, "RequestExpired", "Request has expired."};
}

AwsError content_sha256_mismatch(std::string_view claimed, std::string_view computed) {
  AwsError error(400, "XAmzContentSHA256Mismatch",
                 "The provided 'x-amz-content-sha256' header does not match what was computed.");
  error.extra = {{"ClientComputedContentSHA256", std::string(claimed)},
                 {"S3ComputedContentSHA256", std::string(computed)}};
  return error;
}

AwsError missing_content_sha256() {
  return {400, "InvalidRequest", "Missing required header for this request: x-amz-content-sha256"};
}

}  // namespace nimbus::auth::errors
