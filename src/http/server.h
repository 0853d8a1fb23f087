#pragma once
// The HTTP/1.1 front door: accepts connections and runs one coroutine per connection that
// reads requests (keep-alive, chunked bodies, Expect: 100-continue, size limits), hands each to a
// RequestHandler and writes the answer. Caps open connections (back-pressure instead of growth)
// and drains in-flight requests on shutdown.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http.hpp>
#include <atomic>
#include <optional>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_set>

#include "core/aws_error.h"
#include "core/raw_http.h"

namespace nimbus::http_server {

namespace asio = boost::asio;
namespace http = boost::beast::http;

struct ServerLimits {
  size_t header_bytes = 64 * 1024;
  size_t body_bytes = 16 * 1024 * 1024;
  size_t max_connections = 4096;
  std::chrono::seconds idle_timeout{120};
  std::chrono::seconds shutdown_grace{25};
};

// What the server asks of the layer above it.
class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  // Whether this request's body should be streamed to handle_streamed() instead of buffered
  // (decided from the request line and headers alone).
  virtual bool wants_streamed_body(const HttpRequest& head) const { return false; }
  // `client_ip`: the connection's peer address ("127.0.0.1").
  virtual asio::awaitable<Reply> handle(HttpRequest& request, const std::string& client_ip) = 0;
  // `head` carries the request line and headers with an empty body; the body comes from `body`.
  virtual asio::awaitable<Reply> handle_streamed(HttpRequest& head, BodyReader& body,
                                                 const std::string& client_ip) = 0;
  // Answers a request the server refused before reading it whole (too large, malformed),
  // in the wire format of the service it was meant for.
  virtual HttpResponse reject(const HttpRequest& head, const AwsError& error) = 0;
};

class HttpServer {
 public:
  HttpServer(asio::io_context& io, ServerLimits limits, RequestHandler& handler);
  ~HttpServer();

  // Binds and starts accepting; throws boost::system::system_error if the address is taken.
  void listen(const std::string& host, unsigned short port);
  asio::ip::tcp::endpoint local_endpoint() const;

  // Stops accepting, closes idle connections, lets in-flight requests finish (up to the grace
  // period) and resumes when no connection is left.
  asio::awaitable<void> shutdown();

  size_t open_connections() const { return open_connections_.load(); }

 private:
  struct Connection;
  asio::awaitable<void> accept_loop();
  asio::awaitable<void> serve(std::shared_ptr<Connection> connection);
  asio::awaitable<bool> write_reply(Connection& connection, Reply& reply);
  void forget(const std::shared_ptr<Connection>& connection);

  asio::io_context& io_;
  ServerLimits limits_;
  RequestHandler& handler_;
  asio::ip::tcp::acceptor acceptor_;
  std::atomic<bool> stopping_{false};
  std::atomic<size_t> open_connections_{0};
  std::mutex connections_mutex_;
  std::unordered_set<std::shared_ptr<Connection>> connections_;
};

}  // namespace nimbus::http_server
