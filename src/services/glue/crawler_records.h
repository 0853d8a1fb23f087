#pragma once
// A crawler's record as Glue answers it (built from CreateCrawler's input, merged with
// UpdateCrawler's), its schedule (cron expressions only: a crawler's schedule is a cron), the
// view GetCrawler answers (no internal members), and the errors of the crawler API with Glue's
// codes and texts.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "services/glue/glue_errors.h"

namespace nimbus::glue {

namespace errors {
// "Crawler with name <name> <what>" and "Schedule of crawler <name> <what>" under `code`.
inline AwsError crawler_error(const char* code, std::string_view name, std::string_view what) {
  return {400, code, "Crawler with name " + std::string(name) + " " + std::string(what)};
}
inline AwsError schedule_error(const char* code, std::string_view name, std::string_view what) {
  return {400, code, "Schedule of crawler " + std::string(name) + " " + std::string(what)};
}

inline AwsError crawler_not_found(std::string_view name) {
  return crawler_error("EntityNotFoundException", name, "does not exist");
}
inline AwsError crawler_exists(std::string_view name) { return already_exists(std::string(name) + " already exists."); }
inline AwsError crawler_running(std::string_view name) {
  return crawler_error("CrawlerRunningException", name, "has already started");
}
inline AwsError crawler_not_running(std::string_view name) {
  return crawler_error("CrawlerNotRunningException", name, "isn't running.");
}
inline AwsError crawler_stopping(std::string_view name) {
  return crawler_error("CrawlerStoppingException", name, "is stopping.");
}
inline AwsError no_schedule(std::string_view name) {
  return crawler_error("NoScheduleException", name, "has no schedule.");
}
inline AwsError schedule_running(std::string_view name) {
  return schedule_error("SchedulerRunningException", name, "is already running.");
}
inline AwsError schedule_not_running(std::string_view name) {
  return schedule_error("SchedulerNotRunningException", name, "isn't running.");
}
inline AwsError invalid_schedule(std::string_view expression) {
  return invalid_input("Invalid schedule expression: " + std::string(expression));
}
}  // namespace errors

namespace crawler {

using Json = nlohmann::json;

// A crawler's Name (as given: crawler names keep their case); InvalidInputException when unusable.
std::string crawler_name(const Json& in, const char* member);

// CreateCrawler's input as the record: defaults filled as Glue answers them (empty target lists,
// SchemaChangePolicy UPDATE_IN_DATABASE / DEPRECATE_IN_DATABASE, RecrawlPolicy CRAWL_EVERYTHING,
// LineageConfiguration DISABLE, State READY, Version 1). Throws InvalidInputException.
Json crawler_record(const Json& in, double now, int64_t now_ms);
// UpdateCrawler: the given members replace the record's; Version + 1. Throws InvalidInputException.
void update_crawler(Json& record, const Json& in, double now, int64_t now_ms);
// Sets (or, for an empty expression, removes) the crawler's schedule; SCHEDULED unless it was
// NOT_SCHEDULED before. Throws InvalidInputException for anything but a valid cron(...).
void set_schedule(Json& record, const std::string& expression, int64_t now_ms);
// The next start of a SCHEDULED crawler after `after_ms` into "_NextRunMs" (removed otherwise).
void plan_next_run(Json& record, int64_t after_ms);
// Marks the crawler RUNNING with a new crawl (its id and start, not cancelled); returns the crawl's id.
std::string begin_crawl(Json& record, double now, int64_t now_ms);

// What GetCrawler answers: the record without internal members, with CrawlElapsedTime (ms)
// while a crawl runs.
Json crawler_view(const Json& record, int64_t now_ms);

// The S3 targets' paths and exclusions.
struct S3TargetSpec {
  std::string path;
  std::vector<std::string> exclusions;
};
std::vector<S3TargetSpec> s3_targets(const Json& record);

}  // namespace crawler
}  // namespace nimbus::glue
