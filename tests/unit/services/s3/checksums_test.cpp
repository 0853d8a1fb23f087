#include "services/s3/checksums.h"

#include <gtest/gtest.h>

#include "core/crypto.h"

namespace nimbus::s3 {
namespace {

const std::string kCheck = "123456789";

TEST(Checksums, Crc32cMatchesTheCheckValue) { EXPECT_EQ(crc32c(0, kCheck), 0xE3069283u); }

TEST(Checksums, Crc64NvmeMatchesTheCheckValue) { EXPECT_EQ(crc64nvme(0, kCheck), 0xAE8B14860A799888ull); }

TEST(Checksums, Base64DigestsAreBigEndian) {
  EXPECT_EQ(checksum_base64(ChecksumAlgorithm::Crc32, kCheck), crypto::base64_encode("\xCB\xF4\x39\x26"));
  EXPECT_EQ(checksum_base64(ChecksumAlgorithm::Crc32c, kCheck), crypto::base64_encode("\xE3\x06\x92\x83"));
  EXPECT_EQ(checksum_base64(ChecksumAlgorithm::Crc32, "abc"), "NSRBwg==");
  EXPECT_EQ(checksum_base64(ChecksumAlgorithm::Sha256, ""), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  EXPECT_EQ(checksum_base64(ChecksumAlgorithm::Sha1, ""), "2jmj7l5rSw0yVb/vlWAYkK/YBwk=");
}

TEST(Checksums, IncrementalUpdatesEqualOneShot) {
  for (auto algorithm : kAllChecksums) {
    auto hasher = make_hasher(algorithm);
    hasher->update("1234");
    hasher->update("56789");
    EXPECT_EQ(crypto::base64_encode(hasher->digest()), checksum_base64(algorithm, kCheck)) << algorithm_name(algorithm);
  }
}

TEST(Checksums, AlgorithmNamesParseCaseInsensitively) {
  EXPECT_EQ(parse_checksum_algorithm("crc32c"), ChecksumAlgorithm::Crc32c);
  EXPECT_EQ(parse_checksum_algorithm("CRC64NVME"), ChecksumAlgorithm::Crc64Nvme);
  EXPECT_FALSE(parse_checksum_algorithm("MD5"));
}

}  // namespace
}  // namespace nimbus::s3
