#include "services/s3/aws_chunked.h"

#include <algorithm>
#include <cctype>

#include "auth/signing.h"
#include "services/s3/s3_errors.h"

namespace nimbus::s3 {
namespace {

constexpr size_t kMaxLine = 4096;
constexpr uint64_t kMaxSignedChunk = 64ull << 20;
constexpr std::string_view kSignatureParameter = "chunk-signature=";
constexpr std::string_view kTrailerSignature = "x-amz-trailer-signature";

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

uint64_t parse_hex_size(std::string_view text) {
  if (text.empty() || text.size() > 15) throw errors::malformed_chunked_body();
  uint64_t size = 0;
  for (char c : text) {
    int digit = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                : (c >= 'a' && c <= 'f')                   ? c - 'a' + 10
                : (c >= 'A' && c <= 'F')                   ? c - 'A' + 10
                                                            : -1;
    if (digit < 0) throw errors::malformed_chunked_body();
    size = size * 16 + static_cast<uint64_t>(digit);
  }
  return size;
}

}  // namespace

AwsChunkedReader::AwsChunkedReader(BodyReader& inner, Options options)
    : inner_(inner), options_(std::move(options)), previous_signature_(options_.seed_signature) {}

boost::asio::awaitable<bool> AwsChunkedReader::fill() {
  if (position_ > 0 && position_ == buffer_.size()) {
    buffer_.clear();
    position_ = 0;
  }
  char block[64 * 1024];
  size_t n = co_await inner_.read_some(std::span<char>(block, sizeof block));
  if (n == 0) co_return false;
  buffer_.append(block, n);
  co_return true;
}

boost::asio::awaitable<std::string> AwsChunkedReader::read_line() {
  while (true) {
    auto view = buffered();
    auto end = view.find("\r\n");
    if (end != std::string_view::npos) {
      std::string line(view.substr(0, end));
      position_ += end + 2;
      co_return line;
    }
    if (view.size() > kMaxLine) throw errors::malformed_chunked_body();
    if (!co_await fill()) throw errors::incomplete_body();
  }
}

boost::asio::awaitable<void> AwsChunkedReader::read_trailers() {
  std::string canonical;
  std::string trailer_signature;
  while (true) {
    auto line = co_await read_line();
    if (line.empty()) break;
    auto colon = line.find(':');
    if (colon == std::string::npos) throw errors::malformed_chunked_body();
    std::string name(trim(std::string_view(line).substr(0, colon)));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string value(trim(std::string_view(line).substr(colon + 1)));
    if (name == kTrailerSignature) {
      trailer_signature = value;
      continue;
    }
    canonical += name + ":" + value + "\n";
    trailers_.emplace_back(std::move(name), std::move(value));
  }
  if (verifying() && !trailers_.empty()) {
    auto expected = auth::trailer_signature(options_.signing_key, options_.amz_date, options_.scope,
                                            previous_signature_, canonical);
    if (!auth::constant_time_equal(expected, trailer_signature)) throw errors::signature_does_not_match();
  }
}

boost::asio::awaitable<size_t> AwsChunkedReader::read_some(std::span<char> out) {
  while (true) {
    switch (state_) {
      case State::Done:
        co_return 0;
      case State::ChunkHeader: {
        auto line = co_await read_line();
        std::string_view header(line);
        auto semicolon = header.find(';');
        uint64_t size = parse_hex_size(trim(header.substr(0, semicolon)));
        claimed_signature_.clear();
        if (semicolon != std::string_view::npos) {
          auto parameters = header.substr(semicolon + 1);
          if (auto at = parameters.find(kSignatureParameter); at != std::string_view::npos) {
            claimed_signature_ = std::string(trim(parameters.substr(at + kSignatureParameter.size())));
          }
        }
        if (verifying() && claimed_signature_.empty()) throw errors::signature_does_not_match();
        chunk_remaining_ = size;
        if (verifying()) {
          if (size > kMaxSignedChunk) throw errors::malformed_chunked_body();
          chunk_.clear();
          chunk_position_ = 0;
          while (chunk_.size() < size) {
            if (buffered().empty() && !co_await fill()) throw errors::incomplete_body();
            auto take = std::min<size_t>(size - chunk_.size(), buffered().size());
            chunk_.append(buffered().substr(0, take));
            position_ += take;
          }
          auto expected = auth::chunk_signature(options_.signing_key, options_.amz_date, options_.scope,
                                                previous_signature_, chunk_);
          if (!auth::constant_time_equal(expected, claimed_signature_)) throw errors::signature_does_not_match();
          previous_signature_ = expected;
        }
        if (size == 0) {
          state_ = State::Trailers;
        } else {
          state_ = State::ChunkData;
        }
        continue;
      }
      case State::ChunkData: {
        if (out.empty()) co_return 0;
        size_t n = 0;
        if (verifying()) {
          n = std::min(out.size(), chunk_.size() - chunk_position_);
          std::copy_n(chunk_.data() + chunk_position_, n, out.data());
          chunk_position_ += n;
        } else {
          if (buffered().empty() && !co_await fill()) throw errors::incomplete_body();
          n = std::min<uint64_t>({out.size(), chunk_remaining_, buffered().size()});
          std::copy_n(buffered().data(), n, out.data());
          position_ += n;
        }
        chunk_remaining_ -= n;
        decoded_ += n;
        if (chunk_remaining_ == 0) state_ = State::ChunkEnd;
        co_return n;
      }
      case State::ChunkEnd: {
        if (!(co_await read_line()).empty()) throw errors::malformed_chunked_body();
        state_ = State::ChunkHeader;
        continue;
      }
      case State::Trailers: {
        // Some clients end the body right after the last chunk when there are no trailers.
        if (buffered().empty() && !co_await fill()) {
          state_ = State::Done;
        } else {
          co_await read_trailers();
        }
        if (options_.decoded_length && *options_.decoded_length != decoded_) throw errors::incomplete_body();
        state_ = State::Done;
        co_return 0;
      }
    }
  }
}

}  // namespace nimbus::s3
