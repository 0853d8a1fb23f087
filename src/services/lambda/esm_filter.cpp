// FilterCriteria of event source mappings: EventBridge's pattern language over the event record
// (for SQS: body — matched as JSON when it parses as an object —, attributes, messageAttributes).

#include <cmath>

#include "services/lambda/esm_poller.h"
#include "services/lambda/lambda_errors.h"

namespace nimbus::lambda {

namespace {

bool numeric_matches(const Json& conditions, double value) {
  for (size_t i = 0; i + 1 < conditions.size(); i += 2) {
    const std::string op = conditions[i].get<std::string>();
    double bound = conditions[i + 1].get<double>();
    bool ok = op == "=" ? value == bound
              : op == "<" ? value < bound
              : op == "<=" ? value <= bound
              : op == ">" ? value > bound
              : op == ">=" ? value >= bound
                           : false;
    if (!ok) return false;
  }
  return true;
}

bool equal_values(const Json& a, const Json& b) {
  if (a.is_number() && b.is_number()) return a.get<double>() == b.get<double>();
  return a == b;
}

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }
bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// One matcher of a pattern's array against one value (present).
bool matcher_matches(const Json& matcher, const Json& value) {
  if (!matcher.is_object()) return equal_values(matcher, value);
  for (const auto& item : matcher.items()) {
    const std::string& op = item.key();
    const Json& arg = item.value();
    if (op == "prefix") {
      if (arg.is_string()) return value.is_string() && starts_with(value.get<std::string>(), arg.get<std::string>());
      return false;
    }
    if (op == "suffix") return arg.is_string() && value.is_string() && ends_with(value.get<std::string>(), arg.get<std::string>());
    if (op == "equals-ignore-case") {
      if (!arg.is_string() || !value.is_string()) return false;
      std::string a = arg.get<std::string>(), b = value.get<std::string>();
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
      }
      return true;
    }
    if (op == "numeric") return value.is_number() && arg.is_array() && numeric_matches(arg, value.get<double>());
    if (op == "anything-but") {
      if (arg.is_object()) {
        if (arg.contains("prefix")) return !(value.is_string() && starts_with(value.get<std::string>(), arg["prefix"].get<std::string>()));
        if (arg.contains("suffix")) return !(value.is_string() && ends_with(value.get<std::string>(), arg["suffix"].get<std::string>()));
        return true;
      }
      if (arg.is_array()) {
        for (const auto& excluded : arg) {
          if (equal_values(excluded, value)) return false;
        }
        return true;
      }
      return !equal_values(arg, value);
    }
    if (op == "exists") return arg.is_boolean() && arg.get<bool>();
    return false;
  }
  return false;
}

bool pattern_matches(const Json& pattern, const Json& event) {
  for (const auto& item : pattern.items()) {
    const Json& rule = item.value();
    auto found = event.is_object() ? event.find(item.key()) : event.end();
    bool present = event.is_object() && found != event.end();
    if (rule.is_object()) {
      if (!present || !pattern_matches(rule, *found)) return false;
      continue;
    }
    if (!rule.is_array()) return false;
    bool any = false;
    for (const auto& matcher : rule) {
      if (matcher.is_object() && matcher.contains("exists")) {
        bool wanted = matcher["exists"].is_boolean() && matcher["exists"].get<bool>();
        if (wanted == (present && !found->is_null())) any = true;
      } else if (present) {
        if (found->is_array()) {
          for (const auto& element : *found) any = any || matcher_matches(matcher, element);
        } else {
          any = matcher_matches(matcher, *found);
        }
      }
      if (any) break;
    }
    if (!any) return false;
  }
  return true;
}

}  // namespace

bool matches_filters(const Json& filters, const Json& record) {
  if (!filters.is_array() || filters.empty()) return true;
  Json subject = record;
  if (record.contains("body") && record["body"].is_string()) {
    Json parsed = Json::parse(record["body"].get<std::string>(), nullptr, false);
    if (!parsed.is_discarded() && parsed.is_object()) subject["body"] = std::move(parsed);
  }
  for (const auto& filter : filters) {
    Json pattern = Json::parse(filter.value("Pattern", ""), nullptr, false);
    try {
      if (pattern.is_object() && pattern_matches(pattern, subject)) return true;
    } catch (const Json::exception&) {
      // A matcher with arguments of the wrong type ({"anything-but": {"prefix": 5}}) matches nothing.
    }
  }
  return false;
}

void check_filters(const Json& filter_criteria) {
  if (!filter_criteria.is_object()) return;
  for (const auto& filter : filter_criteria.value("Filters", Json::array())) {
    Json pattern = Json::parse(filter.value("Pattern", ""), nullptr, false);
    if (pattern.is_discarded() || !pattern.is_object()) {
      throw errors::invalid_parameter("Invalid filter pattern definition.");
    }
  }
}

}  // namespace nimbus::lambda
