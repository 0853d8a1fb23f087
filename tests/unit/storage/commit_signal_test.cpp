#include "storage/commit_signal.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <stdexcept>
#include <thread>

namespace nimbus::storage {
namespace {

namespace asio = boost::asio;

TEST(CommitSignal, WaiterResumesOnItsExecutorWhenCompletedFromAnotherThread) {
  asio::io_context io;
  auto signal = std::make_shared<CommitSignal>();
  bool resumed_on_io = false;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        co_await signal->wait();
        resumed_on_io = io.get_executor().running_in_this_thread();
      },
      asio::detached);
  io.poll();  // the coroutine is now suspended in wait(), keeping io.run() from returning
  std::thread completer([&] { signal->complete(nullptr); });
  io.run();
  completer.join();
  EXPECT_TRUE(resumed_on_io);
}

TEST(CommitSignal, FailureIsRethrownToWaitersBeforeAndAfterCompletion) {
  asio::io_context io;
  auto signal = std::make_shared<CommitSignal>();
  int failures = 0;
  auto waiter = [&]() -> asio::awaitable<void> {
    try {
      co_await signal->wait();
    } catch (const std::runtime_error&) {
      ++failures;
    }
  };
  asio::co_spawn(io, waiter(), asio::detached);
  io.poll();
  signal->complete(std::make_exception_ptr(std::runtime_error("storage: write failed")));
  signal->complete(nullptr);  // ignored: the first completion counts
  asio::co_spawn(io, waiter(), asio::detached);
  io.run();
  EXPECT_EQ(failures, 2);
}

TEST(CommitSignal, CompletedSignalDoesNotSuspend) {
  asio::io_context io;
  auto signal = CommitSignal::completed();
  bool finished = false;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        co_await signal->wait();
        finished = true;
      },
      asio::detached);
  io.run_one();
  EXPECT_TRUE(finished);
}

}  // namespace
}  // namespace nimbus::storage
