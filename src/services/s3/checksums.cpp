#include "services/s3/checksums.h"

#include <openssl/evp.h>
#include <zlib.h>

#include <array>
#include <stdexcept>

#include "core/crypto.h"

namespace nimbus::s3 {
namespace {

template <typename T, T Polynomial>
constexpr std::array<T, 256> reflected_table() {
  std::array<T, 256> table{};
  for (unsigned i = 0; i < 256; ++i) {
    T crc = i;
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 1) ? (crc >> 1) ^ Polynomial : crc >> 1;
    table[i] = crc;
  }
  return table;
}

constexpr auto kCrc32cTable = reflected_table<uint32_t, 0x82F63B78u>();
constexpr auto kCrc64NvmeTable = reflected_table<uint64_t, 0x9A6C9329AC4BC9B5ull>();

template <typename T>
std::string big_endian(T value) {
  std::string out(sizeof(T), '\0');
  for (size_t i = 0; i < sizeof(T); ++i) out[i] = static_cast<char>(value >> (8 * (sizeof(T) - 1 - i)));
  return out;
}

// CRC32 (zlib), CRC32C and CRC64NVME.
class CrcHasher final : public Hasher {
 public:
  explicit CrcHasher(ChecksumAlgorithm algorithm) : algorithm_(algorithm) {}
  void update(std::string_view data) override {
    switch (algorithm_) {
      case ChecksumAlgorithm::Crc32:
        // zlib takes uInt lengths: feed large spans in pieces.
        for (size_t at = 0; at < data.size(); at += 1u << 30) {
          auto piece = data.substr(at, 1u << 30);
          crc32_ = ::crc32(crc32_, reinterpret_cast<const Bytef*>(piece.data()),
                           static_cast<uInt>(piece.size()));
        }
        break;
      case ChecksumAlgorithm::Crc32c: crc32_ = crc32c(crc32_, data); break;
      default: crc64_ = crc64nvme(crc64_, data); break;
    }
  }
  std::string digest() override {
    if (algorithm_ == ChecksumAlgorithm::Crc64Nvme) return big_endian(crc64_);
    return big_endian(crc32_);
  }

 private:
  ChecksumAlgorithm algorithm_;
  uint32_t crc32_ = 0;
  uint64_t crc64_ = 0;
};

// MD5, SHA-1 and SHA-256 over OpenSSL's EVP interface.
class EvpHasher final : public Hasher {
 public:
  explicit EvpHasher(const EVP_MD* md) : context_(EVP_MD_CTX_new()) {
    if (!context_ || EVP_DigestInit_ex(context_, md, nullptr) != 1) throw std::runtime_error("EVP init");
  }
  ~EvpHasher() override { EVP_MD_CTX_free(context_); }
  EvpHasher(const EvpHasher&) = delete;
  EvpHasher& operator=(const EvpHasher&) = delete;
  void update(std::string_view data) override { EVP_DigestUpdate(context_, data.data(), data.size()); }
  std::string digest() override {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(context_, out, &length);
    return std::string(reinterpret_cast<const char*>(out), length);
  }

 private:
  EVP_MD_CTX* context_;
};

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

uint32_t crc32c(uint32_t crc, std::string_view data) {
  crc = ~crc;
  for (unsigned char byte : data) crc = kCrc32cTable[(crc ^ byte) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

uint64_t crc64nvme(uint64_t crc, std::string_view data) {
  crc = ~crc;
  for (unsigned char byte : data) crc = kCrc64NvmeTable[(crc ^ byte) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

std::optional<ChecksumAlgorithm> parse_checksum_algorithm(std::string_view name) {
  for (auto algorithm : kAllChecksums) {
    if (iequals(name, algorithm_name(algorithm))) return algorithm;
  }
  return std::nullopt;
}

std::string_view algorithm_name(ChecksumAlgorithm algorithm) {
  switch (algorithm) {
    case ChecksumAlgorithm::Crc32: return "CRC32";
    case ChecksumAlgorithm::Crc32c: return "CRC32C";
    case ChecksumAlgorithm::Crc64Nvme: return "CRC64NVME";
    case ChecksumAlgorithm::Sha1: return "SHA1";
    case ChecksumAlgorithm::Sha256: return "SHA256";
  }
  return "";
}

std::string_view algorithm_member(ChecksumAlgorithm algorithm) {
  switch (algorithm) {
    case ChecksumAlgorithm::Crc32: return "ChecksumCRC32";
    case ChecksumAlgorithm::Crc32c: return "ChecksumCRC32C";
    case ChecksumAlgorithm::Crc64Nvme: return "ChecksumCRC64NVME";
    case ChecksumAlgorithm::Sha1: return "ChecksumSHA1";
    case ChecksumAlgorithm::Sha256: return "ChecksumSHA256";
  }
  return "";
}

std::string_view algorithm_header(ChecksumAlgorithm algorithm) {
  switch (algorithm) {
    case ChecksumAlgorithm::Crc32: return "x-amz-checksum-crc32";
    case ChecksumAlgorithm::Crc32c: return "x-amz-checksum-crc32c";
    case ChecksumAlgorithm::Crc64Nvme: return "x-amz-checksum-crc64nvme";
    case ChecksumAlgorithm::Sha1: return "x-amz-checksum-sha1";
    case ChecksumAlgorithm::Sha256: return "x-amz-checksum-sha256";
  }
  return "";
}

std::unique_ptr<Hasher> make_hasher(ChecksumAlgorithm algorithm) {
  switch (algorithm) {
    case ChecksumAlgorithm::Sha1: return std::make_unique<EvpHasher>(EVP_sha1());
    case ChecksumAlgorithm::Sha256: return std::make_unique<EvpHasher>(EVP_sha256());
    default: return std::make_unique<CrcHasher>(algorithm);
  }
}

std::unique_ptr<Hasher> make_md5() { return std::make_unique<EvpHasher>(EVP_md5()); }
std::unique_ptr<Hasher> make_sha256() { return std::make_unique<EvpHasher>(EVP_sha256()); }

std::string checksum_base64(ChecksumAlgorithm algorithm, std::string_view data) {
  auto hasher = make_hasher(algorithm);
  hasher->update(data);
  return crypto::base64_encode(hasher->digest());
}

}  // namespace nimbus::s3
