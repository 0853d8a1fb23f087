// PublishVersion, ListVersionsByFunction and aliases (CreateAlias, GetAlias, UpdateAlias,
// DeleteAlias, ListAliases) with weighted routing to a second version.

#include <regex>

#include "core/ids.h"
#include "services/lambda/control_common.h"
#include "services/lambda/lambda_errors.h"
#include "services/lambda/lambda_names.h"
#include "services/lambda/lambda_service.h"

namespace nimbus::lambda {

namespace {

constexpr size_t kListPage = 50;

// The configuration without what changes on every update or differs per version: two
// configurations equal under it publish as the same version.
Json publish_base(Json config) {
  for (const char* member : {"Version", "FunctionArn", "RevisionId", "LastModified", "State", "StateReason",
                             "StateReasonCode", "LastUpdateStatus", "LastUpdateStatusReason",
                             "LastUpdateStatusReasonCode", "Description"}) {
    config.erase(member);
  }
  if (config.contains("SnapStart")) config["SnapStart"].erase("OptimizationStatus");
  return config;
}

void check_alias_name(const std::string& name) {
  static const std::regex pattern(R"(^(?!^[0-9]+$)([a-zA-Z0-9-_]+)$)");
  if (name.size() > 128 || !std::regex_match(name, pattern)) {
    throw errors::validation("1 validation error detected: Value '" + name +
                             "' at 'name' failed to satisfy constraint: Member must satisfy regular expression "
                             "pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)");
  }
}

void check_target_version(const Json& record, const std::string& function_arn, const std::string& version) {
  if (version == "$LATEST") return;
  if (!control::is_version_number(version) || !record["versions"].contains(version)) {
    throw errors::function_not_found(function_arn + ":" + version);
  }
}

// AdditionalVersionWeights: one published version other than the alias's own, weight in [0, 1).
Json routing_config(const Json& record, const std::string& function_arn, const std::string& version,
                    const Json& routing) {
  Json weights = routing.value("AdditionalVersionWeights", Json::object());
  if (weights.empty()) return nullptr;
  if (weights.size() > 1) {
    throw errors::invalid_parameter("Number of items in AdditionalVersionWeights cannot be greater than 1");
  }
  for (auto it = weights.begin(); it != weights.end(); ++it) {
    double weight = it.value().get<double>();
    std::string text = it.key() + "=" + it.value().dump();
    if (weight < 0.0 || weight >= 1.0) {
      throw errors::validation("1 validation error detected: Value '{" + text +
                               "}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map "
                               "value must satisfy constraint: [Member must have value less than or equal to 1.0, "
                               "Member must have value greater than or equal to 0.0, Member must not be null]");
    }
    if (it.key() == version) {
      throw errors::invalid_parameter("Invalid function version " + version + ". Function version " + version +
                                      " is already included in routing configuration.");
    }
    if (version == "$LATEST") {
      throw errors::invalid_parameter("$LATEST is not supported for an alias pointing to more than 1 version");
    }
    if (!control::is_version_number(it.key())) {
      throw errors::validation("1 validation error detected: Value '{" + text +
                               "}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map "
                               "keys must satisfy constraint: [Member must have length less than or equal to 1024, "
                               "Member must have length greater than or equal to 1, Member must satisfy regular "
                               "expression pattern: [0-9]+, Member must not be null]");
    }
    check_target_version(record, function_arn, it.key());
  }
  return Json{{"AdditionalVersionWeights", weights}};
}

std::vector<int> version_numbers(const Json& record) {
  std::vector<int> numbers;
  for (auto it = record["versions"].begin(); it != record["versions"].end(); ++it) numbers.push_back(std::stoi(it.key()));
  std::sort(numbers.begin(), numbers.end());
  return numbers;
}

}  // namespace

awaitable<Json> LambdaService::publish_version(RequestContext& context, Json& input) {
  auto resolved = resolve(context, input["FunctionName"].get<std::string>(), "");
  std::string function_arn = control::unqualified(resolved.config["FunctionArn"].get<std::string>());
  std::string published;
  bool created = false;
  auto updated = functions_.update(resolved.key, [&](std::optional<Json>& record) {
    if (!record) throw errors::function_not_found(function_arn);
    const Json& latest = (*record)["latest"];
    std::string revision = input.value("RevisionId", "");
    if (!revision.empty() && revision != latest.value("RevisionId", "")) throw control::revision_mismatch();
    std::string sha = input.value("CodeSha256", "");
    if (!sha.empty() && sha != latest.value("CodeSha256", "")) {
      throw errors::invalid_parameter("CodeSHA256 (" + sha + ") is different from current CodeSHA256 in $LATEST (" +
                                      latest.value("CodeSha256", "") +
                                      "). Please try again with the CodeSHA256 in $LATEST.");
    }
    // Nothing changed since the last publication: AWS answers that version again.
    auto numbers = version_numbers(*record);
    if (!numbers.empty()) {
      std::string last = std::to_string(numbers.back());
      if (publish_base((*record)["versions"][last]) == publish_base(latest)) {
        published = last;
        return;
      }
    }
    int number = record->value("next_version", 1);
    published = std::to_string(number);
    created = true;
    Json version = latest;
    version["Version"] = published;
    version["FunctionArn"] = function_arn + ":" + published;
    if (input.contains("Description")) version["Description"] = input["Description"];
    version["RevisionId"] = ids::uuid4();
    version["LastModified"] = lambda_timestamp(clock_.wall_ms());
    version["State"] = "Active";
    version["LastUpdateStatus"] = "Successful";
    for (const char* member : {"StateReason", "StateReasonCode", "LastUpdateStatusReason", "LastUpdateStatusReasonCode"}) {
      version.erase(member);
    }
    if (version.contains("SnapStart")) {
      version["SnapStart"]["OptimizationStatus"] =
          version["SnapStart"].value("ApplyOn", "None") == "PublishedVersions" ? "On" : "Off";
    }
    (*record)["versions"][published] = version;
    (*record)["code"][published] = (*record)["code"].value("$LATEST", "");
    (*record)["next_version"] = number + 1;
  });
  auto pending = updated.first;
  auto stored = std::move(updated.second);
  co_await pending->wait();
  Json answer = (*stored)["versions"][published];
  if (created) {
    // As AWS answers a publication: the version is Pending until it is ready (at once here).
    answer["State"] = "Pending";
    answer["StateReason"] = "The function is being created.";
    answer["StateReasonCode"] = "Creating";
    answer.erase("LastUpdateStatus");
  }
  co_return answer;
}

awaitable<Json> LambdaService::list_versions_by_function(RequestContext& context, Json& input) {
  auto resolved = resolve(context, input["FunctionName"].get<std::string>(), "");
  std::vector<Json> versions;
  Json latest = resolved.record["latest"];
  latest["FunctionArn"] = control::unqualified(latest["FunctionArn"].get<std::string>()) + ":$LATEST";
  versions.push_back(latest);
  for (int number : version_numbers(resolved.record)) versions.push_back(resolved.record["versions"][std::to_string(number)]);
  Json out = Json::object();
  control::page(input, versions, kListPage, "Versions", out);
  co_return out;
}

awaitable<Json> LambdaService::create_alias(RequestContext& context, Json& input) {
  std::string name = input["Name"].get<std::string>();
  check_alias_name(name);
  auto resolved = resolve(context, input["FunctionName"].get<std::string>(), "");
  std::string function_arn = control::unqualified(resolved.config["FunctionArn"].get<std::string>());
  std::string version = input["FunctionVersion"].get<std::string>();
  Json alias;
  auto updated = functions_.update(resolved.key, [&](std::optional<Json>& record) {
    if (!record) throw errors::function_not_found(function_arn);
    check_target_version(*record, function_arn, version);
    if ((*record)["aliases"].contains(name)) throw errors::conflict("Alias already exists: " + function_arn + ":" + name);
    alias = {{"AliasArn", function_arn + ":" + name},
             {"Name", name},
             {"FunctionVersion", version},
             {"Description", input.value("Description", "")},
             {"RevisionId", ids::uuid4()}};
    Json routing = routing_config(*record, function_arn, version, input.value("RoutingConfig", Json::object()));
    if (!routing.is_null()) alias["RoutingConfig"] = routing;
    (*record)["aliases"][name] = alias;
  });
  co_await updated.first->wait();
  co_return alias;
}

awaitable<Json> LambdaService::get_alias(RequestContext& context, Json& input) {
  std::string name = input["Name"].get<std::string>();
  auto resolved = resolve(context, input["FunctionName"].get<std::string>(), "");
  std::string function_arn = control::unqualified(resolved.config["FunctionArn"].get<std::string>());
  auto alias = resolved.record["aliases"].find(name);
  if (alias == resolved.record["aliases"].end()) {
    throw errors::resource_not_found("Cannot find alias arn: " + function_arn + ":" + name);
  }
  co_return *alias;
}

awaitable<Json> LambdaService::update_alias(RequestContext& context, Json& input) {
  std::string name = input["Name"].get<std::string>();
  auto resolved = resolve(context, input["FunctionName"].get<std::string>(), "");
  std::string function_arn = control::unqualified(resolved.config["FunctionArn"].get<std::string>());
  Json alias;
  auto updated = functions_.update(resolved.key, [&](std::optional<Json>& record) {
    if (!record) throw errors::function_not_found(function_arn);
    if (!(*record)["aliases"].contains(name)) {
      throw errors::resource_not_found("Alias not found: " + function_arn + ":" + name);  // (GetAlias words it otherwise)
    }
    alias = (*record)["aliases"][name];
    std::string revision = input.value("RevisionId", "");
    if (!revision.empty() && revision != alias.value("RevisionId", "")) throw control::revision_mismatch();
    if (input.contains("FunctionVersion")) {
      std::string version = input["FunctionVersion"].get<std::string>();
      check_target_version(*record, function_arn, version);
      alias["FunctionVersion"] = version;
    }
    if (input.contains("Description")) alias["Description"] = input["Description"];
    Json routing = alias.value("RoutingConfig", Json::object());
    if (input.contains("RoutingConfig")) routing = input["RoutingConfig"];
    routing = routing_config(*record, function_arn, alias["FunctionVersion"].get<std::string>(), routing);
    if (routing.is_null()) {
      alias.erase("RoutingConfig");
    } else {
      alias["RoutingConfig"] = routing;
    }
    alias["RevisionId"] = ids::uuid4();
    (*record)["aliases"][name] = alias;
  });
  co_await updated.first->wait();
  co_return alias;
}

awaitable<Json> LambdaService::delete_alias(RequestContext& context, Json& input) {
  std::string name = input["Name"].get<std::string>();
  auto resolved = resolve(context, input["FunctionName"].get<std::string>(), "");
  std::string function_arn = control::unqualified(resolved.config["FunctionArn"].get<std::string>());
  auto updated = functions_.update(resolved.key, [&](std::optional<Json>& record) {
    if (!record) throw errors::function_not_found(function_arn);
    // Deleting an alias that does not exist succeeds, as on AWS. What was configured for the
    // alias goes with it.
    (*record)["aliases"].erase(name);
    for (const char* member : {"invoke_configs", "url_configs"}) {
      if (record->contains(member) && (*record)[member].is_object()) (*record)[member].erase(name);
    }
    if (record->contains("policy") && (*record)["policy"].is_object()) (*record)["policy"].erase(name);
  });
  co_await updated.first->wait();
  co_return Json::object();
}

awaitable<Json> LambdaService::list_aliases(RequestContext& context, Json& input) {
  auto resolved = resolve(context, input["FunctionName"].get<std::string>(), "");
  std::string version = input.value("FunctionVersion", "");
  std::vector<Json> aliases;
  for (const auto& alias : resolved.record["aliases"]) {
    if (version.empty() || alias.value("FunctionVersion", "") == version) aliases.push_back(alias);
  }
  Json out = Json::object();
  control::page(input, aliases, kListPage, "Aliases", out);
  co_return out;
}

}  // namespace nimbus::lambda
