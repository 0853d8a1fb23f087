// One job run: its script fetched through S3's GetObject, written to the run's folder and run by
// Debian's python3 with Glue's argv and an environment pointing boto3 (and the awsglue library)
// at nimbus; its output written to CloudWatch Logs (/aws-glue/jobs/output and /error, stream = the
// run id) through Logs' own operations; then the end state: SUCCEEDED on exit 0, STOPPED after
// BatchStopJobRun, TIMEOUT past the run's Timeout, else FAILED with the last line of stderr.
#include <unistd.h>

#include <boost/asio/this_coro.hpp>
#include <cmath>
#include <fstream>
#include <sstream>

#include "core/log.h"
#include "services/glue/glue_service.h"
#include "services/glue/job_library.h"
#include "services/glue/job_records.h"

namespace nimbus::glue {
namespace {

constexpr const char* kPython = "/usr/bin/python3";
constexpr int64_t kDefaultTimeoutMinutes = 2880;
constexpr size_t kEventsPerPut = 5000;
constexpr size_t kMaxEventBytes = 200 * 1024;

std::optional<std::pair<std::string, std::string>> split_s3_uri(const std::string& uri) {
  constexpr std::string_view kScheme = "s3://";
  if (!uri.starts_with(kScheme)) return std::nullopt;
  auto slash = uri.find('/', kScheme.size());
  if (slash == std::string::npos || slash == kScheme.size() || slash + 1 == uri.size()) return std::nullopt;
  return std::make_pair(uri.substr(kScheme.size(), slash - kScheme.size()), uri.substr(slash + 1));
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (line.size() > kMaxEventBytes) line.resize(kMaxEventBytes);
    lines.push_back(std::move(line));
  }
  return lines;
}

// Creates the group and stream when missing and puts the text's lines as events.
awaitable<void> write_log_lines(delivery::Outbox::Invoke call, RequestContext context, std::string group,
                                std::string stream, std::string text, int64_t timestamp_ms) {
  auto lines = lines_of(text);
  if (lines.empty()) co_return;
  const std::string& account = context.account_id;
  const std::string& region = context.region;
  try {
    try {
      delivery::Target create{"logs", "CreateLogGroup", account, region, Json{{"logGroupName", group}}};
      co_await call(create, context);
    } catch (const AwsError& error) {
      if (error.code != "ResourceAlreadyExistsException") throw;
    }
    try {
      delivery::Target create{"logs", "CreateLogStream", account, region,
                              Json{{"logGroupName", group}, {"logStreamName", stream}}};
      co_await call(create, context);
    } catch (const AwsError& error) {
      if (error.code != "ResourceAlreadyExistsException") throw;
    }
    for (size_t at = 0; at < lines.size(); at += kEventsPerPut) {
      Json events = Json::array();
      for (size_t i = at; i < lines.size() && i < at + kEventsPerPut; ++i) {
        events.push_back({{"timestamp", timestamp_ms}, {"message", lines[i]}});
      }
      delivery::Target put{"logs", "PutLogEvents", account, region,
                           Json{{"logGroupName", group}, {"logStreamName", stream}, {"logEvents", std::move(events)}}};
      co_await call(put, context);
    }
  } catch (const AwsError& error) {
    NIMBUS_LOG(Warn, "glue: job output not written to " + group + ": " + error.message);
  }
}

std::optional<std::string> read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

awaitable<void> GlueService::run_job(std::string account, std::string region, std::string job_name,
                                     std::string run_id) {
  auto jobs = jobs_;  // the state outlives a reset() that happens mid-run
  const std::string key = run_key(account, region, job_name, run_id);
  Json job, run;
  {
    std::lock_guard lock(jobs->mutex);
    const Json* found_job = jobs->jobs.find(job_key(account, region, job_name));
    const Json* found_run = jobs->runs.find(key);
    if (!found_job || !found_run) co_return;
    job = *found_job;
    run = *found_run;
  }
  RequestContext context;
  context.account_id = account;
  context.region = region;
  context.invoked_by = {"glue.amazonaws.com", "", account};

  // 1. The script.
  std::optional<std::string> failure;
  std::string script;
  Json command = job.value("Command", Json::object());
  std::string kind = command.value("Name", "glueetl");
  std::string location = command.value("ScriptLocation", "");
  auto where = split_s3_uri(location);
  if (kind != "glueetl" && kind != "pythonshell") {
    failure = "nimbus runs glueetl and pythonshell jobs only, not " + kind;
  } else if (!call_ || !endpoints_ || job_files_.empty()) {
    failure = "nimbus cannot run job scripts in this configuration";
  } else if (!where) {
    failure = "Invalid ScriptLocation: " + location;
  } else {
    try {
      delivery::Target get{"s3", "GetObject", account, region, Json{{"Bucket", where->first}, {"Key", where->second}}};
      Json found = co_await call_(get, context);
      script = found.value("Body", "");
    } catch (const AwsError& error) {
      failure = "Failed to download the script from " + location + ": " + error.code + ": " + error.message;
    }
  }

  // 2. The process.
  std::filesystem::path folder = job_files_ / "runs" / run_id;
  std::shared_ptr<JobProcess> process;
  if (!failure) {
    try {
      std::filesystem::create_directories(folder / "tmp");
      std::string name = where->second.substr(where->second.rfind('/') + 1);
      if (!name.ends_with(".py")) name += ".py";
      {
        std::ofstream out(folder / name, std::ios::binary | std::ios::trunc);
        out << script;
        if (!out) throw std::runtime_error("cannot write the script");
      }
      std::vector<std::string> argv = {kPython, "-u", (folder / name).string()};
      for (auto& argument : script_arguments(job_name, run_id, merged_arguments(job, run))) {
        argv.push_back(std::move(argument));
      }
      std::vector<std::string> env = {
          "PATH=/usr/local/bin:/usr/bin:/bin",
          "HOME=" + folder.string(),
          "TMPDIR=" + (folder / "tmp").string(),
          "LANG=C.UTF-8",
          "PYTHONUNBUFFERED=1",
          "PYTHONDONTWRITEBYTECODE=1",
          "PYTHONPATH=" + (job_files_ / "python").string(),
          "AWS_REGION=" + region,
          "AWS_DEFAULT_REGION=" + region,
          // The account id as access key acts for that account (see auth::resolve_account).
          "AWS_ACCESS_KEY_ID=" + account,
          "AWS_SECRET_ACCESS_KEY=nimbus",
          "AWS_ENDPOINT_URL=" + endpoints_->nimbus_url(),
          "AWS_EC2_METADATA_DISABLED=true",
          "NIMBUS_DUCKDB_LIBRARY=" + duckdb_library_path(),
          "NIMBUS_GLUE_BOOKMARK_FILE=" + (folder / "bookmark.json").string(),
          "GLUE_JOB_TYPE=" + kind,
          // sitecustomize.py asks for SIGKILL when this process ends, so a script never outlives nimbus.
          "NIMBUS_GLUE_PARENT_PID=" + std::to_string(::getpid()),
      };
      process = JobProcess::spawn(executor_, argv, env, folder.string());
    } catch (const std::exception& error) {
      failure = std::string("Cannot start the job's script: ") + error.what();
    }
  }

  // 3. RUNNING until it exits, is stopped or times out.
  bool timed_out = false;
  if (process) {
    std::shared_ptr<storage::PendingCommit> pending;
    {
      std::lock_guard lock(jobs->mutex);
      const Json* current = jobs->runs.find(key);
      if (!current || current->value("JobRunState", "") != "STARTING") {
        process->kill();  // stopped (or deleted) before it started
      } else {
        Json updated = *current;
        updated["JobRunState"] = "RUNNING";
        updated["LastModifiedOn"] = now();
        storage::WriteBatch batch;
        jobs->runs.put(batch, key, std::move(updated));
        pending = store_.submit(std::move(batch));
      }
      if (current) jobs->processes[key] = process;
    }
    if (pending) co_await pending->wait();
    auto timeout = run.find("Timeout");
    int64_t minutes = timeout != run.end() && timeout->is_number_integer() ? timeout->get<int64_t>()
                                                                           : kDefaultTimeoutMinutes;
    auto waited = process->wait(std::chrono::minutes(std::max<int64_t>(minutes, 1)));
    bool ended = co_await std::move(waited);
    if (!ended) {
      timed_out = true;
      process->kill();
      auto killed = process->wait(std::chrono::seconds(30));
      co_await std::move(killed);
    }
  }

  if (jobs->shutting_down) co_return;  // the next start ends it FAILED (interrupted)

  // 4. Its output to CloudWatch Logs, then the end state.
  std::string out = process ? process->stdout_text() : "";
  std::string err = process ? process->stderr_text() : (failure ? *failure + "\n" : "");
  int status = process ? process->exit_status() : -1;
  int64_t ended_ms = clock_.now_ms();
  if (call_) {
    auto output = write_log_lines(call_, context, "/aws-glue/jobs/output", run_id, out, ended_ms);
    co_await std::move(output);
    auto errors = write_log_lines(call_, context, "/aws-glue/jobs/error", run_id, err, ended_ms);
    co_await std::move(errors);
  }
  std::optional<std::string> bookmark;
  if (process && status == 0) bookmark = read_text(folder / "bookmark.json");

  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(jobs->mutex);
    jobs->processes.erase(key);
    const Json* current = jobs->runs.find(key);
    if (current) {
      Json updated = *current;
      double finished = now();
      std::string state;
      if (updated.value("JobRunState", "") == "STOPPING") {
        state = "STOPPED";
      } else if (failure) {
        state = "FAILED";
        updated["ErrorMessage"] = *failure;
      } else if (timed_out) {
        state = "TIMEOUT";
        updated["ErrorMessage"] = "Job run timed out after " + std::to_string(updated.value("Timeout", 0)) + " minutes.";
      } else if (status == 0) {
        state = "SUCCEEDED";
      } else {
        state = "FAILED";
        updated["ErrorMessage"] = failure_message(err, status);
      }
      updated["JobRunState"] = state;
      updated["CompletedOn"] = finished;
      updated["LastModifiedOn"] = finished;
      updated["ExecutionTime"] =
          static_cast<int64_t>(std::llround(std::max(0.0, finished - updated.value("StartedOn", finished))));
      storage::WriteBatch batch;
      jobs->runs.put(batch, key, std::move(updated));
      std::string job = job_key(account, region, job_name);
      if (state == "SUCCEEDED" && bookmark && jobs->jobs.find(job)) {
        const Json* previous = jobs->bookmarks.find(job);
        Json entry = {{"JobName", job_name},
                      {"Version", previous ? previous->value("Version", 0) + 1 : 1},
                      {"Run", previous ? previous->value("Run", 0) + 1 : 1},
                      {"Attempt", 0},
                      {"RunId", run_id},
                      {"JobBookmark", *bookmark}};
        if (previous) entry["PreviousRunId"] = previous->value("RunId", "");
        jobs->bookmarks.put(batch, job, std::move(entry));
      }
      pending = store_.submit(std::move(batch));
    }
  }
  if (pending) co_await pending->wait();
  std::error_code ignored;
  if (!job_files_.empty()) std::filesystem::remove_all(folder, ignored);
}

}  // namespace nimbus::glue
