#include "storage/key_codec.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace nimbus::storage {
namespace {

TEST(KeyCodec, U64EncodingSortsLikeTheNumbers) {
  std::vector<uint64_t> numbers{0, 1, 255, 256, 65535, 1ULL << 32, (1ULL << 63) + 5, UINT64_MAX};
  for (size_t i = 1; i < numbers.size(); ++i) {
    EXPECT_LT(keys::u64(numbers[i - 1]), keys::u64(numbers[i])) << numbers[i];
  }
}

TEST(KeyCodec, U64RoundTripsThroughEightBytes) {
  EXPECT_EQ(keys::u64(0x0102030405060708ULL), std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
  EXPECT_EQ(keys::read_u64(keys::u64(UINT64_MAX)), UINT64_MAX);
  EXPECT_EQ(keys::read_u64(keys::u64(42)), 42u);
  EXPECT_EQ(keys::read_u64("short"), std::nullopt);
}

TEST(KeyCodec, JoinedKeysSortPartByPart) {
  using namespace std::string_literals;
  // Ordered as tuples: a shorter first part sorts first whatever follows it.
  std::vector<std::string> expected{
      keys::join({"a", "z"}),     keys::join({"a", "zz"}),  keys::join({"a\0"s, "a"}),
      keys::join({"a\x01", "a"}), keys::join({"ab", "\0"s}), keys::join({"ab", "a"}),
      keys::join({"b"}),
  };
  auto sorted = expected;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, expected);
}

TEST(KeyCodec, JoinedTupleIsAPrefixOfItsExtensionsOnly) {
  auto queue = keys::join({"q1"});
  EXPECT_TRUE(keys::join({"q1", "m1"}).starts_with(queue));
  EXPECT_TRUE(keys::join({"q1", keys::u64(7)}).starts_with(queue));
  EXPECT_FALSE(keys::join({"q10", "m1"}).starts_with(queue));
}

TEST(KeyCodec, SplitReturnsThePartsJoinEncoded) {
  using namespace std::string_literals;
  std::vector<std::string> parts{"queue", "", "with\0nul"s, keys::u64(0), "\xff\x01"};
  auto key = keys::join({parts[0], parts[1], parts[2], parts[3], parts[4]});
  EXPECT_EQ(keys::split(key), parts);
  EXPECT_EQ(keys::read_u64((*keys::split(key))[3]), 0u);
}

TEST(KeyCodec, SplitRejectsKeysJoinDidNotBuild) {
  using namespace std::string_literals;
  EXPECT_EQ(keys::split("unterminated"), std::nullopt);
  EXPECT_EQ(keys::split("bad\0\x02"s), std::nullopt);
  EXPECT_EQ(keys::split("dangling\0"s), std::nullopt);
}

}  // namespace
}  // namespace nimbus::storage
