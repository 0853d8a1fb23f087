#pragma once
// JWTs as HTTP APIs' JWT authorizers read them: compact JWS parsing, RS256 signatures against an
// RSA JWK, claims checks. Pure (OpenSSL and nlohmann::json only): the fuzz build compiles it.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nimbus::apigateway {

struct Jwt {
  nlohmann::json header;
  nlohmann::json claims;
  std::string signing_input;  // "<header>.<payload>" as sent
  std::string signature;      // raw bytes
};

// Base64url without padding (RFC 7515), or nullopt.
std::optional<std::string> base64url_decode(std::string_view text);
// The three parts of a compact JWS whose header and payload are JSON objects, or nullopt.
std::optional<Jwt> parse_jwt(std::string_view token);
// The token of an Authorization value: "Bearer <token>" or the bare token.
std::string bearer_token(std::string_view value);
// Whether `signature` is a valid RS256 signature of `signing_input` under the RSA JWK `jwk`
// ({"kty":"RSA","n":...,"e":...}).
bool verify_rs256(const nlohmann::json& jwk, std::string_view signing_input, std::string_view signature);
// Why the claims are not acceptable (nullopt: they are): iss equal to `issuer`; aud (or, without
// aud, client_id) one of `audiences`; exp after and nbf / iat not after `now_seconds`.
std::optional<std::string> check_claims(const nlohmann::json& claims, const std::string& issuer,
                                        const std::vector<std::string>& audiences, int64_t now_seconds);
// The token's scopes: its "scope" claim split at spaces, or its "scp" claim (a list or a string).
std::vector<std::string> token_scopes(const nlohmann::json& claims);
// Claims as the payload's requestContext.authorizer.jwt.claims shows them: every value a string
// (numbers and booleans as their text, lists as "[a b]", objects as JSON).
nlohmann::json claims_as_strings(const nlohmann::json& claims);

}  // namespace nimbus::apigateway
