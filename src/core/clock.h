#pragma once
// The one clock behind every timer in nimbus (visibility, delays, retention, dedup windows,
// schedules, delivery retries). It never runs backwards: it ticks with the machine's boot-time
// clock (monotonic, and it keeps counting through a laptop's suspend) from an anchor set at
// start-up, so a wall clock stepped back by NTP changes nothing. Tests move it forward with
// POST /_nimbus/clock; listeners are told so waiting workers re-check their deadlines.
// `resume` continues the time of an earlier run (see storage/clock_keeper.h): at least the
// latest time that run handed out, plus whatever it had been advanced by.

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

namespace nimbus {

class Clock {
 public:
  Clock();

  // Milliseconds since the Unix epoch, as nimbus sees it. Never decreases (except by rewind).
  int64_t now_ms() const;
  int64_t now_seconds() const { return now_ms() / 1000; }
  // The machine's wall time, for reporting beside now_ms().
  static int64_t wall_ms();
  // How far nimbus's time is ahead of wall time (advances, plus any backward wall-clock step).
  int64_t offset_ms() const { return now_ms() - wall_ms(); }

  void advance(int64_t ms);
  // Back to wall time (a full state reset: nothing is left that timed against the offset).
  void rewind();
  // Continues an earlier run's time: now = max(wall + offset_ms, floor_ms). Called once at
  // start-up, before any time is handed out.
  void resume(int64_t offset_ms, int64_t floor_ms);
  // Called (on the advancing thread) after every advance.
  void on_advance(std::function<void()> listener);

 private:
  static int64_t ticks_ms();  // CLOCK_BOOTTIME

  // now_ms() = anchor_ms_ + ticks_ms(): one atomic, moved by advance, rewind and resume.
  std::atomic<int64_t> anchor_ms_;
  std::mutex listeners_mutex_;
  std::vector<std::function<void()>> listeners_;
};

}  // namespace nimbus
