#include "admin/jwt_issuer.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/crypto.h"

namespace nimbus::admin {
namespace http = boost::beast::http;
using Json = nlohmann::json;

namespace {

constexpr std::string_view kPrefix = "/_nimbus/jwt";
constexpr const char* kKeyId = "nimbus-1";

std::string base64url(std::string_view raw) {
  std::string text = crypto::base64_encode(raw);
  for (auto& c : text) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!text.empty() && text.back() == '=') text.pop_back();
  return text;
}

std::string big_endian(const EVP_PKEY* key, const char* name) {
  BIGNUM* number = nullptr;
  if (!EVP_PKEY_get_bn_param(key, name, &number)) throw std::runtime_error("jwt issuer: no RSA parameter");
  std::string bytes(BN_num_bytes(number), '\0');
  BN_bn2bin(number, reinterpret_cast<unsigned char*>(bytes.data()));
  BN_free(number);
  return bytes;
}

HttpResponse json_reply(const HttpRequest& request, http::status status, const Json& body) {
  HttpResponse response{status, request.version()};
  response.set(http::field::content_type, "application/json");
  response.body() = body.dump();
  return response;
}

}  // namespace

struct JwtIssuer::Key {
  EVP_PKEY* pkey = nullptr;
  Json jwk;
  ~Key() { EVP_PKEY_free(pkey); }
};

JwtIssuer::JwtIssuer() = default;
JwtIssuer::~JwtIssuer() = default;

const JwtIssuer::Key& JwtIssuer::key() const {
  std::call_once(made_, [this] {
    auto key = std::make_unique<Key>();
    key->pkey = EVP_RSA_gen(2048);
    if (!key->pkey) throw std::runtime_error("jwt issuer: RSA key generation failed");
    key->jwk = {{"kty", "RSA"}, {"alg", "RS256"}, {"use", "sig"}, {"kid", kKeyId},
                {"n", base64url(big_endian(key->pkey, OSSL_PKEY_PARAM_RSA_N))},
                {"e", base64url(big_endian(key->pkey, OSSL_PKEY_PARAM_RSA_E))}};
    key_ = std::move(key);
  });
  return *key_;
}

std::optional<HttpResponse> JwtIssuer::handle(const HttpRequest& request, int64_t now_seconds) const {
  std::string_view target = request.target();
  auto path = target.substr(0, target.find('?'));
  if (path.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  auto rest = path.substr(kPrefix.size());
  std::string issuer = "http://" + std::string(request[http::field::host]) + std::string(kPrefix);
  bool get = request.method() == http::verb::get || request.method() == http::verb::head;
  if (rest == "/.well-known/openid-configuration" && get) {
    return json_reply(request, http::status::ok,
                      {{"issuer", issuer}, {"jwks_uri", issuer + "/jwks.json"},
                       {"id_token_signing_alg_values_supported", {"RS256"}}});
  }
  if (rest == "/jwks.json" && get) return json_reply(request, http::status::ok, {{"keys", {key().jwk}}});
  if (rest == "/token" && request.method() == http::verb::post) {
    Json claims = request.body().empty() ? Json::object() : Json::parse(request.body(), nullptr, false);
    if (!claims.is_object()) {
      return json_reply(request, http::status::bad_request, {{"error", "the body must be a JSON object of claims"}});
    }
    if (!claims.contains("iss")) claims["iss"] = issuer;
    if (!claims.contains("iat")) claims["iat"] = now_seconds;
    if (!claims.contains("exp")) claims["exp"] = now_seconds + 3600;
    std::string signing_input = base64url(Json{{"alg", "RS256"}, {"typ", "JWT"}, {"kid", kKeyId}}.dump()) + "." +
                                base64url(claims.dump());
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    size_t length = 0;
    if (!context || EVP_DigestSignInit(context.get(), nullptr, EVP_sha256(), nullptr, key().pkey) != 1 ||
        EVP_DigestSign(context.get(), nullptr, &length,
                       reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) != 1) {
      throw std::runtime_error("jwt issuer: signing failed");
    }
    std::string signature(length, '\0');
    if (EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                       reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) != 1) {
      throw std::runtime_error("jwt issuer: signing failed");
    }
    signature.resize(length);
    return json_reply(request, http::status::ok, {{"token", signing_input + "." + base64url(signature)}});
  }
  return json_reply(request, http::status::not_found, {{"error", "no such nimbus endpoint"}});
}

}  // namespace nimbus::admin
