#include "services/s3/lifecycle.h"

#include <set>
#include <utility>
#include <vector>

#include "core/text.h"
#include "services/s3/config_common.h"
#include "services/s3/s3_errors.h"

namespace nimbus::s3 {
namespace {

constexpr int64_t kDayMs = 86'400'000;
constexpr size_t kMaxRules = 1000;
constexpr size_t kMaxIdLength = 255;
constexpr const char* kActions[] = {"Expiration", "Transitions", "NoncurrentVersionExpiration",
                                    "NoncurrentVersionTransitions", "AbortIncompleteMultipartUpload"};

// The conditions of a rule's filter flattened: the legacy rule-level Prefix, Filter.Prefix/Tag/
// ObjectSize*, or Filter.And.
struct Selection {
  std::string prefix;
  std::vector<std::pair<std::string, std::string>> tags;  // every one must be on the object
  std::optional<int64_t> larger_than;
  std::optional<int64_t> smaller_than;
};

Selection selection_of(const Json& rule) {
  Selection selection;
  selection.prefix = rule.value("Prefix", "");
  auto filter = rule.find("Filter");
  if (filter == rule.end() || !filter->is_object()) return selection;
  const Json& conditions = filter->contains("And") ? filter->at("And") : *filter;
  selection.prefix = conditions.value("Prefix", selection.prefix);
  auto add_tag = [&](const Json& tag) {
    if (tag.is_object()) selection.tags.emplace_back(tag.value("Key", ""), tag.value("Value", ""));
  };
  if (auto tag = conditions.find("Tag"); tag != conditions.end()) add_tag(*tag);
  if (auto tags = conditions.find("Tags"); tags != conditions.end() && tags->is_array()) {
    for (const auto& tag : *tags) add_tag(tag);
  }
  if (conditions.contains("ObjectSizeGreaterThan")) {
    selection.larger_than = conditions["ObjectSizeGreaterThan"].get<int64_t>();
  }
  if (conditions.contains("ObjectSizeLessThan")) {
    selection.smaller_than = conditions["ObjectSizeLessThan"].get<int64_t>();
  }
  return selection;
}

void validate_expiration(const Json& expiration) {
  int present = expiration.contains("Days") + expiration.contains("Date") +
                expiration.contains("ExpiredObjectDeleteMarker");
  if (present != 1) throw errors::malformed_xml();
  if (expiration.contains("Days") && expiration["Days"].get<int64_t>() <= 0) {
    throw errors::invalid_argument("'Days' for Expiration action must be a positive integer");
  }
  if (expiration.contains("Date")) {
    auto date_ms = static_cast<int64_t>(expiration["Date"].get<double>() * 1000);
    if (date_ms % kDayMs != 0) throw errors::invalid_argument("'Date' must be at midnight GMT");
  }
}

void validate_rule(Json& rule, std::set<std::string>& ids) {
  if (!rule.contains("ID") || rule["ID"].get<std::string>().empty()) rule["ID"] = generated_config_id();
  auto id = rule["ID"].get<std::string>();
  if (id.size() > kMaxIdLength) {
    throw errors::invalid_argument("ID length should not exceed allowed limit of 255", "ID", id);
  }
  if (!ids.insert(id).second) {
    throw errors::invalid_argument("Rule ID must be unique. Found same ID for more than one rule", "ID", id);
  }
  auto status = rule.value("Status", "");
  if (status != "Enabled" && status != "Disabled") throw errors::malformed_xml();
  if (rule.contains("Filter") && rule.contains("Prefix")) throw errors::malformed_xml();
  if (auto filter = rule.find("Filter"); filter != rule.end() && filter->size() > 1) {
    throw errors::malformed_xml();
  }
  bool has_action = false;
  for (const char* action : kActions) has_action = has_action || rule.contains(action);
  if (!has_action) throw errors::invalid_request("At least one action needs to be specified in a rule");
  if (rule.contains("Expiration")) validate_expiration(rule["Expiration"]);
}

}  // namespace

void validate_lifecycle(Json& configuration) {
  auto rules = configuration.find("Rules");
  if (rules == configuration.end() || !rules->is_array() || rules->empty()) throw errors::malformed_xml();
  if (rules->size() > kMaxRules) {
    throw errors::invalid_argument("The number of lifecycle rules should not exceed allowed limit of 1000 rules");
  }
  std::set<std::string> ids;
  for (auto& rule : *rules) validate_rule(rule, ids);
}

bool lifecycle_rule_selects(const Json& rule, const ObjectSummary& object) {
  if (rule.value("Status", "") != "Enabled") return false;
  auto selection = selection_of(rule);
  for (const auto& [key, value] : selection.tags) {
    auto it = object.tags.find(key);
    if (it == object.tags.end() || it->second != value) return false;
  }
  if (!object.key.starts_with(selection.prefix)) return false;
  auto size = static_cast<int64_t>(object.size);
  if (selection.larger_than && size <= *selection.larger_than) return false;
  if (selection.smaller_than && size >= *selection.smaller_than) return false;
  return true;
}

std::optional<int64_t> expiration_due_ms(const Json& rule, int64_t last_modified_ms) {
  auto expiration = rule.find("Expiration");
  if (expiration == rule.end()) return std::nullopt;
  if (expiration->contains("Date")) {
    return static_cast<int64_t>(expiration->at("Date").get<double>() * 1000);
  }
  if (expiration->contains("Days")) {
    int64_t reached = last_modified_ms + expiration->at("Days").get<int64_t>() * kDayMs;
    return (reached / kDayMs + 1) * kDayMs;
  }
  return std::nullopt;
}

std::optional<std::string> expiration_header(const Json& configuration, const ObjectSummary& object) {
  if (object.delete_marker) return std::nullopt;
  std::optional<int64_t> earliest;
  std::string rule_id;
  for (const auto& rule : configuration.value("Rules", Json::array())) {
    if (!lifecycle_rule_selects(rule, object)) continue;
    auto due = expiration_due_ms(rule, object.last_modified_ms);
    if (due && (!earliest || *due < *earliest)) {
      earliest = due;
      rule_id = rule.value("ID", "");
    }
  }
  if (!earliest) return std::nullopt;
  return "expiry-date=\"" + text::format_http_date(static_cast<double>(*earliest / 1000)) +
         "\", rule-id=\"" + text::percent_encode(rule_id, false) + "\"";
}

void describe_expiration(const Bucket& bucket, const ObjectSummary& object, Json& output) {
  auto configuration = bucket.configs.find("lifecycle");
  if (configuration == bucket.configs.end()) return;
  if (auto header = expiration_header(*configuration, object)) output["Expiration"] = *header;
}

bool lifecycle_expires(const Json& configuration, const ObjectSummary& object, int64_t now_ms) {
  if (object.delete_marker) return false;
  for (const auto& rule : configuration.value("Rules", Json::array())) {
    if (!lifecycle_rule_selects(rule, object)) continue;
    auto due = expiration_due_ms(rule, object.last_modified_ms);
    if (due && *due <= now_ms) return true;
  }
  return false;
}

}  // namespace nimbus::s3
