#include "services/s3/blocking_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "test_support.h"

namespace nimbus::s3 {
namespace {

TEST(BlockingPool, RunsEveryJobOffTheCallersThreadAndResumesOnIt) {
  BlockingPool pool(4);
  auto caller = std::this_thread::get_id();
  std::atomic<int> done{0};
  std::atomic<int> on_caller{0};
  auto resumed = testing::run([&]() -> boost::asio::awaitable<std::thread::id> {
    std::vector<std::function<void()>> jobs;
    for (int i = 0; i < 3; ++i) {
      jobs.emplace_back([&] {
        if (std::this_thread::get_id() == caller) ++on_caller;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        ++done;
      });
    }
    co_await pool.run(std::move(jobs));
    co_return std::this_thread::get_id();
  }());
  EXPECT_EQ(done, 3);  // all had returned before the caller resumed
  EXPECT_EQ(on_caller, 0);
  EXPECT_EQ(resumed, caller);
}

TEST(BlockingPool, RethrowsAFailureAfterTheOtherJobsFinish) {
  BlockingPool pool(2);
  std::atomic<bool> other_done{false};
  EXPECT_THROW(testing::run([&]() -> boost::asio::awaitable<int> {
                 std::vector<std::function<void()>> jobs{
                     [] { throw std::runtime_error("disk full"); },
                     [&] {
                       std::this_thread::sleep_for(std::chrono::milliseconds(5));
                       other_done = true;
                     }};
                 co_await pool.run(std::move(jobs));
                 co_return 0;
               }()),
               std::runtime_error);
  EXPECT_TRUE(other_done);
}

TEST(BlockingPool, NoJobsCompletesAtOnce) {
  BlockingPool pool(1);
  EXPECT_EQ(testing::run([&]() -> boost::asio::awaitable<int> {
              std::vector<std::function<void()>> none;
              co_await pool.run(std::move(none));
              co_return 7;
            }()),
            7);
}

}  // namespace
}  // namespace nimbus::s3
