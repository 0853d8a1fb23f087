#include "core/clock.h"

#include <time.h>

#include <algorithm>
#include <chrono>

namespace nimbus {

Clock::Clock() : anchor_ms_(wall_ms() - ticks_ms()) {}

int64_t Clock::ticks_ms() {
  timespec now{};
  ::clock_gettime(CLOCK_BOOTTIME, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1'000'000;
}

int64_t Clock::wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t Clock::now_ms() const { return anchor_ms_.load(std::memory_order_relaxed) + ticks_ms(); }

void Clock::advance(int64_t ms) {
  if (ms <= 0) return;
  anchor_ms_.fetch_add(ms, std::memory_order_relaxed);
  std::vector<std::function<void()>> listeners;
  {
    std::lock_guard lock(listeners_mutex_);
    listeners = listeners_;
  }
  for (auto& listener : listeners) listener();
}

void Clock::rewind() { anchor_ms_.store(wall_ms() - ticks_ms(), std::memory_order_relaxed); }

void Clock::resume(int64_t offset_ms, int64_t floor_ms) {
  auto resumed = std::max(wall_ms() + offset_ms, floor_ms);
  anchor_ms_.store(resumed - ticks_ms(), std::memory_order_relaxed);
}

void Clock::on_advance(std::function<void()> listener) {
  std::lock_guard lock(listeners_mutex_);
  listeners_.push_back(std::move(listener));
}

}  // namespace nimbus
