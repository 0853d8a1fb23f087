#include "http/local_endpoints.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include "http/server.h"

namespace nimbus::http_server {
namespace {

class LoopbackEndpoint final : public LocalEndpoint,
                               public RequestHandler,
                               public std::enable_shared_from_this<LoopbackEndpoint> {
 public:
  LoopbackEndpoint(asio::io_context& io, LocalHandler handler)
      : io_(io), handler_(std::move(handler)), server_(io, limits(), *this) {
    server_.listen("127.0.0.1", 0);
    port_ = server_.local_endpoint().port();
  }

  unsigned short port() const override { return port_; }

  void close() override {
    if (closing_.exchange(true)) return;
    // The coroutine owns the endpoint until every connection (and its handler call) has ended.
    asio::co_spawn(io_, [self = shared_from_this()]() -> asio::awaitable<void> {
      co_await self->server_.shutdown();
      asio::steady_timer timer(co_await asio::this_coro::executor);
      while (self->server_.open_connections() > 0) {
        timer.expires_after(std::chrono::milliseconds(50));
        co_await timer.async_wait(asio::use_awaitable);
      }
    }, asio::detached);
  }

  asio::awaitable<Reply> handle(HttpRequest& request, const std::string&) override {
    co_return co_await handler_(request);
  }
  asio::awaitable<Reply> handle_streamed(HttpRequest&, BodyReader&, const std::string&) override {
    throw AwsError::internal();  // wants_streamed_body() is never true here
  }
  HttpResponse reject(const HttpRequest& head, const AwsError& error) override {
    HttpResponse response{static_cast<http::status>(error.http_status), head.version()};
    response.set(http::field::content_type, "application/json");
    response.body() = nlohmann::json{{"errorType", error.code}, {"errorMessage", error.message}}.dump();
    return response;
  }

 private:
  static ServerLimits limits() {
    ServerLimits limits;
    limits.max_connections = 64;
    limits.shutdown_grace = std::chrono::seconds(2);
    return limits;
  }

  asio::io_context& io_;
  LocalHandler handler_;
  HttpServer server_;
  unsigned short port_ = 0;
  std::atomic<bool> closing_{false};
};

}  // namespace

std::shared_ptr<LocalEndpoint> LoopbackEndpoints::open(LocalHandler handler) {
  return std::make_shared<LoopbackEndpoint>(io_, std::move(handler));
}

}  // namespace nimbus::http_server
