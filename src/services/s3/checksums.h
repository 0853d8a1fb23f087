#pragma once
// S3's object checksums: MD5 (ETags, Content-MD5), the flexible checksum algorithms (CRC32,
// CRC32C, CRC64NVME, SHA1, SHA256) and SHA-256 of the payload, each computed incrementally.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace nimbus::s3 {

enum class ChecksumAlgorithm { Crc32, Crc32c, Crc64Nvme, Sha1, Sha256 };

// "CRC32" / "crc32" ... -> algorithm; nullopt for anything else.
std::optional<ChecksumAlgorithm> parse_checksum_algorithm(std::string_view name);
// "CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256".
std::string_view algorithm_name(ChecksumAlgorithm algorithm);
// The model member carrying it: "ChecksumCRC32"... ("ChecksumCRC64NVME" is not in the model).
std::string_view algorithm_member(ChecksumAlgorithm algorithm);
// The header carrying it: "x-amz-checksum-crc32"...
std::string_view algorithm_header(ChecksumAlgorithm algorithm);
inline constexpr ChecksumAlgorithm kAllChecksums[] = {ChecksumAlgorithm::Crc32, ChecksumAlgorithm::Crc32c,
                                                      ChecksumAlgorithm::Crc64Nvme, ChecksumAlgorithm::Sha1,
                                                      ChecksumAlgorithm::Sha256};

// One running digest; `digest()` returns the raw bytes (CRCs big-endian) and may be called once.
class Hasher {
 public:
  virtual ~Hasher() = default;
  virtual void update(std::string_view data) = 0;
  virtual std::string digest() = 0;
};

std::unique_ptr<Hasher> make_hasher(ChecksumAlgorithm algorithm);
std::unique_ptr<Hasher> make_md5();
std::unique_ptr<Hasher> make_sha256();

// Raw-value functions (for tests and small inputs).
uint32_t crc32c(uint32_t crc, std::string_view data);
uint64_t crc64nvme(uint64_t crc, std::string_view data);
// base64 of the algorithm's digest of `data`.
std::string checksum_base64(ChecksumAlgorithm algorithm, std::string_view data);

}  // namespace nimbus::s3
