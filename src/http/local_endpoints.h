#pragma once
// LocalEndpoints over HttpServer: each endpoint is its own small server on 127.0.0.1:<ephemeral>,
// kept alive after close() until its last connection has finished.

#include <boost/asio/io_context.hpp>

#include "core/local_endpoint.h"

namespace nimbus::http_server {

class LoopbackEndpoints final : public LocalEndpoints {
 public:
  explicit LoopbackEndpoints(boost::asio::io_context& io) : io_(io) {}
  std::shared_ptr<LocalEndpoint> open(LocalHandler handler) override;
  std::string nimbus_url() const override { return nimbus_url_; }
  // Set once the main listener is bound (before any service runs a program).
  void set_nimbus_url(std::string url) { nimbus_url_ = std::move(url); }

 private:
  boost::asio::io_context& io_;
  std::string nimbus_url_;
};

}  // namespace nimbus::http_server
