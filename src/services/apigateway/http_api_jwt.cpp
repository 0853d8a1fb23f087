#include "services/apigateway/http_api_jwt.h"

#include <memory>

#include "core/log.h"
#include "outbound/http_client.h"

namespace nimbus::apigateway {
namespace {

using Json = nlohmann::json;

constexpr int64_t kKeysTtlMs = 3600 * 1000;
constexpr int64_t kRefetchGapMs = 10 * 1000;

// Fetches <issuer>/.well-known/openid-configuration, then its jwks_uri; the keys, or nullopt.
boost::asio::awaitable<std::optional<Json>> fetch_keys(const std::string& issuer) {
  std::string base = issuer;
  while (!base.empty() && base.back() == '/') base.pop_back();
  outbound::HttpRequest discovery;
  discovery.method = "GET";
  discovery.url = base + "/.well-known/openid-configuration";
  discovery.headers = {{"Accept", "application/json"}};
  try {
    auto document = co_await outbound::fetch(discovery);
    if (document.status != 200) co_return std::nullopt;
    Json parsed = Json::parse(document.body, nullptr, false);
    if (!parsed.is_object() || !parsed.contains("jwks_uri") || !parsed["jwks_uri"].is_string()) co_return std::nullopt;
    outbound::HttpRequest keys;
    keys.method = "GET";
    keys.url = parsed["jwks_uri"].get<std::string>();
    keys.headers = {{"Accept", "application/json"}};
    auto set = co_await outbound::fetch(keys);
    if (set.status != 200) co_return std::nullopt;
    Json jwks = Json::parse(set.body, nullptr, false);
    if (!jwks.is_object() || !jwks.contains("keys") || !jwks["keys"].is_array()) co_return std::nullopt;
    co_return jwks["keys"];
  } catch (const outbound::HttpError& error) {
    NIMBUS_LOG(Warn, "apigatewayv2: JWKS of " + issuer + " not fetched: " + error.what());
  }
  co_return std::nullopt;
}

}  // namespace

std::optional<Json> JwksCache::find(const std::string& issuer, const std::string& kid, int64_t now_ms, bool& refetch) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(issuer);
  if (it == entries_.end() || now_ms - it->second.fetched_ms > kKeysTtlMs) {
    refetch = true;
    return std::nullopt;
  }
  for (const auto& key : it->second.keys) {
    if (!key.is_object() || key.value("kty", "") != "RSA") continue;
    if (kid.empty() || key.value("kid", "") == kid) return key;
  }
  refetch = now_ms - it->second.fetched_ms > kRefetchGapMs;
  return std::nullopt;
}

boost::asio::awaitable<std::optional<Json>> JwksCache::key(const std::string& issuer, const std::string& kid,
                                                           int64_t now_ms) {
  bool refetch = false;
  auto found = find(issuer, kid, now_ms, refetch);
  if (found || !refetch) co_return found;
  auto keys = co_await fetch_keys(issuer);
  if (keys) {
    std::lock_guard lock(mutex_);
    entries_[issuer] = Entry{now_ms, *keys};
  }
  bool again = false;
  co_return find(issuer, kid, now_ms, again);
}

void JwksCache::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
}

}  // namespace nimbus::apigateway
