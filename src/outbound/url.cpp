// parse_url: the http(s) URLs the outbound client accepts.

#include <boost/asio/ip/address_v6.hpp>
#include <cctype>

#include "outbound/http_client.h"

namespace nimbus::outbound {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Printable ASCII other than space: what a request target may carry unencoded.
bool printable(std::string_view text) {
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return false;
  }
  return true;
}

// A registered name or IPv4 address: letters, digits, '-', '.', '_'.
bool valid_name(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  for (char c : host) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_')
      return false;
  }
  return true;
}

bool valid_ipv6(const std::string& host) {
  boost::system::error_code ec;
  boost::asio::ip::make_address_v6(host, ec);
  return !ec && host.find('%') == std::string::npos;  // no zone ids
}

// Digits in 1..65535 (leading zeros dropped).
std::optional<std::string> valid_port(std::string_view port) {
  if (port.empty() || port.size() > 5) return std::nullopt;
  unsigned value = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value == 0 || value > 65535) return std::nullopt;
  return std::to_string(value);
}

}  // namespace

std::optional<Url> parse_url(std::string_view text) {
  if (!printable(text)) return std::nullopt;
  auto colon = text.find("://");
  if (colon == std::string_view::npos) return std::nullopt;
  Url url;
  url.scheme = lower(text.substr(0, colon));
  if (url.scheme != "http" && url.scheme != "https") return std::nullopt;
  std::string_view rest = text.substr(colon + 3);
  if (auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  auto authority_end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view target =
      authority_end == std::string_view::npos ? "" : rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) return std::nullopt;  // no user info

  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    url.host = lower(authority.substr(1, close - 1));
    if (!valid_ipv6(url.host)) return std::nullopt;
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port = after.substr(1);
    }
  } else {
    auto port_colon = authority.find(':');
    url.host = lower(authority.substr(0, port_colon));
    if (!valid_name(url.host)) return std::nullopt;
    if (port_colon != std::string_view::npos) port = authority.substr(port_colon + 1);
  }
  if (port.empty()) {
    url.port = url.scheme == "https" ? "443" : "80";
  } else {
    auto checked = valid_port(port);
    if (!checked) return std::nullopt;
    url.port = *checked;
  }
  url.target =
      target.empty() || target.front() == '?' ? "/" + std::string(target) : std::string(target);
  return url;
}

}  // namespace nimbus::outbound
