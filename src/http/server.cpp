#include "http/server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>

#include "core/log.h"

namespace nimbus::http_server {

namespace beast = boost::beast;
using asio::ip::tcp;
using asio::use_awaitable;

struct HttpServer::Connection {
  explicit Connection(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  // True while a request is being handled; idle connections are closed at shutdown.
  std::atomic<bool> busy{false};
};

namespace {

HttpResponse continue_response(unsigned version) {
  HttpResponse response{http::status::continue_, version};
  return response;
}

// Maps a parse failure to the AWS error the client gets (the connection closes afterwards).
AwsError parse_error_to_aws(const beast::error_code& ec) {
  if (ec == http::error::body_limit) {
    return AwsError::payload_too_large("Request body exceeds the maximum allowed size.");
  }
  if (ec == http::error::header_limit) {
    return AwsError{431, "RequestHeaderSectionTooLarge", "Request header section is too large."};
  }
  return AwsError{400, "BadRequest", "Malformed HTTP request."};
}

}  // namespace

HttpServer::HttpServer(asio::io_context& io, ServerLimits limits, RequestHandler& handler)
    : io_(io), limits_(limits), handler_(handler), acceptor_(asio::make_strand(io)) {}

HttpServer::~HttpServer() = default;

void HttpServer::listen(const std::string& host, unsigned short port) {
  tcp::endpoint endpoint{asio::ip::make_address(host), port};
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  asio::co_spawn(acceptor_.get_executor(), accept_loop(), asio::detached);
}

tcp::endpoint HttpServer::local_endpoint() const { return acceptor_.local_endpoint(); }

asio::awaitable<void> HttpServer::accept_loop() {
  asio::steady_timer backoff(acceptor_.get_executor());
  while (!stopping_) {
    if (open_connections_ >= limits_.max_connections) {
      // Back-pressure: leave new connections in the kernel's backlog until one closes.
      backoff.expires_after(std::chrono::milliseconds(5));
      co_await backoff.async_wait(use_awaitable);
      continue;
    }
    beast::error_code ec;
    tcp::socket socket = co_await acceptor_.async_accept(
        asio::make_strand(io_), asio::redirect_error(use_awaitable, ec));
    if (ec) {
      if (stopping_ || ec == asio::error::operation_aborted) break;
      NIMBUS_LOG(Warn, "accept failed: " + ec.message());
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto connection = std::make_shared<Connection>(std::move(socket));
    {
      std::lock_guard lock(connections_mutex_);
      connections_.insert(connection);
    }
    ++open_connections_;
    asio::co_spawn(connection->stream.get_executor(), serve(connection), asio::detached);
  }
}

void HttpServer::forget(const std::shared_ptr<Connection>& connection) {
  std::lock_guard lock(connections_mutex_);
  connections_.erase(connection);
  --open_connections_;
}

asio::awaitable<void> HttpServer::serve(std::shared_ptr<Connection> connection) {
  auto& stream = connection->stream;
  beast::flat_buffer buffer;
  try {
    while (!stopping_) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(limits_.header_bytes));
      parser.body_limit(limits_.body_bytes);
      beast::error_code ec;
      stream.expires_after(limits_.idle_timeout);
      co_await http::async_read_header(stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
      if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted ||
          ec == beast::error::timeout || ec == asio::error::connection_reset || ec == asio::error::eof) {
        break;
      }
      connection->busy = true;
      bool refused = false;
      AwsError refusal = AwsError::internal();
      if (ec) {
        refused = true;
        refusal = parse_error_to_aws(ec);
      } else if (auto length = parser.content_length(); length && *length > limits_.body_bytes) {
        refused = true;
        refusal = parse_error_to_aws(http::error::body_limit);
      }
      if (!refused) {
        if (beast::iequals(parser.get()[http::field::expect], "100-continue")) {
          auto interim = continue_response(parser.get().version());
          co_await http::async_write(stream, interim, use_awaitable);
        }
        co_await http::async_read(stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
        if (ec) {
          if (ec != http::error::body_limit && ec != http::error::bad_chunk &&
              ec != http::error::bad_chunk_extension && ec != http::error::partial_message) {
            break;  // the peer went away mid-body: nothing to answer
          }
          if (ec == http::error::partial_message) break;
          refused = true;
          refusal = parse_error_to_aws(ec);
        }
      }
      HttpRequest& request = parser.get();
      HttpResponse response;
      if (refused) {
        response = handler_.reject(request, refusal);
        response.keep_alive(false);
      } else {
        stream.expires_never();
        response = co_await handler_.handle(request);
        response.keep_alive(request.keep_alive() && !stopping_);
      }
      // A handler that set Content-Length itself (HEAD answers) keeps it.
      if (response.find(http::field::content_length) == response.end()) {
        response.prepare_payload();
      }
      stream.expires_after(limits_.idle_timeout);
      co_await http::async_write(stream, response, asio::redirect_error(use_awaitable, ec));
      connection->busy = false;
      if (ec || !response.keep_alive()) break;
    }
  } catch (const std::exception& e) {
    NIMBUS_LOG(Debug, std::string("connection closed: ") + e.what());
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream.socket().close(ignored);
  forget(connection);
}

asio::awaitable<void> HttpServer::shutdown() {
  stopping_ = true;
  asio::post(acceptor_.get_executor(), [this] {
    beast::error_code ignored;
    acceptor_.close(ignored);
  });
  auto close_idle = [this] {
    std::lock_guard lock(connections_mutex_);
    for (const auto& connection : connections_) {
      if (!connection->busy) {
        asio::post(connection->stream.get_executor(), [connection] { connection->stream.cancel(); });
      }
    }
  };
  asio::steady_timer timer(co_await asio::this_coro::executor);
  auto deadline = std::chrono::steady_clock::now() + limits_.shutdown_grace;
  while (open_connections_ > 0 && std::chrono::steady_clock::now() < deadline) {
    close_idle();
    timer.expires_after(std::chrono::milliseconds(10));
    co_await timer.async_wait(use_awaitable);
  }
}

}  // namespace nimbus::http_server
