#pragma once
// Helpers for the S3 object-side tests: a request body served from a string in small pieces,
// and running a coroutine to completion.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <algorithm>
#include <exception>
#include <optional>
#include <string>

#include "core/raw_http.h"

namespace nimbus::s3::testing {

// Serves `data` at most `piece` bytes per read, so decoders see arbitrary splits.
class StringBody final : public BodyReader {
 public:
  explicit StringBody(std::string data, size_t piece = 7) : data_(std::move(data)), piece_(piece) {}
  boost::asio::awaitable<size_t> read_some(std::span<char> out) override {
    size_t n = std::min({out.size(), piece_, data_.size() - position_});
    std::copy_n(data_.data() + position_, n, out.data());
    position_ += n;
    co_return n;
  }
  std::optional<uint64_t> content_length() const override { return data_.size(); }
  uint64_t bytes_read() const override { return position_; }
  bool done() const override { return position_ == data_.size(); }

 private:
  std::string data_;
  size_t piece_;
  size_t position_ = 0;
};

template <typename T>
T run(boost::asio::awaitable<T> task) {
  boost::asio::io_context io;
  std::exception_ptr failure;
  std::optional<T> result;
  boost::asio::co_spawn(io, std::move(task), [&](std::exception_ptr error, T value) {
    failure = error;
    if (!error) result = std::move(value);
  });
  io.run();
  if (failure) std::rethrow_exception(failure);
  return std::move(*result);
}

// Reads everything a BodyReader yields.
inline boost::asio::awaitable<std::string> read_all(BodyReader& reader) {
  std::string out;
  char block[5];
  while (size_t n = co_await reader.read_some(std::span<char>(block, sizeof block))) out.append(block, n);
  co_return out;
}

}  // namespace nimbus::s3::testing
