// libFuzzer target for the JWTs HTTP APIs' JWT authorizers read: the input is a token (and an
// Authorization value); what parses has its claims checked, its scopes and string claims read, and
// its signature checked against a fixed RSA key. Nothing may throw.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "services/apigateway/http_api_jwt_token.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nimbus::apigateway;
  static const nlohmann::json key = {
      {"kty", "RSA"},
      {"e", "AQAB"},
      {"n", "sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHH"
            "yXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA"
            "84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQ"
            "B0GaDWFLN-aEAw3vRw"}};
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto token = bearer_token(text);
  if (auto jwt = parse_jwt(token)) {
    (void)check_claims(jwt->claims, "https://issuer.example", {"client", "other"}, 1700000000);
    (void)token_scopes(jwt->claims);
    (void)claims_as_strings(jwt->claims).dump();
    (void)verify_rs256(key, jwt->signing_input, jwt->signature);
    (void)verify_rs256(jwt->header, jwt->signing_input, jwt->signature);
  }
  (void)base64url_decode(text);
  return 0;
}
