#include "services/glue/glue_service.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "services/glue/glue_errors.h"
#include "services/glue/glue_names.h"
#include "sql/duckdb_session.h"
#include "services/glue/job_library.h"

namespace nimbus::glue {

std::unique_ptr<GlueService> make_glue_service(GlueDeps deps) {
  return std::make_unique<GlueService>(deps);
}

const std::unordered_map<std::string_view, GlueService::Handler>& GlueService::handlers() {
  static const std::unordered_map<std::string_view, Handler> table = {
      {"BatchCreatePartition", &GlueService::batch_create_partition},
      {"BatchDeletePartition", &GlueService::batch_delete_partition},
      {"BatchDeleteTable", &GlueService::batch_delete_table},
      {"BatchDeleteTableVersion", &GlueService::batch_delete_table_version},
      {"BatchGetPartition", &GlueService::batch_get_partition},
      {"BatchStopJobRun", &GlueService::batch_stop_job_run},
      {"CreateCrawler", &GlueService::create_crawler},
      {"CreateDatabase", &GlueService::create_database},
      {"CreateJob", &GlueService::create_job},
      {"CreatePartition", &GlueService::create_partition},
      {"CreateTable", &GlueService::create_table},
      {"DeleteCrawler", &GlueService::delete_crawler},
      {"DeleteDatabase", &GlueService::delete_database},
      {"DeleteJob", &GlueService::delete_job},
      {"DeletePartition", &GlueService::delete_partition},
      {"DeleteTable", &GlueService::delete_table},
      {"DeleteTableVersion", &GlueService::delete_table_version},
      {"GetCrawler", &GlueService::get_crawler},
      {"GetCrawlerMetrics", &GlueService::get_crawler_metrics},
      {"GetCrawlers", &GlueService::get_crawlers},
      {"GetDatabase", &GlueService::get_database},
      {"GetDatabases", &GlueService::get_databases},
      {"GetJob", &GlueService::get_job},
      {"GetJobBookmark", &GlueService::get_job_bookmark},
      {"GetJobRun", &GlueService::get_job_run},
      {"GetJobRuns", &GlueService::get_job_runs},
      {"GetJobs", &GlueService::get_jobs},
      {"GetPartition", &GlueService::get_partition},
      {"GetPartitions", &GlueService::get_partitions},
      {"GetTable", &GlueService::get_table},
      {"GetTableVersion", &GlueService::get_table_version},
      {"GetTableVersions", &GlueService::get_table_versions},
      {"GetTables", &GlueService::get_tables},
      {"ListCrawlers", &GlueService::list_crawlers},
      {"ListJobs", &GlueService::list_jobs},
      {"ResetJobBookmark", &GlueService::reset_job_bookmark},
      {"StartCrawler", &GlueService::start_crawler},
      {"StartCrawlerSchedule", &GlueService::start_crawler_schedule},
      {"StartJobRun", &GlueService::start_job_run},
      {"StopCrawler", &GlueService::stop_crawler},
      {"StopCrawlerSchedule", &GlueService::stop_crawler_schedule},
      {"UpdateCrawler", &GlueService::update_crawler},
      {"UpdateCrawlerSchedule", &GlueService::update_crawler_schedule},
      {"UpdateDatabase", &GlueService::update_database},
      {"UpdateJob", &GlueService::update_job},
      {"UpdatePartition", &GlueService::update_partition},
      {"UpdateTable", &GlueService::update_table},
  };
  return table;
}

GlueService::GlueService(GlueDeps deps)
    : store_(deps.store),
      clock_(deps.clock),
      state_(std::make_shared<GlueState>()),
      call_(std::move(deps.call)),
      endpoints_(deps.endpoints),
      job_files_(deps.files_dir.empty() ? deps.files_dir : deps.files_dir / "jobs"),
      crawl_files_((deps.files_dir.empty() ? std::filesystem::temp_directory_path() / "nimbus-glue" : deps.files_dir) /
                   "crawls") {}

const model::ServiceModel& GlueService::model() const { return model::glue_model(); }

bool GlueService::implements(std::string_view operation) const {
  return handlers().count(operation) > 0;
}

awaitable<Json> GlueService::invoke(std::string_view operation, RequestContext& context,
                                    Json input) {
  auto it = handlers().find(operation);
  if (it == handlers().end()) {
    throw AwsError::unknown_operation("The requested operation " + std::string(operation) +
                                      " is not supported.");
  }
  if (!input.is_object()) input = Json::object();
  co_return co_await (this->*(it->second))(context, input);
}

void GlueService::start(boost::asio::any_io_executor executor) {
  if (started_) return;
  started_ = true;
  executor_ = executor;
  state_->load(store_);
  crawlers_->executor = executor;
  crawlers_->stopping = false;
  crawlers_->pool = std::make_unique<boost::asio::thread_pool>(CrawlerState::kCrawlThreads);
  crawlers_->load(store_, now());
  crawlers_->worker_running = true;
  boost::asio::co_spawn(executor, crawler_schedule_worker(), boost::asio::detached);
  storage::WriteBatch interrupted;
  jobs_->shutting_down = false;
  jobs_->load(store_, interrupted, now());
  if (!interrupted.empty()) store_.submit(std::move(interrupted));
  if (!job_files_.empty()) write_job_library(job_files_ / "python");
}

void GlueService::stop() {
  started_ = false;
  crawlers_->stopping = true;
  {
    std::lock_guard crawls(crawlers_->running_mutex);
    for (auto& [id, session] : crawlers_->sessions) session->interrupt();
  }
  if (crawlers_->pool) crawlers_->pool->join();
  jobs_->shutting_down = true;
  std::lock_guard lock(jobs_->mutex);
  for (auto& [key, process] : jobs_->processes) process->kill();
}

awaitable<void> GlueService::reset() {
  state_->clear();
  jobs_->clear();
  crawlers_->clear();
  co_await store_.wipe(kSpace);
}

Json GlueService::health() const {
  size_t jobs = 0, job_runs = 0, running = 0;
  {
    std::lock_guard lock(jobs_->mutex);
    jobs = jobs_->jobs.records.size();
    job_runs = jobs_->runs.records.size();
    running = jobs_->processes.size();
  }
  std::lock_guard lock(state_->mutex);
  return {{"state", "running"},
          {"jobs", jobs},
          {"job_runs", job_runs},
          {"job_runs_running", running},
          {"databases", state_->databases.records.size()},
          {"tables", state_->tables.records.size()},
          {"table_versions", state_->versions.records.size()},
          {"partitions", state_->partitions.records.size()}};
}

awaitable<void> GlueService::commit_change(std::mutex& mutex, const Stage& stage) {
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(mutex);
    storage::WriteBatch batch;
    stage(batch);
    if (!batch.empty()) pending = store_.submit(std::move(batch));
  }
  if (pending) co_await pending->wait();
}

double GlueService::now() const { return static_cast<double>(clock_.now_ms()) / 1000.0; }

std::string GlueService::database_or_throw(const RequestContext& context,
                                           const std::string& database) const {
  std::string key = database_key(context.account_id, context.region, database);
  if (!state_->databases.find(key)) throw errors::database_not_found(database);
  return key;
}

std::string GlueService::table_or_throw(const RequestContext& context, const std::string& database,
                                        const std::string& table) const {
  database_or_throw(context, database);
  std::string key = table_key(context.account_id, context.region, database, table);
  if (!state_->tables.find(key)) throw errors::table_not_found(table);
  return key;
}

}  // namespace nimbus::glue
