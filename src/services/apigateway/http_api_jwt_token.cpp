// JWTs: parsing, RS256 signatures and claims, pure (no I/O), so the fuzz build compiles them.
#include "services/apigateway/http_api_jwt_token.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <memory>

#include "core/crypto.h"

namespace nimbus::apigateway {
namespace {

using Json = nlohmann::json;

std::optional<int64_t> numeric_claim(const Json& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end()) return std::nullopt;
  if (it->is_number()) return static_cast<int64_t>(it->get<double>());
  return std::nullopt;
}

std::string claim_text(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_array()) {
    std::string out = "[";
    for (size_t i = 0; i < value.size(); ++i) {
      if (i) out += ' ';
      out += claim_text(value[i]);
    }
    return out + "]";
  }
  return value.dump();
}

}  // namespace

std::optional<std::string> base64url_decode(std::string_view text) {
  std::string standard(text);
  for (auto& c : standard) {
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
    else if (c == '=' || c == '+' || c == '/') return std::nullopt;
  }
  while (standard.size() % 4) standard += '=';
  return crypto::base64_decode(standard);
}

std::optional<Jwt> parse_jwt(std::string_view token) {
  auto first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  auto second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) return std::nullopt;
  auto header = base64url_decode(token.substr(0, first));
  auto payload = base64url_decode(token.substr(first + 1, second - first - 1));
  auto signature = base64url_decode(token.substr(second + 1));
  if (!header || !payload || !signature) return std::nullopt;
  Jwt jwt;
  jwt.header = Json::parse(*header, nullptr, false);
  jwt.claims = Json::parse(*payload, nullptr, false);
  if (!jwt.header.is_object() || !jwt.claims.is_object()) return std::nullopt;
  jwt.signing_input = std::string(token.substr(0, second));
  jwt.signature = std::move(*signature);
  return jwt;
}

std::string bearer_token(std::string_view value) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (value.size() > 7 && (value.substr(0, 7) == "Bearer " || value.substr(0, 7) == "bearer ")) value.remove_prefix(7);
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  return std::string(value);
}

bool verify_rs256(const Json& jwk, std::string_view signing_input, std::string_view signature) {
  if (!jwk.is_object() || jwk.value("kty", "") != "RSA") return false;
  auto n = base64url_decode(jwk.value("n", ""));
  auto e = base64url_decode(jwk.value("e", ""));
  if (!n || !e || n->empty() || e->empty()) return false;
  std::unique_ptr<BIGNUM, decltype(&BN_free)> modulus(
      BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()), static_cast<int>(n->size()), nullptr), BN_free);
  std::unique_ptr<BIGNUM, decltype(&BN_free)> exponent(
      BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()), static_cast<int>(e->size()), nullptr), BN_free);
  std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> builder(OSSL_PARAM_BLD_new(), OSSL_PARAM_BLD_free);
  if (!modulus || !exponent || !builder) return false;
  if (!OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, modulus.get()) ||
      !OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, exponent.get())) {
    return false;
  }
  std::unique_ptr<OSSL_PARAM, decltype(&OSSL_PARAM_free)> params(OSSL_PARAM_BLD_to_param(builder.get()),
                                                                 OSSL_PARAM_free);
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> context(
      EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr), EVP_PKEY_CTX_free);
  if (!params || !context || EVP_PKEY_fromdata_init(context.get()) <= 0) return false;
  EVP_PKEY* raw_key = nullptr;
  if (EVP_PKEY_fromdata(context.get(), &raw_key, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0) return false;
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(raw_key, EVP_PKEY_free);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> digest(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!digest || EVP_DigestVerifyInit(digest.get(), nullptr, EVP_sha256(), nullptr, key.get()) <= 0) return false;
  return EVP_DigestVerify(digest.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                          reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) == 1;
}

std::optional<std::string> check_claims(const Json& claims, const std::string& issuer,
                                        const std::vector<std::string>& audiences, int64_t now_seconds) {
  if (claims.value("iss", Json()) != Json(issuer)) return "the token has an invalid issuer";
  auto wanted = [&](const Json& value) {
    for (const auto& audience : audiences) {
      if (value.is_string() && value.get<std::string>() == audience) return true;
      if (value.is_array()) {
        for (const auto& item : value) {
          if (item.is_string() && item.get<std::string>() == audience) return true;
        }
      }
    }
    return false;
  };
  if (!audiences.empty()) {
    if (claims.contains("aud")) {
      if (!wanted(claims["aud"])) return "the token does not have a valid audience";
    } else if (!claims.contains("client_id") || !wanted(claims["client_id"])) {
      return "the token does not have a valid audience";
    }
  }
  auto exp = numeric_claim(claims, "exp");
  if (!exp) return "the token has no expiration time";
  if (*exp <= now_seconds) return "the token has expired";
  if (auto nbf = numeric_claim(claims, "nbf"); nbf && *nbf > now_seconds) return "the token is not valid yet";
  if (auto iat = numeric_claim(claims, "iat"); iat && *iat > now_seconds + 300) return "the token was issued in the future";
  return std::nullopt;
}

std::vector<std::string> token_scopes(const Json& claims) {
  std::vector<std::string> scopes;
  auto split = [&](const std::string& text) {
    size_t start = 0;
    while (start < text.size()) {
      auto space = text.find(' ', start);
      if (space == std::string::npos) space = text.size();
      if (space > start) scopes.push_back(text.substr(start, space - start));
      start = space + 1;
    }
  };
  if (claims.contains("scope") && claims["scope"].is_string()) {
    split(claims["scope"].get<std::string>());
  } else if (claims.contains("scp")) {
    if (claims["scp"].is_string()) split(claims["scp"].get<std::string>());
    if (claims["scp"].is_array()) {
      for (const auto& item : claims["scp"]) {
        if (item.is_string()) scopes.push_back(item.get<std::string>());
      }
    }
  }
  return scopes;
}

Json claims_as_strings(const Json& claims) {
  Json out = Json::object();
  for (auto it = claims.begin(); it != claims.end(); ++it) out[it.key()] = claim_text(it.value());
  return out;
}

}  // namespace nimbus::apigateway
