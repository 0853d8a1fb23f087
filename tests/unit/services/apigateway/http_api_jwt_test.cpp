// JWT authorizers' pure parts: token parsing, RS256 signatures against a JWK, claims checks.

#include "services/apigateway/http_api_jwt.h"

#include <gtest/gtest.h>

namespace nimbus::apigateway {
namespace {

using Json = nlohmann::json;

// A 2048-bit RSA key's public half and a token it signed (generated once with Python's
// cryptography): {"alg":"RS256","kid":"k1"} / {"iss":"https://issuer.test","aud":"app",
// "sub":"user-1","exp":2000000000,"iat":1700000000,"scope":"read write"}.
const char* kN = "4gk1GMwj3aQd5dpeMYLg4kKTgIhbCQ7r7ltr_OFMhaVRTNoIkEpQ-m5B6MiNeKMGT1HWjnNmA9VfPCepVAzO1SiOfBtpxBWMgapJrWaBInfxPUwPJ4MRFbKOsqvJpeOMEFfI-23KZk7Td8-42JGVu49aSt5fV1QCCbe_1qeWuq7O0ePftHg8gjD4dozsbdL5PtqHFPASQ_OFSvGII5juWDWNMZt29XnjnIpqg_aT80U2tU7-DVRDcxd9GqbCY5f6BfcPQK41TGeqCRVQQDOsrampF2oPU5Qeb6-8dzct1xPNxULMDxlBDRxg_drQiSGvs3cmfDdsXqsWXiSpTCc_Yw";
const char* kToken = "eyJhbGciOiAiUlMyNTYiLCAia2lkIjogImsxIiwgInR5cCI6ICJKV1QifQ.eyJpc3MiOiAiaHR0cHM6Ly9pc3N1ZXIudGVzdCIsICJhdWQiOiAiYXBwIiwgInN1YiI6ICJ1c2VyLTEiLCAiZXhwIjogMjAwMDAwMDAwMCwgImlhdCI6IDE3MDAwMDAwMDAsICJzY29wZSI6ICJyZWFkIHdyaXRlIn0.IDuhR9oDWXb4cWNrUfllogUKMAC0s7fvJu8EyXoiwY27NmwuhjONPVqnt9wDv2IRyqf0N-RXAoWcVPSPrjadbkpmEotMkNlGxbDKZTTgI71_gVWwwttc5vPDMHjzGx5S21Ty2bbDvAUpjD-p47Fvrt0H_v5n8cdPlWhbjQjKXXsugMOir2_KYUGGCZJzBF7Er7DKBgMmIiVqq90Xbj8aUEl9nSbdmOwDQWlTZWM8_tFKb0a2EXjv9dzDU-jYKy5kmM1WMM3cffTc1PR2jM8VM3f8D2L7WKEsTWSx_4EvK5aDE3MDCs4auN9Va8bEAZ2VHlbEY7edO8w6TckBqIXAnQ";

Json jwk() { return {{"kty", "RSA"}, {"kid", "k1"}, {"n", kN}, {"e", "AQAB"}}; }

TEST(HttpApiJwt, ParsesAndVerifiesAnRs256Token) {
  auto jwt = parse_jwt(kToken);
  ASSERT_TRUE(jwt);
  EXPECT_EQ(jwt->header["kid"], "k1");
  EXPECT_EQ(jwt->claims["sub"], "user-1");
  EXPECT_TRUE(verify_rs256(jwk(), jwt->signing_input, jwt->signature));
  std::string tampered = jwt->signing_input + "x";
  EXPECT_FALSE(verify_rs256(jwk(), tampered, jwt->signature));
  Json other = jwk();
  other["e"] = "AQAB0";
  EXPECT_FALSE(verify_rs256(other, jwt->signing_input, jwt->signature));
  EXPECT_FALSE(verify_rs256(Json{{"kty", "EC"}}, jwt->signing_input, jwt->signature));
}

TEST(HttpApiJwt, RefusesMalformedTokens) {
  EXPECT_FALSE(parse_jwt("abc"));
  EXPECT_FALSE(parse_jwt("a.b"));
  EXPECT_FALSE(parse_jwt("a.b.c.d"));
  EXPECT_FALSE(parse_jwt("e30.bm90IGpzb24.c2ln"));  // payload is not JSON
  EXPECT_EQ(bearer_token("Bearer abc"), "abc");
  EXPECT_EQ(bearer_token("abc"), "abc");
}

TEST(HttpApiJwt, ChecksIssuerAudienceAndTimes) {
  auto claims = parse_jwt(kToken)->claims;
  EXPECT_FALSE(check_claims(claims, "https://issuer.test", {"app"}, 1800000000));
  EXPECT_FALSE(check_claims(claims, "https://issuer.test", {}, 1800000000));
  EXPECT_TRUE(check_claims(claims, "https://other.test", {"app"}, 1800000000));
  EXPECT_TRUE(check_claims(claims, "https://issuer.test", {"web"}, 1800000000));
  EXPECT_EQ(*check_claims(claims, "https://issuer.test", {"app"}, 2000000001), "the token has expired");
  Json with_nbf = claims;
  with_nbf["nbf"] = 1900000000;
  EXPECT_TRUE(check_claims(with_nbf, "https://issuer.test", {"app"}, 1800000000));
  Json client = claims;
  client.erase("aud");
  client["client_id"] = "app";
  EXPECT_FALSE(check_claims(client, "https://issuer.test", {"app"}, 1800000000));
}

TEST(HttpApiJwt, ScopesAndClaimsAsThePayloadShowsThem) {
  auto claims = parse_jwt(kToken)->claims;
  EXPECT_EQ(token_scopes(claims), (std::vector<std::string>{"read", "write"}));
  EXPECT_EQ(token_scopes(Json{{"scp", {"a", "b"}}}), (std::vector<std::string>{"a", "b"}));
  Json shown = claims_as_strings(Json{{"exp", 5}, {"groups", {"x", "y"}}, {"ok", true}, {"sub", "u"}});
  EXPECT_EQ(shown, (Json{{"exp", "5"}, {"groups", "[x y]"}, {"ok", "true"}, {"sub", "u"}}));
}

}  // namespace
}  // namespace nimbus::apigateway
