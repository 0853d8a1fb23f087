#include "storage/commit_signal.h"

namespace nimbus::storage {

std::shared_ptr<CommitSignal> CommitSignal::completed(std::exception_ptr error) {
  auto signal = std::make_shared<CommitSignal>();
  signal->complete(error);
  return signal;
}

void CommitSignal::complete(std::exception_ptr error) {
  std::vector<Resume> waiters;
  {
    std::lock_guard lock(mutex_);
    if (done_) return;
    done_ = true;
    error_ = error;
    waiters.swap(waiters_);
  }
  for (auto& resume : waiters) resume(error);
}

boost::asio::awaitable<void> CommitSignal::wait() {
  {
    std::lock_guard lock(mutex_);
    if (done_) {
      if (error_) std::rethrow_exception(error_);
      co_return;
    }
  }
  co_await boost::asio::async_initiate<decltype(boost::asio::use_awaitable),
                                       void(std::exception_ptr)>(
      [this](auto handler) {
        auto resume = resume_on_own_executor(std::move(handler));
        std::unique_lock lock(mutex_);
        if (!done_) {
          waiters_.push_back(std::move(resume));
          return;
        }
        auto error = error_;
        lock.unlock();
        resume(error);
      },
      boost::asio::use_awaitable);
}

}  // namespace nimbus::storage
