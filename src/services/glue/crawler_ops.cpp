// CreateCrawler, GetCrawler, GetCrawlers, ListCrawlers, UpdateCrawler, DeleteCrawler,
// StartCrawler, StopCrawler and GetCrawlerMetrics.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <algorithm>

#include "core/ids.h"
#include "services/glue/crawler_records.h"
#include "services/glue/glue_errors.h"
#include "services/glue/glue_names.h"
#include "services/glue/glue_records.h"
#include "services/glue/glue_service.h"
#include "sql/duckdb_session.h"

namespace nimbus::glue {
namespace {

constexpr size_t kCrawlerPage = 100;
constexpr size_t kCrawlerPageCap = 1000;

std::optional<std::string> next_token(const Json& in) {
  auto it = in.find("NextToken");
  if (it == in.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) return std::nullopt;
  auto decoded = decode_token(it->get<std::string>());
  if (!decoded) throw errors::invalid_token();
  return decoded;
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t middle = values.size() / 2;
  return values.size() % 2 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

Json metrics_of(const Json& record) {
  Json metrics = record.value("_Metrics", Json::object());
  std::vector<double> runtimes;
  for (const auto& runtime : metrics.value("Runtimes", Json::array())) runtimes.push_back(runtime.get<double>());
  return {{"CrawlerName", record.value("Name", "")},
          {"TimeLeftSeconds", 0.0},
          {"StillEstimating", false},
          {"LastRuntimeSeconds", metrics.value("LastRuntimeSeconds", 0.0)},
          {"MedianRuntimeSeconds", median(runtimes)},
          {"TablesCreated", metrics.value("TablesCreated", 0)},
          {"TablesUpdated", metrics.value("TablesUpdated", 0)},
          {"TablesDeleted", metrics.value("TablesDeleted", 0)}};
}

bool has_tags(const Json& record, const Json& wanted) {
  if (!wanted.is_object() || wanted.empty()) return true;
  Json tags = record.value("_Tags", Json::object());
  for (auto& [key, value] : wanted.items()) {
    if (!tags.contains(key) || tags[key] != value) return false;
  }
  return true;
}

}  // namespace

std::shared_ptr<storage::PendingCommit> GlueService::begin_crawl(const RequestContext&, const std::string& key) {
  Json record = *crawlers_->find(key);
  record["State"] = "RUNNING";
  record["_CrawlId"] = ids::uuid4();
  record["_CrawlStart"] = now();
  record["_CrawlStartMs"] = clock_.now_ms();
  record.erase("_Cancelled");
  storage::WriteBatch batch;
  crawlers_->put(batch, key, std::move(record));
  return store_.submit(std::move(batch));
}

awaitable<Json> GlueService::create_crawler(RequestContext& context, const Json& in) {
  std::string name = crawler::crawler_name(in, "Name");
  Json record = crawler::crawler_record(in, now(), clock_.now_ms());
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(crawlers_->mutex);
    std::string key = CrawlerState::key(context.account_id, context.region, name);
    if (crawlers_->find(key)) throw errors::crawler_exists(name);
    storage::WriteBatch batch;
    crawlers_->put(batch, key, std::move(record));
    pending = store_.submit(std::move(batch));
  }
  crawlers_->wake = true;
  co_await pending->wait();
  co_return Json::object();
}

awaitable<Json> GlueService::get_crawler(RequestContext& context, const Json& in) {
  std::string name = crawler::crawler_name(in, "Name");
  std::lock_guard lock(crawlers_->mutex);
  const Json* record = crawlers_->find(CrawlerState::key(context.account_id, context.region, name));
  if (!record) throw errors::crawler_not_found(name);
  co_return Json{{"Crawler", crawler::crawler_view(*record, clock_.now_ms())}};
}

awaitable<Json> GlueService::get_crawlers(RequestContext& context, const Json& in) {
  size_t limit = page_size(in, kCrawlerPage, kCrawlerPageCap);
  auto last = next_token(in);
  std::string scope = CrawlerState::scope(context.account_id, context.region);
  std::lock_guard lock(crawlers_->mutex);
  const auto& records = crawlers_->records;
  Json list = Json::array();
  Json out = Json::object();
  std::string last_key;
  for (auto it = last ? records.upper_bound(scope + *last) : records.lower_bound(scope);
       it != records.end() && it->first.starts_with(scope); ++it) {
    if (list.size() == limit) {
      out["NextToken"] = encode_token(last_key.substr(scope.size()));
      break;
    }
    list.push_back(crawler::crawler_view(it->second, clock_.now_ms()));
    last_key = it->first;
  }
  out["Crawlers"] = std::move(list);
  co_return out;
}

awaitable<Json> GlueService::list_crawlers(RequestContext& context, const Json& in) {
  size_t limit = page_size(in, kCrawlerPage, kCrawlerPageCap);
  auto last = next_token(in);
  Json tags = in.value("Tags", Json::object());
  std::string scope = CrawlerState::scope(context.account_id, context.region);
  std::lock_guard lock(crawlers_->mutex);
  const auto& records = crawlers_->records;
  Json names = Json::array();
  Json out = Json::object();
  std::string last_key;
  for (auto it = last ? records.upper_bound(scope + *last) : records.lower_bound(scope);
       it != records.end() && it->first.starts_with(scope); ++it) {
    if (!has_tags(it->second, tags)) continue;
    if (names.size() == limit) {
      out["NextToken"] = encode_token(last_key.substr(scope.size()));
      break;
    }
    names.push_back(it->second.value("Name", ""));
    last_key = it->first;
  }
  out["CrawlerNames"] = std::move(names);
  co_return out;
}

awaitable<Json> GlueService::update_crawler(RequestContext& context, const Json& in) {
  std::string name = crawler::crawler_name(in, "Name");
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(crawlers_->mutex);
    std::string key = CrawlerState::key(context.account_id, context.region, name);
    const Json* found = crawlers_->find(key);
    if (!found) throw errors::crawler_not_found(name);
    if (found->value("State", "READY") != "READY") throw errors::crawler_running(name);
    Json record = *found;
    crawler::update_crawler(record, in, now(), clock_.now_ms());
    storage::WriteBatch batch;
    crawlers_->put(batch, key, std::move(record));
    pending = store_.submit(std::move(batch));
  }
  crawlers_->wake = true;
  co_await pending->wait();
  co_return Json::object();
}

awaitable<Json> GlueService::delete_crawler(RequestContext& context, const Json& in) {
  std::string name = crawler::crawler_name(in, "Name");
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(crawlers_->mutex);
    std::string key = CrawlerState::key(context.account_id, context.region, name);
    const Json* found = crawlers_->find(key);
    if (!found) throw errors::crawler_not_found(name);
    if (found->value("State", "READY") != "READY") throw errors::crawler_running(name);
    storage::WriteBatch batch;
    crawlers_->remove(batch, key);
    pending = store_.submit(std::move(batch));
  }
  co_await pending->wait();
  co_return Json::object();
}

awaitable<Json> GlueService::start_crawler(RequestContext& context, const Json& in) {
  std::string name = crawler::crawler_name(in, "Name");
  std::string key = CrawlerState::key(context.account_id, context.region, name);
  std::shared_ptr<storage::PendingCommit> pending;
  std::string crawl_id;
  {
    std::lock_guard lock(crawlers_->mutex);
    const Json* found = crawlers_->find(key);
    if (!found) throw errors::crawler_not_found(name);
    if (found->value("State", "READY") != "READY") throw errors::crawler_running(name);
    pending = begin_crawl(context, key);
    crawl_id = crawlers_->find(key)->value("_CrawlId", "");
  }
  co_await pending->wait();
  RequestContext crawl_context;
  crawl_context.account_id = context.account_id;
  crawl_context.region = context.region;
  crawl_context.clock = context.clock;
  boost::asio::co_spawn(executor_, run_crawl(std::move(crawl_context), key, crawl_id), boost::asio::detached);
  co_return Json::object();
}

awaitable<Json> GlueService::stop_crawler(RequestContext& context, const Json& in) {
  std::string name = crawler::crawler_name(in, "Name");
  std::shared_ptr<storage::PendingCommit> pending;
  std::string crawl_id;
  {
    std::lock_guard lock(crawlers_->mutex);
    std::string key = CrawlerState::key(context.account_id, context.region, name);
    const Json* found = crawlers_->find(key);
    if (!found) throw errors::crawler_not_found(name);
    std::string state = found->value("State", "READY");
    if (state == "READY") throw errors::crawler_not_running(name);
    if (state == "STOPPING") throw errors::crawler_stopping(name);
    Json record = *found;
    record["State"] = "STOPPING";
    record["_Cancelled"] = true;
    crawl_id = record.value("_CrawlId", "");
    storage::WriteBatch batch;
    crawlers_->put(batch, key, std::move(record));
    pending = store_.submit(std::move(batch));
  }
  {
    std::lock_guard running(crawlers_->running_mutex);
    crawlers_->cancelled.insert(crawl_id);
    if (auto it = crawlers_->sessions.find(crawl_id); it != crawlers_->sessions.end()) it->second->interrupt();
  }
  co_await pending->wait();
  co_return Json::object();
}

awaitable<Json> GlueService::get_crawler_metrics(RequestContext& context, const Json& in) {
  size_t limit = page_size(in, kCrawlerPage, kCrawlerPageCap);
  auto last = next_token(in);
  std::vector<std::string> wanted;
  if (in.contains("CrawlerNameList")) wanted = string_list(in["CrawlerNameList"], "CrawlerNameList");
  std::string scope = CrawlerState::scope(context.account_id, context.region);
  std::lock_guard lock(crawlers_->mutex);
  Json list = Json::array();
  Json out = Json::object();
  if (!wanted.empty()) {
    // Named crawlers in the order asked; names of no crawler are left out.
    for (const auto& name : wanted) {
      if (const Json* record = crawlers_->find(CrawlerState::key(context.account_id, context.region, name))) {
        list.push_back(metrics_of(*record));
      }
    }
    out["CrawlerMetricsList"] = std::move(list);
    co_return out;
  }
  const auto& records = crawlers_->records;
  std::string last_key;
  for (auto it = last ? records.upper_bound(scope + *last) : records.lower_bound(scope);
       it != records.end() && it->first.starts_with(scope); ++it) {
    if (list.size() == limit) {
      out["NextToken"] = encode_token(last_key.substr(scope.size()));
      break;
    }
    list.push_back(metrics_of(it->second));
    last_key = it->first;
  }
  out["CrawlerMetricsList"] = std::move(list);
  co_return out;
}

}  // namespace nimbus::glue
