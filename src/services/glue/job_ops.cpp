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

// The jobs of the caller's scope from NextToken on, at most `limit`; calls `take` with each
// record and returns the NextToken ("" when done). The caller holds the state's mutex.
template <typename Take>
std::string page_jobs(const JobState& state, const RequestContext& context, const Json& in,
                      size_t limit, Take take) {
  std::string scope = scope_key(context.account_id, context.region);
  std::string start = scope;
  if (auto token = in.find("NextToken");
      token != in.end() && token->is_string() && !token->get_ref<const std::string&>().empty()) {
    auto last = decode_token(token->get<std::string>());
    if (!last) throw errors::invalid_token();
    start = scope + *last;
  }
  const auto& records = state.jobs.records;
  size_t taken = 0;
  auto it = start == scope ? records.lower_bound(scope) : records.upper_bound(start);
  for (; it != records.end() && it->first.starts_with(scope); ++it) {
    if (taken == limit) return encode_token(std::prev(it)->first.substr(scope.size()));
    take(it->second);
    ++taken;
  }
  return "";
}

}  // namespace

awaitable<Json> GlueService::create_job(RequestContext& context, const Json& in) {
  std::string name = job_name_member(in, "Name");
  Json record = job_record(in, name, now(), now());
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(jobs_->mutex);
    std::string key = job_key(context.account_id, context.region, name);
    if (jobs_->jobs.find(key)) throw errors::job_exists(name);
    storage::WriteBatch batch;
    jobs_->jobs.put(batch, key, std::move(record));
    pending = store_.submit(std::move(batch));
  }
  co_await pending->wait();
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
  Json jobs = Json::array();
  std::lock_guard lock(jobs_->mutex);
  std::string token = page_jobs(*jobs_, context, in, limit, [&](const Json& job) { jobs.push_back(job); });
  Json out = {{"Jobs", std::move(jobs)}};
  if (!token.empty()) out["NextToken"] = token;
  co_return out;
}

awaitable<Json> GlueService::list_jobs(RequestContext& context, const Json& in) {
  size_t limit = page_size(in, kJobPage, kJobPageCap);
  Json names = Json::array();
  std::lock_guard lock(jobs_->mutex);
  std::string token = page_jobs(*jobs_, context, in, limit,
                                [&](const Json& job) { names.push_back(job.value("Name", "")); });
  Json out = {{"JobNames", std::move(names)}};
  if (!token.empty()) out["NextToken"] = token;
  co_return out;
}

awaitable<Json> GlueService::update_job(RequestContext& context, const Json& in) {
  std::string name = job_name_member(in, "JobName");
  auto update = in.find("JobUpdate");
  if (update == in.end() || !update->is_object()) throw errors::invalid_input("JobUpdate is required.");
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(jobs_->mutex);
    std::string key = job_key(context.account_id, context.region, name);
    const Json* job = jobs_->jobs.find(key);
    if (!job) throw errors::job_not_found(name);
    // UpdateJob replaces the definition: members JobUpdate leaves out go back to their defaults.
    Json record = job_record(*update, name, job->value("CreatedOn", now()), now());
    storage::WriteBatch batch;
    jobs_->jobs.put(batch, key, std::move(record));
    pending = store_.submit(std::move(batch));
  }
  co_await pending->wait();
  co_return Json{{"JobName", name}};
}

awaitable<Json> GlueService::delete_job(RequestContext& context, const Json& in) {
  std::string name = job_name_member(in, "JobName");
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(jobs_->mutex);
    std::string key = job_key(context.account_id, context.region, name);
    // Deleting a job that does not exist succeeds, as in Glue.
    if (!jobs_->jobs.find(key)) co_return Json{{"JobName", name}};
    for (auto it = jobs_->processes.lower_bound(key);
         it != jobs_->processes.end() && it->first.starts_with(key);) {
      it->second->kill();
      it = jobs_->processes.erase(it);
    }
    storage::WriteBatch batch;
    jobs_->jobs.remove(batch, key);
    jobs_->runs.remove_prefix(batch, key);
    jobs_->bookmarks.remove(batch, key);
    pending = store_.submit(std::move(batch));
  }
  co_await pending->wait();
  co_return Json{{"JobName", name}};
}

}  // namespace nimbus::glue
