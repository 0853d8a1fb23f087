// CreateFunction, GetFunction(Configuration), UpdateFunctionCode/Configuration, DeleteFunction,
// ListFunctions, GetAccountSettings.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <regex>
#include <set>

#include "core/ids.h"
#include "services/lambda/code_package.h"
#include "services/lambda/control_common.h"
#include "services/lambda/lambda_errors.h"
#include "services/lambda/lambda_names.h"
#include "services/lambda/lambda_service.h"

namespace nimbus::lambda {
namespace asio = boost::asio;

namespace {

constexpr size_t kMaxFunctionsPage = 50;

void check_role(const Json& role) {
  static const std::regex pattern(R"(^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+$)");
  std::string text = role.get<std::string>();
  if (!std::regex_match(text, pattern)) {
    throw errors::validation("1 validation error detected: Value '" + text +
                             "' at 'role' failed to satisfy constraint: Member must satisfy regular expression "
                             "pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+");
  }
}

void check_range(const Json& input, const char* member, const char* wire, int min, int max) {
  if (!input.contains(member)) return;
  int value = input[member].get<int>();
  if (value < min || value > max) {
    throw errors::validation("1 validation error detected: Value '" + std::to_string(value) + "' at '" + wire +
                             "' failed to satisfy constraint: Member must have value " +
                             (value < min ? "greater than or equal to " + std::to_string(min)
                                          : "less than or equal to " + std::to_string(max)));
  }
}

// What GetFunction/ListFunctions show of a configuration: its stored form without internals.
Json shown(const Json& config) { return config; }

// Runtimes Lambda accepts for new functions today, and those it has retired.
void check_runtime(const std::string& runtime) {
  static const std::set<std::string, std::less<>> current = {
      "nodejs18.x", "nodejs20.x", "nodejs22.x", "python3.9", "python3.10", "python3.11", "python3.12",
      "python3.13", "java8.al2", "java11", "java17", "java21", "dotnet8", "ruby3.2", "ruby3.3", "ruby3.4",
      "provided.al2", "provided.al2023"};
  static const std::set<std::string, std::less<>> retired = {
      "nodejs", "nodejs4.3", "nodejs6.10", "nodejs8.10", "nodejs10.x", "nodejs12.x", "nodejs14.x", "nodejs16.x",
      "python2.7", "python3.6", "python3.7", "python3.8", "java8", "dotnetcore1.0", "dotnetcore2.0",
      "dotnetcore2.1", "dotnetcore3.1", "dotnet6", "nodejs4.3-edge", "go1.x", "ruby2.5", "ruby2.7", "provided"};
  if (current.count(runtime)) return;
  if (retired.count(runtime)) {
    throw errors::invalid_parameter("The runtime parameter of " + runtime +
                                    " is no longer supported for creating or updating AWS Lambda functions. We "
                                    "recommend you use a supported runtime while creating or updating functions.");
  }
  throw errors::invalid_parameter("Value " + runtime + " at 'runtime' failed to satisfy constraint: Member must "
                                  "satisfy enum value set: [nodejs20.x, provided.al2023, python3.12, python3.13, "
                                  "nodejs22.x, java17, python3.10, java11, python3.11, dotnet8, java21, nodejs18.x, "
                                  "provided.al2, ruby3.3, ruby3.4, java8.al2, ruby3.2, python3.9] or be a valid ARN");
}

// An update naming a RevisionId applies only to that revision (optimistic locking).
void check_revision(const Json& input, const Json& config) {
  std::string revision = input.value("RevisionId", "");
  if (!revision.empty() && revision != config.value("RevisionId", "")) {
    throw control::revision_mismatch();
  }
}

awaitable<CodePackage> unpack_job(std::filesystem::path dir, std::string zip) {
  co_return store_code_package(dir, zip);
}

}  // namespace

void LambdaService::apply_configuration(const RequestContext& context, const Json& input, Json& config,
                                        bool creating) const {
  if (input.contains("Role")) check_role(input["Role"]);
  if (input.contains("Runtime")) check_runtime(input["Runtime"].get<std::string>());
  check_range(input, "Timeout", "timeout", 1, 900);
  check_range(input, "MemorySize", "memorySize", 128, 10240);
  for (const char* member : {"Role", "Handler", "Description", "Runtime", "KMSKeyArn"}) {
    if (input.contains(member)) config[member] = input[member];
  }
  if (input.contains("Timeout")) config["Timeout"] = input["Timeout"];
  if (input.contains("MemorySize")) config["MemorySize"] = input["MemorySize"];
  if (input.contains("Environment")) {
    Json variables = input["Environment"].value("Variables", Json::object());
    // Reserved names AWS refuses to let a function set.
    for (const char* reserved : {"_HANDLER", "AWS_REGION", "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME",
                                 "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
                                 "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY_ID",
                                 "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_LAMBDA_RUNTIME_API",
                                 "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR"}) {
      if (variables.contains(reserved)) {
        throw errors::invalid_parameter(
            "Lambda was unable to configure your environment variables because the environment variables you have "
            "provided contains reserved keys that are currently not supported for modification. Reserved keys used "
            "in this request: " + std::string(reserved));
      }
    }
    config["Environment"] = {{"Variables", variables}};
  }
  if (input.contains("DeadLetterConfig")) config["DeadLetterConfig"] = input["DeadLetterConfig"];
  if (input.contains("TracingConfig")) {
    config["TracingConfig"] = {{"Mode", input["TracingConfig"].value("Mode", "PassThrough")}};
  }
  if (input.contains("VpcConfig")) {
    config["VpcConfig"] = {{"SubnetIds", input["VpcConfig"].value("SubnetIds", Json::array())},
                           {"SecurityGroupIds", input["VpcConfig"].value("SecurityGroupIds", Json::array())},
                           {"VpcId", ""}};
  }
  if (input.contains("EphemeralStorage")) config["EphemeralStorage"] = input["EphemeralStorage"];
  if (input.contains("ImageConfig")) config["ImageConfigResponse"] = {{"ImageConfig", input["ImageConfig"]}};
  if (input.contains("FileSystemConfigs")) config["FileSystemConfigs"] = input["FileSystemConfigs"];
  if (input.contains("LoggingConfig")) {
    Json logging = config.value("LoggingConfig", Json::object());
    for (const auto& [name, value] : input["LoggingConfig"].items()) logging[name] = value;
    config["LoggingConfig"] = logging;
  }
  if (input.contains("SnapStart")) {
    config["SnapStart"] = {{"ApplyOn", input["SnapStart"].value("ApplyOn", "None")}, {"OptimizationStatus", "Off"}};
  }
  if (input.contains("Layers")) config["Layers"] = function_layers(context, input["Layers"]);
  if (creating) {
    std::string package_type = input.value("PackageType", "Zip");
    if (package_type == "Zip" && (!config.contains("Runtime") || !config.contains("Handler"))) {
      throw errors::invalid_parameter(
          "Runtime and Handler are mandatory parameters for functions created with deployment packages.");
    }
  }
  (void)context;
}

awaitable<Json> LambdaService::store_code(RequestContext& context, const Json& code) {
  std::string zip;
  if (code.contains("ZipFile")) {
    zip = code["ZipFile"].get<std::string>();
  } else if (code.contains("S3Bucket") && code.contains("S3Key")) {
    delivery::Target target{"s3", "GetObject", context.account_id, context.region,
                            {{"Bucket", code["S3Bucket"]}, {"Key", code["S3Key"]}}};
    if (code.contains("S3ObjectVersion")) target.input["VersionId"] = code["S3ObjectVersion"];
    RequestContext as_lambda = context;
    as_lambda.invoked_by = {"lambda.amazonaws.com", "", context.account_id};
    Json object;
    try {
      object = co_await call_service_(target, as_lambda);
    } catch (const AwsError& error) {
      throw errors::invalid_parameter("Error occurred while GetObject. S3 Error Code: " + error.code +
                                      ". S3 Error Message: " + error.message);
    }
    zip = object.value("Body", "");
  } else if (code.contains("ImageUri")) {
    co_return Json{{"ImageUri", code["ImageUri"]}};
  } else {
    throw errors::invalid_parameter("Please provide a source for function code.");
  }
  // Unpacking writes files: on the blocking pool, never on an I/O thread.
  auto dir = files_dir_ / "code";
  // (A named job, not a lambda temporary: GCC 12 destroys temporaries of a co_await twice.)
  auto job = unpack_job(std::move(dir), std::move(zip));
  CodePackage package = co_await asio::co_spawn(blocking_, std::move(job), asio::use_awaitable);
  co_return Json{{"CodeSha256", package.sha256_base64}, {"CodeSize", package.size}, {"sha256_hex", package.sha256_hex}};
}

awaitable<Json> LambdaService::create_function(RequestContext& context, Json& input) {
  auto ref = parse_function_ref(input["FunctionName"].get<std::string>());
  check_function_name(ref.name);
  std::string account = ref.account.empty() ? context.account_id : ref.account;
  std::string region = ref.region.empty() ? context.region : ref.region;
  std::string key = scoped_key(account, region, ref.name);
  if (functions_.get(key)) throw errors::conflict("Function already exist: " + ref.name);

  std::string arn = function_arn(region, account, ref.name);
  Json config = {{"FunctionName", ref.name},
                 {"FunctionArn", arn},
                 {"Description", ""},
                 {"Timeout", 3},
                 {"MemorySize", 128},
                 {"Version", "$LATEST"},
                 {"TracingConfig", {{"Mode", "PassThrough"}}},
                 {"PackageType", input.value("PackageType", "Zip")},
                 {"Architectures", input.value("Architectures", Json::array({"x86_64"}))},
                 {"EphemeralStorage", {{"Size", 512}}},
                 {"SnapStart", {{"ApplyOn", "None"}, {"OptimizationStatus", "Off"}}},
                 {"LoggingConfig", {{"LogFormat", "Text"}, {"LogGroup", "/aws/lambda/" + ref.name}}}};
  apply_configuration(context, input, config, true);
  Json code = co_await store_code(context, input["Code"]);
  std::string sha_hex = code.value("sha256_hex", "");
  config["CodeSha256"] = code.value("CodeSha256", "");
  config["CodeSize"] = code.value("CodeSize", 0);
  if (code.contains("ImageUri")) config["CodeSha256"] = "";
  config["LastModified"] = lambda_timestamp(clock_.wall_ms());
  config["RevisionId"] = ids::uuid4();
  config["State"] = "Active";
  config["LastUpdateStatus"] = "Successful";

  Json record = {{"latest", config},
                 {"code", {{"$LATEST", sha_hex}}},
                 {"versions", Json::object()},
                 {"next_version", 1},
                 {"aliases", Json::object()},
                 {"policy", Json::array()},
                 {"concurrency", nullptr},
                 {"invoke_configs", Json::object()},
                 {"url_configs", Json::object()},
                 {"tags", input.value("Tags", Json::object())},
                 {"image_uri", code.value("ImageUri", "")}};
  bool publish = input.value("Publish", false);
  auto updated = functions_.update(key, [&](std::optional<Json>& existing) {
    if (existing) throw errors::conflict("Function already exist: " + ref.name);
    if (publish) {
      Json version = config;
      version["Version"] = "1";
      version["FunctionArn"] = arn + ":1";
      record["versions"]["1"] = version;
      record["code"]["1"] = sha_hex;
      record["next_version"] = 2;
    }
    existing = record;
  });
  auto pending = updated.first;
  auto stored = std::move(updated.second);
  co_await pending->wait();
  // As AWS answers a create: the function is Pending until its code is ready; it is ready by the
  // time any later request sees it, so waiters finish on their first poll.
  Json answer = publish ? (*stored)["versions"]["1"] : config;
  answer["State"] = "Pending";
  answer["StateReason"] = "The function is being created.";
  answer["StateReasonCode"] = "Creating";
  answer.erase("LastUpdateStatus");
  co_return answer;
}

awaitable<Json> LambdaService::get_function(RequestContext& context, Json& input) {
  auto resolved = resolve(context, input["FunctionName"].get<std::string>(), input.value("Qualifier", ""));
  Json out = {{"Configuration", shown(resolved.config)}};
  std::string image = resolved.record.value("image_uri", "");
  if (!image.empty()) {
    out["Code"] = {{"RepositoryType", "ECR"}, {"ImageUri", image}, {"ResolvedImageUri", image}};
  } else {
    std::string sha = resolved.record["code"].value(resolved.version, "");
    out["Code"] = {{"RepositoryType", "S3"},
                   {"Location", "http://" + (context.host.empty() ? std::string("localhost:4566") : context.host) +
                                    "/_nimbus/lambda/code/" + sha + ".zip"}};
  }
  if (!resolved.record["tags"].empty()) out["Tags"] = resolved.record["tags"];
  if (resolved.record.contains("concurrency") && !resolved.record["concurrency"].is_null()) {
    out["Concurrency"] = {{"ReservedConcurrentExecutions", resolved.record["concurrency"]}};
  }
  co_return out;
}

awaitable<Json> LambdaService::get_function_configuration(RequestContext& context, Json& input) {
  auto resolved = resolve(context, input["FunctionName"].get<std::string>(), input.value("Qualifier", ""));
  co_return shown(resolved.config);
}

awaitable<Json> LambdaService::update_function_code(RequestContext& context, Json& input) {
  auto resolved = resolve(context, input["FunctionName"].get<std::string>(), "");
  check_revision(input, resolved.config);
  Json code = co_await store_code(context, input);
  if (input.value("DryRun", false)) {
    Json answer = resolved.config;
    answer["CodeSha256"] = code.value("CodeSha256", "");
    answer["CodeSize"] = code.value("CodeSize", 0);
    co_return answer;
  }
  bool publish = input.value("Publish", false);
  std::string published;
  auto updated = functions_.update(resolved.key, [&](std::optional<Json>& record) {
    if (!record) throw errors::function_not_found(resolved.config["FunctionArn"].get<std::string>());
    Json& latest = (*record)["latest"];
    latest["CodeSha256"] = code.value("CodeSha256", "");
    latest["CodeSize"] = code.value("CodeSize", 0);
    if (input.contains("Architectures")) latest["Architectures"] = input["Architectures"];
    latest["LastModified"] = lambda_timestamp(clock_.wall_ms());
    latest["RevisionId"] = ids::uuid4();
    (*record)["code"]["$LATEST"] = code.value("sha256_hex", "");
    if (code.contains("ImageUri")) (*record)["image_uri"] = code["ImageUri"];
    if (publish) {
      int number = (*record).value("next_version", 1);
      published = std::to_string(number);
      Json version = latest;
      version["Version"] = published;
      version["FunctionArn"] = latest["FunctionArn"].get<std::string>() + ":" + published;
      (*record)["versions"][published] = version;
      (*record)["code"][published] = (*record)["code"]["$LATEST"];
      (*record)["next_version"] = number + 1;
    }
  });
  auto pending = updated.first;
  auto stored = std::move(updated.second);
  co_await pending->wait();
  pool_.retire(control::unqualified(resolved.config["FunctionArn"].get<std::string>()));
  Json answer = published.empty() ? (*stored)["latest"] : (*stored)["versions"][published];
  answer["LastUpdateStatus"] = "InProgress";
  answer["LastUpdateStatusReason"] = "The function is being created.";
  answer["LastUpdateStatusReasonCode"] = "Creating";
  co_return answer;
}

awaitable<Json> LambdaService::update_function_configuration(RequestContext& context, Json& input) {
  auto resolved = resolve(context, input["FunctionName"].get<std::string>(), "");
  check_revision(input, resolved.config);
  auto updated = functions_.update(resolved.key, [&](std::optional<Json>& record) {
    if (!record) throw errors::function_not_found(resolved.config["FunctionArn"].get<std::string>());
    Json& latest = (*record)["latest"];
    apply_configuration(context, input, latest, false);
    latest["LastModified"] = lambda_timestamp(clock_.wall_ms());
    latest["RevisionId"] = ids::uuid4();
  });
  auto pending = updated.first;
  auto stored = std::move(updated.second);
  co_await pending->wait();
  pool_.retire(control::unqualified(resolved.config["FunctionArn"].get<std::string>()));
  Json answer = (*stored)["latest"];
  answer["LastUpdateStatus"] = "InProgress";
  answer["LastUpdateStatusReason"] = "The function is being created.";
  answer["LastUpdateStatusReasonCode"] = "Creating";
  co_return answer;
}

awaitable<Json> LambdaService::delete_function(RequestContext& context, Json& input) {
  std::string qualifier = input.value("Qualifier", "");
  auto resolved = resolve(context, input["FunctionName"].get<std::string>(), qualifier);
  if (!resolved.alias.empty()) {
    throw errors::invalid_parameter("Deletion of aliases is not supported.");
  }
  if (qualifier == "$LATEST") {
    throw errors::invalid_parameter("$LATEST version cannot be deleted without deleting the function.");
  }
  auto updated = functions_.update(resolved.key, [&](std::optional<Json>& record) {
    if (!record) return;
    if (qualifier.empty()) {
      record.reset();
      return;
    }
    for (const auto& [name, alias] : (*record)["aliases"].items()) {
      if (alias.value("FunctionVersion", "") == resolved.version) {
        throw errors::conflict("Unable to delete version because the following aliases reference it: [" + name + "]");
      }
    }
    (*record)["versions"].erase(resolved.version);
    (*record)["code"].erase(resolved.version);
  });
  auto pending = updated.first;
  auto stored = std::move(updated.second);
  co_await pending->wait();
  pool_.retire(control::unqualified(resolved.config["FunctionArn"].get<std::string>()));
  co_return Json::object();
}

awaitable<Json> LambdaService::list_functions(RequestContext& context, Json& input) {
  bool all_versions = input.value("FunctionVersion", "") == "ALL";
  size_t max_items = kMaxFunctionsPage;
  if (input.contains("MaxItems")) max_items = std::clamp<size_t>(input["MaxItems"].get<size_t>(), 1, kMaxFunctionsPage);
  // The marker is the position in the listing (names in order, each followed by its versions).
  size_t start = 0;
  if (input.contains("Marker")) {
    try {
      start = std::stoul(input["Marker"].get<std::string>());
    } catch (const std::exception&) {
      throw errors::invalid_parameter("Invalid marker: " + input["Marker"].get<std::string>());
    }
  }
  std::vector<Json> configs;
  for (const auto& [key, record] : functions_.list(context.account_id + "/" + context.region + "/")) {
    configs.push_back(record["latest"]);
    if (!all_versions) continue;
    std::vector<std::pair<int, Json>> versions;
    for (const auto& [number, config] : record["versions"].items()) versions.emplace_back(std::stoi(number), config);
    std::sort(versions.begin(), versions.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& entry : versions) configs.push_back(std::move(entry.second));
  }
  Json functions = Json::array();
  for (size_t i = start; i < configs.size() && functions.size() < max_items; ++i) functions.push_back(shown(configs[i]));
  Json out = {{"Functions", functions}};
  if (start + functions.size() < configs.size()) out["NextMarker"] = std::to_string(start + functions.size());
  co_return out;
}

awaitable<Json> LambdaService::get_account_settings(RequestContext& context, Json&) {
  int64_t total_code = 0;
  size_t count = 0;
  for (const auto& [key, record] : functions_.list(context.account_id + "/" + context.region + "/")) {
    ++count;
    total_code += record["latest"].value("CodeSize", 0);
  }
  co_return Json{{"AccountLimit",
                  {{"TotalCodeSize", 80530636800LL},
                   {"CodeSizeUnzipped", 262144000},
                   {"CodeSizeZipped", 52428800},
                   {"ConcurrentExecutions", 1000},
                   {"UnreservedConcurrentExecutions", 1000 - reserved_concurrency_sum(context.account_id, context.region)}}},
                 {"AccountUsage", {{"TotalCodeSize", total_code}, {"FunctionCount", count}}}};
}

}  // namespace nimbus::lambda
