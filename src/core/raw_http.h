#pragma once
// The HTTP message types every layer shares: a request head (Beast's request; its body is empty
// when the body is streamed), a response, and the streaming pieces of raw-HTTP services — a reader
// a handler pulls request-body bytes from, and a body range a reply's body is streamed from (S3
// objects: a file, or a small body's bytes). Messages only: connections and servers are src/http's.

#include <unistd.h>

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "core/http_message.h"

namespace nimbus {

// Pulls the request body from the connection as the handler consumes it. `Expect: 100-continue`
// is answered on the first read, so a handler that rejects early never invites the body.
class BodyReader {
 public:
  virtual ~BodyReader() = default;
  // Fills up to out.size() bytes; 0 = end of body. Throws boost::system::system_error if the
  // connection fails or the body is malformed (bad chunk framing, truncated).
  virtual boost::asio::awaitable<size_t> read_some(std::span<char> out) = 0;
  virtual std::optional<uint64_t> content_length() const = 0;
  virtual uint64_t bytes_read() const = 0;
  virtual bool done() const = 0;
};

// An open file descriptor shared by the replies streaming from it; closed with the last owner.
class OpenFile {
 public:
  explicit OpenFile(int fd) : fd_(fd) {}
  ~OpenFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

// [offset, offset + length) of a file, or of `bytes` when set (a small body kept in memory).
struct BodyRange {
  std::shared_ptr<OpenFile> file;
  uint64_t offset = 0;
  uint64_t length = 0;
  std::shared_ptr<const std::string> bytes;
};

// An answer: status, headers and a small body, or a body streamed from a body range (the
// server then sets Content-Length to the range's length).
struct Reply {
  HttpResponse message;
  std::optional<BodyRange> file;
};

}  // namespace nimbus
