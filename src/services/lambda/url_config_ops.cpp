// Function URL configs per qualifier ($LATEST or an alias): Create/Get/Update/Delete/
// ListFunctionUrlConfigs. (Serving the URLs is not done here.)

#include "core/crypto.h"
#include "services/lambda/control_common.h"
#include "services/lambda/lambda_errors.h"
#include "services/lambda/lambda_names.h"
#include "services/lambda/lambda_service.h"

namespace nimbus::lambda {

namespace {

constexpr size_t kUrlConfigPage = 50;

AwsError not_found() { return errors::resource_not_found("The resource you requested does not exist."); }

struct UrlTarget {
  std::string key;
  std::string function_arn;  // unqualified
  std::string qualifier;     // "" = $LATEST
};

// The function and qualifier a URL config call names. A URL belongs to $LATEST or an alias:
// "$LATEST" and version numbers are refused as AWS refuses them.
UrlTarget url_target(const RequestContext& context, const Json& input) {
  auto ref = parse_function_ref(input["FunctionName"].get<std::string>());
  std::string qualifier = input.value("Qualifier", "");
  if (!ref.qualifier.empty()) qualifier = ref.qualifier;
  if (qualifier == "$LATEST") {
    throw errors::validation("1 validation error detected: Value '$LATEST' at 'qualifier' failed to satisfy "
                             "constraint: Member must satisfy regular expression pattern: ((?!^\\d+$)^[0-9a-zA-Z-_]+$)");
  }
  if (control::is_version_number(qualifier)) {
    throw errors::validation("1 validation error detected: Value '" + qualifier +
                             "' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression "
                             "pattern: (^\\$LATEST$)|((?!^[0-9]+$)([a-zA-Z0-9-_]+))");
  }
  std::string account = ref.account.empty() ? context.account_id : ref.account;
  std::string region = ref.region.empty() ? context.region : ref.region;
  return {scoped_key(account, region, ref.name), function_arn(region, account, ref.name), qualifier};
}

std::string url_id() {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string bytes = crypto::random_bytes(32);
  std::string id;
  for (unsigned char byte : bytes) id += kAlphabet[byte % 36];
  return id;
}

}  // namespace

awaitable<Json> LambdaService::create_function_url_config(RequestContext& context, Json& input) {
  auto target = url_target(context, input);
  std::string stored_qualifier = target.qualifier.empty() ? "$LATEST" : target.qualifier;
  std::string arn = target.qualifier.empty() ? target.function_arn : target.function_arn + ":" + target.qualifier;
  std::string region = target.function_arn.substr(15, target.function_arn.find(':', 15) - 15);
  Json config;
  auto updated = functions_.update(target.key, [&](std::optional<Json>& record) {
    if (!record) throw errors::resource_not_found("Function does not exist");
    if (!(*record)["url_configs"].is_object()) (*record)["url_configs"] = Json::object();
    if (auto existing = (*record)["url_configs"].find(stored_qualifier); existing != (*record)["url_configs"].end()) {
      throw errors::conflict("Failed to create function url config for [functionArn = " + existing->value("FunctionArn", arn) +
                             "]. Error message:  FunctionUrlConfig exists for this Lambda function");
    }
    if (!target.qualifier.empty() && !(*record)["aliases"].contains(target.qualifier)) {
      throw errors::resource_not_found("Function does not exist");
    }
    std::string now = lambda_timestamp(clock_.wall_ms());
    // (The timestamps as URL configs show them: ISO 8601 with microseconds and Z.)
    std::string iso = now.substr(0, 23) + "000Z";
    config = {{"FunctionUrl", "https://" + url_id() + ".lambda-url." + region + ".on.aws/"},
              {"FunctionArn", arn},
              {"AuthType", input["AuthType"]},
              {"InvokeMode", input.value("InvokeMode", "BUFFERED")},
              {"CreationTime", iso},
              {"LastModifiedTime", iso}};
    if (input.contains("Cors")) config["Cors"] = input["Cors"];
    (*record)["url_configs"][stored_qualifier] = config;
  });
  co_await updated.first->wait();
  Json answer = config;
  answer.erase("LastModifiedTime");  // CreateFunctionUrlConfig answers CreationTime only
  co_return answer;
}

awaitable<Json> LambdaService::get_function_url_config(RequestContext& context, Json& input) {
  auto target = url_target(context, input);
  auto record = functions_.get(target.key);
  std::string stored_qualifier = target.qualifier.empty() ? "$LATEST" : target.qualifier;
  if (!record || !(*record)["url_configs"].contains(stored_qualifier)) throw not_found();
  co_return (*record)["url_configs"][stored_qualifier];
}

awaitable<Json> LambdaService::update_function_url_config(RequestContext& context, Json& input) {
  auto target = url_target(context, input);
  std::string stored_qualifier = target.qualifier.empty() ? "$LATEST" : target.qualifier;
  Json config;
  auto updated = functions_.update(target.key, [&](std::optional<Json>& record) {
    if (!record) throw errors::resource_not_found("Function does not exist");
    if (!target.qualifier.empty() && !(*record)["aliases"].contains(target.qualifier)) {
      throw errors::resource_not_found("Function does not exist");
    }
    if (!(*record)["url_configs"].contains(stored_qualifier)) throw not_found();
    config = (*record)["url_configs"][stored_qualifier];
    for (const char* member : {"AuthType", "Cors", "InvokeMode"}) {
      if (input.contains(member)) config[member] = input[member];
    }
    config["LastModifiedTime"] = lambda_timestamp(clock_.wall_ms()).substr(0, 23) + "000Z";
    (*record)["url_configs"][stored_qualifier] = config;
  });
  co_await updated.first->wait();
  co_return config;
}

awaitable<Json> LambdaService::delete_function_url_config(RequestContext& context, Json& input) {
  auto target = url_target(context, input);
  std::string stored_qualifier = target.qualifier.empty() ? "$LATEST" : target.qualifier;
  auto updated = functions_.update(target.key, [&](std::optional<Json>& record) {
    if (!record || !(*record)["url_configs"].contains(stored_qualifier)) throw not_found();
    (*record)["url_configs"].erase(stored_qualifier);
  });
  co_await updated.first->wait();
  co_return Json::object();
}

awaitable<Json> LambdaService::list_function_url_configs(RequestContext& context, Json& input) {
  auto ref = parse_function_ref(input["FunctionName"].get<std::string>());
  std::string account = ref.account.empty() ? context.account_id : ref.account;
  std::string region = ref.region.empty() ? context.region : ref.region;
  auto record = functions_.get(scoped_key(account, region, ref.name));
  if (!record) throw errors::resource_not_found("Function does not exist");
  std::vector<Json> configs;
  for (const auto& config : (*record)["url_configs"]) configs.push_back(config);
  Json out = Json::object();
  control::page(input, configs, kUrlConfigPage, "FunctionUrlConfigs", out);
  co_return out;
}

}  // namespace nimbus::lambda
