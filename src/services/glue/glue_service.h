#pragma once
// AWS Glue Data Catalog (2017-03-31, json 1.1, model-driven): databases, tables with their
// archived versions, and partitions with GetPartitions' filter expressions
// (partition_expression.h), per account and region (glue_state.h holds the state and its store
// layout). Jobs (job_state.h): a run's script is fetched through S3 and run as a local Python
// process watched on the event loop (job_runner.cpp, job_process.h); its output goes to Logs.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"
#include "core/local_endpoint.h"
#include "delivery/outbox.h"
#include "services/glue/crawler_state.h"
#include "services/glue/glue_state.h"
#include "services/glue/job_state.h"
#include "services/service.h"
#include "storage/store.h"

namespace nimbus::glue {

template <typename T>
using awaitable = boost::asio::awaitable<T>;

struct GlueDeps {
  storage::Store& store;
  Clock& clock;
  // Jobs: S3's GetObject for scripts and Logs for their output, called as a client would
  // (ServiceRegistry::call); nimbus's URL for the scripts' clients; where runs keep their files.
  // Without `call` and `endpoints` (unit tests) job runs fail at once.
  delivery::Outbox::Invoke call = {};
  LocalEndpoints* endpoints = nullptr;
  std::filesystem::path files_dir = {};
};

class GlueService final : public Service {
 public:
  explicit GlueService(GlueDeps deps);

  std::string_view name() const override { return "glue"; }
  const model::ServiceModel& model() const override;
  awaitable<Json> invoke(std::string_view operation, RequestContext& context, Json input) override;
  bool implements(std::string_view operation) const override;
  void start(boost::asio::any_io_executor executor) override;
  void stop() override;
  awaitable<void> reset() override;
  Json health() const override;

 private:
  using Handler = awaitable<Json> (GlueService::*)(RequestContext&, const Json&);
  static const std::unordered_map<std::string_view, Handler>& handlers();

  // database_ops.cpp
  awaitable<Json> create_database(RequestContext& context, const Json& in);
  awaitable<Json> get_database(RequestContext& context, const Json& in);
  awaitable<Json> get_databases(RequestContext& context, const Json& in);
  awaitable<Json> update_database(RequestContext& context, const Json& in);
  awaitable<Json> delete_database(RequestContext& context, const Json& in);
  // table_ops.cpp
  awaitable<Json> create_table(RequestContext& context, const Json& in);
  awaitable<Json> get_table(RequestContext& context, const Json& in);
  awaitable<Json> get_tables(RequestContext& context, const Json& in);
  awaitable<Json> update_table(RequestContext& context, const Json& in);
  awaitable<Json> delete_table(RequestContext& context, const Json& in);
  awaitable<Json> batch_delete_table(RequestContext& context, const Json& in);
  // table_version_ops.cpp
  awaitable<Json> get_table_versions(RequestContext& context, const Json& in);
  awaitable<Json> get_table_version(RequestContext& context, const Json& in);
  awaitable<Json> delete_table_version(RequestContext& context, const Json& in);
  awaitable<Json> batch_delete_table_version(RequestContext& context, const Json& in);
  // partition_ops.cpp
  awaitable<Json> create_partition(RequestContext& context, const Json& in);
  awaitable<Json> get_partition(RequestContext& context, const Json& in);
  awaitable<Json> update_partition(RequestContext& context, const Json& in);
  awaitable<Json> delete_partition(RequestContext& context, const Json& in);
  awaitable<Json> get_partitions(RequestContext& context, const Json& in);
  // partition_batch_ops.cpp
  awaitable<Json> batch_create_partition(RequestContext& context, const Json& in);
  awaitable<Json> batch_get_partition(RequestContext& context, const Json& in);
  awaitable<Json> batch_delete_partition(RequestContext& context, const Json& in);
  // job_ops.cpp
  awaitable<Json> create_job(RequestContext& context, const Json& in);
  awaitable<Json> get_job(RequestContext& context, const Json& in);
  awaitable<Json> get_jobs(RequestContext& context, const Json& in);
  awaitable<Json> list_jobs(RequestContext& context, const Json& in);
  awaitable<Json> update_job(RequestContext& context, const Json& in);
  awaitable<Json> delete_job(RequestContext& context, const Json& in);
  // job_run_ops.cpp
  awaitable<Json> start_job_run(RequestContext& context, const Json& in);
  awaitable<Json> get_job_run(RequestContext& context, const Json& in);
  awaitable<Json> get_job_runs(RequestContext& context, const Json& in);
  awaitable<Json> batch_stop_job_run(RequestContext& context, const Json& in);
  awaitable<Json> get_job_bookmark(RequestContext& context, const Json& in);
  awaitable<Json> reset_job_bookmark(RequestContext& context, const Json& in);
  // job_runner.cpp: one run, from fetching its script to its end state and logs.
  awaitable<void> run_job(std::string account, std::string region, std::string job, std::string run_id);

  // crawler_ops.cpp
  awaitable<Json> create_crawler(RequestContext& context, const Json& in);
  awaitable<Json> get_crawler(RequestContext& context, const Json& in);
  awaitable<Json> get_crawlers(RequestContext& context, const Json& in);
  awaitable<Json> list_crawlers(RequestContext& context, const Json& in);
  awaitable<Json> update_crawler(RequestContext& context, const Json& in);
  awaitable<Json> delete_crawler(RequestContext& context, const Json& in);
  awaitable<Json> start_crawler(RequestContext& context, const Json& in);
  awaitable<Json> stop_crawler(RequestContext& context, const Json& in);
  awaitable<Json> get_crawler_metrics(RequestContext& context, const Json& in);
  // crawler_schedule.cpp
  awaitable<Json> start_crawler_schedule(RequestContext& context, const Json& in);
  awaitable<Json> stop_crawler_schedule(RequestContext& context, const Json& in);
  awaitable<Json> update_crawler_schedule(RequestContext& context, const Json& in);
  awaitable<void> crawler_schedule_worker();
  // crawler_run.cpp: one crawl, from listing its targets to its end state; crawler_catalog.cpp
  // writes what it found into the catalog.
  awaitable<void> run_crawl(RequestContext context, std::string key, std::string crawl_id);
  crawler::CrawlCounts write_crawl(const RequestContext& context, const Json& crawler,
                                   const crawler::CrawlResult& result,
                                   std::shared_ptr<storage::PendingCommit>& pending);
  // The crawler's record; the caller holds crawlers_->mutex. Throws EntityNotFoundException.
  const Json& crawler_or_throw(const std::string& key, const std::string& name) const;
  // One crawler's change: `change` checks a copy of its record (throwing Glue's errors) and
  // changes it; the copy is stored by commit_change and the schedule worker woken.
  awaitable<void> change_crawler(const RequestContext& context, const std::string& name,
                                 const std::function<void(Json& record)>& change);
  // Marks a running crawl cancelled and interrupts its DuckDB session (StopCrawler).
  void cancel_crawl(const std::string& crawl_id);

  // Every change a request makes: under `mutex` (state_'s, jobs_'s or crawlers_'s) `stage` checks
  // the request against the state and stages the change into one batch, submitted before the lock
  // is released (disk order = memory order); then it waits until the batch is durable. A batch
  // left empty is neither submitted nor waited for.
  using Stage = std::function<void(storage::WriteBatch& batch)>;
  awaitable<void> commit_change(std::mutex& mutex, const Stage& stage);

  // Lookups; the caller holds state_->mutex. Each throws Glue's EntityNotFoundException.
  // Returns the database's key.
  std::string database_or_throw(const RequestContext& context, const std::string& database) const;
  // Returns the table's key (the database must exist too).
  std::string table_or_throw(const RequestContext& context, const std::string& database,
                             const std::string& table) const;
  double now() const;

  storage::Store& store_;
  Clock& clock_;
  std::shared_ptr<GlueState> state_;
  // Jobs (job_state.h) and what their runs need.
  std::shared_ptr<JobState> jobs_ = std::make_shared<JobState>();
  delivery::Outbox::Invoke call_;
  LocalEndpoints* endpoints_ = nullptr;
  std::filesystem::path job_files_;  // <files_dir>/jobs: the Python library and the runs' folders
  boost::asio::any_io_executor executor_;
  bool started_ = false;
  // Crawlers (crawler_state.h) and the folder their crawls link sample files in.
  std::shared_ptr<CrawlerState> crawlers_ = std::make_shared<CrawlerState>();
  std::filesystem::path crawl_files_;
};

std::unique_ptr<GlueService> make_glue_service(GlueDeps deps);

}  // namespace nimbus::glue
