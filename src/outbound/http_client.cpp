// fetch: one HTTP/1.1 exchange on a fresh connection, every step bounded by one deadline.

#include "outbound/http_client.h"

#include <openssl/ssl.h>
#include <strings.h>

#include <algorithm>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <limits>
#include <memory>

namespace nimbus::outbound {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Kind = HttpError::Kind;
using Deadline = std::chrono::steady_clock::time_point;

constexpr std::uint32_t kMaxResponseHead = 64 * 1024;

// A response body that keeps its first max_body bytes and counts the rest as read.
struct CappedBody {
  struct value_type {
    std::string data;
    bool truncated = false;
  };

  class reader {
   public:
    template <bool isRequest, class Fields>
    reader(http::header<isRequest, Fields>&, value_type& body) : body_(body) {}

    void init(const boost::optional<std::uint64_t>& length, beast::error_code& ec) {
      if (length)
        body_.data.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(*length, max_body)));
      ec = {};
    }

    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, beast::error_code& ec) {
      std::size_t consumed = 0;
      for (auto buffer : beast::buffers_range_ref(buffers)) {
        std::size_t keep = std::min(buffer.size(), max_body - body_.data.size());
        body_.data.append(static_cast<const char*>(buffer.data()), keep);
        if (keep < buffer.size()) body_.truncated = true;
        consumed += buffer.size();
      }
      ec = {};
      return consumed;
    }

    void finish(beast::error_code& ec) { ec = {}; }

   private:
    value_type& body_;
  };
};

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

bool has_header(const HttpRequest& request, std::string_view name) {
  return std::any_of(request.headers.begin(), request.headers.end(),
                     [&](const auto& header) { return iequals(header.first, name); });
}

// RFC 9110 token: what a method or a field name may be.
bool is_token(std::string_view text) {
  static constexpr std::string_view kSymbols = "!#$%&'*+-.^_`|~";
  if (text.empty()) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           kSymbols.find(c) != std::string_view::npos;
  });
}

// A field value may not break the message: no CR, LF or NUL.
bool is_field_value(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

void check_request(const HttpRequest& request) {
  if (!is_token(request.method)) throw HttpError(Kind::BadUrl, "invalid HTTP method");
  if (iequals(request.method, "CONNECT") || iequals(request.method, "TRACE")) {
    throw HttpError(Kind::BadUrl, "method " + request.method + " is not allowed");
  }
  for (const auto& [name, value] : request.headers) {
    if (!is_token(name)) throw HttpError(Kind::BadUrl, "invalid header name");
    if (!is_field_value(value)) throw HttpError(Kind::BadUrl, "invalid value for header " + name);
  }
}

// The host as a URL writes it: an IPv6 literal in brackets.
std::string url_host(const Url& url) {
  return url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
}

std::string host_header(const Url& url) {
  bool default_port =
      (url.scheme == "http" && url.port == "80") || (url.scheme == "https" && url.port == "443");
  return default_port ? url_host(url) : url_host(url) + ":" + url.port;
}

http::request<http::string_body> build_request(HttpRequest& request, const Url& url) {
  http::request<http::string_body> message;
  message.method_string(request.method);
  message.target(url.target);
  message.version(11);
  if (!has_header(request, "Host")) message.insert(http::field::host, host_header(url));
  for (const auto& [name, value] : request.headers) message.insert(name, value);
  bool sends_length = !request.body.empty() || iequals(request.method, "POST") ||
                      iequals(request.method, "PUT") || iequals(request.method, "PATCH");
  if (sends_length && !has_header(request, "Content-Length") &&
      !has_header(request, "Transfer-Encoding")) {
    message.insert(http::field::content_length, std::to_string(request.body.size()));
  }
  if (!has_header(request, "Connection")) message.insert(http::field::connection, "close");
  message.body() = std::move(request.body);
  return message;
}

[[noreturn]] void fail(Kind kind, const std::string& step, const beast::error_code& ec) {
  if (ec == beast::error::timeout) throw HttpError(Kind::Timeout, "timed out (" + step + ")");
  throw HttpError(kind, step + " failed: " + ec.message());
}

// The resolver and a deadline timer racing on one strand: the first to finish resumes the caller.
// getaddrinfo cannot be interrupted, so a lookup that loses keeps the state alive until it ends.
struct ResolveRace : std::enable_shared_from_this<ResolveRace> {
  explicit ResolveRace(const asio::any_io_executor& strand) : resolver(strand), timer(strand) {}
  tcp::resolver resolver;
  asio::steady_timer timer;
  bool done = false;
};

// The initiation is trivially destructible (GCC 12 mishandles other temporaries in co_await).
struct StartResolve {
  ResolveRace* race;
  const Url* url;
  Deadline deadline;

  template <class Handler>
  void operator()(Handler handler) const {
    auto shared = std::make_shared<Handler>(std::move(handler));
    auto state = race->shared_from_this();
    auto finish = [state, shared](beast::error_code ec, tcp::resolver::results_type results) {
      state->done = true;
      asio::post(asio::get_associated_executor(*shared),
                 [shared, ec, results = std::move(results)]() mutable {
                   (*shared)(ec, std::move(results));
                 });
    };
    race->timer.expires_at(deadline);
    race->timer.async_wait([state, finish](beast::error_code) {
      if (state->done) return;
      state->resolver.cancel();
      finish(beast::error::timeout, {});
    });
    race->resolver.async_resolve(
        url->host, url->port,
        [state, finish](beast::error_code ec, tcp::resolver::results_type results) {
          if (state->done) return;
          state->timer.cancel();
          finish(ec, std::move(results));
        });
  }
};

asio::awaitable<tcp::resolver::results_type> resolve(const asio::any_io_executor& strand,
                                                     const Url& url, Deadline deadline) {
  auto race = std::make_shared<ResolveRace>(strand);
  StartResolve start{race.get(), &url, deadline};
  beast::error_code ec;
  auto token = asio::redirect_error(asio::use_awaitable, ec);
  auto results = co_await asio::async_initiate<decltype(token), void(beast::error_code,
                                                                     tcp::resolver::results_type)>(
      start, token);
  if (ec) fail(Kind::Resolve, "resolving " + url.host, ec);
  co_return results;
}

// Writes the request and reads the response (skipping interim 1xx answers) on a connected stream.
template <class Stream>
asio::awaitable<HttpResponse> exchange(Stream& stream, beast::tcp_stream& tcp,
                                       http::request<http::string_body>& message,
                                       Deadline deadline) {
  beast::error_code ec;
  tcp.expires_at(deadline);
  co_await http::async_write(stream, message, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) fail(Kind::Protocol, "sending the request", ec);

  beast::flat_buffer buffer;
  for (;;) {
    http::response_parser<CappedBody> parser;
    parser.header_limit(kMaxResponseHead);
    // The deadline bounds what is read; CappedBody what is kept. (Not boost::none: Boost 1.74's
    // parser compares a Content-Length against the optional limit, and any length > none.)
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    if (message.method() == http::verb::head) parser.skip(true);
    tcp.expires_at(deadline);
    co_await http::async_read(stream, buffer, parser,
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::ssl::error::stream_truncated && parser.is_header_done()) {
      // A TLS peer that closes without close_notify ends a body that runs to the end of the stream.
      ec = {};
      parser.put_eof(ec);
    }
    if (ec) fail(Kind::Protocol, "reading the response", ec);
    auto& received = parser.get();
    int status = received.result_int();
    if (status >= 100 && status < 200 && status != 101) continue;
    HttpResponse response;
    response.status = status;
    for (const auto& field : received)
      response.headers.emplace_back(field.name_string(), field.value());
    response.body = std::move(received.body().data);
    response.body_truncated = received.body().truncated;
    co_return response;
  }
}

// The connection helpers take the caller's named objects by reference (GCC 12 destroys by-value
// arguments of a co_await expression twice).
asio::awaitable<HttpResponse> fetch_plain(const asio::any_io_executor& strand,
                                          const tcp::resolver::results_type& endpoints,
                                          http::request<http::string_body>& message, const Url& url,
                                          Deadline deadline) {
  beast::tcp_stream stream(strand);
  beast::error_code ec;
  stream.expires_at(deadline);
  co_await stream.async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) fail(Kind::Connect, "connecting to " + url_host(url) + ":" + url.port, ec);
  co_return co_await exchange(stream, stream, message, deadline);
}

asio::awaitable<HttpResponse> fetch_tls(const asio::any_io_executor& strand,
                                        const tcp::resolver::results_type& endpoints,
                                        http::request<http::string_body>& message, const Url& url,
                                        const std::string& ca_pem, Deadline deadline) {
  asio::ssl::context context(asio::ssl::context::tls_client);
  context.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                      asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                      asio::ssl::context::no_tlsv1_1);
  beast::error_code ec;
  if (ca_pem.empty()) {
    context.set_default_verify_paths(ec);
  } else {
    context.add_certificate_authority(asio::buffer(ca_pem), ec);
  }
  if (ec) fail(Kind::Tls, "loading the trusted certificates", ec);
  context.set_verify_mode(asio::ssl::verify_peer);

  beast::ssl_stream<beast::tcp_stream> stream(strand, context);
  boost::system::error_code not_address;
  asio::ip::make_address(url.host, not_address);
  // SNI carries names only (RFC 6066); the certificate is checked against names and addresses.
  if (not_address && !SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str())) {
    throw HttpError(Kind::Tls, "cannot set the TLS server name");
  }
  stream.set_verify_callback(asio::ssl::host_name_verification(url.host));

  auto& tcp = beast::get_lowest_layer(stream);
  tcp.expires_at(deadline);
  co_await tcp.async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) fail(Kind::Connect, "connecting to " + url_host(url) + ":" + url.port, ec);
  tcp.expires_at(deadline);
  co_await stream.async_handshake(asio::ssl::stream_base::client,
                                  asio::redirect_error(asio::use_awaitable, ec));
  if (ec) fail(Kind::Tls, "TLS handshake with " + url.host, ec);
  co_return co_await exchange(stream, tcp, message, deadline);
}

// Runs on a strand of the caller's executor: the stream's timer handlers and the resolver race
// then never run beside the coroutine.
asio::awaitable<HttpResponse> run(asio::any_io_executor strand, HttpRequest request, Url url,
                                  Deadline deadline) {
  auto endpoints = co_await resolve(strand, url, deadline);
  auto message = build_request(request, url);
  if (url.scheme == "https") {
    co_return co_await fetch_tls(strand, endpoints, message, url, request.ca_pem, deadline);
  }
  co_return co_await fetch_plain(strand, endpoints, message, url, deadline);
}

}  // namespace

HttpError::HttpError(Kind kind, const std::string& message)
    : std::runtime_error(message), kind(kind) {}

std::string_view to_string(HttpError::Kind kind) {
  switch (kind) {
    case Kind::BadUrl:
      return "BadUrl";
    case Kind::Resolve:
      return "Resolve";
    case Kind::Connect:
      return "Connect";
    case Kind::Tls:
      return "Tls";
    case Kind::Timeout:
      return "Timeout";
    case Kind::Protocol:
      return "Protocol";
  }
  return "Unknown";
}

asio::awaitable<HttpResponse> fetch(HttpRequest request) {
  // The URL itself stays out of the message: its query may carry credentials.
  auto url = parse_url(request.url);
  if (!url) throw HttpError(Kind::BadUrl, "not a valid http or https URL");
  check_request(request);
  auto deadline = std::chrono::steady_clock::now() + request.timeout;
  asio::any_io_executor caller = co_await asio::this_coro::executor;
  asio::any_io_executor strand = asio::make_strand(caller);
  auto work = run(strand, std::move(request), std::move(*url), deadline);
  co_return co_await asio::co_spawn(strand, std::move(work), asio::use_awaitable);
}

}  // namespace nimbus::outbound
