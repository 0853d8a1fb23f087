#include "services/glue/crawler_records.h"

#include "core/ids.h"
#include "services/events/schedule/schedule.h"
#include "services/glue/crawler_layout.h"
#include "services/glue/glue_errors.h"
#include "services/glue/glue_names.h"

namespace nimbus::glue::crawler {
namespace {

constexpr const char* kTargetLists[] = {"S3Targets",    "JdbcTargets",  "MongoDBTargets", "DynamoDBTargets",
                                        "CatalogTargets", "DeltaTargets", "IcebergTargets", "HudiTargets"};

// Targets with every list present, S3 targets' Exclusions too; at least one target.
Json normalize_targets(const Json& given) {
  if (!given.is_object()) throw errors::invalid_input("Targets is required.");
  Json out = Json::object();
  size_t count = 0;
  for (const char* list : kTargetLists) {
    Json items = given.value(list, Json::array());
    if (!items.is_array()) throw errors::invalid_input(std::string(list) + " must be a list.");
    count += items.size();
    out[list] = items;
  }
  for (auto& target : out["S3Targets"]) {
    if (!target.is_object() || !target.contains("Path") || !target["Path"].is_string()) {
      throw errors::invalid_input("S3 target path is required.");
    }
    try {
      parse_s3_path(target["Path"].get<std::string>());
    } catch (const std::invalid_argument&) {
      throw errors::invalid_input("Invalid S3 target path: " + target["Path"].get<std::string>());
    }
    if (!target.contains("Exclusions")) target["Exclusions"] = Json::array();
  }
  if (count == 0) throw errors::invalid_input("Crawler must have at least one target.");
  return out;
}

void check_policies(const Json& record) {
  auto policy = record.value("SchemaChangePolicy", Json::object());
  std::string update = policy.value("UpdateBehavior", "UPDATE_IN_DATABASE");
  std::string remove = policy.value("DeleteBehavior", "DEPRECATE_IN_DATABASE");
  if (update != "LOG" && update != "UPDATE_IN_DATABASE") {
    throw errors::invalid_input("Invalid UpdateBehavior: " + update);
  }
  if (remove != "LOG" && remove != "DELETE_FROM_DATABASE" && remove != "DEPRECATE_IN_DATABASE") {
    throw errors::invalid_input("Invalid DeleteBehavior: " + remove);
  }
}

void apply_members(Json& record, const Json& in, double now, int64_t now_ms) {
  for (const char* member : {"Role", "Description", "Classifiers", "TablePrefix", "Configuration",
                             "CrawlerSecurityConfiguration", "LakeFormationConfiguration", "LineageConfiguration"}) {
    if (in.contains(member) && !in[member].is_null()) record[member] = in[member];
  }
  if (in.contains("DatabaseName") && in["DatabaseName"].is_string()) {
    record["DatabaseName"] = normalize_name(in["DatabaseName"].get<std::string>());
  }
  if (in.contains("Targets")) record["Targets"] = normalize_targets(in["Targets"]);
  if (in.contains("SchemaChangePolicy") && in["SchemaChangePolicy"].is_object()) {
    Json policy = record.value("SchemaChangePolicy", Json::object());
    for (auto& [name, value] : in["SchemaChangePolicy"].items()) policy[name] = value;
    record["SchemaChangePolicy"] = policy;
  }
  if (in.contains("RecrawlPolicy") && in["RecrawlPolicy"].is_object()) record["RecrawlPolicy"] = in["RecrawlPolicy"];
  if (in.contains("Configuration") && in["Configuration"].is_string() &&
      !in["Configuration"].get_ref<const std::string&>().empty()) {
    auto parsed = Json::parse(in["Configuration"].get<std::string>(), nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) {
      throw errors::invalid_input("Crawler configuration not valid: not a JSON object.");
    }
  }
  if (in.contains("Schedule") && in["Schedule"].is_string()) set_schedule(record, in["Schedule"].get<std::string>(), now_ms);
  check_policies(record);
  record["LastUpdated"] = now;
}

}  // namespace

std::string crawler_name(const Json& in, const char* member) {
  auto it = in.find(member);
  if (it == in.end() || !it->is_string() || !valid_name(it->get_ref<const std::string&>())) {
    throw errors::invalid_name(member);
  }
  return it->get<std::string>();
}

Json crawler_record(const Json& in, double now, int64_t now_ms) {
  Json record = {{"Name", crawler_name(in, "Name")},
                 {"Classifiers", Json::array()},
                 {"SchemaChangePolicy",
                  {{"UpdateBehavior", "UPDATE_IN_DATABASE"}, {"DeleteBehavior", "DEPRECATE_IN_DATABASE"}}},
                 {"RecrawlPolicy", {{"RecrawlBehavior", "CRAWL_EVERYTHING"}}},
                 {"LineageConfiguration", {{"CrawlerLineageSettings", "DISABLE"}}},
                 {"LakeFormationConfiguration", {{"UseLakeFormationCredentials", false}, {"AccountId", ""}}},
                 {"State", "READY"},
                 {"CrawlElapsedTime", 0},
                 {"CreationTime", now},
                 {"Version", 1}};
  if (!in.contains("Targets")) throw errors::invalid_input("Targets is required.");
  apply_members(record, in, now, now_ms);
  if (in.contains("Tags") && in["Tags"].is_object()) record["_Tags"] = in["Tags"];
  return record;
}

void update_crawler(Json& record, const Json& in, double now, int64_t now_ms) {
  Json updated = record;
  apply_members(updated, in, now, now_ms);
  updated["Version"] = record.value("Version", int64_t{1}) + 1;
  record = std::move(updated);
}

void set_schedule(Json& record, const std::string& expression, int64_t now_ms) {
  if (expression.empty()) {
    record.erase("Schedule");
    record.erase("_NextRunMs");
    return;
  }
  try {
    auto parsed = events::schedule::parse(expression, events::schedule::Dialect::Rule);
    if (parsed.kind != events::schedule::Schedule::Kind::Cron) throw errors::invalid_schedule(expression);
  } catch (const events::schedule::ParseError&) {
    throw errors::invalid_schedule(expression);
  }
  std::string state = "SCHEDULED";
  if (record.contains("Schedule") && record["Schedule"].value("State", "") == "NOT_SCHEDULED") state = "NOT_SCHEDULED";
  record["Schedule"] = {{"ScheduleExpression", expression}, {"State", state}};
  plan_next_run(record, now_ms);
}

void plan_next_run(Json& record, int64_t after_ms) {
  record.erase("_NextRunMs");
  if (!record.contains("Schedule") || record["Schedule"].value("State", "") != "SCHEDULED") return;
  try {
    auto parsed = events::schedule::parse(record["Schedule"].value("ScheduleExpression", ""),
                                          events::schedule::Dialect::Rule);
    if (auto next = events::schedule::next_fire_ms(parsed, after_ms)) record["_NextRunMs"] = *next;
  } catch (const std::exception&) {
    // A stored expression was valid when stored; nothing to plan otherwise.
  }
}

std::string begin_crawl(Json& record, double now, int64_t now_ms) {
  std::string crawl_id = ids::uuid4();
  record["State"] = "RUNNING";
  record["_CrawlId"] = crawl_id;
  record["_CrawlStart"] = now;
  record["_CrawlStartMs"] = now_ms;
  record.erase("_Cancelled");
  return crawl_id;
}

Json crawler_view(const Json& record, int64_t now_ms) {
  Json out = Json::object();
  for (auto& [name, value] : record.items()) {
    if (!name.starts_with("_")) out[name] = value;
  }
  if (record.value("State", "") != "READY" && record.contains("_CrawlStartMs")) {
    out["CrawlElapsedTime"] = std::max<int64_t>(0, now_ms - record["_CrawlStartMs"].get<int64_t>());
  } else {
    out["CrawlElapsedTime"] = 0;
  }
  return out;
}

std::vector<S3TargetSpec> s3_targets(const Json& record) {
  std::vector<S3TargetSpec> out;
  for (const auto& target : record.value("Targets", Json::object()).value("S3Targets", Json::array())) {
    S3TargetSpec spec{target.value("Path", ""), {}};
    for (const auto& exclusion : target.value("Exclusions", Json::array())) {
      if (exclusion.is_string()) spec.exclusions.push_back(exclusion.get<std::string>());
    }
    out.push_back(std::move(spec));
  }
  return out;
}

}  // namespace nimbus::glue::crawler
