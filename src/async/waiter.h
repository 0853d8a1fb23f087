#pragma once
// A one-shot wake-up signal: a coroutine awaits it with a timeout, any thread may fire it.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>

namespace nimbus {

// One-shot signal a long-polling receive (or a worker) sleeps on until fired or timed out.
class Waiter : public std::enable_shared_from_this<Waiter> {
 public:
  // Wakes the awaiting coroutine (now, or immediately when it starts waiting). Thread-safe.
  void fire();
  bool fired() const;
  // Resumes when fired or after `timeout`, whichever comes first. Await once per Waiter.
  boost::asio::awaitable<void> wait(std::chrono::milliseconds timeout);

 private:
  mutable std::mutex mutex_;
  bool fired_ = false;
  std::function<void()> resume_;
};

}  // namespace nimbus
