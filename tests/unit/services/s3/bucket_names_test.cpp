#include "services/s3/bucket_names.h"

#include <gtest/gtest.h>

namespace nimbus::s3 {
namespace {

TEST(BucketNames, AcceptsLowercaseDigitsDotsAndHyphens) {
  EXPECT_TRUE(valid_bucket_name("abc"));
  EXPECT_TRUE(valid_bucket_name("my.bucket-1"));
  EXPECT_TRUE(valid_bucket_name(std::string(63, 'a')));
}

TEST(BucketNames, RejectsBadLengthCaseAndCharacters) {
  EXPECT_FALSE(valid_bucket_name("ab"));
  EXPECT_FALSE(valid_bucket_name(std::string(64, 'a')));
  EXPECT_FALSE(valid_bucket_name("MyBucket"));
  EXPECT_FALSE(valid_bucket_name("my_bucket"));
  EXPECT_FALSE(valid_bucket_name("-bucket"));
  EXPECT_FALSE(valid_bucket_name("bucket."));
  EXPECT_FALSE(valid_bucket_name("my..bucket"));
}

TEST(BucketNames, RejectsIpAddressesAndReservedAffixes) {
  EXPECT_FALSE(valid_bucket_name("192.168.5.4"));
  EXPECT_FALSE(valid_bucket_name("xn--bucket"));
  EXPECT_FALSE(valid_bucket_name("sthree-bucket"));
  EXPECT_FALSE(valid_bucket_name("bucket-s3alias"));
  EXPECT_FALSE(valid_bucket_name("bucket--ol-s3"));
  EXPECT_TRUE(valid_bucket_name("192.168.5.4a"));
}

}  // namespace
}  // namespace nimbus::s3
