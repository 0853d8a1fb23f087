#pragma once
// JWT authorizers of HTTP APIs: a bearer token (RS256) checked as API Gateway checks it, against
// the issuer's JSON Web Key Set found through its OpenID discovery document
// (<issuer>/.well-known/openid-configuration -> jwks_uri), fetched with the outbound HTTP client
// and cached per issuer.

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/apigateway/http_api_jwt_token.h"

namespace nimbus::apigateway {

// The keys of issuers, fetched on first use, kept for an hour, fetched again (at most every ten
// seconds) when a token names a key the set does not have.
class JwksCache {
 public:
  // The key of `issuer` whose kid is `kid` (any RSA key when `kid` is empty), or nullopt when the
  // issuer's keys cannot be fetched or have none.
  boost::asio::awaitable<std::optional<nlohmann::json>> key(const std::string& issuer, const std::string& kid,
                                                            int64_t now_ms);
  void clear();

 private:
  struct Entry {
    int64_t fetched_ms = 0;
    nlohmann::json keys = nlohmann::json::array();
  };
  std::optional<nlohmann::json> find(const std::string& issuer, const std::string& kid, int64_t now_ms,
                                     bool& refetch);
  std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

}  // namespace nimbus::apigateway
