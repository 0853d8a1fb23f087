#pragma once
// Moving request and response bodies over a connection: buffered request bodies with limits,
// a streaming BodyReader over Beast's buffer_body parser, and file-range responses.

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>

#include "core/aws_error.h"
#include "core/raw_http.h"
#include "http/server.h"

namespace nimbus::http_server {

namespace beast = boost::beast;

// Maps a parse failure to the AWS error the client gets (the connection closes afterwards).
AwsError parse_error_to_aws(const beast::error_code& ec);

struct BufferedRead {
  HttpRequest request;
  std::optional<AwsError> refusal;  // too large or malformed: answer with this, then close
  bool closed = false;              // the peer went away: nothing to answer
};

// Reads the rest of a request whose header `head_parser` has read, into memory (at most
// limits.body_bytes), answering `Expect: 100-continue` first.
asio::awaitable<BufferedRead> read_buffered(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                            http::request_parser<http::empty_body>&& head_parser,
                                            const ServerLimits& limits);

// BodyReader over a buffer_body parser whose header has been read (chunked bodies go through
// the parser; Content-Length bodies are read from the buffer and socket directly).
class StreamBodyReader final : public BodyReader {
 public:
  StreamBodyReader(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                   http::request_parser<http::buffer_body>& parser);
  asio::awaitable<size_t> read_some(std::span<char> out) override;
  std::optional<uint64_t> content_length() const override;
  uint64_t bytes_read() const override { return bytes_read_; }
  bool done() const override;
  // Sends the `100 Continue` an `Expect: 100-continue` waits for, once: on the first read, or
  // before the answer to a request whose (empty) body was never read. Without it botocore, which
  // takes the final status in place of the 100, misreads the next response on the connection.
  asio::awaitable<void> answer_expectation();

 private:
  // Content-Length of a body that is not chunked: read without the parser.
  std::optional<uint64_t> fixed_length() const;

  beast::tcp_stream& stream_;
  beast::flat_buffer& buffer_;
  http::request_parser<http::buffer_body>& parser_;
  bool continue_sent_ = false;
  uint64_t bytes_read_ = 0;
};

// Writes `header` then `range` of the file, in chunks; false if the connection failed.
asio::awaitable<bool> write_file_reply(beast::tcp_stream& stream, const http::response_header<>& header,
                                       const BodyRange& range);

}  // namespace nimbus::http_server
