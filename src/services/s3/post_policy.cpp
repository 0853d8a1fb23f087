#include "services/s3/post_policy.h"

#include <set>

#include <nlohmann/json.hpp>

#include "core/crypto.h"
#include "core/text.h"
#include "services/s3/config_common.h"
#include "services/s3/s3_errors.h"

namespace nimbus::s3 {
namespace {

using Json = nlohmann::json;

// Fields a policy need not mention.
bool exempt(const std::string& field) {
  static const std::set<std::string> kExempt = {"policy", "x-amz-signature", "file", "awsaccesskeyid",
                                                "signature", "bucket"};
  return kExempt.contains(field) || field.starts_with("x-ignore-");
}

std::string field_value(const std::map<std::string, std::string>& fields, const std::string& name) {
  auto it = fields.find(name);
  return it == fields.end() ? std::string() : it->second;
}

[[noreturn]] void condition_failed(const std::string& operation, const std::string& field, const std::string& value) {
  throw errors::post_policy_denied("Policy Condition failed: [\"" + operation + "\", \"" + field + "\", \"" + value + "\"]");
}

std::optional<uint64_t> length_bound(const Json& value) {
  if (value.is_number_unsigned() || (value.is_number_integer() && value.get<int64_t>() >= 0)) {
    return value.get<uint64_t>();
  }
  if (value.is_string()) {
    auto parsed = text::parse_integer(value.get<std::string>());
    if (parsed && *parsed >= 0) return static_cast<uint64_t>(*parsed);
  }
  return std::nullopt;
}

bool starts_with_each(const std::string& field, const std::string& value, const std::string& prefix) {
  if (field != "content-type") return value.starts_with(prefix);
  size_t start = 0;
  while (true) {
    auto comma = value.find(',', start);
    auto item = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    item.erase(0, item.find_first_not_of(' '));
    if (!item.starts_with(prefix)) return false;
    if (comma == std::string::npos) return true;
    start = comma + 1;
  }
}

// One ["eq" | "starts-with" | "content-length-range", ...] condition.
void check_list_condition(const Json& condition, const std::map<std::string, std::string>& fields,
                          std::set<std::string>& covered, PostPolicyLimits& limits) {
  if (condition.empty() || !condition[0].is_string()) {
    throw errors::invalid_policy_document("Invalid Condition: " + condition.dump());
  }
  auto operation = lower(condition[0].get<std::string>());
  if (operation == "content-length-range") {
    auto min = condition.size() == 3 ? length_bound(condition[1]) : std::nullopt;
    auto max = condition.size() == 3 ? length_bound(condition[2]) : std::nullopt;
    if (!min || !max) throw errors::invalid_policy_document("Invalid content-length-range: " + condition.dump());
    limits.min_length = min;
    limits.max_length = max;
    return;
  }
  if ((operation != "eq" && operation != "starts-with") || condition.size() != 3 || !condition[1].is_string() ||
      !condition[2].is_string() || !condition[1].get<std::string>().starts_with("$")) {
    throw errors::invalid_policy_document("Invalid Condition: " + condition.dump());
  }
  auto field_text = condition[1].get<std::string>();
  auto field = lower(field_text.substr(1));
  auto expected = condition[2].get<std::string>();
  auto value = field_value(fields, field);
  covered.insert(field);
  bool ok = operation == "eq" ? value == expected : starts_with_each(field, value, expected);
  if (!ok) condition_failed(condition[0].get<std::string>(), field_text, expected);
}

}  // namespace

PostPolicyLimits check_post_policy(std::string_view policy_base64,
                                   const std::map<std::string, std::string>& fields, int64_t now_ms) {
  auto decoded = crypto::base64_decode(policy_base64);
  auto policy = decoded ? Json::parse(*decoded, nullptr, false) : Json(Json::value_t::discarded);
  if (policy.is_discarded() || !policy.is_object()) throw errors::invalid_policy_document("Invalid JSON.");
  auto expiration = policy.find("expiration");
  if (expiration == policy.end() || !expiration->is_string()) {
    throw errors::invalid_policy_document("Policy missing expiration.");
  }
  auto expires = text::parse_timestamp(expiration->get<std::string>());
  if (!expires) {
    throw errors::invalid_policy_document("Invalid 'expiration' value: '" + expiration->get<std::string>() + "'");
  }
  if (static_cast<int64_t>(*expires * 1000) <= now_ms) throw errors::post_policy_denied("Policy expired.");
  auto conditions = policy.find("conditions");
  if (conditions == policy.end() || !conditions->is_array()) {
    throw errors::invalid_policy_document("Policy missing conditions.");
  }
  PostPolicyLimits limits;
  std::set<std::string> covered;
  for (const auto& condition : *conditions) {
    if (condition.is_object()) {
      for (const auto& [name, expected] : condition.items()) {
        auto field = lower(name);
        auto wanted = expected.is_string() ? expected.get<std::string>() : expected.dump();
        covered.insert(field);
        if (field_value(fields, field) != wanted) condition_failed("eq", "$" + name, wanted);
      }
    } else if (condition.is_array()) {
      check_list_condition(condition, fields, covered, limits);
    } else {
      throw errors::invalid_policy_document("Invalid Condition: " + condition.dump());
    }
  }
  for (const auto& [field, value] : fields) {
    if (!exempt(field) && !covered.contains(field)) {
      throw errors::post_policy_denied("Extra input fields: " + field);
    }
  }
  return limits;
}

}  // namespace nimbus::s3
