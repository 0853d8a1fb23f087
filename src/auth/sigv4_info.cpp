#include "auth/sigv4_info.h"

#include <cctype>
#include <charconv>
#include <string>

#include "auth/amz_date.h"
#include "auth/auth_errors.h"
#include "auth/canonical.h"
#include "auth/signing.h"

namespace nimbus::auth {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr int64_t kMaxPresignExpires = 604800;
constexpr std::string_view kCredentialShape =
    "the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".";

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// Fills the scope fields of `info` from "AKID/date/region/service/aws4_request".
void parse_credential(std::string_view credential, Dialect dialect, bool presigned,
                      SigV4Info& info) {
  const std::string s3_message =
      presigned ? "Error parsing the X-Amz-Credential parameter; " + std::string(kCredentialShape)
                : "The authorization header is malformed; " + std::string(kCredentialShape);
  auto parts = split(credential, '/');
  if (parts.size() != 5) {
    throw errors::malformed(dialect, presigned, s3_message,
                            "Credential must have exactly 5 slash-delimited elements, e.g. "
                            "keyid/date/region/service/term, got '" +
                                std::string(credential) + "'");
  }
  if (parts[4] != "aws4_request") {
    throw errors::malformed(dialect, presigned, s3_message,
                            "Credential should be scoped with a valid terminator: 'aws4_request', "
                            "not '" + std::string(parts[4]) + "'.");
  }
  for (auto part : parts) {
    if (part.empty()) {
      throw errors::malformed(dialect, presigned, s3_message,
                              "Credential must have non-empty elements, got '" +
                                  std::string(credential) + "'");
    }
  }
  info.access_key_id = parts[0];
  info.date = parts[1];
  info.region = parts[2];
  info.service = parts[3];
}

std::vector<std::string> parse_signed_headers(std::string_view list) {
  std::vector<std::string> names;
  for (auto name : split(list, ';')) {
    std::string lower(trim(name));
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    names.push_back(std::move(lower));
  }
  return names;
}

SigV4Info parse_header(const SignedRequest& request, std::string_view authorization,
                       Dialect dialect) {
  authorization = trim(authorization);
  const size_t space = authorization.find(' ');
  const std::string_view scheme = authorization.substr(0, space);
  if (dialect == Dialect::kS3 && scheme != kAlgorithm) {
    throw errors::unsupported_authorization(authorization);
  }
  std::optional<std::string_view> credential, signed_headers, signature;
  if (scheme == kAlgorithm && space != std::string_view::npos) {
    for (auto component : split(authorization.substr(space + 1), ',')) {
      component = trim(component);
      const size_t eq = component.find('=');
      const std::string_view key = component.substr(0, eq);
      const std::string_view value =
          eq == std::string_view::npos ? std::string_view{} : component.substr(eq + 1);
      if (key == "Credential") credential = value;
      if (key == "SignedHeaders") signed_headers = value;
      if (key == "Signature") signature = value;
    }
  }
  if (!credential || !signed_headers || !signature) {
    std::string message;
    if (!credential) message += "Authorization header requires 'Credential' parameter. ";
    if (!signature) message += "Authorization header requires 'Signature' parameter. ";
    if (!signed_headers) message += "Authorization header requires 'SignedHeaders' parameter. ";
    throw errors::malformed(dialect, false,
                            "The authorization header is malformed; the authorization header "
                            "requires three components: Credential, SignedHeaders, and Signature.",
                            message + "Authorization=" + std::string(authorization));
  }
  SigV4Info info;
  parse_credential(*credential, dialect, false, info);
  info.signed_headers = parse_signed_headers(*signed_headers);
  info.signature = *signature;
  info.security_token = request.header("x-amz-security-token").value_or("");
  if (auto amz_date = request.header("x-amz-date")) {
    if (!parse_amz_date(*amz_date)) throw errors::missing_date(dialect, authorization);
    info.amz_date = *amz_date;
  } else if (auto date = request.header("date"); date && parse_http_date(*date)) {
    info.amz_date = format_amz_date(*parse_http_date(*date));
  } else {
    throw errors::missing_date(dialect, authorization);
  }
  return info;
}

SigV4Info parse_query(const QueryParams& params, Dialect dialect) {
  auto param = [&](std::string_view name) -> std::optional<std::string_view> {
    for (const auto& [key, value] : params) {
      if (key == name) return value;
    }
    return std::nullopt;
  };
  for (std::string_view name : {"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature",
                                "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Expires"}) {
    if (!param(name)) {
      throw errors::malformed(dialect, true,
                              "Query-string authentication version 4 requires the "
                              "X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, "
                              "X-Amz-SignedHeaders, and X-Amz-Expires parameters.",
                              "AWS query-string parameters must include '" + std::string(name) +
                                  "'. Re-examine the query-string parameters.");
    }
  }
  if (*param("X-Amz-Algorithm") != kAlgorithm) {
    throw errors::malformed(dialect, true, "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"",
                            "Unsupported AWS 'algorithm': '" +
                                std::string(*param("X-Amz-Algorithm")) + "'");
  }
  SigV4Info info;
  info.presigned = true;
  parse_credential(*param("X-Amz-Credential"), dialect, true, info);
  info.signed_headers = parse_signed_headers(*param("X-Amz-SignedHeaders"));
  info.signature = *param("X-Amz-Signature");
  info.security_token = param("X-Amz-Security-Token").value_or("");
  info.amz_date = *param("X-Amz-Date");
  if (!parse_amz_date(info.amz_date)) {
    throw errors::malformed(dialect, true,
                            "X-Amz-Date must be in the ISO8601 Long Format "
                            "\"yyyyMMdd'T'HHmmss'Z'\"",
                            "Date must be in ISO-8601 'basic format'. Got '" + info.amz_date +
                                "'. See http://en.wikipedia.org/wiki/ISO_8601");
  }
  const std::string_view expires = *param("X-Amz-Expires");
  auto [end, ec] = std::from_chars(expires.data(), expires.data() + expires.size(), info.expires);
  if (ec != std::errc{} || end != expires.data() + expires.size()) {
    throw errors::malformed(dialect, true, "X-Amz-Expires should be a number",
                            "X-Amz-Expires should be a number");
  }
  if (info.expires < 0) {
    throw errors::malformed(dialect, true, "X-Amz-Expires must be non-negative",
                            "X-Amz-Expires must be non-negative");
  }
  if (info.expires > kMaxPresignExpires) {
    const char* message = "X-Amz-Expires must be less than a week (in seconds) that is 604800";
    throw errors::malformed(dialect, true, message, message);
  }
  return info;
}

}  // namespace

std::string SigV4Info::scope() const { return credential_scope(date, region, service); }

std::optional<SigV4Info> parse_sigv4(const SignedRequest& request, Dialect dialect) {
  if (auto authorization = request.header("authorization")) {
    return parse_header(request, *authorization, dialect);
  }
  QueryParams params = decode_query(request.query());
  for (const auto& [key, value] : params) {
    if (key == "X-Amz-Algorithm" || key == "X-Amz-Signature" || key == "X-Amz-Credential") {
      return parse_query(params, dialect);
    }
  }
  return std::nullopt;
}

}  // namespace nimbus::auth
