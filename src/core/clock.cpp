#include "core/clock.h"

#include <chrono>

namespace nimbus {

int64_t Clock::now_ms() const {
  auto wall = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
  return wall + offset_ms();
}

void Clock::advance(int64_t ms) {
  if (ms <= 0) return;
  offset_ms_.fetch_add(ms, std::memory_order_relaxed);
  std::vector<std::function<void()>> listeners;
  {
    std::lock_guard lock(listeners_mutex_);
    listeners = listeners_;
  }
  for (auto& listener : listeners) listener();
}

void Clock::on_advance(std::function<void()> listener) {
  std::lock_guard lock(listeners_mutex_);
  listeners_.push_back(std::move(listener));
}

}  // namespace nimbus
