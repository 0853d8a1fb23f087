#pragma once
// EventBridge Scheduler's input rules and schedule arithmetic, apart from state and I/O:
// names, ARNs, the checks CreateSchedule/UpdateSchedule make (with AWS's ValidationException
// texts), the stored schedule record those inputs become, and its fire times on nimbus's clock.
//
// A schedule record is the API's shape (GetSchedule's members, defaults applied) plus private
// members whose names start with '_' (never answered):
//   _anchor_ms  rate schedules: the instant fire times count from (StartDate, else creation)
//   _next_ms    the next fire time by the expression (absent: no fire left)
//   _due_ms     when it fires: _next_ms plus the flexible window's offset
//   _last_ms    the last fire time made (never fired twice)
//   _token      the ClientToken it was created with

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace nimbus::scheduler {

using Json = nlohmann::json;

inline constexpr std::string_view kDefaultGroup = "default";
inline constexpr int kDefaultRetryAttempts = 185;
inline constexpr int64_t kDefaultEventAgeSeconds = 86400;
// A recurring StartDate may lie at most this far in the past.
inline constexpr int64_t kStartDateSlackMs = 5 * 60 * 1000;

struct ArnParts {
  std::string service;
  std::string region;
  std::string account;
  std::string resource;
};
// "arn:<partition>:<service>:<region>:<account>:<resource>"; nullopt when not an ARN.
std::optional<ArnParts> parse_arn(std::string_view arn);

std::string schedule_arn(std::string_view region, std::string_view account, std::string_view group,
                         std::string_view name);
std::string group_arn(std::string_view region, std::string_view account, std::string_view group);

std::optional<std::string> opt_string(const Json& in, const char* key);
// Names of schedules and groups: [0-9a-zA-Z-_.]+ (lengths are the protocol layer's check).
void check_name(std::string_view value, std::string_view field);

// Validates a CreateSchedule / UpdateSchedule input and returns the schedule record it describes
// (API members with defaults: State ENABLED, ActionAfterCompletion NONE, the target's RetryPolicy
// 185 attempts / 86400 s). Name and GroupName included; Arn and dates are the caller's.
Json schedule_record(const Json& in, int64_t now_ms);

// The API's view of a record (private members removed).
Json public_view(const Json& record);

bool is_one_time(const Json& record);
// The first fire time strictly after `after_ms` the schedule's expression, zone and
// StartDate/EndDate window allow (one-time schedules ignore the window, as AWS does); nullopt
// when none is left.
std::optional<int64_t> next_fire(const Json& record, int64_t after_ms);
// Whether a schedule with no fire left has completed by `now_ms` (ActionAfterCompletion DELETE
// deletes it then): a one-time schedule at once, a recurring one once its EndDate has passed.
bool completed(const Json& record, int64_t now_ms);

}  // namespace nimbus::scheduler
