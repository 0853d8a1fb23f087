#include "services/lambda/function_table.h"

#include "core/log.h"

namespace nimbus::lambda {

std::string scoped_key(const std::string& account, const std::string& region, const std::string& name) {
  return account + "/" + region + "/" + name;
}

void RecordTable::load() {
  std::lock_guard lock(mutex_);
  records_.clear();
  std::string prefix = kind_ + "/";
  store_.scan(kLambdaSpace, prefix, [&](std::string_view key, std::string_view value) {
    auto record = Json::parse(value, nullptr, false);
    if (record.is_discarded()) {
      NIMBUS_LOG(Warn, "lambda: unreadable record " + std::string(key) + " skipped");
    } else {
      records_.emplace(std::string(key.substr(prefix.size())), std::move(record));
    }
    return true;
  });
}

std::optional<Json> RecordTable::get(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = records_.find(key);
  if (it == records_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::pair<std::string, Json>> RecordTable::list(const std::string& prefix) const {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<std::string, Json>> out;
  for (auto it = records_.lower_bound(prefix); it != records_.end() && it->first.rfind(prefix, 0) == 0; ++it) {
    out.emplace_back(it->first, it->second);
  }
  return out;
}

std::pair<std::shared_ptr<storage::PendingCommit>, std::optional<Json>> RecordTable::update(
    const std::string& key, const Change& change, const Extra& extra) {
  std::lock_guard lock(mutex_);
  std::optional<Json> record;
  if (auto it = records_.find(key); it != records_.end()) record = it->second;
  change(record);
  storage::WriteBatch batch;
  std::string store_key = kind_ + "/" + key;
  if (record) {
    batch.put(kLambdaSpace, store_key, record->dump());
  } else {
    batch.remove(kLambdaSpace, store_key);
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

}  // namespace nimbus::lambda
