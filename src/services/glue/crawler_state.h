#pragma once
// The crawlers' state: one record per crawler (its definition as Glue answers it, with State,
// Schedule, LastCrawl, and internal members that start with '_': the running crawl's id and start,
// the next scheduled start, the metrics of past crawls), in memory and written through to the
// store's "glue" space under "c" K(account, region, name) (glue_state.h's kinds are d/t/v/p).
// Also what a running crawl needs at hand: the crawl pool (DuckDB work, never on an I/O thread),
// the executor crawls and the schedule worker run on, and the DuckDB sessions of running crawls
// (StopCrawler interrupts them).

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/thread_pool.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>

#include "storage/store.h"

namespace nimbus::sql {
class DuckDbSession;
}

namespace nimbus::glue {

namespace crawler {
struct CrawlResult;  // crawler_catalog.h
struct CrawlCounts;
}  // namespace crawler

class CrawlerState {
 public:
  static constexpr int kCrawlThreads = 2;

  // Callers hold `mutex` while they read or change `records` and submit the change's batch before
  // they release it.
  std::mutex mutex;
  std::map<std::string, nlohmann::json> records;  // key: K(account, region, name)

  static std::string key(std::string_view account, std::string_view region, std::string_view name);
  static std::string scope(std::string_view account, std::string_view region);

  void put(storage::WriteBatch& batch, const std::string& key, nlohmann::json record);
  void remove(storage::WriteBatch& batch, const std::string& key);
  const nlohmann::json* find(const std::string& key) const;

  // Loads every crawler; a crawl a stop interrupted (RUNNING or STOPPING) ends FAILED and the
  // crawler READY, written back to the store.
  void load(storage::Store& store, double now);
  void clear();

  // Lifecycle of the crawl machinery (GlueService::start / stop).
  boost::asio::any_io_executor executor;
  std::unique_ptr<boost::asio::thread_pool> pool;
  std::atomic<bool> stopping{false};
  std::atomic<bool> worker_running{false};
  std::atomic<bool> wake{false};

  // Running crawls: their DuckDB sessions and the crawls asked to stop (by crawl id).
  std::mutex running_mutex;
  std::map<std::string, std::shared_ptr<sql::DuckDbSession>> sessions;
  std::set<std::string> cancelled;
};

}  // namespace nimbus::glue
