// Crawler schedules: StartCrawlerSchedule, StopCrawlerSchedule, UpdateCrawlerSchedule, and the
// worker that starts a crawler whose cron schedule is due (on nimbus's clock; a crawler still
// running when its schedule falls due skips that start, as Glue does).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/log.h"
#include "services/glue/crawler_records.h"
#include "services/glue/glue_service.h"
#include "storage/key_codec.h"

namespace nimbus::glue {
namespace {
constexpr std::chrono::milliseconds kWorkerTick{250};
}

awaitable<Json> GlueService::start_crawler_schedule(RequestContext& context, const Json& in) {
  std::string name = crawler::crawler_name(in, "CrawlerName");
  std::function<void(Json&)> start = [&](Json& record) {
    if (!record.contains("Schedule")) throw errors::no_schedule(name);
    if (record["Schedule"].value("State", "") == "SCHEDULED") throw errors::schedule_running(name);
    record["Schedule"]["State"] = "SCHEDULED";
    crawler::plan_next_run(record, clock_.now_ms());
  };
  auto changing = change_crawler(context, name, start);
  co_await std::move(changing);
  co_return Json::object();
}

awaitable<Json> GlueService::stop_crawler_schedule(RequestContext& context, const Json& in) {
  std::string name = crawler::crawler_name(in, "CrawlerName");
  std::function<void(Json&)> stop = [&](Json& record) {
    if (!record.contains("Schedule") || record["Schedule"].value("State", "") != "SCHEDULED") {
      throw errors::schedule_not_running(name);
    }
    record["Schedule"]["State"] = "NOT_SCHEDULED";
    crawler::plan_next_run(record, clock_.now_ms());
  };
  auto changing = change_crawler(context, name, stop);
  co_await std::move(changing);
  co_return Json::object();
}

awaitable<Json> GlueService::update_crawler_schedule(RequestContext& context, const Json& in) {
  std::string name = crawler::crawler_name(in, "CrawlerName");
  std::string expression = in.value("Schedule", "");
  std::function<void(Json&)> update = [&](Json& record) {
    crawler::set_schedule(record, expression, clock_.now_ms());
    record["LastUpdated"] = now();
  };
  auto changing = change_crawler(context, name, update);
  co_await std::move(changing);
  co_return Json::object();
}

awaitable<void> GlueService::crawler_schedule_worker() {
  auto executor = co_await boost::asio::this_coro::executor;
  boost::asio::steady_timer timer(executor);
  std::shared_ptr<CrawlerState> crawlers = crawlers_;
  while (!crawlers->stopping) {
    timer.expires_after(kWorkerTick);
    boost::system::error_code ignored;
    co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
    if (crawlers->stopping) break;
    crawlers->wake = false;
    std::vector<std::pair<std::string, std::string>> started;  // key, crawl id
    std::shared_ptr<storage::PendingCommit> pending;
    try {
      std::lock_guard lock(crawlers->mutex);
      int64_t now_ms = clock_.now_ms();
      std::vector<std::string> due;
      for (const auto& [key, record] : crawlers->records) {
        if (record.contains("_NextRunMs") && record["_NextRunMs"].get<int64_t>() <= now_ms) due.push_back(key);
      }
      storage::WriteBatch batch;
      for (const auto& key : due) {
        Json record = *crawlers->find(key);
        crawler::plan_next_run(record, now_ms);
        // A crawler still crawling skips this start.
        if (record.value("State", "READY") == "READY") {
          started.emplace_back(key, crawler::begin_crawl(record, now(), clock_.now_ms()));
        }
        crawlers->put(batch, key, std::move(record));
      }
      if (!batch.empty()) pending = store_.submit(std::move(batch));
    } catch (const std::exception& error) {
      NIMBUS_LOG(Warn, std::string("glue: crawler schedule pass failed: ") + error.what());
    }
    if (pending) co_await pending->wait();
    for (auto& [key, crawl_id] : started) {
      auto parts = storage::keys::split(key);
      if (!parts || parts->size() != 3) continue;
      RequestContext context;
      context.account_id = (*parts)[0];
      context.region = (*parts)[1];
      context.clock = &clock_;
      boost::asio::co_spawn(executor, run_crawl(std::move(context), key, crawl_id), boost::asio::detached);
    }
  }
  crawlers->worker_running = false;
}

}  // namespace nimbus::glue
