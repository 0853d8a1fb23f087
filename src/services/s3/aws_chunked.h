#pragma once
// The aws-chunked content encoding S3 clients stream uploads in: "<hex size>[;chunk-signature=
// <sig>]\r\n<data>\r\n" chunks, a zero-size last chunk, then optional trailing headers
// ("x-amz-checksum-crc32:...") and "x-amz-trailer-signature". A BodyReader that yields the
// decoded bytes, verifies the chained chunk and trailer signatures when given a signing key, and
// exposes the trailers once the body is consumed.

#include <string>
#include <utility>
#include <vector>

#include "core/raw_http.h"

namespace nimbus::s3 {

class AwsChunkedReader final : public BodyReader {
 public:
  struct Options {
    // Verify chunk signatures (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]) when non-empty.
    std::string signing_key;
    std::string amz_date;
    std::string scope;
    std::string seed_signature;
    // x-amz-decoded-content-length, checked against what the chunks carry.
    std::optional<uint64_t> decoded_length;
  };

  AwsChunkedReader(BodyReader& inner, Options options);

  boost::asio::awaitable<size_t> read_some(std::span<char> out) override;
  std::optional<uint64_t> content_length() const override { return options_.decoded_length; }
  uint64_t bytes_read() const override { return decoded_; }
  bool done() const override { return state_ == State::Done; }

  // Trailing headers (names lower-cased), valid once read_some returned 0.
  const std::vector<std::pair<std::string, std::string>>& trailers() const { return trailers_; }

 private:
  enum class State { ChunkHeader, ChunkData, ChunkEnd, Trailers, Done };

  boost::asio::awaitable<bool> fill();
  boost::asio::awaitable<std::string> read_line();
  boost::asio::awaitable<void> read_trailers();
  bool verifying() const { return !options_.signing_key.empty(); }
  std::string_view buffered() const { return std::string_view(buffer_).substr(position_); }

  BodyReader& inner_;
  Options options_;
  State state_ = State::ChunkHeader;
  std::string buffer_;
  size_t position_ = 0;
  uint64_t chunk_remaining_ = 0;
  std::string chunk_;  // a whole chunk, held until its signature is checked (verifying only)
  size_t chunk_position_ = 0;
  std::string previous_signature_;
  std::string claimed_signature_;
  uint64_t decoded_ = 0;
  std::vector<std::pair<std::string, std::string>> trailers_;
};

}  // namespace nimbus::s3
