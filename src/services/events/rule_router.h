#pragma once
// The rules that route events, in memory: per bus, the enabled pattern rules in one
// pattern::RuleIndex (matching cost does not grow with the number of rules) and what each needs
// to deliver (ARN, targets). Rebuilt from the rule records at start and kept in step with every
// rule change. Thread-safe: matches share a lock, changes take it alone.

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <shared_mutex>
#include <string>
#include <vector>

#include "services/events/pattern/pattern.h"
#include "services/events/pattern/rule_index.h"

namespace nimbus::events {

using Json = nlohmann::json;

struct RoutedRule {
  std::string name;
  std::string arn;
  std::string account;  // the rule's (and its bus's) account
  Json targets;         // as PutTargets stored them
};

class RuleRouter {
 public:
  // Indexes the rule record (rule_ops.cpp's layout) of `bus_key`, or drops it from the index when
  // it is disabled, has no pattern, or no targets.
  void put(const std::string& bus_key, const Json& rule);
  void remove(const std::string& bus_key, const std::string& rule_name);
  void remove_bus(const std::string& bus_key);
  std::vector<std::shared_ptr<const RoutedRule>> match(const std::string& bus_key, const Json& event) const;
  size_t size() const;
  void clear();

 private:
  struct Bus {
    pattern::RuleIndex index;
    std::map<std::string, std::shared_ptr<const RoutedRule>> rules;
  };
  mutable std::shared_mutex mutex_;
  std::map<std::string, Bus> buses_;
};

}  // namespace nimbus::events
