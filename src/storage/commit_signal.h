#pragma once
// A PendingCommit completed once by the store: wakes every waiter on its own executor.

#include <utility>  // before asio: Boost 1.74's awaitable.hpp uses std::exchange without it

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "storage/store.h"

namespace nimbus::storage {

class CommitSignal final : public PendingCommit {
 public:
  // A signal that is already complete (nullptr error = durable).
  static std::shared_ptr<CommitSignal> completed(std::exception_ptr error = nullptr);

  // Marks the commit durable (error == nullptr) or failed; only the first call counts.
  void complete(std::exception_ptr error);

  boost::asio::awaitable<void> wait() override;

 private:
  using Resume = std::function<void(std::exception_ptr)>;

  // Wraps an asio completion handler so the committer thread can post it back to the handler's
  // executor, keeping that executor's work count up until then (so its run() does not return).
  template <class Handler>
  static Resume resume_on_own_executor(Handler handler) {
    auto executor = boost::asio::prefer(boost::asio::get_associated_executor(handler),
                                        boost::asio::execution::outstanding_work.tracked);
    auto shared = std::make_shared<Handler>(std::move(handler));
    return [executor, shared](std::exception_ptr error) {
      boost::asio::post(executor, [shared, error] { (*shared)(error); });
    };
  }

  std::mutex mutex_;
  bool done_ = false;
  std::exception_ptr error_;
  std::vector<Resume> waiters_;
};

}  // namespace nimbus::storage
