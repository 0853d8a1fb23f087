#include "storage/record_table.h"

#include "core/log.h"

namespace nimbus::storage {

void RecordTable::load() {
  std::lock_guard lock(mutex_);
  records_.clear();
  std::string prefix = kind_ + "/";
  store_.scan(space_, prefix, [&](std::string_view key, std::string_view value) {
    auto record = Json::parse(value, nullptr, false);
    if (record.is_discarded()) {
      NIMBUS_LOG(Warn, space_ + ": unreadable record " + std::string(key) + " skipped");
    } else {
      records_.emplace(std::string(key.substr(prefix.size())), std::move(record));
    }
    return true;
  });
}

std::optional<RecordTable::Json> RecordTable::get(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = records_.find(key);
  if (it == records_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::pair<std::string, RecordTable::Json>> RecordTable::list(const std::string& prefix) const {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<std::string, Json>> out;
  for (auto it = records_.lower_bound(prefix); it != records_.end() && it->first.rfind(prefix, 0) == 0; ++it) {
    out.emplace_back(it->first, it->second);
  }
  return out;
}

std::pair<std::shared_ptr<PendingCommit>, std::optional<RecordTable::Json>> RecordTable::update(
    const std::string& key, const Change& change, const Extra& extra) {
  std::lock_guard lock(mutex_);
  std::optional<Json> record;
  if (auto it = records_.find(key); it != records_.end()) record = it->second;
  change(record);
  WriteBatch batch;
  std::string store_key = kind_ + "/" + key;
  if (record) {
    batch.put(space_, store_key, record->dump());
  } else {
    batch.remove(space_, store_key);
  }
  if (extra) extra(batch, record);
  auto pending = store_.submit(std::move(batch));
  if (record) {
    records_[key] = *record;
  } else {
    records_.erase(key);
  }
  return {pending, record};
}

void RecordTable::clear() {
  std::lock_guard lock(mutex_);
  records_.clear();
}

}  // namespace nimbus::storage
