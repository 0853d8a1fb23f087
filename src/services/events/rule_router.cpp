#include "services/events/rule_router.h"

#include <mutex>

namespace nimbus::events {

void RuleRouter::put(const std::string& bus_key, const Json& rule) {
  std::string name = rule.value("Name", "");
  bool routes = rule.value("State", "ENABLED") != "DISABLED" && rule.contains("EventPattern") &&
                !rule.value("Targets", Json::array()).empty();
  std::shared_ptr<const pattern::Pattern> compiled;
  if (routes) compiled = pattern::parse(rule["EventPattern"].get<std::string>());
  std::unique_lock lock(mutex_);
  auto& bus = buses_[bus_key];
  if (!routes) {
    bus.index.remove(name);
    bus.rules.erase(name);
    return;
  }
  bus.index.add(name, std::move(compiled));
  bus.rules[name] = std::make_shared<const RoutedRule>(
      RoutedRule{name, rule.value("Arn", ""), rule.value("Account", ""), rule["Targets"]});
}

void RuleRouter::remove(const std::string& bus_key, const std::string& rule_name) {
  std::unique_lock lock(mutex_);
  auto it = buses_.find(bus_key);
  if (it == buses_.end()) return;
  it->second.index.remove(rule_name);
  it->second.rules.erase(rule_name);
}

void RuleRouter::remove_bus(const std::string& bus_key) {
  std::unique_lock lock(mutex_);
  buses_.erase(bus_key);
}

std::vector<std::shared_ptr<const RoutedRule>> RuleRouter::match(const std::string& bus_key, const Json& event) const {
  std::shared_lock lock(mutex_);
  std::vector<std::shared_ptr<const RoutedRule>> out;
  auto it = buses_.find(bus_key);
  if (it == buses_.end()) return out;
  for (const auto& name : it->second.index.match(event)) {
    if (auto rule = it->second.rules.find(name); rule != it->second.rules.end()) out.push_back(rule->second);
  }
  return out;
}

size_t RuleRouter::size() const {
  std::shared_lock lock(mutex_);
  size_t total = 0;
  for (const auto& [key, bus] : buses_) total += bus.rules.size();
  return total;
}

void RuleRouter::clear() {
  std::unique_lock lock(mutex_);
  buses_.clear();
}

}  // namespace nimbus::events
