// The outbound client over plain HTTP against a server in the test, and parse_url.

#include "outbound/http_client.h"

#include <gtest/gtest.h>

#include <chrono>

#include "local_server.h"

namespace nimbus::outbound {
namespace {

using namespace testing;
using Kind = HttpError::Kind;

// ---- parse_url ----

TEST(ParseUrl, SchemesGetTheirDefaultPorts) {
  auto http = parse_url("http://example.com/a");
  ASSERT_TRUE(http);
  EXPECT_EQ(http->scheme, "http");
  EXPECT_EQ(http->host, "example.com");
  EXPECT_EQ(http->port, "80");
  EXPECT_EQ(http->target, "/a");
  auto https = parse_url("HTTPS://Example.COM/a");
  ASSERT_TRUE(https);
  EXPECT_EQ(https->scheme, "https");
  EXPECT_EQ(https->host, "example.com");
  EXPECT_EQ(https->port, "443");
}

TEST(ParseUrl, KeepsAnExplicitPortAndTheQueryDropsTheFragment) {
  auto url = parse_url("http://10.0.0.1:8080/hooks/in?token=a%20b&x=1#frag");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->host, "10.0.0.1");
  EXPECT_EQ(url->port, "8080");
  EXPECT_EQ(url->target, "/hooks/in?token=a%20b&x=1");
}

TEST(ParseUrl, AMissingPathIsSlash) {
  EXPECT_EQ(parse_url("http://example.com")->target, "/");
  EXPECT_EQ(parse_url("http://example.com:81")->target, "/");
  EXPECT_EQ(parse_url("http://example.com?x=1")->target, "/?x=1");
  EXPECT_EQ(parse_url("http://example.com#top")->target, "/");
}

TEST(ParseUrl, AnIpv6LiteralLosesItsBrackets) {
  auto url = parse_url("http://[::1]:8080/p");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, "8080");
  EXPECT_EQ(url->target, "/p");
  EXPECT_EQ(parse_url("https://[2001:db8::1]")->port, "443");
}

TEST(ParseUrl, RejectsOtherSchemesAndMalformedUrls) {
  for (const char* bad :
       {"ftp://example.com/", "example.com/path", "http://", "http:///path", "http://:80/",
        "http://exa mple.com/", "http://example.com/a b", "http://user:pw@example.com/",
        "http://example.com:0/", "http://example.com:65536/", "http://example.com:8x/",
        "http://[::1/", "http://[nope]/", "http://[::1]x/", "http://ex\xc3\xa9.com/",
        "http://example.com/\r\nX: y", "file:///etc/passwd", ""}) {
    EXPECT_FALSE(parse_url(bad)) << bad;
  }
}

// ---- fetch ----

TEST(Fetch, APostArrivesExactlyAsSent) {
  asio::io_context io;
  LocalServer server(io);
  Received received;
  server.answer_once(received, raw_response(200, "OK", {}, ""));
  HttpRequest request;
  request.url = server.url("/events/in?source=nimbus&x=%2F");
  request.headers = {
      {"Content-Type", "application/json"}, {"X-Api-Key", "secret"}, {"x-lower", "v"}};
  request.body = R"({"detail":{"a":1}})";
  auto response = response_of(io, request);
  EXPECT_EQ(response.status, 200);
  ASSERT_TRUE(received.arrived);
  EXPECT_EQ(received.method, "POST");
  EXPECT_EQ(received.target, "/events/in?source=nimbus&x=%2F");
  EXPECT_EQ(received.body, request.body);
  Headers expected = {{"Host", "127.0.0.1:" + std::to_string(server.port())},
                      {"Content-Type", "application/json"},
                      {"X-Api-Key", "secret"},
                      {"x-lower", "v"},
                      {"Content-Length", std::to_string(request.body.size())},
                      {"Connection", "close"}};
  EXPECT_EQ(received.headers, expected);
}

TEST(Fetch, ABodyThatArrivesAfterItsHeadIsReadWhole) {
  asio::io_context io;
  LocalServer server(io);
  Received received;
  server.answer_in_two_writes(received, "HTTP/1.0 400 Bad Request\r\nContent-Length: 13\r\n\r\n", "{\"ok\": false}");
  HttpRequest request;
  request.url = server.url("/reject");
  request.body = "{}";
  auto response = response_of(io, request);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.body, "{\"ok\": false}");
}

TEST(Fetch, StatusResponseHeadersAndBodyComeBack) {
  asio::io_context io;
  LocalServer server(io);
  Received received;
  server.answer_once(
      received, raw_response(404, "Not Found",
                             {{"X-Reason", "gone"}, {"Set-Cookie", "a=1"}, {"Set-Cookie", "b=2"}},
                             "no such hook"));
  HttpRequest request;
  request.method = "GET";
  request.url = server.url("/hook");
  auto response = response_of(io, request);
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.body, "no such hook");
  EXPECT_FALSE(response.body_truncated);
  Headers expected = {
      {"X-Reason", "gone"}, {"Set-Cookie", "a=1"}, {"Set-Cookie", "b=2"}, {"Content-Length", "12"}};
  EXPECT_EQ(response.headers, expected);
  // A GET without a body says nothing about its length.
  EXPECT_FALSE(header(received.headers, "Content-Length"));
  EXPECT_EQ(received.method, "GET");
}

TEST(Fetch, AnEmptyPutStillSendsItsLength) {
  asio::io_context io;
  LocalServer server(io);
  Received received;
  server.answer_once(received, raw_response(204, "No Content", {}, ""));
  HttpRequest request;
  request.method = "PUT";
  request.url = server.url("");
  auto response = response_of(io, request);
  EXPECT_EQ(response.status, 204);
  EXPECT_EQ(received.target, "/");
  EXPECT_EQ(header(received.headers, "Content-Length"), "0");
}

TEST(Fetch, HeadersTheCallerSetAreNotAddedAgain) {
  asio::io_context io;
  LocalServer server(io);
  Received received;
  server.answer_once(received, raw_response(200, "OK", {}, ""));
  HttpRequest request;
  request.url = server.url("/");
  request.headers = {{"host", "api.example.com"}, {"content-length", "3"}, {"connection", "close"}};
  request.body = "abc";
  response_of(io, request);
  Headers expected = {
      {"host", "api.example.com"}, {"content-length", "3"}, {"connection", "close"}};
  EXPECT_EQ(received.headers, expected);
  EXPECT_EQ(received.body, "abc");
}

TEST(Fetch, AnInterimContinueIsSkipped) {
  asio::io_context io;
  LocalServer server(io);
  Received received;
  server.answer_once(received,
                     "HTTP/1.1 100 Continue\r\n\r\n" + raw_response(201, "Created", {}, "made"));
  HttpRequest request;
  request.url = server.url("/");
  auto response = response_of(io, request);
  EXPECT_EQ(response.status, 201);
  EXPECT_EQ(response.body, "made");
}

TEST(Fetch, ABodyOverOneMebibyteIsCutNotFailed) {
  asio::io_context io;
  LocalServer server(io);
  Received received;
  std::string big(3 * max_body + 17, 'x');
  big[max_body - 1] = 'y';
  server.answer_once(received, raw_response(200, "OK", {{"X-After", "body"}}, big));
  HttpRequest request;
  request.url = server.url("/big");
  auto response = response_of(io, request);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body.size(), max_body);
  EXPECT_EQ(response.body.back(), 'y');
  EXPECT_TRUE(response.body_truncated);
  EXPECT_EQ(header(response.headers, "X-After"), "body");
}

TEST(Fetch, AServerThatNeverAnswersTimesOut) {
  asio::io_context io;
  LocalServer server(io);
  server.stay_silent();
  HttpRequest request;
  request.url = server.url("/slow");
  request.body = "x";
  request.timeout = std::chrono::milliseconds(300);
  auto started = std::chrono::steady_clock::now();
  auto error = error_of(io, request);
  auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, Kind::Timeout) << error->what();
  EXPECT_GE(elapsed, std::chrono::milliseconds(250));
  EXPECT_LT(elapsed, std::chrono::milliseconds(1500));
}

TEST(Fetch, ADeadlineAlreadyPassedTimesOutWhicheverStepItMeets) {
  // The lookup and the deadline race; either way the exchange ends in Timeout.
  for (int i = 0; i < 20; ++i) {
    asio::io_context io;
    LocalServer server(io);
    server.stay_silent();
    HttpRequest request;
    request.url = server.url("/");
    request.timeout = std::chrono::milliseconds(0);
    auto error = error_of(io, request);
    ASSERT_TRUE(error);
    EXPECT_EQ(error->kind, Kind::Timeout) << error->what();
  }
}

TEST(Fetch, ARefusedPortIsAConnectError) {
  asio::io_context io;
  unsigned short port = 0;
  {
    LocalServer closed(io);
    port = closed.port();
  }
  HttpRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(port) + "/";
  auto error = error_of(io, request);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, Kind::Connect) << error->what();
}

TEST(Fetch, ABadUrlIsABadUrlError) {
  for (const char* url : {"ftp://example.com/", "not a url", "http://", ""}) {
    asio::io_context io;
    HttpRequest request;
    request.url = url;
    auto error = error_of(io, request);
    ASSERT_TRUE(error) << url;
    EXPECT_EQ(error->kind, Kind::BadUrl) << url;
  }
}

TEST(Fetch, ARequestThatCannotBeSentAsGivenIsRefused) {
  HttpRequest connect;
  connect.method = "CONNECT";
  HttpRequest trace;
  trace.method = "trace";
  HttpRequest spaced;
  spaced.method = "GET /x";
  HttpRequest injected;
  injected.headers = {{"X-A", "1\r\nX-Injected: yes"}};
  HttpRequest bad_name;
  bad_name.headers = {{"X A", "1"}};
  for (HttpRequest request : {connect, trace, spaced, injected, bad_name}) {
    asio::io_context io;
    request.url = "http://127.0.0.1:9/";
    auto error = error_of(io, request);
    ASSERT_TRUE(error) << request.method;
    EXPECT_EQ(error->kind, Kind::BadUrl) << request.method;
  }
}

}  // namespace
}  // namespace nimbus::outbound
