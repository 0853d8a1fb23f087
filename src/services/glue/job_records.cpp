#include "services/glue/job_records.h"

#include "core/crypto.h"
#include "services/glue/glue_errors.h"
#include "services/glue/glue_names.h"

namespace nimbus::glue {
namespace {

constexpr int64_t kDefaultTimeoutMinutes = 2880;

// The Job members a definition carries (everything but Name and the times).
constexpr const char* kJobMembers[] = {
    "JobMode", "JobRunQueuingEnabled", "Description", "LogUri", "Role", "ExecutionProperty",
    "Command", "DefaultArguments", "NonOverridableArguments", "Connections", "MaxRetries",
    "AllocatedCapacity", "Timeout", "MaxCapacity", "WorkerType", "NumberOfWorkers",
    "SecurityConfiguration", "NotificationProperty", "GlueVersion", "CodeGenConfigurationNodes",
    "ExecutionClass", "SourceControlDetails", "MaintenanceWindow", "ProfileName"};

void put_arguments(std::map<std::string, std::string>& out, const Json& arguments) {
  if (!arguments.is_object()) return;
  for (auto it = arguments.begin(); it != arguments.end(); ++it) {
    if (it.value().is_string()) out[it.key()] = it.value().get<std::string>();
  }
}

}  // namespace

std::string job_name_member(const Json& in, const char* member) {
  auto it = in.find(member);
  if (it == in.end() || !it->is_string() || !valid_name(it->get_ref<const std::string&>())) {
    throw errors::invalid_name(member);
  }
  return it->get<std::string>();
}

Json job_record(const Json& input, const std::string& name, double created, double updated) {
  Json out = {{"Name", name}};
  for (const char* member : kJobMembers) {
    auto it = input.find(member);
    if (it != input.end() && !it->is_null()) out[member] = *it;
  }
  if (!out.contains("Command") || !out["Command"].is_object()) {
    throw errors::invalid_input("Command is required.");
  }
  Json& command = out["Command"];
  if (!command.contains("Name")) command["Name"] = "glueetl";
  bool shell = command.value("Name", "") == "pythonshell";
  if (!command.contains("PythonVersion")) command["PythonVersion"] = shell ? "3.9" : "3";
  if (!out.contains("JobMode")) out["JobMode"] = "SCRIPT";
  if (!out.contains("ExecutionProperty")) out["ExecutionProperty"] = {{"MaxConcurrentRuns", 1}};
  if (!out["ExecutionProperty"].contains("MaxConcurrentRuns")) {
    out["ExecutionProperty"]["MaxConcurrentRuns"] = 1;
  }
  if (!out.contains("MaxRetries")) out["MaxRetries"] = 0;
  if (!out.contains("Timeout")) out["Timeout"] = kDefaultTimeoutMinutes;
  if (!out.contains("MaxCapacity") && !out.contains("WorkerType")) {
    out["MaxCapacity"] = shell ? 0.0625 : 10.0;
  }
  if (!out.contains("AllocatedCapacity") && !shell && !out.contains("WorkerType")) {
    out["AllocatedCapacity"] = out["MaxCapacity"].is_number() ? out["MaxCapacity"].get<double>() : 10.0;
  }
  if (!out.contains("AllocatedCapacity")) out["AllocatedCapacity"] = 0;
  if (out["AllocatedCapacity"].is_number_float()) {
    out["AllocatedCapacity"] = static_cast<int64_t>(out["AllocatedCapacity"].get<double>());
  }
  out["CreatedOn"] = created;
  out["LastModifiedOn"] = updated;
  return out;
}

int64_t max_concurrent_runs(const Json& job) {
  auto property = job.value("ExecutionProperty", Json::object());
  auto it = property.find("MaxConcurrentRuns");
  return it != property.end() && it->is_number_integer() ? it->get<int64_t>() : 1;
}

Json run_record(const Json& job, const Json& start_input, const std::string& run_id, double now) {
  Json run = {{"Id", run_id},
              {"Attempt", 0},
              {"JobName", job.value("Name", "")},
              {"JobMode", job.value("JobMode", "SCRIPT")},
              {"StartedOn", now},
              {"LastModifiedOn", now},
              {"JobRunState", "STARTING"},
              {"Arguments", start_input.value("Arguments", Json::object())},
              {"PredecessorRuns", Json::array()},
              {"ExecutionTime", 0},
              {"LogGroupName", "/aws-glue/jobs"}};
  if (auto previous = start_input.find("JobRunId"); previous != start_input.end() && previous->is_string()) {
    run["PreviousRunId"] = *previous;
  }
  for (const char* member : {"AllocatedCapacity", "Timeout", "MaxCapacity", "WorkerType",
                             "NumberOfWorkers", "SecurityConfiguration", "NotificationProperty",
                             "GlueVersion", "ExecutionClass"}) {
    if (auto it = start_input.find(member); it != start_input.end() && !it->is_null()) {
      run[member] = *it;
    } else if (auto from_job = job.find(member); from_job != job.end()) {
      run[member] = *from_job;
    }
  }
  return run;
}

std::map<std::string, std::string> merged_arguments(const Json& job, const Json& run) {
  std::map<std::string, std::string> out;
  put_arguments(out, job.value("DefaultArguments", Json::object()));
  put_arguments(out, run.value("Arguments", Json::object()));
  put_arguments(out, job.value("NonOverridableArguments", Json::object()));
  return out;
}

std::vector<std::string> script_arguments(const std::string& job_name, const std::string& run_id,
                                          const std::map<std::string, std::string>& arguments) {
  std::vector<std::string> out;
  for (const auto& [name, value] : arguments) {
    if (name == "--JOB_NAME" || name == "--JOB_RUN_ID" || name == "--JOB_ID") continue;
    out.push_back(name.starts_with("--") ? name : "--" + name);
    out.push_back(value);
  }
  out.insert(out.end(), {"--JOB_ID", "j_" + crypto::sha256_hex(job_name), "--JOB_RUN_ID", run_id,
                         "--JOB_NAME", job_name});
  return out;
}

std::string failure_message(const std::string& stderr_text, int exit_status) {
  size_t end = stderr_text.size();
  while (end > 0) {
    size_t start = stderr_text.rfind('\n', end - 1);
    start = start == std::string::npos ? 0 : start + 1;
    std::string line = stderr_text.substr(start, end - start);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty()) return line;
    if (start == 0) break;
    end = start - 1;
  }
  if (exit_status < 0) return "Command failed: the process was killed by signal " + std::to_string(-exit_status);
  return "Command failed with exit code " + std::to_string(exit_status);
}

}  // namespace nimbus::glue
