#pragma once
// Leveled, thread-safe logging to stderr: one line per event, no library text reaches clients.

#include <atomic>
#include <string>
#include <string_view>

namespace nimbus::log {

enum class Level { Debug = 0, Info = 1, Warn = 2, Error = 3, Off = 4 };

void set_level(Level level);
Level level();
// Parses "debug|info|warn|error|off"; nullopt-like false on unknown names.
bool parse_level(std::string_view name, Level& out);
void write(Level level, std::string_view message);

inline bool enabled(Level l) { return l >= level(); }

}  // namespace nimbus::log

#define NIMBUS_LOG(lvl, ...)                                          \
  do {                                                                \
    if (::nimbus::log::enabled(::nimbus::log::Level::lvl))            \
      ::nimbus::log::write(::nimbus::log::Level::lvl, __VA_ARGS__);   \
  } while (0)
