#pragma once
// Every error EventBridge Scheduler answers, as named factories (rest-json: the code is the
// x-amzn-ErrorType / __type, the HTTP status is the one the API reference lists per error).

#include <string>
#include <string_view>

#include "core/aws_error.h"

namespace nimbus::scheduler::errors {

inline AwsError validation(std::string message) { return {400, "ValidationException", std::move(message)}; }
inline AwsError not_found(std::string message) { return {404, "ResourceNotFoundException", std::move(message)}; }
inline AwsError conflict(std::string message) { return {409, "ConflictException", std::move(message)}; }
inline AwsError quota_exceeded(std::string message) {
  return {402, "ServiceQuotaExceededException", std::move(message)};
}

inline AwsError schedule_not_found(std::string_view name) {
  return not_found("Schedule " + std::string(name) + " does not exist.");
}
inline AwsError group_not_found(std::string_view name) {
  return not_found("Schedule group " + std::string(name) + " does not exist.");
}
inline AwsError schedule_exists(std::string_view name) {
  return conflict("Schedule " + std::string(name) + " already exists.");
}
inline AwsError group_exists(std::string_view name) {
  return conflict("Schedule group " + std::string(name) + " already exists.");
}
inline AwsError default_group_undeletable() {
  return validation("The default schedule group cannot be deleted.");
}
// Coral's constraint text, as the API answers a pattern it checks itself.
inline AwsError constraint(std::string_view value, std::string_view field, std::string_view rule) {
  return validation("1 validation error detected: Value '" + std::string(value) + "' at '" + std::string(field) +
                    "' failed to satisfy constraint: " + std::string(rule));
}
inline AwsError invalid_time_zone(std::string_view zone) {
  return validation("Invalid time zone: " + std::string(zone) + ".");
}
inline AwsError start_date_too_early() {
  return validation("The StartDate you specify cannot be earlier than 5 minutes ago.");
}
inline AwsError end_date_before_start() {
  return validation("The EndDate you specify must be later than the StartDate.");
}
inline AwsError end_date_in_past() {
  return validation("The EndDate you specify cannot be earlier than the current time.");
}
inline AwsError flexible_window_missing() {
  return validation("MaximumWindowInMinutes must be specified when FlexibleTimeWindow Mode is FLEXIBLE.");
}
inline AwsError flexible_window_with_off() {
  return validation("MaximumWindowInMinutes must not be specified when FlexibleTimeWindow Mode is OFF.");
}
inline AwsError invalid_token() { return validation("The NextToken provided is invalid."); }
inline AwsError too_many_tags() {
  return validation("A resource can have no more than 200 tags.");
}

}  // namespace nimbus::scheduler::errors
