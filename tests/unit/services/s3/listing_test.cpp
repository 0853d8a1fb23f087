#include "services/s3/listing.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "services/s3/ordered_walk.h"
#include "storage/memory_store.h"
#include "test_support.h"

namespace nimbus::s3 {
namespace {

class Listing : public ::testing::Test {
 protected:
  void add(const std::string& bucket, const std::string& key, bool delete_marker = false) {
    ObjectRecord record;
    record.key = key;
    record.delete_marker = delete_marker;
    storage::WriteBatch batch;
    batch.put(kSpace, record_keys::current(bucket, key), encode_object(record));
    testing::run([&]() -> boost::asio::awaitable<int> {
      co_await store_.commit(std::move(batch));
      co_return 0;
    }());
  }
  static std::vector<std::string> keys(const KeyPage& page) {
    std::vector<std::string> out;
    for (const auto& record : page.objects) out.push_back(record.key);
    return out;
  }
  storage::MemoryStore store_;
};

TEST_F(Listing, KeysComeInUtf8BinaryOrderWithinTheirBucket) {
  for (auto key : {"b", "a/x", "\xc3\xa9", "a", "B", "a\x01"}) add("bucket", key);
  add("bucket2", "a");
  add("bucke", "z");
  auto page = list_keys(store_, "bucket", "", "", "", 1000);
  EXPECT_EQ(keys(page), (std::vector<std::string>{"B", "a", "a\x01", "a/x", "b", "\xc3\xa9"}));
  EXPECT_FALSE(page.truncated);
}

TEST_F(Listing, DelimiterRollsKeysIntoCommonPrefixes) {
  for (auto key : {"photos/2023/a.jpg", "photos/2023/b.jpg", "photos/2024/c.jpg", "photos/index.html", "readme"}) {
    add("b", key);
  }
  auto top = list_keys(store_, "b", "", "/", "", 1000);
  EXPECT_EQ(top.common_prefixes, (std::vector<std::string>{"photos/"}));
  EXPECT_EQ(keys(top), (std::vector<std::string>{"readme"}));
  auto inner = list_keys(store_, "b", "photos/", "/", "", 1000);
  EXPECT_EQ(inner.common_prefixes, (std::vector<std::string>{"photos/2023/", "photos/2024/"}));
  EXPECT_EQ(keys(inner), (std::vector<std::string>{"photos/index.html"}));
}

TEST_F(Listing, PagesContinueAfterTheLastKeyOrPrefix) {
  for (auto key : {"a/1", "a/2", "b", "c/1", "d"}) add("b", key);
  auto first = list_keys(store_, "b", "", "/", "", 2);
  EXPECT_EQ(first.common_prefixes, (std::vector<std::string>{"a/"}));
  EXPECT_EQ(keys(first), (std::vector<std::string>{"b"}));
  EXPECT_TRUE(first.truncated);
  EXPECT_EQ(first.last, "b");
  auto second = list_keys(store_, "b", "", "/", first.last, 2);
  EXPECT_EQ(second.common_prefixes, (std::vector<std::string>{"c/"}));
  EXPECT_EQ(keys(second), (std::vector<std::string>{"d"}));
  EXPECT_FALSE(second.truncated);
  auto after_prefix = list_keys(store_, "b", "", "/", "a/", 10);
  EXPECT_EQ(keys(after_prefix), (std::vector<std::string>{"b", "d"}));
}

TEST_F(Listing, DeleteMarkersAreNotListed) {
  add("b", "gone", true);
  add("b", "kept");
  EXPECT_EQ(keys(list_keys(store_, "b", "", "", "", 10)), (std::vector<std::string>{"kept"}));
}

TEST_F(Listing, MaxKeysZeroReturnsNothingUntruncated) {
  add("b", "a");
  auto page = list_keys(store_, "b", "", "", "", 0);
  EXPECT_TRUE(page.objects.empty());
  EXPECT_FALSE(page.truncated);
}

TEST_F(Listing, WalkSkipsPrefixesWithoutVisitingTheirKeys) {
  for (int i = 0; i < 50; ++i) add("b", "big/" + std::to_string(i));
  add("b", "after");
  add("b", "zz");
  int visited = 0;
  auto page = list_keys(store_, "b", "", "/", "", 1000);
  for (const auto& record : page.objects) visited += record.key == "after" || record.key == "zz";
  EXPECT_EQ(visited, 2);
  int seen = 0;
  ordered_walk(store_, kSpace, record_keys::current_prefix("b"), {}, [&](std::string_view, std::string_view value) {
    ++seen;
    auto key = decode_object(value).key;
    if (key.rfind("big/", 0) == 0) return WalkStep::skip(record_keys::current_prefix("b", "big/"));
    return WalkStep::next();
  });
  EXPECT_EQ(seen, 3);
}

TEST_F(Listing, WalkFromABoundVisitsOnlyTheKeysAfterIt) {
  char name[8];
  for (int i = 0; i < 200; ++i) {
    std::snprintf(name, sizeof name, "k%03d", i);
    add("b", name);
  }
  add("c", "k199x");  // another bucket: never visited
  std::vector<std::string> seen;
  auto collect = [&](std::string_view, std::string_view value) {
    seen.push_back(decode_object(value).key);
    return WalkStep::next();
  };
  ordered_walk(store_, kSpace, record_keys::current_prefix("b"), {record_keys::current("b", "k150"), false}, collect);
  ASSERT_EQ(seen.size(), 49u);
  EXPECT_EQ(seen.front(), "k151");
  seen.clear();
  ordered_walk(store_, kSpace, record_keys::current_prefix("b"), {record_keys::current_prefix("b", "k1"), true},
               collect);
  EXPECT_TRUE(seen.empty());  // every key after "k1..." is an extension of it
  seen.clear();
  ordered_walk(store_, kSpace, record_keys::current_prefix("b"), {record_keys::current_prefix("b", "k0"), true},
               collect);
  ASSERT_EQ(seen.size(), 100u);
  EXPECT_EQ(seen.front(), "k100");
}

TEST_F(Listing, StartAfterNeedNotBeAKey) {
  const std::string top = "\xef\xbf\xbf";  // U+FFFF: bytes above every ASCII key
  for (const std::string& key : {std::string("a"), "a" + top, "a" + top + top + "/x", std::string("b"), std::string("b/c")}) {
    add("b", key);
  }
  EXPECT_EQ(keys(list_keys(store_, "b", "", "", "a\x7f", 10)),
            (std::vector<std::string>{"a" + top, "a" + top + top + "/x", "b", "b/c"}));
  auto rolled = list_keys(store_, "b", "", "/", "a" + top + top + "/", 10);
  EXPECT_EQ(keys(rolled), (std::vector<std::string>{"b"}));
  EXPECT_EQ(rolled.common_prefixes, (std::vector<std::string>{"b/"}));
  EXPECT_TRUE(list_keys(store_, "b", "", "", "\xf4\x8f\xbf\xbf", 10).objects.empty());
}

}  // namespace
}  // namespace nimbus::s3
