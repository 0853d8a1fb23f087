#include "http/body_transfer.h"

#include <unistd.h>

#include <algorithm>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <vector>

namespace nimbus::http_server {

using asio::use_awaitable;

namespace {

constexpr size_t kFileChunkBytes = 256 * 1024;

bool wants_continue(const http::request_header<>& head) {
  return beast::iequals(head[http::field::expect], "100-continue");
}

asio::awaitable<void> send_continue(beast::tcp_stream& stream, unsigned version) {
  http::response<http::empty_body> interim{http::status::continue_, version};
  co_await http::async_write(stream, interim, use_awaitable);
}

bool is_framing_error(const beast::error_code& ec) {
  return ec == http::error::body_limit || ec == http::error::bad_chunk ||
         ec == http::error::bad_chunk_extension || ec == http::error::bad_content_length ||
         ec == http::error::bad_transfer_encoding;
}

}  // namespace

AwsError parse_error_to_aws(const beast::error_code& ec) {
  if (ec == http::error::body_limit) {
    return AwsError::payload_too_large("Request body exceeds the maximum allowed size.");
  }
  if (ec == http::error::header_limit) {
    return AwsError{431, "RequestHeaderSectionTooLarge", "Request header section is too large."};
  }
  return AwsError{400, "BadRequest", "Malformed HTTP request."};
}

asio::awaitable<BufferedRead> read_buffered(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                            http::request_parser<http::empty_body>&& head_parser,
                                            const ServerLimits& limits) {
  BufferedRead result;
  if (auto length = head_parser.content_length(); length && *length > limits.body_bytes) {
    result.refusal = parse_error_to_aws(http::error::body_limit);
    co_return result;
  }
  http::request_parser<http::string_body> parser(std::move(head_parser));
  parser.body_limit(limits.body_bytes);
  if (wants_continue(parser.get())) co_await send_continue(stream, parser.get().version());
  beast::error_code ec;
  co_await http::async_read(stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
  if (ec) {
    if (is_framing_error(ec)) {
      result.refusal = parse_error_to_aws(ec);
    } else {
      result.closed = true;  // disconnect or truncated body
    }
    co_return result;
  }
  result.request = parser.release();
  co_return result;
}

StreamBodyReader::StreamBodyReader(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                   http::request_parser<http::buffer_body>& parser)
    : stream_(stream), buffer_(buffer), parser_(parser) {}

std::optional<uint64_t> StreamBodyReader::content_length() const {
  auto length = parser_.content_length();
  return length ? std::optional<uint64_t>(*length) : std::nullopt;
}

std::optional<uint64_t> StreamBodyReader::fixed_length() const {
  if (parser_.chunked()) return std::nullopt;
  return content_length();
}

bool StreamBodyReader::done() const {
  auto length = fixed_length();
  return length ? bytes_read_ == *length : parser_.is_done();
}

asio::awaitable<void> StreamBodyReader::answer_expectation() {
  if (continue_sent_ || !wants_continue(parser_.get())) co_return;
  continue_sent_ = true;
  co_await send_continue(stream_, parser_.get().version());
}

asio::awaitable<size_t> StreamBodyReader::read_some(std::span<char> out) {
  if (!done()) co_await answer_expectation();
  if (auto length = fixed_length()) {
    // A Content-Length body needs no parsing: the bytes buffered behind the header, then reads
    // straight into `out` (one copy, as large as the caller's block).
    auto want = static_cast<size_t>(std::min<uint64_t>(out.size(), *length - bytes_read_));
    if (want == 0) co_return 0;
    size_t got = asio::buffer_copy(asio::buffer(out.data(), want), buffer_.data());
    buffer_.consume(got);
    if (got == 0) {
      beast::error_code ec;
      got = co_await stream_.async_read_some(asio::buffer(out.data(), want), asio::redirect_error(use_awaitable, ec));
      if (ec == asio::error::eof) throw beast::system_error(http::error::partial_message);
      if (ec) throw beast::system_error(ec);
    }
    bytes_read_ += got;
    co_return got;
  }
  while (!parser_.is_done() && !out.empty()) {
    auto& body = parser_.get().body();
    body.data = out.data();
    body.size = out.size();
    beast::error_code ec;
    co_await http::async_read_some(stream_, buffer_, parser_, asio::redirect_error(use_awaitable, ec));
    size_t produced = out.size() - body.size;
    if (ec && ec != http::error::need_buffer) throw beast::system_error(ec);
    if (produced > 0) {
      bytes_read_ += produced;
      co_return produced;
    }
  }
  co_return 0;
}

asio::awaitable<bool> write_file_reply(beast::tcp_stream& stream, const http::response_header<>& header,
                                       const BodyRange& range) {
  http::response<http::buffer_body> response{header};
  response.set(http::field::content_length, std::to_string(range.length));
  response.body().data = nullptr;
  response.body().more = true;
  http::response_serializer<http::buffer_body> serializer{response};
  beast::error_code ec;
  co_await http::async_write_header(stream, serializer, asio::redirect_error(use_awaitable, ec));
  if (ec) co_return false;

  std::vector<char> chunk(std::min<uint64_t>(kFileChunkBytes, std::max<uint64_t>(range.length, 1)));
  uint64_t offset = range.offset;
  uint64_t remaining = range.length;
  while (remaining > 0) {
    auto want = static_cast<size_t>(std::min<uint64_t>(remaining, chunk.size()));
    ssize_t got = ::pread(range.file->fd(), chunk.data(), want, static_cast<off_t>(offset));
    if (got <= 0) co_return false;  // the file shrank or failed: the client sees a short body
    response.body().data = chunk.data();
    response.body().size = static_cast<size_t>(got);
    response.body().more = true;
    co_await http::async_write(stream, serializer, asio::redirect_error(use_awaitable, ec));
    if (ec && ec != http::error::need_buffer) co_return false;
    offset += static_cast<uint64_t>(got);
    remaining -= static_cast<uint64_t>(got);
  }
  response.body().data = nullptr;
  response.body().more = false;
  co_await http::async_write(stream, serializer, asio::redirect_error(use_awaitable, ec));
  co_return !ec;
}

}  // namespace nimbus::http_server
