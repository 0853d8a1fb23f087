#include "auth/canonical.h"

#include <algorithm>
#include <strings.h>

#include "core/crypto.h"

namespace nimbus::auth {
namespace {

bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 3986 dot-segment removal that also drops empty segments; a trailing '/' is kept.
std::string normalize_path(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = std::min(path.find('/', start), path.size());
    std::string_view segment = path.substr(start, slash - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = slash + 1;
  }
  std::string out;
  for (auto segment : segments) {
    out += '/';
    out += segment;
  }
  if (out.empty() || path.back() == '/') out += '/';
  return out;
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

void append_trimmed(std::string& out, std::string_view value) {
  bool pending_space = false;
  bool started = false;
  for (char c : value) {
    if (is_space(c)) {
      pending_space = started;
      continue;
    }
    if (pending_space) out += ' ';
    out += c;
    pending_space = false;
    started = true;
  }
}

}  // namespace

std::string uri_encode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (unreserved(c) || (keep_slash && c == '/')) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
        hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

QueryParams decode_query(std::string_view raw_query) {
  QueryParams params;
  size_t start = 0;
  while (start <= raw_query.size()) {
    size_t amp = std::min(raw_query.find('&', start), raw_query.size());
    std::string_view pair = raw_query.substr(start, amp - start);
    if (!pair.empty()) {
      size_t eq = pair.find('=');
      if (eq == std::string_view::npos) {
        params.emplace_back(percent_decode(pair), "");
      } else {
        params.emplace_back(percent_decode(pair.substr(0, eq)), percent_decode(pair.substr(eq + 1)));
      }
    }
    start = amp + 1;
  }
  return params;
}

std::string canonical_uri(std::string_view raw_path, Dialect dialect) {
  if (raw_path.empty()) return "/";
  if (dialect == Dialect::kS3) return uri_encode(percent_decode(raw_path), true);
  return uri_encode(normalize_path(raw_path), true);
}

std::string canonical_query(std::string_view raw_query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  for (auto& [key, value] : decode_query(raw_query)) {
    if (key == "X-Amz-Signature") continue;
    encoded.emplace_back(uri_encode(key, false), uri_encode(value, false));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [key, value] : encoded) {
    if (!out.empty()) out += '&';
    out += key;
    out += '=';
    out += value;
  }
  return out;
}

std::string canonical_headers(const SignedRequest& request,
                              const std::vector<std::string>& signed_headers) {
  std::string out;
  for (const auto& name : signed_headers) {
    out += name;
    out += ':';
    bool first = true;
    for (const auto& [key, value] : request.headers) {
      if (key.size() != name.size() || strncasecmp(key.data(), name.data(), name.size()) != 0) {
        continue;
      }
      if (!first) out += ',';
      append_trimmed(out, value);
      first = false;
    }
    out += '\n';
  }
  return out;
}

std::string canonical_request(const SignedRequest& request, Dialect dialect,
                              const std::vector<std::string>& signed_headers,
                              std::string_view payload_hash) {
  std::string joined;
  for (const auto& name : signed_headers) {
    if (!joined.empty()) joined += ';';
    joined += name;
  }
  std::string out;
  out.append(request.method).append("\n");
  out.append(canonical_uri(request.path(), dialect)).append("\n");
  out.append(canonical_query(request.query())).append("\n");
  out.append(canonical_headers(request, signed_headers)).append("\n");
  out.append(joined).append("\n");
  out.append(payload_hash);
  return out;
}

std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request) {
  std::string out = "AWS4-HMAC-SHA256\n";
  out.append(amz_date).append("\n");
  out.append(scope).append("\n");
  out.append(crypto::sha256_hex(canonical_request));
  return out;
}

}  // namespace nimbus::auth
