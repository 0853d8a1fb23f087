#include "async/waiter.h"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace nimbus {

namespace asio = boost::asio;

void Waiter::fire() {
  std::function<void()> resume;
  {
    std::lock_guard lock(mutex_);
    if (fired_) return;
    fired_ = true;
    resume = std::move(resume_);
    resume_ = nullptr;
  }
  if (resume) resume();
}

bool Waiter::fired() const {
  std::lock_guard lock(mutex_);
  return fired_;
}

asio::awaitable<void> Waiter::wait(std::chrono::milliseconds timeout) {
  auto executor = co_await asio::this_coro::executor;
  asio::steady_timer timer(executor, timeout);
  // The timer is touched only by this coroutine; its handler only fires the signal.
  timer.async_wait([self = shared_from_this()](const boost::system::error_code&) { self->fire(); });
  co_await asio::async_initiate<const asio::use_awaitable_t<>&, void()>(
      [this](auto handler) {
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        auto resume = [shared] {
          auto ex = asio::get_associated_executor(*shared);
          asio::post(ex, [shared] { (*shared)(); });
        };
        std::unique_lock lock(mutex_);
        if (fired_) {
          lock.unlock();
          resume();
          return;
        }
        resume_ = std::move(resume);
      },
      asio::use_awaitable);
  timer.cancel();
}

}  // namespace nimbus
