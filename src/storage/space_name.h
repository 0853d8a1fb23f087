#pragma once
// Checks a space name before a store uses it: RocksDB reserves "default" for itself.

#include <stdexcept>
#include <string_view>

namespace nimbus::storage {

inline void check_space_name(std::string_view space) {
  if (space.empty() || space == "default") {
    throw std::invalid_argument("storage: invalid space name");
  }
}

}  // namespace nimbus::storage
