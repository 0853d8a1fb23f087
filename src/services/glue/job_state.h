#pragma once
// Glue jobs' state: job definitions, their runs and their bookmarks per account and region, in
// memory and written through to the store's "glue" space as JSON records (beside the catalog's,
// glue_state.h), and the processes of the runs in flight.
//
// Store layout (space `glue`; K(...) is a tuple key of storage/key_codec.h):
//   "j" K(account, region, job)           -> Job record (as GetJob answers it)
//   "r" K(account, region, job, run id)   -> JobRun record (as GetJobRun answers it)
//   "b" K(account, region, job)           -> JobBookmarkEntry
// A job's runs are one key range (what DeleteJob removes with the job).

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "services/glue/glue_state.h"
#include "services/glue/job_process.h"
#include "storage/store.h"

namespace nimbus::glue {

std::string job_key(std::string_view account, std::string_view region, std::string_view job);
std::string run_key(std::string_view account, std::string_view region, std::string_view job,
                    std::string_view run_id);

// The states a run is still in flight in.
bool run_active(const Json& run);

// Callers hold `mutex` while they read or change the maps and submit the change's batch before
// they release it (disk order = memory order).
class JobState {
 public:
  std::mutex mutex;
  RecordMap jobs{'j', {}};
  RecordMap runs{'r', {}};
  RecordMap bookmarks{'b', {}};
  // Run key -> the process of a run that is RUNNING (what BatchStopJobRun kills).
  std::map<std::string, std::shared_ptr<JobProcess>> processes;
  // Set by GlueService::stop(): runs whose processes it killed keep their state for the next
  // start to end FAILED (interrupted), rather than writing FAILED into a store shutting down.
  std::atomic<bool> shutting_down{false};

  // Loads the records; a run still in flight (nimbus stopped under it) ends FAILED, staged in
  // `interrupted` for the caller to submit.
  void load(storage::Store& store, storage::WriteBatch& interrupted, double now);
  // Kills every process and empties the maps.
  void clear();
};

}  // namespace nimbus::glue
