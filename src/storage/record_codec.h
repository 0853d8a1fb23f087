#pragma once
// A compact binary record format for values kept in the store: unsigned varints, zigzag
// signed varints and length-prefixed byte strings, written and read back in a fixed field
// order. Hot records (SQS messages) use it instead of JSON: it costs a fraction of the CPU
// and space, and binary values need no base64.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace nimbus::storage {

class RecordWriter {
 public:
  explicit RecordWriter(size_t reserve = 64) { out_.reserve(reserve); }

  RecordWriter& u64(uint64_t value) {
    while (value >= 0x80) {
      out_.push_back(static_cast<char>(value | 0x80));
      value >>= 7;
    }
    out_.push_back(static_cast<char>(value));
    return *this;
  }
  RecordWriter& i64(int64_t value) {
    return u64((static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63));
  }
  RecordWriter& bytes(std::string_view value) {
    u64(value.size());
    out_.append(value);
    return *this;
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// Reads what RecordWriter wrote; a truncated or overlong record throws std::runtime_error.
class RecordReader {
 public:
  explicit RecordReader(std::string_view in) : in_(in) {}

  uint64_t u64() {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (in_.empty()) fail();
      auto byte = static_cast<unsigned char>(in_.front());
      in_.remove_prefix(1);
      value |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (byte < 0x80) return value;
    }
    fail();
  }
  int64_t i64() {
    uint64_t raw = u64();
    return static_cast<int64_t>((raw >> 1) ^ (~(raw & 1) + 1));
  }
  std::string_view bytes() {
    uint64_t size = u64();
    if (size > in_.size()) fail();
    auto value = in_.substr(0, size);
    in_.remove_prefix(size);
    return value;
  }
  bool done() const { return in_.empty(); }

 private:
  [[noreturn]] static void fail() { throw std::runtime_error("storage: truncated record"); }
  std::string_view in_;
};

}  // namespace nimbus::storage
