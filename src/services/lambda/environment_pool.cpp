#include "services/lambda/environment_pool.h"

namespace nimbus::lambda {

EnvironmentPool::Lease EnvironmentPool::acquire(const std::string& function, const std::string& key, int reserved,
                                                const std::function<std::shared_ptr<Environment>()>& start,
                                                bool may_start) {
  Lease lease;
  {
    std::lock_guard lock(mutex_);
    auto& entry = functions_[function];
    if (reserved >= 0 && entry.busy >= reserved) {
      lease.refusal = Refusal::Function;
      return lease;
    }
    if (busy_total_ >= limits_.account_concurrency) {
      lease.refusal = Refusal::Account;
      return lease;
    }
    auto& idle = entry.idle[key];
    while (!idle.empty()) {
      auto environment = std::move(idle.back());
      idle.pop_back();
      if (environment->alive()) {
        lease.environment = std::move(environment);
        break;
      }
    }
    if (!lease.environment && !may_start) return lease;
    ++entry.busy;
    ++entry.busy_by_key[key];
    ++busy_total_;
  }
  if (!lease.environment) {
    try {
      lease.environment = start();
      lease.fresh = true;
    } catch (...) {
      std::lock_guard lock(mutex_);
      auto& entry = functions_[function];
      --entry.busy;
      if (--entry.busy_by_key[key] == 0) entry.busy_by_key.erase(key);
      --busy_total_;
      throw;
    }
  }
  return lease;
}

void EnvironmentPool::release(const std::string& function, const std::string& key,
                              const std::shared_ptr<Environment>& environment, double duration_ms) {
  bool keep = false;
  std::vector<std::shared_ptr<Waiter>> waiters;
  {
    std::lock_guard lock(mutex_);
    auto& entry = functions_[function];
    auto& recent = entry.recent_ms[key];
    recent = recent == 0 ? duration_ms : recent * 0.8 + duration_ms * 0.2;
    waiters.swap(entry.waiters[key]);
    --entry.busy;
    if (--entry.busy_by_key[key] == 0) entry.busy_by_key.erase(key);
    --busy_total_;
    keep = environment->alive() && !entry.retired.count(key);
    if (keep) entry.idle[key].push_back(environment);
  }
  for (auto& waiter : waiters) waiter->fire();
  if (!keep) environment->shut_down();
}

bool EnvironmentPool::should_wait(const std::string& function, const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto found = functions_.find(function);
  if (found == functions_.end()) return false;
  const auto& entry = found->second;
  auto busy = entry.busy_by_key.find(key);
  auto recent = entry.recent_ms.find(key);
  return busy != entry.busy_by_key.end() && busy->second >= limits_.quick_environments &&
         recent != entry.recent_ms.end() && recent->second > 0 && recent->second < limits_.quick_ms;
}

std::shared_ptr<Waiter> EnvironmentPool::idle_waiter(const std::string& function, const std::string& key) {
  auto waiter = std::make_shared<Waiter>();
  std::lock_guard lock(mutex_);
  functions_[function].waiters[key].push_back(waiter);
  return waiter;
}

void EnvironmentPool::retire(const std::string& function, const std::string& keep) {
  std::vector<std::shared_ptr<Environment>> doomed;
  {
    std::lock_guard lock(mutex_);
    auto found = functions_.find(function);
    if (found == functions_.end()) return;
    auto& entry = found->second;
    for (auto it = entry.idle.begin(); it != entry.idle.end();) {
      if (it->first == keep) {
        ++it;
        continue;
      }
      for (auto& environment : it->second) doomed.push_back(std::move(environment));
      entry.retired.insert(it->first);
      it = entry.idle.erase(it);
    }
    for (const auto& [key, count] : entry.busy_by_key) {
      if (key != keep) entry.retired.insert(key);
    }
  }
  for (auto& environment : doomed) environment->shut_down();
}

void EnvironmentPool::reap(int64_t now_ms) {
  std::vector<std::shared_ptr<Environment>> doomed;
  {
    std::lock_guard lock(mutex_);
    for (auto& [function, entry] : functions_) {
      for (auto& [key, idle] : entry.idle) {
        std::erase_if(idle, [&](std::shared_ptr<Environment>& environment) {
          if (environment->alive() && environment->idle_since_ms() + limits_.idle_reap_ms > now_ms) return false;
          doomed.push_back(environment);
          return true;
        });
      }
    }
  }
  for (auto& environment : doomed) environment->shut_down();
}

void EnvironmentPool::shut_down_all() {
  std::vector<std::shared_ptr<Environment>> doomed;
  {
    std::lock_guard lock(mutex_);
    for (auto& [function, entry] : functions_) {
      for (auto& [key, idle] : entry.idle) {
        for (auto& environment : idle) doomed.push_back(std::move(environment));
      }
      entry.idle.clear();
      for (const auto& [key, count] : entry.busy_by_key) entry.retired.insert(key);
    }
  }
  for (auto& environment : doomed) environment->shut_down();
}

EnvironmentPool::Counts EnvironmentPool::counts() const {
  std::lock_guard lock(mutex_);
  Counts counts;
  for (const auto& [function, entry] : functions_) {
    counts.busy += static_cast<size_t>(entry.busy);
    for (const auto& [key, idle] : entry.idle) counts.idle += idle.size();
  }
  return counts;
}

}  // namespace nimbus::lambda
