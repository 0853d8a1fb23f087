#pragma once
// nimbus's own endpoints under /_nimbus/ (and /_localstack/health for existing wait-for-ready
// tooling): health, state reset, the test clock, the deliveries between services, and the
// services' run-time controls the registry names (/_nimbus/upstreams), and a local OpenID issuer
// (/_nimbus/jwt, jwt_issuer.h).

#include <boost/asio/awaitable.hpp>
#include <chrono>

#include "core/clock.h"
#include "admin/jwt_issuer.h"
#include "core/raw_http.h"
#include "services/registry.h"
#include "storage/clock_keeper.h"

namespace nimbus::admin {

bool is_admin_path(std::string_view target);

class AdminEndpoints {
 public:
  // `clock_keeper` (may be null) makes clock moves durable before they are answered.
  AdminEndpoints(ServiceRegistry& registry, Clock& clock, storage::ClockKeeper* clock_keeper = nullptr);
  boost::asio::awaitable<HttpResponse> handle(const HttpRequest& request);

 private:
  HttpResponse health(const HttpRequest& request) const;
  // GET: the control's report; POST: a JSON object of settings applied first (400 when refused).
  HttpResponse control(const HttpRequest& request, const ServiceRegistry::AdminControl& named);
  boost::asio::awaitable<HttpResponse> reset(const HttpRequest& request);
  boost::asio::awaitable<HttpResponse> clock(const HttpRequest& request);
  boost::asio::awaitable<void> save_clock();

  ServiceRegistry& registry_;
  Clock& clock_;
  storage::ClockKeeper* clock_keeper_;
  JwtIssuer jwt_issuer_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace nimbus::admin
