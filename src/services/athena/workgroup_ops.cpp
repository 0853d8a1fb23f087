// Work groups: "primary" exists in every account and region; others are created. A work group's
// ResultConfiguration gives queries their output location (and overrides theirs when
// EnforceWorkGroupConfiguration is set).
#include <regex>

#include "services/athena/athena_errors.h"
#include "services/athena/athena_service.h"

namespace nimbus::athena {

namespace {

constexpr const char* kPrimary = "primary";

std::string scope(const RequestContext& context) { return context.account_id + "/" + context.region + "/"; }

Json default_configuration() {
  return {{"ResultConfiguration", Json::object()},
          {"EnforceWorkGroupConfiguration", false},
          {"PublishCloudWatchMetricsEnabled", false},
          {"RequesterPaysEnabled", false},
          {"EngineVersion", {{"SelectedEngineVersion", "AUTO"}, {"EffectiveEngineVersion", "Athena engine version 3"}}},
          {"EnableMinimumEncryptionConfiguration", false}};
}

void check_name(const std::string& name) {
  static const std::regex pattern("[a-zA-Z0-9._-]{1,128}");
  if (!std::regex_match(name, pattern)) {
    throw errors::invalid_request("1 validation error detected: Value '" + name +
                                  "' at 'name' failed to satisfy constraint: Member must satisfy regular expression "
                                  "pattern: [a-zA-Z0-9._-]{1,128}");
  }
}

// Configuration updates merge into the stored configuration (ConfigurationUpdates' names).
void apply_updates(Json& configuration, const Json& updates) {
  for (const char* flag : {"EnforceWorkGroupConfiguration", "PublishCloudWatchMetricsEnabled", "RequesterPaysEnabled",
                           "BytesScannedCutoffPerQuery", "EngineVersion"}) {
    if (updates.contains(flag)) configuration[flag] = updates[flag];
  }
  if (updates.value("RemoveBytesScannedCutoffPerQuery", false)) configuration.erase("BytesScannedCutoffPerQuery");
  if (updates.contains("ResultConfigurationUpdates")) {
    auto& result = configuration["ResultConfiguration"];
    const auto& change = updates["ResultConfigurationUpdates"];
    if (change.contains("OutputLocation")) result["OutputLocation"] = change["OutputLocation"];
    if (change.value("RemoveOutputLocation", false)) result.erase("OutputLocation");
  }
}

}  // namespace

Json AthenaService::work_group(const RequestContext& context, const std::string& name) const {
  if (auto record = work_groups_.get(scope(context) + name)) return *record;
  if (name == kPrimary) {
    return {{"Name", kPrimary}, {"State", "ENABLED"}, {"Configuration", default_configuration()},
            {"Description", ""}, {"CreationTime", 0.0}};
  }
  throw errors::workgroup_not_found(name);
}

awaitable<Json> AthenaService::create_work_group(RequestContext& context, const Json& in) {
  std::string name = in.value("Name", "");
  check_name(name);
  Json configuration = default_configuration();
  if (in.contains("Configuration")) {
    for (auto& [key, value] : in["Configuration"].items()) configuration[key] = value;
  }
  double now = static_cast<double>(clock_.now_ms()) / 1000.0;
  auto updated = work_groups_.update(scope(context) + name, [&](std::optional<Json>& record) {
    if (record || name == kPrimary) throw errors::invalid_request("WorkGroup is already created");
    record = Json{{"Name", name}, {"State", "ENABLED"}, {"Configuration", configuration},
                  {"Description", in.value("Description", "")}, {"CreationTime", now}};
  });
  co_await updated.first->wait();
  co_return Json::object();
}

awaitable<Json> AthenaService::get_work_group(RequestContext& context, const Json& in) {
  co_return Json{{"WorkGroup", work_group(context, in.value("WorkGroup", ""))}};
}

awaitable<Json> AthenaService::list_work_groups(RequestContext& context, const Json&) {
  Json groups = Json::array();
  bool primary_stored = false;
  for (auto& [key, record] : work_groups_.list(scope(context))) {
    primary_stored = primary_stored || record["Name"] == kPrimary;
    groups.push_back({{"Name", record["Name"]}, {"State", record["State"]}, {"Description", record["Description"]},
                      {"CreationTime", record["CreationTime"]},
                      {"EngineVersion", record["Configuration"].value("EngineVersion", Json::object())}});
  }
  if (!primary_stored) {
    auto primary = work_group(context, kPrimary);
    Json summary = {{"Name", kPrimary},
                    {"State", "ENABLED"},
                    {"Description", ""},
                    {"CreationTime", primary["CreationTime"]},
                    {"EngineVersion", primary["Configuration"]["EngineVersion"]}};
    groups.insert(groups.begin(), summary);
  }
  co_return Json{{"WorkGroups", groups}};
}

awaitable<Json> AthenaService::update_work_group(RequestContext& context, const Json& in) {
  std::string name = in.value("WorkGroup", "");
  Json current = work_group(context, name);
  auto updated = work_groups_.update(scope(context) + name, [&](std::optional<Json>& record) {
    if (!record) record = current;
    if (in.contains("Description")) (*record)["Description"] = in["Description"];
    if (in.contains("State")) (*record)["State"] = in["State"];
    if (in.contains("ConfigurationUpdates")) apply_updates((*record)["Configuration"], in["ConfigurationUpdates"]);
  });
  co_await updated.first->wait();
  co_return Json::object();
}

awaitable<Json> AthenaService::delete_work_group(RequestContext& context, const Json& in) {
  std::string name = in.value("WorkGroup", "");
  if (name == kPrimary) throw errors::invalid_request("Primary workgroup cannot be deleted");
  work_group(context, name);
  auto updated = work_groups_.update(scope(context) + name, [](std::optional<Json>& record) { record.reset(); });
  co_await updated.first->wait();
  co_return Json::object();
}

}  // namespace nimbus::athena
