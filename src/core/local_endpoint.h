#pragma once
// A private loopback HTTP endpoint a service opens for programs it runs itself (Lambda's Runtime
// API, one per execution environment, as AWS gives each sandbox its own 127.0.0.1:9001): its
// requests reach the service's handler directly — no router, no authentication, no other service.
// Services get a LocalEndpoints from the registry; the implementation lives in src/http.

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <string>

#include "core/raw_http.h"

namespace nimbus {

// Answers one request whose body has been read whole.
using LocalHandler = std::function<boost::asio::awaitable<Reply>(HttpRequest& request)>;

class LocalEndpoint {
 public:
  virtual ~LocalEndpoint() = default;
  virtual unsigned short port() const = 0;
  // Stops accepting and closes connections as their requests finish. The handler (and what it
  // captured) stays alive until the last connection is gone, so it must not hold the caller.
  virtual void close() = 0;
};

class LocalEndpoints {
 public:
  virtual ~LocalEndpoints() = default;
  // Listens on 127.0.0.1 on a port the kernel picks.
  virtual std::shared_ptr<LocalEndpoint> open(LocalHandler handler) = 0;
  // nimbus's own address ("http://127.0.0.1:4566"), for programs that call back into it.
  virtual std::string nimbus_url() const = 0;
};

}  // namespace nimbus
