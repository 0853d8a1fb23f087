#pragma once
// The errors Glue's job operations answer (json 1.1, HTTP 400), with Glue's texts.

#include <string>
#include <string_view>

#include "services/glue/glue_errors.h"

namespace nimbus::glue::errors {

inline AwsError job_not_found(std::string_view job) {
  return not_found("Job with name: " + std::string(job) + " not found.");
}
inline AwsError job_exists(std::string_view job) {
  return already_exists("Job with name: " + std::string(job) + " already exists.");
}
// StartJobRun on a job that does not exist.
inline AwsError job_metadata_missing() {
  return not_found("Failed to start job run due to missing metadata");
}
inline AwsError job_run_not_found(std::string_view run_id) {
  return not_found("Job Run with id: " + std::string(run_id) + " not found.");
}
inline AwsError concurrent_runs_exceeded(std::string_view job) {
  return {400, "ConcurrentRunsExceededException", "Concurrent runs exceeded for " + std::string(job)};
}
inline AwsError bookmark_not_found(std::string_view job) {
  return not_found("Continuation for job " + std::string(job) + " not found");
}

}  // namespace nimbus::glue::errors
