#pragma once
// The one clock behind every timer in nimbus (visibility, delays, retention, dedup windows,
// schedules). Wall time plus an offset that tests move forward with POST /_nimbus/clock.
// Listeners are told when the offset moves so waiting workers re-check their deadlines.

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

namespace nimbus {

class Clock {
 public:
  // Milliseconds since the Unix epoch, as the service sees it.
  int64_t now_ms() const;
  int64_t now_seconds() const { return now_ms() / 1000; }
  // How far the clock has been moved ahead of wall time.
  int64_t offset_ms() const { return offset_ms_.load(std::memory_order_relaxed); }

  void advance(int64_t ms);
  // Back to wall time (full state reset only: nothing is left that timed against the offset).
  void rewind() { offset_ms_.store(0, std::memory_order_relaxed); }
  // Called (on the advancing thread) after every advance.
  void on_advance(std::function<void()> listener);

 private:
  std::atomic<int64_t> offset_ms_{0};
  std::mutex listeners_mutex_;
  std::vector<std::function<void()>> listeners_;
};

}  // namespace nimbus
