#include "core/ids.h"

#include <random>

namespace nimbus::ids {

std::string uuid4() {
  // A per-thread generator: ids need uniqueness, not secrecy, and must be cheap on the hot path.
  thread_local std::mt19937_64 generator{std::random_device{}()};
  uint64_t high = generator();
  uint64_t low = generator();
  high = (high & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  low = (low & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;    // variant 10
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(36, '-');
  int pos = 0;
  auto put = [&](uint64_t value, int nibbles) {
    for (int i = nibbles - 1; i >= 0; --i) {
      if (pos == 8 || pos == 13 || pos == 18 || pos == 23) ++pos;
      out[pos++] = kDigits[(value >> (i * 4)) & 0xF];
    }
  };
  put(high, 16);
  put(low, 16);
  return out;
}

}  // namespace nimbus::ids
