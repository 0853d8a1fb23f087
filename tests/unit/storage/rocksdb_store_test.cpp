#include "storage/rocksdb_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/detached.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <thread>

#include "test_support.h"

namespace nimbus::storage {
namespace {

using testing::put;
using testing::run;
using testing::scan_all;
using testing::TempDir;
namespace asio = boost::asio;

TEST(RocksDbStore, ReopenSeesCommittedDataInEverySpace) {
  TempDir dir;
  {
    RocksDbStore store(dir.path());
    put(store, "sqs", "q", "1");
    put(store, "s3", "b", "2");
    store.close();
  }
  RocksDbStore store(dir.path());
  EXPECT_EQ(store.get("sqs", "q"), "1");
  EXPECT_EQ(store.get("s3", "b"), "2");
}

TEST(RocksDbStore, ReopenDoesNotResurrectAWipedSpace) {
  TempDir dir;
  {
    RocksDbStore store(dir.path());
    put(store, "sqs", "old", "1");
    run(store.wipe("sqs"));
    put(store, "sqs", "new", "2");
  }
  RocksDbStore store(dir.path());
  EXPECT_EQ(scan_all(store, "sqs"), (std::vector<std::pair<std::string, std::string>>{
                                        {"new", "2"}}));
}

TEST(RocksDbStore, ConcurrentSubmitsAllBecomeDurableInFewerGroupsThanBatches) {
  TempDir dir;
  constexpr int kThreads = 4;
  constexpr int kBatchesPerThread = 100;
  {
    RocksDbStore store(dir.path());
    std::vector<std::shared_ptr<PendingCommit>> pending[kThreads];
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kBatchesPerThread; ++i) {
          WriteBatch batch;
          batch.put("s", std::to_string(t) + "/" + std::to_string(i), "v");
          pending[t].push_back(store.submit(std::move(batch)));
        }
      });
    }
    for (auto& thread : threads) thread.join();
    run([&]() -> asio::awaitable<void> {
      for (auto& list : pending) {
        for (auto& commit : list) co_await commit->wait();
      }
    }());
    EXPECT_GE(store.commit_groups(), 1u);
    EXPECT_LT(store.commit_groups(), uint64_t{kThreads * kBatchesPerThread});
  }
  RocksDbStore reopened(dir.path());
  EXPECT_EQ(scan_all(reopened, "s").size(), size_t{kThreads * kBatchesPerThread});
}

TEST(RocksDbStore, WaitResumesOnTheAwaitingCoroutinesExecutor) {
  TempDir dir;
  RocksDbStore store(dir.path());
  asio::thread_pool pool(2);
  auto strand = asio::make_strand(pool.get_executor());
  std::atomic<int> resumed_on_strand{0};
  constexpr int kCoroutines = 8;
  for (int c = 0; c < kCoroutines; ++c) {
    asio::co_spawn(
        strand,
        [&, c]() -> asio::awaitable<void> {
          for (int i = 0; i < 5; ++i) {
            WriteBatch batch;
            batch.put("s", std::to_string(c * 10 + i), "v");
            co_await store.commit(std::move(batch));
            if (strand.running_in_this_thread()) ++resumed_on_strand;
          }
        },
        asio::detached);
  }
  pool.join();
  EXPECT_EQ(resumed_on_strand.load(), kCoroutines * 5);
}

TEST(RocksDbStore, WaitOnADurableBatchResumesWithoutSuspending) {
  TempDir dir;
  RocksDbStore store(dir.path());
  WriteBatch batch;
  batch.put("s", "k", "v");
  auto pending = store.submit(std::move(batch));
  run(pending->wait());
  asio::io_context io;
  bool finished = false;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        co_await pending->wait();
        finished = true;
      },
      asio::detached);
  io.run_one();
  EXPECT_TRUE(finished);
}

TEST(RocksDbStore, WipeIsOrderedAmongSubmittedBatches) {
  TempDir dir;
  RocksDbStore store(dir.path());
  run([&]() -> asio::awaitable<void> {
    WriteBatch before;
    before.put("s", "before", "v");
    store.submit(std::move(before));
    co_await store.wipe("s");
    WriteBatch after;
    after.put("s", "after", "v");
    co_await store.commit(std::move(after));
  }());
  EXPECT_EQ(scan_all(store, "s"), (std::vector<std::pair<std::string, std::string>>{
                                      {"after", "v"}}));
}

}  // namespace
}  // namespace nimbus::storage
