#pragma once
// The archives of each bus, in memory: which archives an arriving event goes into (every event
// of the bus, or those its pattern matches; replayed events never). Archived events are stored
// under archived_event_key(), in event-time order per archive.

#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "services/events/pattern/pattern.h"

namespace nimbus::events {

using Json = nlohmann::json;

// "archived/<uid>/" + big-endian time + event id: one archive's events, oldest first.
std::string archived_prefix(const std::string& archive_uid);
std::string archived_event_key(const std::string& archive_uid, int64_t time_ms, const std::string& event_id);

class ArchiveIndex {
 public:
  // Indexes an archive record (archive_ops.cpp's layout), replacing one of the same name.
  void put(const Json& archive);
  void remove(const std::string& bus_key, const std::string& name);
  // The uids of the archives of `bus_key` that keep `event`.
  std::vector<std::string> archives_for(const std::string& bus_key, const Json& event) const;
  void clear();

 private:
  struct Entry {
    std::string name;
    std::string uid;
    std::shared_ptr<const pattern::Pattern> pattern;  // null: every event
  };
  mutable std::mutex mutex_;
  std::map<std::string, std::vector<Entry>> buses_;
};

}  // namespace nimbus::events
