#include "storage/record_codec.h"

#include <gtest/gtest.h>

#include <limits>

namespace nimbus::storage {
namespace {

TEST(RecordCodec, RoundTripsUnsignedSignedAndBytesInOrder) {
  std::string binary("a\0\xff", 3);
  auto record = RecordWriter()
                    .u64(0)
                    .u64(127)
                    .u64(128)
                    .u64(std::numeric_limits<uint64_t>::max())
                    .i64(-1)
                    .i64(std::numeric_limits<int64_t>::min())
                    .i64(std::numeric_limits<int64_t>::max())
                    .bytes("")
                    .bytes(binary)
                    .take();
  RecordReader reader(record);
  EXPECT_EQ(reader.u64(), 0u);
  EXPECT_EQ(reader.u64(), 127u);
  EXPECT_EQ(reader.u64(), 128u);
  EXPECT_EQ(reader.u64(), std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(reader.i64(), -1);
  EXPECT_EQ(reader.i64(), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(reader.i64(), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(reader.bytes(), "");
  EXPECT_EQ(reader.bytes(), binary);
  EXPECT_TRUE(reader.done());
}

TEST(RecordCodec, SmallValuesTakeOneByte) {
  EXPECT_EQ(RecordWriter().u64(5).take().size(), 1u);
  EXPECT_EQ(RecordWriter().i64(-5).take().size(), 1u);
}

TEST(RecordCodec, TruncatedRecordsThrowInsteadOfReadingPastTheEnd) {
  auto record = RecordWriter().bytes("hello").take();
  RecordReader short_bytes(std::string_view(record).substr(0, 3));
  EXPECT_THROW(short_bytes.bytes(), std::runtime_error);
  RecordReader unterminated_varint("\x80\x80");
  EXPECT_THROW(unterminated_varint.u64(), std::runtime_error);
  std::string eleven_continuations(11, '\x80');
  RecordReader overlong_varint(eleven_continuations);
  EXPECT_THROW(overlong_varint.u64(), std::runtime_error);
  RecordReader empty("");
  EXPECT_THROW(empty.u64(), std::runtime_error);
}

}  // namespace
}  // namespace nimbus::storage
