#include "services/glue/glue_state.h"

#include "core/log.h"

namespace nimbus::glue {

void RecordMap::put(storage::WriteBatch& batch, const std::string& key, Json record) {
  batch.put(kSpace, store_key(key), record.dump());
  records[key] = std::move(record);
}

void RecordMap::remove(storage::WriteBatch& batch, const std::string& key) {
  if (records.erase(key)) batch.remove(kSpace, store_key(key));
}

size_t RecordMap::remove_prefix(storage::WriteBatch& batch, const std::string& prefix) {
  size_t removed = 0;
  for (auto it = records.lower_bound(prefix);
       it != records.end() && it->first.starts_with(prefix);) {
    batch.remove(kSpace, store_key(it->first));
    it = records.erase(it);
    ++removed;
  }
  return removed;
}

const Json* RecordMap::find(const std::string& key) const {
  auto it = records.find(key);
  return it == records.end() ? nullptr : &it->second;
}

void GlueState::load(storage::Store& store) {
  std::lock_guard lock(mutex);
  for (RecordMap* map : {&databases, &tables, &versions, &partitions}) {
    map->records.clear();
    std::string prefix(1, map->kind);
    store.scan(kSpace, prefix, [&](std::string_view key, std::string_view value) {
      auto record = Json::parse(value, nullptr, false);
      if (record.is_discarded() || !record.is_object()) {
        NIMBUS_LOG(Warn, "glue: unreadable record skipped");
      } else {
        map->records.emplace(std::string(key.substr(1)), std::move(record));
      }
      return true;
    });
  }
}

void GlueState::clear() {
  std::lock_guard lock(mutex);
  for (RecordMap* map : {&databases, &tables, &versions, &partitions}) map->records.clear();
}

}  // namespace nimbus::glue
