#include "services/s3/request_body.h"

#include <algorithm>

#include "core/crypto.h"
#include "services/s3/s3_errors.h"

namespace nimbus::s3 {
namespace {

namespace http = boost::beast::http;
constexpr size_t kSmallBodyLimit = 16u << 20;

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool is_hex_sha256(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

std::optional<uint64_t> parse_length(std::string_view text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  return value;
}

// The expected raw size of a checksum's digest, for validating declared values.
size_t digest_size(ChecksumAlgorithm algorithm) {
  switch (algorithm) {
    case ChecksumAlgorithm::Crc32:
    case ChecksumAlgorithm::Crc32c: return 4;
    case ChecksumAlgorithm::Crc64Nvme: return 8;
    case ChecksumAlgorithm::Sha1: return 20;
    case ChecksumAlgorithm::Sha256: return 32;
  }
  return 0;
}

void check_checksum_form(ChecksumAlgorithm algorithm, const std::string& value) {
  auto raw = crypto::base64_decode(value);
  if (!raw || raw->size() != digest_size(algorithm)) {
    throw errors::invalid_checksum_value(lower(algorithm_name(algorithm)));
  }
}

}  // namespace

RequestBody::RequestBody(const HttpRequest& head, BodyReader& body,
                         const RequestContext& context)
    : head_(head), raw_(body) {
  std::string sha256_header(head["x-amz-content-sha256"]);
  std::string encoding = lower(head[http::field::content_encoding]);
  bool streaming = sha256_header.rfind("STREAMING-", 0) == 0;
  bool aws_chunked = streaming || encoding.find("aws-chunked") != std::string::npos;
  if (is_hex_sha256(sha256_header)) content_sha256_ = lower(sha256_header);

  if (aws_chunked) {
    auto decoded = parse_length(head["x-amz-decoded-content-length"]);
    AwsChunkedReader::Options options;
    options.decoded_length = decoded;
    bool signed_chunks = sha256_header.rfind("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", 0) == 0;
    if (signed_chunks && !context.signature.signing_key.empty()) {
      options.signing_key = context.signature.signing_key;
      options.amz_date = context.signature.amz_date;
      options.scope = context.signature.scope;
      options.seed_signature = context.signature.seed;
    }
    chunked_ = std::make_unique<AwsChunkedReader>(body, std::move(options));
    length_ = decoded;
  } else {
    length_ = body.content_length();
  }

  if (auto md5 = head.find("Content-MD5"); md5 != head.end()) {
    auto raw = crypto::base64_decode(md5->value());
    if (!raw || raw->size() != 16) throw errors::invalid_digest();
    content_md5_ = *raw;
  }
  for (auto algorithm : kAllChecksums) {
    auto header = head.find(algorithm_header(algorithm));
    if (header == head.end()) continue;
    if (algorithm_ && *algorithm_ != algorithm) {
      throw errors::invalid_request("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
    }
    algorithm_ = algorithm;
    header_checksum_ = std::string(header->value());
    check_checksum_form(algorithm, *header_checksum_);
  }
  if (!algorithm_) {
    auto trailer = lower(head["x-amz-trailer"]);
    if (trailer.rfind("x-amz-checksum-", 0) == 0) {
      algorithm_ = parse_checksum_algorithm(trailer.substr(15));
      if (!algorithm_) throw errors::invalid_request("The value specified in the x-amz-trailer header is not supported");
    }
  }
  if (!algorithm_) {
    auto sdk = head["x-amz-sdk-checksum-algorithm"];
    if (!sdk.empty()) {
      algorithm_ = parse_checksum_algorithm(sdk);
      if (!algorithm_) {
        throw errors::invalid_request("Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]");
      }
    }
  }
}

std::optional<std::string> RequestBody::expected_checksum() const {
  if (header_checksum_) return header_checksum_;
  if (!chunked_ || !algorithm_) return std::nullopt;
  for (const auto& [name, value] : chunked_->trailers()) {
    if (name == algorithm_header(*algorithm_)) return value;
  }
  return std::nullopt;
}

void RequestBody::verify(const std::string& md5, const std::string& sha256,
                         const std::optional<std::string>& checksum) const {
  if (content_md5_ && *content_md5_ != md5) throw errors::bad_digest();
  if (content_sha256_ && *content_sha256_ != crypto::hex(sha256)) {
    throw errors::content_sha256_mismatch(*content_sha256_, crypto::hex(sha256));
  }
  auto expected = expected_checksum();
  if (expected && algorithm_ && checksum) {
    if (!header_checksum_) check_checksum_form(*algorithm_, *expected);
    if (*expected != crypto::base64_encode(*checksum)) {
      throw errors::checksum_mismatch(std::string(algorithm_name(*algorithm_)));
    }
  }
}

boost::asio::awaitable<std::string> read_small_body(const HttpRequest& head,
                                                    BodyReader& body,
                                                    const RequestContext& context) {
  RequestBody request(head, body, context);
  if (request.length() && *request.length() > kSmallBodyLimit) throw errors::max_message_length_exceeded();
  std::string data;
  char block[64 * 1024];
  while (true) {
    size_t n = co_await request.reader().read_some(std::span<char>(block, sizeof block));
    if (n == 0) break;
    data.append(block, n);
    if (data.size() > kSmallBodyLimit) throw errors::max_message_length_exceeded();
  }
  std::optional<std::string> checksum;
  if (request.algorithm()) {
    auto hasher = make_hasher(*request.algorithm());
    hasher->update(data);
    checksum = hasher->digest();
  }
  request.verify(crypto::md5_raw(data), request.content_sha256() ? crypto::sha256_raw(data) : std::string(),
                 checksum);
  co_return data;
}

}  // namespace nimbus::s3
