#include "services/glue/crawler_state.h"

#include "core/log.h"
#include "services/glue/glue_state.h"
#include "storage/key_codec.h"

namespace nimbus::glue {
namespace {
constexpr char kKind = 'c';
std::string store_key(const std::string& key) { return std::string(1, kKind) + key; }
}  // namespace

std::string CrawlerState::key(std::string_view account, std::string_view region, std::string_view name) {
  return storage::keys::join({account, region, name});
}

std::string CrawlerState::scope(std::string_view account, std::string_view region) {
  return storage::keys::join({account, region});
}

void CrawlerState::put(storage::WriteBatch& batch, const std::string& key, nlohmann::json record) {
  batch.put(kSpace, store_key(key), record.dump());
  records[key] = std::move(record);
}

void CrawlerState::remove(storage::WriteBatch& batch, const std::string& key) {
  if (records.erase(key)) batch.remove(kSpace, store_key(key));
}

const nlohmann::json* CrawlerState::find(const std::string& key) const {
  auto it = records.find(key);
  return it == records.end() ? nullptr : &it->second;
}

void CrawlerState::load(storage::Store& store, double now) {
  std::lock_guard lock(mutex);
  {
    records.clear();
    store.scan(kSpace, std::string(1, kKind), [&](std::string_view key, std::string_view value) {
      auto record = nlohmann::json::parse(value, nullptr, false);
      if (record.is_discarded() || !record.is_object()) {
        NIMBUS_LOG(Warn, "glue: unreadable crawler record skipped");
      } else {
        records.emplace(std::string(key.substr(1)), std::move(record));
      }
      return true;
    });
    // A crawl cannot resume after a stop: it ends FAILED, as a crawl Glue lost would.
    storage::WriteBatch batch;
    for (auto& [key, record] : records) {
      std::string state = record.value("State", "READY");
      if (state != "RUNNING" && state != "STOPPING") continue;
      record["State"] = "READY";
      nlohmann::json last = record.value("LastCrawl", nlohmann::json::object());
      last["Status"] = state == "STOPPING" && record.value("_Cancelled", false) ? "CANCELLED" : "FAILED";
      last["ErrorMessage"] = "Internal Service Exception: the crawl was interrupted (nimbus stopped while it ran)";
      last["StartTime"] = record.value("_CrawlStart", now);
      last["LogGroup"] = "/aws-glue/crawlers";
      last["LogStream"] = record.value("Name", "");
      last["MessagePrefix"] = record.value("_CrawlId", "");
      record["LastCrawl"] = last;
      record.erase("_CrawlId");
      record.erase("_CrawlStart");
      record.erase("_CrawlStartMs");
      record.erase("_Cancelled");
      batch.put(kSpace, store_key(key), record.dump());
    }
    // Submitted in order before any later change; nothing waits on it at start-up.
    if (!batch.empty()) store.submit(std::move(batch));
  }
}

void CrawlerState::clear() {
  std::lock_guard lock(mutex);
  records.clear();
}

}  // namespace nimbus::glue
