#include "services/s3/object_files.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "services/s3/object_records.h"

namespace nimbus::s3 {
namespace {

std::string read_all(const BodyRange& range, bool* complete = nullptr) {
  std::string out;
  bool ok = ObjectFiles::read_range(range, [&](std::string_view block) { out.append(block); });
  if (complete) *complete = ok;
  return out;
}

TEST(ObjectBodyRange, InMemoryBytesAreReadFromTheRangeOffset) {
  BodyRange range{.offset = 2, .length = 3, .bytes = std::make_shared<const std::string>("abcdefg")};
  EXPECT_EQ(read_all(range), "cde");
}

TEST(ObjectBodyRange, FileRangeIsReadAndAShortFileIsReported) {
  auto path = std::filesystem::temp_directory_path() / ("nimbus-range-" + std::to_string(::getpid()));
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0600);
  ASSERT_GE(fd, 0);
  std::string data(600 * 1024, 'x');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>('a' + i % 26);
  ASSERT_EQ(::write(fd, data.data(), data.size()), static_cast<ssize_t>(data.size()));
  auto file = std::make_shared<OpenFile>(fd);
  ::unlink(path.c_str());

  bool complete = false;
  EXPECT_EQ(read_all({file, 100, 400 * 1024}, &complete), data.substr(100, 400 * 1024));
  EXPECT_TRUE(complete);
  read_all({file, 500 * 1024, 200 * 1024}, &complete);
  EXPECT_FALSE(complete);
}

TEST(InlineBodies, NamesAreRecognisedAndMapToTheirOwnStoreKey) {
  auto a = new_inline_body_name();
  auto b = new_inline_body_name();
  EXPECT_TRUE(is_inline_body(a));
  EXPECT_NE(a, b);
  EXPECT_FALSE(is_inline_body("objects/ab/abcdef"));
  EXPECT_FALSE(is_inline_body(""));
  EXPECT_EQ(record_keys::inline_body(a), "b/" + a.substr(a.find('/') + 1));
}

}  // namespace
}  // namespace nimbus::s3
