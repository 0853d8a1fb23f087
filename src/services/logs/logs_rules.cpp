#include "services/logs/logs_rules.h"

#include <algorithm>
#include <array>

#include "core/crypto.h"
#include "services/logs/logs_errors.h"

namespace nimbus::logs {
namespace {

constexpr std::array<int64_t, 22> kRetentionDays = {1,   3,   5,   7,   14,  30,   60,   90,   120,  150,  180,
                                                    365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653};
constexpr std::string_view kTokenPrefix = "nimbus1.";

bool group_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
         c == '_' || c == '/' || c == '#';
}

void check_length(std::string_view value, const char* field, size_t max) {
  if (value.empty()) throw errors::constraint(value, field, "Member must have length greater than or equal to 1");
  if (value.size() > max) {
    throw errors::constraint(value, field, "Member must have length less than or equal to " + std::to_string(max));
  }
}

}  // namespace

std::string required_string(const Json& in, const char* field) {
  auto it = in.find(field);
  if (it == in.end() || it->is_null()) throw errors::missing(field);
  if (!it->is_string()) throw errors::invalid_parameter(std::string("Invalid value for ") + field + ".");
  return it->get<std::string>();
}

std::optional<std::string> opt_string(const Json& in, const char* field) {
  auto it = in.find(field);
  if (it == in.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::optional<int64_t> as_int64(const Json& value) {
  if (value.is_number_unsigned()) {
    auto raw = value.get<uint64_t>();
    return raw > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(raw);
  }
  if (value.is_number_integer()) return value.get<int64_t>();
  if (value.is_number_float()) return static_cast<int64_t>(value.get<double>());
  return std::nullopt;
}

std::optional<int64_t> opt_int(const Json& in, const char* field) {
  auto it = in.find(field);
  if (it == in.end()) return std::nullopt;
  return as_int64(*it);
}

bool opt_bool(const Json& in, const char* field, bool fallback) {
  auto it = in.find(field);
  return it != in.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

void check_group_name(std::string_view name, const char* field) {
  check_length(name, field, 512);
  if (!std::all_of(name.begin(), name.end(), group_name_char)) {
    throw errors::constraint(name, field, "Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+");
  }
}

void check_stream_name(std::string_view name, const char* field) {
  check_length(name, field, 512);
  if (name.find_first_of(":*") != std::string_view::npos) {
    throw errors::constraint(name, field, "Member must satisfy regular expression pattern: [^:*]*");
  }
}

bool is_valid_retention_days(int64_t days) {
  return std::find(kRetentionDays.begin(), kRetentionDays.end(), days) != kRetentionDays.end();
}

void check_retention_days(int64_t days) {
  if (!is_valid_retention_days(days)) {
    throw errors::constraint(std::to_string(days), "retentionInDays",
                             "Member must satisfy enum value set: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, "
                             "400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]");
  }
}

int64_t limit_of(const Json& in, int64_t fallback, int64_t max) {
  auto limit = opt_int(in, "limit");
  if (!limit) return fallback;
  if (*limit < 1) throw errors::constraint(std::to_string(*limit), "limit", "Member must have value greater than or equal to 1");
  if (*limit > max) {
    throw errors::constraint(std::to_string(*limit), "limit",
                             "Member must have value less than or equal to " + std::to_string(max));
  }
  return *limit;
}

void check_tags(const Json& tags) {
  if (!tags.is_object()) return;
  if (tags.size() > 50) {
    throw errors::constraint("{...}", "tags", "Member must have length less than or equal to 50");
  }
  for (const auto& [key, value] : tags.items()) {
    if (key.empty() || key.size() > 128) {
      throw errors::constraint(key, "tags", "Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]");
    }
    if (key.starts_with("aws:")) throw errors::invalid_parameter("Tag keys prefixed with 'aws:' are reserved.");
    if (!value.is_string() || value.get_ref<const std::string&>().size() > 256) {
      throw errors::constraint(value.is_string() ? value.get<std::string>() : value.dump(), "tags",
                               "Map value must satisfy constraint: [Member must have length less than or equal to 256]");
    }
  }
}

std::map<std::string, std::string> tags_of(const Json& tags) {
  std::map<std::string, std::string> out;
  if (!tags.is_object()) return out;
  for (const auto& [key, value] : tags.items()) {
    if (value.is_string()) out[key] = value.get<std::string>();
  }
  return out;
}

std::string group_arn(std::string_view region, std::string_view account, std::string_view group) {
  return "arn:aws:logs:" + std::string(region) + ":" + std::string(account) + ":log-group:" + std::string(group);
}

std::string stream_arn(std::string_view region, std::string_view account, std::string_view group,
                       std::string_view stream) {
  return group_arn(region, account, group) + ":log-stream:" + std::string(stream);
}

std::optional<GroupRef> parse_group_arn(std::string_view arn) {
  // arn:<partition>:logs:<region>:<account>:log-group:<name>[:*]
  std::array<std::string_view, 6> parts;
  std::string_view rest = arn;
  for (size_t i = 0; i < parts.size(); ++i) {
    auto colon = rest.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    parts[i] = rest.substr(0, colon);
    rest.remove_prefix(colon + 1);
  }
  if (parts[0] != "arn" || parts[2] != "logs" || parts[5] != "log-group") return std::nullopt;
  if (rest.ends_with(":*")) rest.remove_suffix(2);
  if (rest.empty() || rest.find(':') != std::string_view::npos) return std::nullopt;
  return GroupRef{std::string(parts[3]), std::string(parts[4]), std::string(rest)};
}

std::string group_name_of_identifier(std::string_view identifier) {
  if (identifier.starts_with("arn:")) {
    auto ref = parse_group_arn(identifier);
    if (!ref) throw errors::invalid_parameter("Invalid logGroupIdentifier: " + std::string(identifier));
    return ref->group;
  }
  return std::string(identifier);
}

std::string encode_token(std::string_view position) {
  std::string token = std::string(kTokenPrefix) + crypto::base64_encode(position);
  return token;
}

std::optional<std::string> decode_token(std::string_view token) {
  if (!token.starts_with(kTokenPrefix)) return std::nullopt;
  return crypto::base64_decode(token.substr(kTokenPrefix.size()));
}

}  // namespace nimbus::logs
