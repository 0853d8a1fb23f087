#include "core/log.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace nimbus::log {
namespace {
std::atomic<Level> current_level{Level::Info};
std::mutex write_mutex;

const char* level_name(Level l) {
  switch (l) {
    case Level::Debug: return "DEBUG";
    case Level::Info: return "INFO";
    case Level::Warn: return "WARN";
    case Level::Error: return "ERROR";
    case Level::Off: return "OFF";
  }
  return "?";
}
}  // namespace

void set_level(Level l) { current_level.store(l, std::memory_order_relaxed); }
Level level() { return current_level.load(std::memory_order_relaxed); }

bool parse_level(std::string_view name, Level& out) {
  if (name == "debug") out = Level::Debug;
  else if (name == "info") out = Level::Info;
  else if (name == "warn" || name == "warning") out = Level::Warn;
  else if (name == "error") out = Level::Error;
  else if (name == "off") out = Level::Off;
  else return false;
  return true;
}

void write(Level l, std::string_view message) {
  auto now = std::chrono::system_clock::now();
  auto seconds = std::chrono::system_clock::to_time_t(now);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);
  std::lock_guard lock(write_mutex);
  std::fprintf(stderr, "%s.%03lldZ %-5s %.*s\n", stamp, static_cast<long long>(millis), level_name(l),
               static_cast<int>(message.size()), message.data());
}

}  // namespace nimbus::log
