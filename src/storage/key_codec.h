#pragma once
// Order-preserving key encoding for services: fixed-width big-endian integers and tuple keys
// whose byte order equals the part-by-part order of their parts.
//
// A tuple key is each part escaped (0x00 -> 0x00 0xFF) and terminated by 0x00 0x01, so any
// part may hold any bytes, ("a","b") < ("ab") like ("a" < "ab"), and the key of a tuple is a
// prefix of the keys of every longer tuple starting with it: scan(join({queue})) lists a queue.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nimbus::storage::keys {

// 8 bytes, most significant first, so byte order is numeric order.
inline void append_u64(std::string& out, uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(value >> shift));
}

inline std::string u64(uint64_t value) {
  std::string out;
  append_u64(out, value);
  return out;
}

// Reads what u64() wrote; nullopt unless `bytes` is exactly 8 bytes long.
inline std::optional<uint64_t> read_u64(std::string_view bytes) {
  if (bytes.size() != 8) return std::nullopt;
  uint64_t value = 0;
  for (char byte : bytes) value = (value << 8) | static_cast<unsigned char>(byte);
  return value;
}

inline void append_part(std::string& key, std::string_view part) {
  for (char byte : part) {
    key.push_back(byte);
    if (byte == '\0') key.push_back('\xff');
  }
  key.push_back('\0');
  key.push_back('\x01');
}

inline std::string join(std::initializer_list<std::string_view> parts) {
  std::string key;
  for (auto part : parts) append_part(key, part);
  return key;
}

// The parts of a key join() built; nullopt if `key` is not such a key.
inline std::optional<std::vector<std::string>> split(std::string_view key) {
  std::vector<std::string> parts;
  std::string part;
  for (size_t i = 0; i < key.size(); ++i) {
    if (key[i] != '\0') {
      part.push_back(key[i]);
      continue;
    }
    if (i + 1 == key.size()) return std::nullopt;
    char marker = key[++i];
    if (marker == '\xff') {
      part.push_back('\0');
    } else if (marker == '\x01') {
      parts.push_back(std::move(part));
      part.clear();
    } else {
      return std::nullopt;
    }
  }
  if (!part.empty()) return std::nullopt;
  return parts;
}

}  // namespace nimbus::storage::keys
