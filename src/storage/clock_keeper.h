#pragma once
// Keeps nimbus's clock across restarts: its offset from wall time and the latest time it handed
// out are stored (space "nimbus", key "clock") when the clock is advanced or reset, every second
// while running, and at shutdown. On start, restore() continues from
// max(wall + offset, latest handed out), so state stamped before a restart or kill -9
// (visibility deadlines, delays, retention, dedup windows) behaves as if none happened, even if
// the wall clock stepped back meanwhile. After kill -9 the time resumes from the last save: at
// most a second behind what was handed out, and only when wall time also stepped back.

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>

#include "core/clock.h"
#include "storage/store.h"

namespace nimbus::storage {

class ClockKeeper {
 public:
  ClockKeeper(Store& store, Clock& clock) : store_(store), clock_(clock) {}

  // Continues the stored time (before anything reads the clock).
  void restore();
  // Saves every second on `executor` until stop().
  void start(boost::asio::any_io_executor executor);
  void stop();
  // Saves now; durable when it returns.
  boost::asio::awaitable<void> save();

 private:
  boost::asio::awaitable<void> run();

  Store& store_;
  Clock& clock_;
  std::unique_ptr<boost::asio::steady_timer> timer_;
  std::atomic<bool> stopping_{false};
};

}  // namespace nimbus::storage
