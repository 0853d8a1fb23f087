// Reserved concurrency (Put/Get/DeleteFunctionConcurrency, with AWS's floor of 100 unreserved
// executions per account and region) and asynchronous-invocation configs per qualifier
// (Put/Update/Get/Delete/ListFunctionEventInvokeConfigs: retries, maximum event age, destinations).

#include <regex>

#include "services/lambda/control_common.h"
#include "services/lambda/lambda_errors.h"
#include "services/lambda/lambda_names.h"
#include "services/lambda/lambda_service.h"

namespace nimbus::lambda {

namespace {

constexpr int kAccountConcurrency = 1000;
constexpr int kMinimumUnreserved = 100;
constexpr size_t kInvokeConfigPage = 50;

std::string qualifier_of(const Json& input) {
  auto ref = parse_function_ref(input["FunctionName"].get<std::string>());
  std::string qualifier = input.value("Qualifier", "");
  if (!ref.qualifier.empty()) {
    if (!qualifier.empty() && qualifier != ref.qualifier) {
      throw errors::invalid_parameter(
          "The derived qualifier from the function name does not match the specified qualifier.");
    }
    qualifier = ref.qualifier;
  }
  return qualifier;
}

AwsError no_invoke_config(const std::string& arn) {
  return errors::resource_not_found("The function " + arn + " doesn't have an EventInvokeConfig");
}

// The answer for a stored config (LastModified as epoch seconds; FunctionArn qualified).
Json shown_invoke_config(const Json& stored, const std::string& function_arn, const std::string& qualifier) {
  Json out = stored;
  out["FunctionArn"] = function_arn + ":" + qualifier;
  return out;
}

}  // namespace

int LambdaService::reserved_concurrency_sum(const std::string& account, const std::string& region,
                                            const std::string& except_key) const {
  int sum = 0;
  for (const auto& entry : functions_.list(account + "/" + region + "/")) {
    if (entry.first == except_key) continue;
    const Json& concurrency = entry.second.value("concurrency", Json());
    if (concurrency.is_number()) sum += concurrency.get<int>();
  }
  return sum;
}

awaitable<Json> LambdaService::put_function_concurrency(RequestContext& context, Json& input) {
  if (!qualifier_of(input).empty()) {
    throw errors::invalid_parameter(
        "This operation is permitted on Lambda functions only. Aliases and versions do not support this operation. "
        "Please specify either a function name or an unqualified function ARN.");
  }
  auto resolved = resolve(context, input["FunctionName"].get<std::string>(), "");
  std::string function_arn = control::unqualified(resolved.config["FunctionArn"].get<std::string>());
  int reserved = input["ReservedConcurrentExecutions"].get<int>();
  std::string account = resolved.key.substr(0, resolved.key.find('/'));
  std::string region = function_arn.substr(15, function_arn.find(':', 15) - 15);
  // (Summed before the update: the table's lock is held inside it.)
  int unreserved = kAccountConcurrency - reserved_concurrency_sum(account, region, resolved.key);
  if (unreserved - reserved < kMinimumUnreserved) {
    throw errors::invalid_parameter(
        "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution "
        "below its minimum value of [" + std::to_string(kMinimumUnreserved) + "].");
  }
  auto updated = functions_.update(resolved.key, [&](std::optional<Json>& record) {
    if (!record) throw errors::function_not_found(function_arn);
    (*record)["concurrency"] = reserved;
  });
  co_await updated.first->wait();
  co_return Json{{"ReservedConcurrentExecutions", reserved}};
}

awaitable<Json> LambdaService::get_function_concurrency(RequestContext& context, Json& input) {
  auto resolved = resolve(context, input["FunctionName"].get<std::string>(), "");
  const Json& concurrency = resolved.record.value("concurrency", Json());
  if (!concurrency.is_number()) co_return Json::object();
  co_return Json{{"ReservedConcurrentExecutions", concurrency}};
}

awaitable<Json> LambdaService::delete_function_concurrency(RequestContext& context, Json& input) {
  if (!qualifier_of(input).empty()) {
    throw errors::invalid_parameter(
        "This operation is permitted on Lambda functions only. Aliases and versions do not support this operation. "
        "Please specify either a function name or an unqualified function ARN.");
  }
  auto resolved = resolve(context, input["FunctionName"].get<std::string>(), "");
  auto updated = functions_.update(resolved.key, [&](std::optional<Json>& record) {
    if (record) (*record)["concurrency"] = nullptr;
  });
  co_await updated.first->wait();
  co_return Json::object();
}

namespace {

// A destination must be an ARN of SQS, SNS, EventBridge, S3 or another function.
void check_destinations(const Json& config, const std::string& function_arn, const std::string& account,
                        const std::string& region, const std::function<bool(const std::string&)>& function_exists) {
  static const std::regex arn_pattern(
      R"(^$|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:([a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\d{1})?:(\d{12})?:(.*))");
  std::string success = config.value("OnSuccess", Json::object()).value("Destination", "");
  std::string failure = config.value("OnFailure", Json::object()).value("Destination", "");
  bool valid = true;
  for (const auto* member : {"onSuccess", "onFailure"}) {
    const std::string& destination = std::string(member) == "onSuccess" ? success : failure;
    if (destination.empty()) continue;
    if (!std::regex_match(destination, arn_pattern)) {
      throw errors::validation("1 validation error detected: Value '" + destination + "' at 'destinationConfig." +
                               member + ".destination' failed to satisfy constraint: Member must satisfy regular "
                               "expression pattern: ^$|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:([a-z]{2}((-gov)|"
                               "(-iso(b?)))?-[a-z]+-\\d{1})?:(\\d{12})?:(.*)");
    }
    std::string service = destination.substr(4);
    service = service.substr(service.find(':') + 1);
    service = service.substr(0, service.find(':'));
    if (service == "lambda") {
      if (control::unqualified(destination) == function_arn) {
        throw errors::invalid_parameter("You can't specify the function as a destination for itself.");
      }
      if (!function_exists(destination)) {
        throw errors::invalid_parameter("The destination ARN " + destination + " is invalid.");
      }
    } else if (service != "sqs" && service != "sns" && service != "events" && service != "s3") {
      valid = false;
    }
  }
  (void)account;
  (void)region;
  if (!valid) {
    std::string on_success = success.empty() ? "null" : "OnSuccess(destination=" + success + ")";
    std::string on_failure = failure.empty() ? "null" : "OnFailure(destination=" + failure + ")";
    throw errors::invalid_parameter("The provided destination config DestinationConfig(onSuccess=" + on_success +
                                    ", onFailure=" + on_failure + ") is invalid.");
  }
}

}  // namespace

awaitable<Json> LambdaService::put_function_event_invoke_config(RequestContext& context, Json& input) {
  bool update = input.value("_update", false);
  if (!input.contains("MaximumRetryAttempts") && !input.contains("MaximumEventAgeInSeconds") &&
      !input.contains("DestinationConfig")) {
    throw errors::invalid_parameter("You must specify at least one of error handling or destination setting.");
  }
  std::string qualifier = qualifier_of(input);
  auto ref = parse_function_ref(input["FunctionName"].get<std::string>());
  std::string account = ref.account.empty() ? context.account_id : ref.account;
  std::string region = ref.region.empty() ? context.region : ref.region;
  std::string key = scoped_key(account, region, ref.name);
  std::string function_arn = nimbus::lambda::function_arn(region, account, ref.name);
  auto function_exists = [&](const std::string& arn) {
    try {
      resolve(context, arn, "");
      return true;
    } catch (const AwsError&) {
      return false;
    }
  };
  if (input.contains("DestinationConfig")) {
    check_destinations(input["DestinationConfig"], function_arn, account, region, function_exists);
  }
  std::string stored_qualifier = qualifier.empty() ? "$LATEST" : qualifier;
  Json answer;
  auto updated = functions_.update(key, [&](std::optional<Json>& record) {
    if (!record) throw errors::resource_not_found("The function doesn't exist.");
    if (!qualifier.empty() && qualifier != "$LATEST" && !(*record)["versions"].contains(qualifier) &&
        !(*record)["aliases"].contains(qualifier)) {
      throw errors::resource_not_found("The function doesn't exist.");
    }
    if (!(*record)["invoke_configs"].is_object()) (*record)["invoke_configs"] = Json::object();
    Json config = Json::object();
    if (update) {
      auto existing = (*record)["invoke_configs"].find(stored_qualifier);
      if (existing == (*record)["invoke_configs"].end()) throw no_invoke_config(function_arn + ":" + stored_qualifier);
      config = *existing;
    } else {
      config["DestinationConfig"] = {{"OnSuccess", Json::object()}, {"OnFailure", Json::object()}};
    }
    for (const char* member : {"MaximumRetryAttempts", "MaximumEventAgeInSeconds"}) {
      if (input.contains(member)) config[member] = input[member];
    }
    if (input.contains("DestinationConfig")) {
      Json destinations = {{"OnSuccess", Json::object()}, {"OnFailure", Json::object()}};
      for (const char* member : {"OnSuccess", "OnFailure"}) {
        std::string destination = input["DestinationConfig"].value(member, Json::object()).value("Destination", "");
        if (!destination.empty()) destinations[member]["Destination"] = destination;
      }
      config["DestinationConfig"] = destinations;
    }
    config["LastModified"] = static_cast<double>(clock_.wall_ms()) / 1000.0;
    (*record)["invoke_configs"][stored_qualifier] = config;
    answer = shown_invoke_config(config, function_arn, stored_qualifier);
  });
  co_await updated.first->wait();
  co_return answer;
}

awaitable<Json> LambdaService::update_function_event_invoke_config(RequestContext& context, Json& input) {
  input["_update"] = true;
  co_return co_await put_function_event_invoke_config(context, input);
}

awaitable<Json> LambdaService::get_function_event_invoke_config(RequestContext& context, Json& input) {
  std::string qualifier = qualifier_of(input);
  std::string stored_qualifier = qualifier.empty() ? "$LATEST" : qualifier;
  auto ref = parse_function_ref(input["FunctionName"].get<std::string>());
  std::string account = ref.account.empty() ? context.account_id : ref.account;
  std::string region = ref.region.empty() ? context.region : ref.region;
  std::string function_arn = nimbus::lambda::function_arn(region, account, ref.name);
  auto record = functions_.get(scoped_key(account, region, ref.name));
  if (!record || !(*record)["invoke_configs"].contains(stored_qualifier)) {
    throw no_invoke_config(function_arn + ":" + stored_qualifier);
  }
  co_return shown_invoke_config((*record)["invoke_configs"][stored_qualifier], function_arn, stored_qualifier);
}

awaitable<Json> LambdaService::delete_function_event_invoke_config(RequestContext& context, Json& input) {
  std::string qualifier = qualifier_of(input);
  std::string stored_qualifier = qualifier.empty() ? "$LATEST" : qualifier;
  auto ref = parse_function_ref(input["FunctionName"].get<std::string>());
  std::string account = ref.account.empty() ? context.account_id : ref.account;
  std::string region = ref.region.empty() ? context.region : ref.region;
  std::string function_arn = nimbus::lambda::function_arn(region, account, ref.name);
  auto updated = functions_.update(scoped_key(account, region, ref.name), [&](std::optional<Json>& record) {
    if (!record || !(*record)["invoke_configs"].contains(stored_qualifier)) {
      throw no_invoke_config(function_arn + (qualifier.empty() ? "" : ":" + qualifier));
    }
    (*record)["invoke_configs"].erase(stored_qualifier);
  });
  co_await updated.first->wait();
  co_return Json::object();
}

awaitable<Json> LambdaService::list_function_event_invoke_configs(RequestContext& context, Json& input) {
  auto ref = parse_function_ref(input["FunctionName"].get<std::string>());
  std::string account = ref.account.empty() ? context.account_id : ref.account;
  std::string region = ref.region.empty() ? context.region : ref.region;
  std::string function_arn = nimbus::lambda::function_arn(region, account, ref.name);
  auto record = functions_.get(scoped_key(account, region, ref.name));
  if (!record) throw errors::resource_not_found("The function doesn't exist.");
  std::vector<Json> configs;
  const Json& stored = (*record)["invoke_configs"];
  for (auto it = stored.begin(); it != stored.end(); ++it) {
    configs.push_back(shown_invoke_config(it.value(), function_arn, it.key()));
  }
  Json out = Json::object();
  control::page(input, configs, kInvokeConfigPage, "FunctionEventInvokeConfigs", out);
  co_return out;
}

}  // namespace nimbus::lambda
