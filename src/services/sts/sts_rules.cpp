#include "services/sts/sts_rules.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "core/crypto.h"
#include "services/sts/sts_errors.h"

namespace nimbus::sts {
namespace {

constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr int64_t kPackedAllowance = 2048;

std::string base32_of(std::string_view raw, size_t length) {
  std::string out;
  for (size_t i = 0; out.size() < length; ++i) {
    out.push_back(kBase32[static_cast<unsigned char>(raw[i % raw.size()]) % 32]);
  }
  return out;
}

bool digits(std::string_view text, size_t count) {
  return text.size() == count && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<std::string> base64url_decode(std::string_view text) {
  std::string standard(text);
  for (char& c : standard) {
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
  }
  while (standard.size() % 4 != 0) standard.push_back('=');
  return crypto::base64_decode(standard);
}

}  // namespace

std::optional<RoleArn> parse_role_arn(std::string_view arn) {
  // arn : partition : iam : (empty region) : account : role/...
  std::string_view parts[6];
  size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    auto colon = arn.find(':', start);
    if (colon == std::string_view::npos) return std::nullopt;
    parts[i] = arn.substr(start, colon - start);
    start = colon + 1;
  }
  parts[5] = arn.substr(start);
  if (parts[0] != "arn" || !parts[1].starts_with("aws") || parts[2] != "iam" || !parts[3].empty() ||
      !digits(parts[4], 12) || !parts[5].starts_with("role/")) {
    return std::nullopt;
  }
  auto resource = parts[5].substr(5);
  auto name = resource.substr(resource.rfind('/') + 1);
  if (name.empty()) return std::nullopt;
  return RoleArn{std::string(parts[1]), std::string(parts[4]), std::string(name)};
}

void check_session_name(std::string_view name, std::string_view field) {
  bool valid = std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("_+=,.@-").find(c) != std::string_view::npos;
  });
  if (!valid) {
    throw errors::validation(name, field, "Member must satisfy regular expression pattern: [\\w+=,.@-]*");
  }
}

int64_t packed_policy_size(const std::optional<std::string>& policy, const Json& tags) {
  int64_t bytes = 0;
  if (policy) {
    auto document = Json::parse(*policy, nullptr, false);
    if (document.is_discarded() || !document.is_object()) throw errors::malformed_policy("Syntax errors in policy.");
    bytes += static_cast<int64_t>(document.dump().size()) / 2;  // AWS compresses the policy
  }
  std::set<std::string> keys;
  if (tags.is_array()) {
    for (const auto& tag : tags) {
      std::string key = tag.value("Key", "");
      std::string value = tag.value("Value", "");
      std::string folded = key;
      std::transform(folded.begin(), folded.end(), folded.begin(), [](unsigned char c) { return std::tolower(c); });
      if (!keys.insert(folded).second) throw errors::duplicate_tag_keys();
      bytes += static_cast<int64_t>(key.size() + value.size());
    }
  }
  int64_t percent = (bytes * 100 + kPackedAllowance - 1) / kPackedAllowance;
  if (percent > 100) throw errors::packed_policy_too_large(percent);
  return percent;
}

std::string new_temporary_key_id() { return "ASIA" + base32_of(crypto::random_bytes(16), 16); }

std::string new_secret_access_key() { return crypto::base64_encode(crypto::random_bytes(30)); }

std::string new_session_token() {
  // AWS's tokens are base64 of a binary structure starting "!\n\torigin_ec"; clients treat them as opaque.
  return "IQoJb3JpZ2luX2VjE" + crypto::base64_encode(crypto::random_bytes(240));
}

std::string role_id(std::string_view role_arn) {
  return "AROA" + base32_of(crypto::sha256_raw(role_arn), 17);
}

std::optional<Json> web_identity_claims(std::string_view token) {
  auto first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  auto second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) return std::nullopt;
  auto header = base64url_decode(token.substr(0, first));
  auto payload = base64url_decode(token.substr(first + 1, second - first - 1));
  if (!header || !payload) return std::nullopt;
  auto header_json = Json::parse(*header, nullptr, false);
  auto claims = Json::parse(*payload, nullptr, false);
  if (!header_json.is_object() || !claims.is_object()) return std::nullopt;
  return claims;
}

}  // namespace nimbus::sts
