#include "services/glue/job_state.h"

#include "core/log.h"
#include "storage/key_codec.h"

namespace nimbus::glue {

std::string job_key(std::string_view account, std::string_view region, std::string_view job) {
  return storage::keys::join({account, region, job});
}

std::string run_key(std::string_view account, std::string_view region, std::string_view job,
                    std::string_view run_id) {
  return storage::keys::join({account, region, job, run_id});
}

bool run_active(const Json& run) {
  std::string state = run.value("JobRunState", "");
  return state == "STARTING" || state == "RUNNING" || state == "STOPPING" || state == "WAITING";
}

void JobState::load(storage::Store& store, storage::WriteBatch& interrupted, double now) {
  std::lock_guard lock(mutex);
  for (RecordMap* map : {&jobs, &runs, &bookmarks}) {
    map->records.clear();
    store.scan(kSpace, std::string(1, map->kind), [&](std::string_view key, std::string_view value) {
      auto record = Json::parse(value, nullptr, false);
      if (record.is_discarded() || !record.is_object()) {
        NIMBUS_LOG(Warn, "glue: unreadable job record skipped");
      } else {
        map->records.emplace(std::string(key.substr(1)), std::move(record));
      }
      return true;
    });
  }
  for (auto& [key, run] : runs.records) {
    if (!run_active(run)) continue;
    bool stopping = run.value("JobRunState", "") == "STOPPING";
    run["JobRunState"] = stopping ? "STOPPED" : "FAILED";
    if (!stopping) run["ErrorMessage"] = "The job run was interrupted: nimbus stopped while it ran.";
    run["CompletedOn"] = now;
    run["LastModifiedOn"] = now;
    run["ExecutionTime"] = static_cast<int64_t>(now - run.value("StartedOn", now));
    interrupted.put(kSpace, runs.store_key(key), run.dump());
  }
}

void JobState::clear() {
  std::lock_guard lock(mutex);
  for (auto& [key, process] : processes) process->kill();
  processes.clear();
  for (RecordMap* map : {&jobs, &runs, &bookmarks}) map->records.clear();
}

}  // namespace nimbus::glue
