#pragma once
// How a request body arrives and what it must match: plain or aws-chunked, the decoded length,
// Content-MD5, a hex x-amz-content-sha256, and flexible checksums sent as headers or trailers.

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/raw_http.h"
#include "core/request_context.h"
#include "services/s3/aws_chunked.h"
#include "services/s3/checksums.h"

namespace nimbus::s3 {

// The request body decoded to the object's bytes, with the integrity checks it declared.
class RequestBody {
 public:
  // Validates the headers (Content-MD5 form, declared checksums) before any byte is read.
  RequestBody(const HttpRequest& head, BodyReader& body, const RequestContext& context);

  BodyReader& reader() { return chunked_ ? *chunked_ : raw_; }
  // Bytes the object will have: x-amz-decoded-content-length or Content-Length.
  std::optional<uint64_t> length() const { return length_; }
  // The checksum algorithm to compute: named by x-amz-checksum-*, x-amz-trailer or
  // x-amz-sdk-checksum-algorithm.
  std::optional<ChecksumAlgorithm> algorithm() const { return algorithm_; }
  const std::optional<std::string>& content_md5() const { return content_md5_; }  // raw 16 bytes
  const std::optional<std::string>& content_sha256() const { return content_sha256_; }  // lower hex

  // After the body is consumed: the expected base64 checksum (header or trailer), if any.
  std::optional<std::string> expected_checksum() const;
  // Throws BadDigest / XAmzContentSHA256Mismatch / checksum errors unless the computed digests
  // (raw bytes; `checksum` for algorithm()) match what the request declared.
  void verify(const std::string& md5, const std::string& sha256, const std::optional<std::string>& checksum) const;

 private:
  const HttpRequest& head_;
  BodyReader& raw_;
  std::unique_ptr<AwsChunkedReader> chunked_;
  std::optional<uint64_t> length_;
  std::optional<ChecksumAlgorithm> algorithm_;
  std::optional<std::string> header_checksum_;
  std::optional<std::string> content_md5_;
  std::optional<std::string> content_sha256_;
};

// Reads a non-streaming body whole (decoding aws-chunked, checking Content-MD5 and a hex
// x-amz-content-sha256); EntityTooLarge / MaxMessageLengthExceeded past 16 MiB.
boost::asio::awaitable<std::string> read_small_body(const HttpRequest& head,
                                                    BodyReader& body,
                                                    const RequestContext& context);

}  // namespace nimbus::s3
