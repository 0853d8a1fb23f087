// The outbound client over TLS against a server in the test with a certificate made here.

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <memory>

#include "local_server.h"
#include "outbound/http_client.h"

namespace nimbus::outbound {
namespace {

using namespace testing;
using Kind = HttpError::Kind;

struct SelfSigned {
  std::string cert_pem;
  std::string key_pem;
};

std::string drain(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(size));
}

// A self-signed P-256 certificate for `dns_name`, valid for an hour either side of now.
SelfSigned make_self_signed(const std::string& dns_name) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(dns_name.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, cert.get(), cert.get(), nullptr, nullptr, 0);
  std::string san = "DNS:" + dns_name;
  for (auto [nid, value] : {std::pair<int, const char*>{NID_basic_constraints, "critical,CA:TRUE"},
                            std::pair<int, const char*>{NID_subject_alt_name, san.c_str()}}) {
    X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
    X509_add_ext(cert.get(), extension, -1);
    X509_EXTENSION_free(extension);
  }
  X509_sign(cert.get(), key.get(), EVP_sha256());
  std::unique_ptr<BIO, decltype(&BIO_free)> cert_bio(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_X509(cert_bio.get(), cert.get());
  std::unique_ptr<BIO, decltype(&BIO_free)> key_bio(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  return {drain(cert_bio.get()), drain(key_bio.get())};
}

const SelfSigned& localhost_cert() {
  static const SelfSigned cert = make_self_signed("localhost");
  return cert;
}

// Serves one request over TLS with the localhost certificate; records the SNI it was sent.
class TlsServer {
 public:
  explicit TlsServer(asio::io_context& io)
      : io_(io), plain_(io), context_(asio::ssl::context::tls_server) {
    context_.use_certificate_chain(asio::buffer(localhost_cert().cert_pem));
    context_.use_private_key(asio::buffer(localhost_cert().key_pem), asio::ssl::context::pem);
  }

  unsigned short port() const { return plain_.port(); }
  std::string url(const std::string& host, const std::string& target) const {
    return "https://" + host + ":" + std::to_string(port()) + target;
  }

  void answer_once(Received& received, std::string raw) {
    asio::co_spawn(io_, answer(received, std::move(raw)), asio::detached);
  }

  std::string server_name;  // the SNI of the last handshake, empty if none
  bool handshake_failed = false;

 private:
  asio::awaitable<void> answer(Received& received, std::string raw) {
    tcp::socket socket = co_await plain_.acceptor().async_accept(asio::use_awaitable);
    asio::ssl::stream<tcp::socket> stream(std::move(socket), context_);
    boost::system::error_code ec;
    co_await stream.async_handshake(asio::ssl::stream_base::server,
                                    asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      handshake_failed = true;
      co_return;
    }
    const char* sni = SSL_get_servername(stream.native_handle(), TLSEXT_NAMETYPE_host_name);
    server_name = sni ? sni : "";
    co_await read_request(stream, received);
    co_await asio::async_write(stream, asio::buffer(raw), asio::use_awaitable);
  }

  asio::io_context& io_;
  LocalServer plain_;
  asio::ssl::context context_;
};

TEST(Https, AServerTheCaTrustsAnswersWithSniAndAMatchingName) {
  asio::io_context io;
  TlsServer server(io);
  Received received;
  server.answer_once(received, raw_response(200, "OK", {{"X-Tls", "yes"}}, "secure"));
  HttpRequest request;
  request.url = server.url("localhost", "/token?grant=client_credentials");
  request.body = "a=b";
  request.ca_pem = localhost_cert().cert_pem;
  auto response = response_of(io, request);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "secure");
  EXPECT_EQ(header(response.headers, "X-Tls"), "yes");
  EXPECT_EQ(server.server_name, "localhost");
  EXPECT_EQ(received.target, "/token?grant=client_credentials");
  EXPECT_EQ(received.body, "a=b");
  EXPECT_EQ(header(received.headers, "Host"), "localhost:" + std::to_string(server.port()));
}

TEST(Https, ACertificateTheSystemDoesNotTrustIsATlsError) {
  asio::io_context io;
  TlsServer server(io);
  Received received;
  server.answer_once(received, raw_response(200, "OK", {}, ""));
  HttpRequest request;
  request.url = server.url("localhost", "/");
  auto error = error_of(io, request);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, Kind::Tls) << error->what();
  EXPECT_FALSE(received.arrived);
}

TEST(Https, ACertificateForAnotherNameIsATlsError) {
  asio::io_context io;
  TlsServer server(io);
  Received received;
  server.answer_once(received, raw_response(200, "OK", {}, ""));
  HttpRequest request;
  request.url = server.url("127.0.0.1", "/");
  request.ca_pem = localhost_cert().cert_pem;
  auto error = error_of(io, request);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, Kind::Tls) << error->what();
  EXPECT_FALSE(received.arrived);
}

TEST(Https, AnUnparsableCaIsATlsError) {
  asio::io_context io;
  HttpRequest request;
  request.url = "https://localhost:9/";
  request.ca_pem = "not a certificate";
  auto error = error_of(io, request);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, Kind::Tls) << error->what();
}

TEST(Https, AServerThatNeverHandshakesTimesOut) {
  asio::io_context io;
  LocalServer server(io);
  server.stay_silent();
  HttpRequest request;
  request.url = "https://localhost:" + std::to_string(server.port()) + "/";
  request.timeout = std::chrono::milliseconds(300);
  auto started = std::chrono::steady_clock::now();
  auto error = error_of(io, request);
  auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, Kind::Timeout) << error->what();
  EXPECT_LT(elapsed, std::chrono::milliseconds(1500));
}

}  // namespace
}  // namespace nimbus::outbound
