#pragma once
// nimbus's own endpoints under /_nimbus/ (and /_localstack/health for existing wait-for-ready
// tooling): health, state reset and the test clock.

#include <boost/asio/awaitable.hpp>
#include <chrono>

#include "core/clock.h"
#include "protocol/protocol.h"
#include "services/registry.h"

namespace nimbus::admin {

bool is_admin_path(std::string_view target);

class AdminEndpoints {
 public:
  AdminEndpoints(ServiceRegistry& registry, Clock& clock);
  boost::asio::awaitable<protocol::HttpResponse> handle(const protocol::HttpRequest& request);

 private:
  protocol::HttpResponse health(const protocol::HttpRequest& request) const;
  boost::asio::awaitable<protocol::HttpResponse> reset(const protocol::HttpRequest& request);
  protocol::HttpResponse clock(const protocol::HttpRequest& request);

  ServiceRegistry& registry_;
  Clock& clock_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace nimbus::admin
