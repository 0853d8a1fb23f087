#include "http/server.h"

#include <fcntl.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>

#include <limits>

#include "core/log.h"
#include "http/body_transfer.h"

namespace nimbus::http_server {

namespace beast = boost::beast;
using asio::ip::tcp;
using asio::use_awaitable;

namespace {

// Programs nimbus runs (Lambda runtimes, Glue jobs) must not inherit the server's sockets: one that
// outlives nimbus would keep the port. (Asio opens and accepts without SOCK_CLOEXEC.)
void close_on_exec(int fd) { ::fcntl(fd, F_SETFD, ::fcntl(fd, F_GETFD) | FD_CLOEXEC); }

// The peer's address as text; an IPv4-mapped IPv6 peer is shown as IPv4.
std::string peer_address(const tcp::socket& socket) {
  beast::error_code ec;
  auto address = socket.remote_endpoint(ec).address();
  if (ec) return {};
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string();
  }
  return address.to_string();
}

}  // namespace

struct HttpServer::Connection {
  explicit Connection(tcp::socket socket) : client_ip(peer_address(socket)), stream(std::move(socket)) {}
  std::string client_ip;
  beast::tcp_stream stream;
  // True while a request is being handled; idle connections are closed at shutdown.
  std::atomic<bool> busy{false};
};

HttpServer::HttpServer(asio::io_context& io, ServerLimits limits, RequestHandler& handler)
    : io_(io), limits_(limits), handler_(handler), acceptor_(asio::make_strand(io)) {}

HttpServer::~HttpServer() = default;

void HttpServer::listen(const std::string& host, unsigned short port) {
  tcp::endpoint endpoint{asio::ip::make_address(host), port};
  acceptor_.open(endpoint.protocol());
  close_on_exec(acceptor_.native_handle());
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
    close_on_exec(socket.native_handle());
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
      http::request_parser<http::empty_body> head_parser;
      head_parser.header_limit(static_cast<std::uint32_t>(limits_.header_bytes));
      head_parser.body_limit(std::numeric_limits<std::uint64_t>::max());  // checked below, per kind of body
      beast::error_code ec;
      stream.expires_after(limits_.idle_timeout);
      co_await http::async_read_header(stream, buffer, head_parser,
                                       asio::redirect_error(use_awaitable, ec));
      if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted ||
          ec == beast::error::timeout || ec == asio::error::connection_reset ||
          ec == asio::error::eof) {
        break;
      }
      connection->busy = true;
      HttpRequest head{head_parser.get().base()};
      Reply reply;
      bool body_consumed = true;
      if (ec) {
        reply.message = handler_.reject(head, parse_error_to_aws(ec));
        body_consumed = false;
      } else if (handler_.wants_streamed_body(head)) {
        http::request_parser<http::buffer_body> body_parser(std::move(head_parser));
        body_parser.body_limit(std::numeric_limits<std::uint64_t>::max());  // the handler decides how much it accepts
        StreamBodyReader reader(stream, buffer, body_parser);
        stream.expires_never();
        reply = co_await handler_.handle_streamed(head, reader, connection->client_ip);
        body_consumed = reader.done();
        if (body_consumed) co_await reader.answer_expectation();
      } else {
        auto outcome = co_await read_buffered(stream, buffer, std::move(head_parser), limits_);
        if (outcome.closed) break;
        if (outcome.refusal) {
          reply.message = handler_.reject(head, *outcome.refusal);
          body_consumed = false;
        } else {
          stream.expires_never();
          reply = co_await handler_.handle(outcome.request, connection->client_ip);
        }
      }
      // A body left unread cannot be skipped reliably: answer, then close.
      reply.message.keep_alive(body_consumed && head.keep_alive() && !stopping_);
      bool written = co_await write_reply(*connection, reply);
      connection->busy = false;
      if (!written || !reply.message.keep_alive()) break;
    }
  } catch (const std::exception& e) {
    NIMBUS_LOG(Debug, std::string("connection closed: ") + e.what());
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream.socket().close(ignored);
  forget(connection);
}

asio::awaitable<bool> HttpServer::write_reply(Connection& connection, Reply& reply) {
  auto& stream = connection.stream;
  beast::error_code ec;
  stream.expires_after(limits_.idle_timeout);
  if (reply.file && reply.file->bytes) {
    // Bytes in memory go out with the header in one write, like any small answer.
    const auto& range = *reply.file;
    reply.message.body().assign(*range.bytes, static_cast<size_t>(range.offset), static_cast<size_t>(range.length));
    reply.message.content_length(range.length);
    reply.file.reset();
  }
  if (!reply.file) {
    // A handler that set Content-Length itself (HEAD answers) keeps it.
    if (reply.message.find(http::field::content_length) == reply.message.end()) {
      reply.message.prepare_payload();
    }
    co_await http::async_write(stream, reply.message, asio::redirect_error(use_awaitable, ec));
    co_return !ec;
  }
  co_return co_await write_file_reply(stream, reply.message.base(), *reply.file);
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
