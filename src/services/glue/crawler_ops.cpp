// CreateCrawler, GetCrawler, GetCrawlers, ListCrawlers, UpdateCrawler, DeleteCrawler,
// StartCrawler, StopCrawler and GetCrawlerMetrics.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <algorithm>

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

// CrawlerRunningException unless the crawler is READY (not crawling, not stopping).
void require_ready(const Json& record, const std::string& name) {
  if (record.value("State", "READY") != "READY") throw errors::crawler_running(name);
}

}  // namespace

const Json& GlueService::crawler_or_throw(const std::string& key, const std::string& name) const {
  const Json* record = crawlers_->find(key);
  if (!record) throw errors::crawler_not_found(name);
  return *record;
}

awaitable<void> GlueService::change_crawler(const RequestContext& context, const std::string& name,
                                            const std::function<void(Json& record)>& change) {
  std::string key = CrawlerState::key(context.account_id, context.region, name);
  Stage stage = [&](storage::WriteBatch& batch) {
    Json record = crawler_or_throw(key, name);
    change(record);
    crawlers_->put(batch, key, std::move(record));
    crawlers_->wake = true;
  };
  auto committing = commit_change(crawlers_->mutex, stage);
  co_await std::move(committing);
}

void GlueService::cancel_crawl(const std::string& crawl_id) {
  std::lock_guard running(crawlers_->running_mutex);
  crawlers_->cancelled.insert(crawl_id);
  if (auto it = crawlers_->sessions.find(crawl_id); it != crawlers_->sessions.end()) it->second->interrupt();
}

awaitable<Json> GlueService::create_crawler(RequestContext& context, const Json& in) {
  std::string name = crawler::crawler_name(in, "Name");
  Json record = crawler::crawler_record(in, now(), clock_.now_ms());
  Stage create = [&](storage::WriteBatch& batch) {
    std::string key = CrawlerState::key(context.account_id, context.region, name);
    if (crawlers_->find(key)) throw errors::crawler_exists(name);
    crawlers_->put(batch, key, std::move(record));
    crawlers_->wake = true;
  };
  auto committing = commit_change(crawlers_->mutex, create);
  co_await std::move(committing);
  co_return Json::object();
}

awaitable<Json> GlueService::get_crawler(RequestContext& context, const Json& in) {
  std::string name = crawler::crawler_name(in, "Name");
  std::lock_guard lock(crawlers_->mutex);
  const Json& record = crawler_or_throw(CrawlerState::key(context.account_id, context.region, name), name);
  co_return Json{{"Crawler", crawler::crawler_view(record, clock_.now_ms())}};
}

awaitable<Json> GlueService::get_crawlers(RequestContext& context, const Json& in) {
  size_t limit = page_size(in, kCrawlerPage, kCrawlerPageCap);
  auto last = next_token(in);
  std::string scope = CrawlerState::scope(context.account_id, context.region);
  Json list = Json::array();
  std::lock_guard lock(crawlers_->mutex);
  std::string token = page_records(crawlers_->records, scope, last, limit, [&](std::string_view, const Json& record) {
    list.push_back(crawler::crawler_view(record, clock_.now_ms()));
  });
  Json out = {{"Crawlers", std::move(list)}};
  if (!token.empty()) out["NextToken"] = token;
  co_return out;
}

awaitable<Json> GlueService::list_crawlers(RequestContext& context, const Json& in) {
  size_t limit = page_size(in, kCrawlerPage, kCrawlerPageCap);
  auto last = next_token(in);
  Json tags = in.value("Tags", Json::object());
  std::string scope = CrawlerState::scope(context.account_id, context.region);
  Json names = Json::array();
  std::lock_guard lock(crawlers_->mutex);
  std::string token = page_records(
      crawlers_->records, scope, last, limit,
      [&](std::string_view, const Json& record) { return has_tags(record, tags); },
      [&](std::string_view, const Json& record) { names.push_back(record.value("Name", "")); });
  Json out = {{"CrawlerNames", std::move(names)}};
  if (!token.empty()) out["NextToken"] = token;
  co_return out;
}

awaitable<Json> GlueService::update_crawler(RequestContext& context, const Json& in) {
  std::string name = crawler::crawler_name(in, "Name");
  std::function<void(Json&)> update = [&](Json& record) {
    require_ready(record, name);
    crawler::update_crawler(record, in, now(), clock_.now_ms());
  };
  auto changing = change_crawler(context, name, update);
  co_await std::move(changing);
  co_return Json::object();
}

awaitable<Json> GlueService::delete_crawler(RequestContext& context, const Json& in) {
  std::string name = crawler::crawler_name(in, "Name");
  Stage remove = [&](storage::WriteBatch& batch) {
    std::string key = CrawlerState::key(context.account_id, context.region, name);
    require_ready(crawler_or_throw(key, name), name);
    crawlers_->remove(batch, key);
  };
  auto committing = commit_change(crawlers_->mutex, remove);
  co_await std::move(committing);
  co_return Json::object();
}

awaitable<Json> GlueService::start_crawler(RequestContext& context, const Json& in) {
  std::string name = crawler::crawler_name(in, "Name");
  std::string crawl_id;
  std::function<void(Json&)> start = [&](Json& record) {
    require_ready(record, name);
    crawl_id = crawler::begin_crawl(record, now(), clock_.now_ms());
  };
  auto changing = change_crawler(context, name, start);
  co_await std::move(changing);
  RequestContext crawl_context;
  crawl_context.account_id = context.account_id;
  crawl_context.region = context.region;
  crawl_context.clock = context.clock;
  std::string key = CrawlerState::key(context.account_id, context.region, name);
  boost::asio::co_spawn(executor_, run_crawl(std::move(crawl_context), key, crawl_id), boost::asio::detached);
  co_return Json::object();
}

awaitable<Json> GlueService::stop_crawler(RequestContext& context, const Json& in) {
  std::string name = crawler::crawler_name(in, "Name");
  std::function<void(Json&)> stop = [&](Json& record) {
    std::string state = record.value("State", "READY");
    if (state == "READY") throw errors::crawler_not_running(name);
    if (state == "STOPPING") throw errors::crawler_stopping(name);
    record["State"] = "STOPPING";
    record["_Cancelled"] = true;
    // The crawl's DuckDB is interrupted now; its end (under crawlers_->mutex) finds _Cancelled.
    cancel_crawl(record.value("_CrawlId", ""));
  };
  auto changing = change_crawler(context, name, stop);
  co_await std::move(changing);
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
  if (!wanted.empty()) {
    // Named crawlers in the order asked; names of no crawler are left out.
    for (const auto& name : wanted) {
      if (const Json* record = crawlers_->find(CrawlerState::key(context.account_id, context.region, name))) {
        list.push_back(metrics_of(*record));
      }
    }
    co_return Json{{"CrawlerMetricsList", std::move(list)}};
  }
  std::string token = page_records(crawlers_->records, scope, last, limit,
                                   [&](std::string_view, const Json& record) { list.push_back(metrics_of(record)); });
  Json out = {{"CrawlerMetricsList", std::move(list)}};
  if (!token.empty()) out["NextToken"] = token;
  co_return out;
}

}  // namespace nimbus::glue
