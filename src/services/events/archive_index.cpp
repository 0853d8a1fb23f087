#include "services/events/archive_index.h"

#include "storage/key_codec.h"

namespace nimbus::events {

std::string archived_prefix(const std::string& archive_uid) { return "archived/" + archive_uid + "/"; }

std::string archived_event_key(const std::string& archive_uid, int64_t time_ms, const std::string& event_id) {
  return archived_prefix(archive_uid) + storage::keys::u64(static_cast<uint64_t>(time_ms)) + event_id;
}

void ArchiveIndex::put(const Json& archive) {
  Entry entry{archive.value("ArchiveName", ""), archive.value("Uid", ""), nullptr};
  if (auto text = archive.value("EventPattern", ""); !text.empty()) entry.pattern = pattern::parse(text);
  std::string bus_key = archive.value("BusKey", "");
  std::lock_guard lock(mutex_);
  auto& entries = buses_[bus_key];
  std::erase_if(entries, [&](const Entry& existing) { return existing.name == entry.name; });
  entries.push_back(std::move(entry));
}

void ArchiveIndex::remove(const std::string& bus_key, const std::string& name) {
  std::lock_guard lock(mutex_);
  if (auto it = buses_.find(bus_key); it != buses_.end()) {
    std::erase_if(it->second, [&](const Entry& existing) { return existing.name == name; });
  }
}

std::vector<std::string> ArchiveIndex::archives_for(const std::string& bus_key, const Json& event) const {
  std::vector<std::string> out;
  if (event.contains("replay-name")) return out;
  std::lock_guard lock(mutex_);
  auto it = buses_.find(bus_key);
  if (it == buses_.end()) return out;
  for (const auto& entry : it->second) {
    if (!entry.pattern || pattern::matches(*entry.pattern, event)) out.push_back(entry.uid);
  }
  return out;
}

void ArchiveIndex::clear() {
  std::lock_guard lock(mutex_);
  buses_.clear();
}

}  // namespace nimbus::events
