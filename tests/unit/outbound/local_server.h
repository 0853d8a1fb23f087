#pragma once
// A one-connection HTTP server on 127.0.0.1 for the outbound client's tests, and a runner that
// drives one fetch on the same io_context.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "outbound/http_client.h"

namespace nimbus::outbound::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Headers = std::vector<std::pair<std::string, std::string>>;

// What the server read: the request as it arrived on the wire.
struct Received {
  bool arrived = false;
  std::string method;
  std::string target;
  Headers headers;
  std::string body;
};

inline std::string raw_response(int status, const std::string& reason, const Headers& headers,
                                const std::string& body) {
  std::string raw = "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\n";
  for (const auto& [name, value] : headers) raw += name + ": " + value + "\r\n";
  raw += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return raw;
}

template <class Stream>
asio::awaitable<void> read_request(Stream& stream, Received& received) {
  beast::flat_buffer buffer;
  http::request<http::string_body> request;
  co_await http::async_read(stream, buffer, request, asio::use_awaitable);
  received.arrived = true;
  received.method = std::string(request.method_string());
  received.target = std::string(request.target());
  for (const auto& field : request)
    received.headers.emplace_back(field.name_string(), field.value());
  received.body = request.body();
}

class LocalServer {
 public:
  explicit LocalServer(asio::io_context& io)
      : io_(io), acceptor_(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {}

  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  std::string url(const std::string& target) const {
    return "http://127.0.0.1:" + std::to_string(port()) + target;
  }

  // Reads one request into `received` and answers with `raw` bytes.
  void answer_once(Received& received, std::string raw) {
    asio::co_spawn(io_, answer(received, std::move(raw)), asio::detached);
  }
  // Like answer_once, but the head and the body arrive in two writes 50 ms apart (as Python's
  // http.server sends them).
  void answer_in_two_writes(Received& received, std::string head, std::string body) {
    asio::co_spawn(io_, answer_split(received, std::move(head), std::move(body)), asio::detached);
  }
  // Accepts one connection and never writes to it.
  void stay_silent() { asio::co_spawn(io_, silent(), asio::detached); }

  tcp::acceptor& acceptor() { return acceptor_; }

 private:
  asio::awaitable<void> answer(Received& received, std::string raw) {
    tcp::socket socket = co_await acceptor_.async_accept(asio::use_awaitable);
    co_await read_request(socket, received);
    co_await asio::async_write(socket, asio::buffer(raw), asio::use_awaitable);
    socket.shutdown(tcp::socket::shutdown_send);
  }

  asio::awaitable<void> answer_split(Received& received, std::string head, std::string body) {
    tcp::socket socket = co_await acceptor_.async_accept(asio::use_awaitable);
    co_await read_request(socket, received);
    co_await asio::async_write(socket, asio::buffer(head), asio::use_awaitable);
    asio::steady_timer pause(io_, std::chrono::milliseconds(50));
    co_await pause.async_wait(asio::use_awaitable);
    co_await asio::async_write(socket, asio::buffer(body), asio::use_awaitable);
    socket.shutdown(tcp::socket::shutdown_send);
  }

  asio::awaitable<void> silent() {
    tcp::socket socket = co_await acceptor_.async_accept(asio::use_awaitable);
    asio::steady_timer hold(io_, std::chrono::seconds(30));
    co_await hold.async_wait(asio::use_awaitable);
  }

  asio::io_context& io_;
  tcp::acceptor acceptor_;
};

// One fetch driven to its end on `io` (which then stops, abandoning the server's coroutines).
struct Outcome {
  std::optional<HttpResponse> response;
  std::exception_ptr error;
};

inline Outcome run_fetch(asio::io_context& io, HttpRequest request) {
  Outcome outcome;
  auto client = fetch(std::move(request));
  asio::co_spawn(io, std::move(client), [&](std::exception_ptr error, HttpResponse response) {
    outcome.error = error;
    if (!error) outcome.response = std::move(response);
    io.stop();
  });
  io.run();
  return outcome;
}

inline HttpResponse response_of(asio::io_context& io, HttpRequest request) {
  auto outcome = run_fetch(io, std::move(request));
  if (outcome.error) std::rethrow_exception(outcome.error);
  return *outcome.response;
}

// The HttpError a fetch fails with; fails the test if it succeeds or throws anything else.
inline std::optional<HttpError> error_of(asio::io_context& io, HttpRequest request) {
  auto outcome = run_fetch(io, std::move(request));
  if (!outcome.error) {
    ADD_FAILURE() << "fetch succeeded with status " << outcome.response->status;
    return std::nullopt;
  }
  try {
    std::rethrow_exception(outcome.error);
  } catch (const HttpError& e) {
    return e;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not an HttpError: " << e.what();
  }
  return std::nullopt;
}

inline std::optional<std::string> header(const Headers& headers, const std::string& name) {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

}  // namespace nimbus::outbound::testing
