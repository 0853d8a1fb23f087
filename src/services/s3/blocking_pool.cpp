#include "services/s3/blocking_pool.h"

#include <atomic>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <memory>
#include <mutex>

namespace nimbus::s3 {
namespace asio = boost::asio;

namespace {

// What the jobs of one run() share: how many are still running, the first failure, and the
// caller's completion handler, posted back to the caller's executor by the last job.
template <class Handler, class Executor>
struct Join {
  Join(Handler h, Executor e, size_t jobs) : handler(std::move(h)), executor(std::move(e)), left(jobs) {}

  void finish(std::exception_ptr error) {
    if (error) {
      std::lock_guard lock(mutex);
      if (!first_error) first_error = error;
    }
    if (left.fetch_sub(1) != 1) return;
    // The posted call owns the state now, and frees it after the handler has run.
    asio::post(executor, [self = std::move(keep_alive)] { self->handler(self->first_error); });
  }

  Handler handler;
  Executor executor;  // tracks outstanding work: the caller's io_context keeps running
  std::atomic<size_t> left;
  std::mutex mutex;
  std::exception_ptr first_error;
  std::shared_ptr<Join> keep_alive;  // set by the initiation, dropped when the handler runs
};

}  // namespace

asio::awaitable<void> BlockingPool::run(std::vector<std::function<void()>> jobs) {
  if (jobs.empty()) co_return;
  auto initiation = [this, jobs = std::move(jobs)](auto handler) mutable {
    auto executor = asio::prefer(asio::get_associated_executor(handler), asio::execution::outstanding_work.tracked);
    using State = Join<decltype(handler), decltype(executor)>;
    auto state = std::make_shared<State>(std::move(handler), std::move(executor), jobs.size());
    state->keep_alive = state;
    for (auto& job : jobs) {
      asio::post(pool_, [state = state.get(), job = std::move(job)] {
        std::exception_ptr error;
        try {
          job();
        } catch (...) {
          error = std::current_exception();
        }
        state->finish(error);
      });
    }
  };
  auto done = asio::async_initiate<decltype(asio::use_awaitable), void(std::exception_ptr)>(
      std::move(initiation), asio::use_awaitable);
  co_await std::move(done);
}

}  // namespace nimbus::s3
