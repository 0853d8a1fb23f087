#include "services/athena/work_group_slots.h"

#include <algorithm>
#include <chrono>

namespace nimbus::athena {

boost::asio::awaitable<std::shared_ptr<void>> WorkGroupSlots::acquire(std::string group) {
  for (;;) {
    std::shared_ptr<Waiter> waiter;
    {
      std::lock_guard lock(mutex_);
      if (active_[group] < per_group_) {
        ++active_[group];
        co_return std::shared_ptr<void>(nullptr, [this, group](void*) { release(group); });
      }
      waiter = std::make_shared<Waiter>();
      waiting_[group].push_back(waiter);
    }
    // Woken by a release, or looking again after a second (a wake-up another query took).
    auto waiting = waiter->wait(std::chrono::seconds(1));
    co_await std::move(waiting);
    std::lock_guard lock(mutex_);
    auto& queue = waiting_[group];
    queue.erase(std::remove(queue.begin(), queue.end(), waiter), queue.end());
  }
}

void WorkGroupSlots::release(const std::string& group) {
  std::lock_guard lock(mutex_);
  --active_[group];
  auto& queue = waiting_[group];
  if (!queue.empty()) {
    queue.front()->fire();
    queue.pop_front();
  }
}

}  // namespace nimbus::athena
