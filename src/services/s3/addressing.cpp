#include "services/s3/addressing.h"

namespace nimbus::s3 {
namespace {

std::string_view strip_port(std::string_view host) {
  if (!host.empty() && host.front() == '[') return host;  // IPv6 literal: never a bucket
  auto colon = host.rfind(':');
  return colon == std::string_view::npos ? host : host.substr(0, colon);
}

bool is_ip_literal(std::string_view host) {
  if (host.empty() || host.front() == '[') return true;
  for (char c : host) {
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.')) return false;
  }
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string decode_path(std::string_view encoded) {
  std::string out;
  out.reserve(encoded.size());
  for (size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] == '%' && i + 2 < encoded.size()) {
      int high = hex_value(encoded[i + 1]);
      int low = hex_value(encoded[i + 2]);
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
    }
    out.push_back(encoded[i]);
  }
  return out;
}

Address resolve_address(std::string_view raw_host, std::string_view target) {
  Address address;
  address.path_target = std::string(target);
  auto host = strip_port(raw_host);
  if (is_ip_literal(host)) return address;

  // The bucket is everything before the first label that names the S3 endpoint.
  static constexpr std::string_view kMarkers[] = {".s3-website.", ".s3-website-", ".s3.", ".s3-"};
  for (auto marker : kMarkers) {
    auto at = host.find(marker);
    if (at == std::string_view::npos || at == 0) continue;
    address.bucket = std::string(host.substr(0, at));
    address.website = marker.starts_with(".s3-website");
    break;
  }
  if (address.bucket.empty() && host.ends_with(".localhost") && host.size() > 10) {
    address.bucket = std::string(host.substr(0, host.size() - 10));  // bucket.localhost
  }
  if (!address.bucket.empty()) {
    std::string rewritten = "/" + address.bucket;
    if (target.empty() || target.front() != '/') rewritten += "/";
    address.path_target = rewritten + std::string(target);
  }
  return address;
}

}  // namespace nimbus::s3
