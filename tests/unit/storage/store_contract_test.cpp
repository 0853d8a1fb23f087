// Behaviour every Store must have, run against both the RocksDB and the in-memory store.
#include <gtest/gtest.h>

#include <memory>

#include "storage/store_factory.h"
#include "test_support.h"

namespace nimbus::storage {
namespace {

using testing::commit;
using testing::put;
using testing::run;
using testing::scan_all;
using Entries = std::vector<std::pair<std::string, std::string>>;

// Opens a fresh store per test: the RocksDB one (param false) or the in-memory one (true).
class StoreContract : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    store_ = open_store({.in_memory = GetParam(), .data_dir = dir_.path().string()});
  }
  void TearDown() override { store_->close(); }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreContract, GetReturnsWhatWasPutAndNothingForMissingKeys) {
  put(*store_, "sqs", "k", "v");
  EXPECT_EQ(store_->get("sqs", "k"), "v");
  EXPECT_EQ(store_->get("sqs", "other"), std::nullopt);
  EXPECT_EQ(store_->get("never-used", "k"), std::nullopt);
}

TEST_P(StoreContract, PutOverwritesAndRemoveDeletes) {
  put(*store_, "sqs", "k", "v1");
  put(*store_, "sqs", "k", "v2");
  EXPECT_EQ(store_->get("sqs", "k"), "v2");
  WriteBatch batch;
  batch.remove("sqs", "k");
  batch.remove("sqs", "absent");
  commit(*store_, std::move(batch));
  EXPECT_EQ(store_->get("sqs", "k"), std::nullopt);
}

TEST_P(StoreContract, ScanVisitsOnlyThePrefixInByteOrder) {
  WriteBatch batch;
  for (auto key : {"b/2", "a/1", "b/1", "b\xff", "b/10", "c", "b"}) batch.put("s", key, key);
  commit(*store_, std::move(batch));
  EXPECT_EQ(scan_all(*store_, "s", "b/"),
            (Entries{{"b/1", "b/1"}, {"b/10", "b/10"}, {"b/2", "b/2"}}));
  EXPECT_EQ(scan_all(*store_, "s", "b").size(), 5u);
  EXPECT_EQ(scan_all(*store_, "s").size(), 7u);
  EXPECT_EQ(scan_all(*store_, "s", "\xff").size(), 0u);
}

// Every key/value from `start` on under `prefix`, in scan order.
Entries scan_from_all(Store& store, std::string_view prefix, std::string_view start) {
  Entries found;
  store.scan_from("s", prefix, start, [&](std::string_view key, std::string_view value) {
    found.emplace_back(key, value);
    return true;
  });
  return found;
}

TEST_P(StoreContract, ScanFromSeeksToTheFirstKeyAtOrAfterStart) {
  WriteBatch batch;
  for (auto key : {"a/1", "b/1", "b/10", "b/2", "b/3", "c"}) batch.put("s", key, key);
  commit(*store_, std::move(batch));
  EXPECT_EQ(scan_from_all(*store_, "b/", "b/10"), (Entries{{"b/10", "b/10"}, {"b/2", "b/2"}, {"b/3", "b/3"}}));
  EXPECT_EQ(scan_from_all(*store_, "b/", "b/100"), (Entries{{"b/2", "b/2"}, {"b/3", "b/3"}}));
  EXPECT_EQ(scan_from_all(*store_, "b/", "a"), scan_all(*store_, "s", "b/"));  // before the prefix
  EXPECT_TRUE(scan_from_all(*store_, "b/", "b/4").empty());
  EXPECT_TRUE(scan_from_all(*store_, "b/", "c").empty());  // past the prefix: not "c"
  EXPECT_EQ(scan_from_all(*store_, "", "b/3"), (Entries{{"b/3", "b/3"}, {"c", "c"}}));
  EXPECT_TRUE(scan_from_all(*store_, "", "d").empty());
}

TEST_P(StoreContract, ScanFromResumesPastManyKeysAndStopsOnRequest) {
  WriteBatch batch;
  for (int i = 0; i < 1000; ++i) batch.put("s", "k" + std::to_string(1000 + i), "v");
  commit(*store_, std::move(batch));
  std::vector<std::string> visited;
  store_->scan_from("s", "k", "k1500", [&](std::string_view key, std::string_view) {
    visited.emplace_back(key);
    return visited.size() < 300;
  });
  ASSERT_EQ(visited.size(), 300u);
  EXPECT_EQ(visited.front(), "k1500");
  EXPECT_EQ(visited.back(), "k1799");
}

TEST_P(StoreContract, ReverseScanWalksThePrefixBackwardFromTheLastKeyAtOrBeforeEnd) {
  WriteBatch batch;
  for (auto key : {"a/1", "b/1", "b/10", "b/2", "b/3", "c"}) batch.put("s", key, key);
  commit(*store_, std::move(batch));
  auto keys = [&](std::string_view prefix, std::string_view end) {
    std::vector<std::string> visited;
    store_->scan_reverse_from("s", prefix, end, [&](std::string_view key, std::string_view) {
      visited.emplace_back(key);
      return true;
    });
    return visited;
  };
  using Keys = std::vector<std::string>;
  EXPECT_EQ(keys("b/", "b/2"), (Keys{"b/2", "b/10", "b/1"}));
  EXPECT_EQ(keys("b/", "b/15"), (Keys{"b/10", "b/1"}));
  EXPECT_EQ(keys("b/", "z"), (Keys{"b/3", "b/2", "b/10", "b/1"}));  // past the prefix: from its last key
  EXPECT_EQ(keys("b/", "\xff\xff"), (Keys{"b/3", "b/2", "b/10", "b/1"}));
  EXPECT_TRUE(keys("b/", "b/0").empty());
  EXPECT_TRUE(keys("b/", "a").empty());
  EXPECT_EQ(keys("", "b/10"), (Keys{"b/10", "b/1", "a/1"}));
  EXPECT_TRUE(keys("d", "z").empty());
}

TEST_P(StoreContract, ReverseScanResumesPastManyKeysAndStopsOnRequest) {
  WriteBatch batch;
  for (int i = 0; i < 1000; ++i) batch.put("s", "k" + std::to_string(1000 + i), "v");
  batch.put("s", "l", "v");
  commit(*store_, std::move(batch));
  std::vector<std::string> visited;
  store_->scan_reverse_from("s", "k", "k1500", [&](std::string_view key, std::string_view) {
    visited.emplace_back(key);
    return visited.size() < 300;
  });
  ASSERT_EQ(visited.size(), 300u);
  EXPECT_EQ(visited.front(), "k1500");
  EXPECT_EQ(visited.back(), "k1201");
}

TEST_P(StoreContract, ScanStopsWhenTheVisitorReturnsFalse) {
  WriteBatch batch;
  for (int i = 0; i < 500; ++i) batch.put("s", "k" + std::to_string(1000 + i), "v");
  commit(*store_, std::move(batch));
  int visited = 0;
  store_->scan("s", "k", [&](std::string_view, std::string_view) { return ++visited < 300; });
  EXPECT_EQ(visited, 300);
}

TEST_P(StoreContract, ScanVisitorMayReadTheStore) {
  put(*store_, "s", "a", "1");
  put(*store_, "s", "b", "2");
  int visited = 0;
  store_->scan("s", "", [&](std::string_view key, std::string_view value) {
    EXPECT_EQ(store_->get("s", key), value);
    return ++visited > 0;
  });
  EXPECT_EQ(visited, 2);
}

TEST_P(StoreContract, SpacesAreIsolated) {
  put(*store_, "one", "k", "1");
  put(*store_, "two", "k", "2");
  EXPECT_EQ(store_->get("one", "k"), "1");
  EXPECT_EQ(store_->get("two", "k"), "2");
  EXPECT_EQ(scan_all(*store_, "one"), (Entries{{"k", "1"}}));
}

TEST_P(StoreContract, BatchOpsApplyInOrderWithinAndAcrossBatches) {
  WriteBatch first;
  first.put("s", "k", "1");
  first.remove("s", "k");
  first.put("s", "k", "2");
  first.put("t", "x", "1");
  WriteBatch second;
  second.put("s", "k", "3");
  second.remove("t", "x");
  auto a = store_->submit(std::move(first));
  auto b = store_->submit(std::move(second));
  run([&]() -> boost::asio::awaitable<void> {
    co_await b->wait();
    co_await a->wait();
  }());
  EXPECT_EQ(store_->get("s", "k"), "3");
  EXPECT_EQ(store_->get("t", "x"), std::nullopt);
}

TEST_P(StoreContract, WipeEmptiesOneSpaceWhichStaysUsable) {
  put(*store_, "gone", "k", "v");
  put(*store_, "kept", "k", "v");
  run(store_->wipe("gone"));
  run(store_->wipe("never-used"));
  EXPECT_EQ(store_->get("gone", "k"), std::nullopt);
  EXPECT_TRUE(scan_all(*store_, "gone").empty());
  EXPECT_EQ(store_->get("kept", "k"), "v");
  put(*store_, "gone", "k2", "v2");
  EXPECT_EQ(scan_all(*store_, "gone"), (Entries{{"k2", "v2"}}));
}

TEST_P(StoreContract, ReservedSpaceNamesAreRejected) {
  WriteBatch batch;
  batch.put("default", "k", "v");
  EXPECT_THROW(store_->submit(std::move(batch)), std::invalid_argument);
  EXPECT_THROW(store_->get("", "k"), std::invalid_argument);
}

TEST_P(StoreContract, CallsAfterCloseThrow) {
  store_->close();
  EXPECT_THROW(store_->get("s", "k"), std::runtime_error);
  EXPECT_THROW(store_->submit(WriteBatch{}), std::runtime_error);
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreContract, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Memory" : "RocksDb"; });

}  // namespace
}  // namespace nimbus::storage
