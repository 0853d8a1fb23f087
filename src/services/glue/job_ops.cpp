// CreateJob, GetJob, GetJobs, ListJobs, UpdateJob, DeleteJob (with the job's runs and bookmark).
#include "services/glue/glue_names.h"
#include "services/glue/glue_records.h"
#include "services/glue/glue_service.h"
#include "services/glue/job_errors.h"
#include "services/glue/job_records.h"

namespace nimbus::glue {
namespace {

constexpr size_t kJobPage = 100;
constexpr size_t kJobPageCap = 1000;

}  // namespace

awaitable<Json> GlueService::create_job(RequestContext& context, const Json& in) {
  std::string name = job_name_member(in, "Name");
  Json record = job_record(in, name, now(), now());
  Stage create = [&](storage::WriteBatch& batch) {
    std::string key = job_key(context.account_id, context.region, name);
    if (jobs_->jobs.find(key)) throw errors::job_exists(name);
    jobs_->jobs.put(batch, key, std::move(record));
  };
  auto committing = commit_change(jobs_->mutex, create);
  co_await std::move(committing);
  co_return Json{{"Name", name}};
}

awaitable<Json> GlueService::get_job(RequestContext& context, const Json& in) {
  std::string name = job_name_member(in, "JobName");
  std::lock_guard lock(jobs_->mutex);
  const Json* job = jobs_->jobs.find(job_key(context.account_id, context.region, name));
  if (!job) throw errors::job_not_found(name);
  co_return Json{{"Job", *job}};
}

awaitable<Json> GlueService::get_jobs(RequestContext& context, const Json& in) {
  size_t limit = page_size(in, kJobPage, kJobPageCap);
  auto last = next_token(in);
  Json jobs = Json::array();
  std::lock_guard lock(jobs_->mutex);
  std::string token = page_records(jobs_->jobs.records, scope_key(context.account_id, context.region), last, limit,
                                   [&](std::string_view, const Json& job) { jobs.push_back(job); });
  Json out = {{"Jobs", std::move(jobs)}};
  if (!token.empty()) out["NextToken"] = token;
  co_return out;
}

awaitable<Json> GlueService::list_jobs(RequestContext& context, const Json& in) {
  size_t limit = page_size(in, kJobPage, kJobPageCap);
  auto last = next_token(in);
  Json names = Json::array();
  std::lock_guard lock(jobs_->mutex);
  std::string token = page_records(jobs_->jobs.records, scope_key(context.account_id, context.region), last, limit,
                                   [&](std::string_view, const Json& job) { names.push_back(job.value("Name", "")); });
  Json out = {{"JobNames", std::move(names)}};
  if (!token.empty()) out["NextToken"] = token;
  co_return out;
}

awaitable<Json> GlueService::update_job(RequestContext& context, const Json& in) {
  std::string name = job_name_member(in, "JobName");
  auto update = in.find("JobUpdate");
  if (update == in.end() || !update->is_object()) throw errors::invalid_input("JobUpdate is required.");
  Stage replace = [&](storage::WriteBatch& batch) {
    std::string key = job_key(context.account_id, context.region, name);
    const Json* job = jobs_->jobs.find(key);
    if (!job) throw errors::job_not_found(name);
    // UpdateJob replaces the definition: members JobUpdate leaves out go back to their defaults.
    Json record = job_record(*update, name, job->value("CreatedOn", now()), now());
    jobs_->jobs.put(batch, key, std::move(record));
  };
  auto committing = commit_change(jobs_->mutex, replace);
  co_await std::move(committing);
  co_return Json{{"JobName", name}};
}

awaitable<Json> GlueService::delete_job(RequestContext& context, const Json& in) {
  std::string name = job_name_member(in, "JobName");
  Stage remove = [&](storage::WriteBatch& batch) {
    std::string key = job_key(context.account_id, context.region, name);
    // Deleting a job that does not exist succeeds, as in Glue (nothing staged).
    if (!jobs_->jobs.find(key)) return;
    for (auto it = jobs_->processes.lower_bound(key);
         it != jobs_->processes.end() && it->first.starts_with(key);) {
      it->second->kill();
      it = jobs_->processes.erase(it);
    }
    jobs_->jobs.remove(batch, key);
    jobs_->runs.remove_prefix(batch, key);
    jobs_->bookmarks.remove(batch, key);
  };
  auto committing = commit_change(jobs_->mutex, remove);
  co_await std::move(committing);
  co_return Json{{"JobName", name}};
}

}  // namespace nimbus::glue
