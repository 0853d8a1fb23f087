#pragma once
// Glue job records: a Job built from CreateJob's input or UpdateJob's JobUpdate (members as given,
// Glue's defaults added), a JobRun as StartJobRun creates it, the arguments a run's script gets
// and the last error line of its output.

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace nimbus::glue {

using Json = nlohmann::json;

// A job's name member (case kept, as Glue keeps it); InvalidInputException when unusable.
std::string job_name_member(const Json& in, const char* member);

// `input` is CreateJob's request or UpdateJob's JobUpdate; `name` the job's name.
Json job_record(const Json& input, const std::string& name, double created, double updated);
// ExecutionProperty.MaxConcurrentRuns, 1 when not given.
int64_t max_concurrent_runs(const Json& job);

// A new run in STARTING; `arguments` are the run's own (StartJobRun's Arguments).
Json run_record(const Json& job, const Json& start_input, const std::string& run_id, double now);

// The job's DefaultArguments, then the run's Arguments, then NonOverridableArguments.
std::map<std::string, std::string> merged_arguments(const Json& job, const Json& run);

// The script's argv after its path, as Glue passes it: the arguments ("--name value" pairs)
// then --JOB_ID, --JOB_RUN_ID and --JOB_NAME.
std::vector<std::string> script_arguments(const std::string& job_name, const std::string& run_id,
                                          const std::map<std::string, std::string>& arguments);

// The last non-empty line of a failed run's stderr (a Python traceback's exception line), or a
// text naming the exit status.
std::string failure_message(const std::string& stderr_text, int exit_status);

}  // namespace nimbus::glue
