// StartJobRun, GetJobRun, GetJobRuns, BatchStopJobRun, GetJobBookmark, ResetJobBookmark. A run is
// carried out by run_job (job_runner.cpp), spawned once StartJobRun's record is durable.
#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "core/crypto.h"
#include "services/glue/glue_names.h"
#include "services/glue/glue_records.h"
#include "services/glue/glue_service.h"
#include "services/glue/job_errors.h"
#include "services/glue/job_records.h"

namespace nimbus::glue {
namespace {

constexpr size_t kRunPage = 100;
constexpr size_t kRunPageCap = 200;

// A job's runs, newest first. The caller holds the state's mutex.
std::vector<const Json*> runs_of(const JobState& state, const std::string& job) {
  std::vector<const Json*> out;
  for (auto it = state.runs.records.lower_bound(job);
       it != state.runs.records.end() && it->first.starts_with(job); ++it) {
    out.push_back(&it->second);
  }
  std::stable_sort(out.begin(), out.end(), [](const Json* a, const Json* b) {
    return a->value("StartedOn", 0.0) > b->value("StartedOn", 0.0);
  });
  return out;
}

Json stop_error(const std::string& job, const std::string& run_id, const char* code, std::string message) {
  return {{"JobName", job},
          {"JobRunId", run_id},
          {"ErrorDetail", {{"ErrorCode", code}, {"ErrorMessage", std::move(message)}}}};
}

}  // namespace

awaitable<Json> GlueService::start_job_run(RequestContext& context, const Json& in) {
  std::string name = job_name_member(in, "JobName");
  std::string run_id = "jr_" + crypto::hex(crypto::random_bytes(32));
  Stage start = [&](storage::WriteBatch& batch) {
    std::string key = job_key(context.account_id, context.region, name);
    const Json* job = jobs_->jobs.find(key);
    if (!job) throw errors::job_metadata_missing();
    int64_t active = 0;
    for (const Json* run : runs_of(*jobs_, key)) active += run_active(*run) ? 1 : 0;
    if (active >= max_concurrent_runs(*job)) throw errors::concurrent_runs_exceeded(name);
    jobs_->runs.put(batch, run_key(context.account_id, context.region, name, run_id),
                    run_record(*job, in, run_id, now()));
  };
  auto committing = commit_change(jobs_->mutex, start);
  co_await std::move(committing);
  boost::asio::co_spawn(executor_, run_job(context.account_id, context.region, name, run_id),
                        boost::asio::detached);
  co_return Json{{"JobRunId", run_id}};
}

awaitable<Json> GlueService::get_job_run(RequestContext& context, const Json& in) {
  std::string name = job_name_member(in, "JobName");
  std::string run_id = in.value("RunId", "");
  std::lock_guard lock(jobs_->mutex);
  if (!jobs_->jobs.find(job_key(context.account_id, context.region, name))) throw errors::job_not_found(name);
  const Json* run = jobs_->runs.find(run_key(context.account_id, context.region, name, run_id));
  if (!run) throw errors::job_run_not_found(run_id);
  co_return Json{{"JobRun", *run}};
}

awaitable<Json> GlueService::get_job_runs(RequestContext& context, const Json& in) {
  std::string name = job_name_member(in, "JobName");
  size_t limit = page_size(in, kRunPage, kRunPageCap);
  size_t offset = 0;
  if (auto last = next_token(in)) {
    if (last->empty() || !std::all_of(last->begin(), last->end(), ::isdigit)) throw errors::invalid_token();
    offset = std::stoul(*last);
  }
  std::lock_guard lock(jobs_->mutex);
  std::string key = job_key(context.account_id, context.region, name);
  if (!jobs_->jobs.find(key)) throw errors::job_not_found(name);
  auto runs = runs_of(*jobs_, key);
  Json list = Json::array();
  for (size_t i = offset; i < runs.size() && list.size() < limit; ++i) list.push_back(*runs[i]);
  Json out = {{"JobRuns", std::move(list)}};
  if (offset + limit < runs.size()) out["NextToken"] = encode_token(std::to_string(offset + limit));
  co_return out;
}

awaitable<Json> GlueService::batch_stop_job_run(RequestContext& context, const Json& in) {
  std::string name = job_name_member(in, "JobName");
  auto ids = string_list(in.value("JobRunIds", Json::array()), "JobRunIds");
  Json stopped = Json::array(), failed = Json::array();
  Stage stop = [&](storage::WriteBatch& batch) {
    for (const auto& run_id : ids) {
      std::string key = run_key(context.account_id, context.region, name, run_id);
      const Json* run = jobs_->runs.find(key);
      if (!run) {
        failed.push_back(stop_error(name, run_id, "EntityNotFoundException",
                                    "Job Run with id: " + run_id + " not found."));
        continue;
      }
      std::string state = run->value("JobRunState", "");
      if (state != "STARTING" && state != "RUNNING" && state != "WAITING") {
        failed.push_back(stop_error(name, run_id, "InvalidInputException",
                                    "Job Run cannot be stopped in current state: " + state));
        continue;
      }
      Json updated = *run;
      updated["JobRunState"] = "STOPPING";
      updated["LastModifiedOn"] = now();
      jobs_->runs.put(batch, key, std::move(updated));
      // The runner sees STOPPING and ends the run STOPPED once the process is gone.
      if (auto process = jobs_->processes.find(key); process != jobs_->processes.end()) process->second->kill();
      stopped.push_back({{"JobName", name}, {"JobRunId", run_id}});
    }
  };
  auto committing = commit_change(jobs_->mutex, stop);
  co_await std::move(committing);
  co_return Json{{"SuccessfulSubmissions", std::move(stopped)}, {"Errors", std::move(failed)}};
}

awaitable<Json> GlueService::get_job_bookmark(RequestContext& context, const Json& in) {
  std::string name = job_name_member(in, "JobName");
  std::lock_guard lock(jobs_->mutex);
  const Json* entry = jobs_->bookmarks.find(job_key(context.account_id, context.region, name));
  if (!entry) throw errors::bookmark_not_found(name);
  co_return Json{{"JobBookmarkEntry", *entry}};
}

awaitable<Json> GlueService::reset_job_bookmark(RequestContext& context, const Json& in) {
  std::string name = job_name_member(in, "JobName");
  Json entry;
  Stage reset = [&](storage::WriteBatch& batch) {
    std::string key = job_key(context.account_id, context.region, name);
    const Json* found = jobs_->bookmarks.find(key);
    if (!found) throw errors::bookmark_not_found(name);
    entry = *found;
    jobs_->bookmarks.remove(batch, key);
  };
  auto committing = commit_change(jobs_->mutex, reset);
  co_await std::move(committing);
  co_return Json{{"JobBookmarkEntry", std::move(entry)}};
}

}  // namespace nimbus::glue
