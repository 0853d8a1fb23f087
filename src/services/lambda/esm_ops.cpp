// Event source mappings (Amazon SQS standard and FIFO queues; DynamoDB streams, whose Create is
// esm_stream_ops.cpp's): Create/Get/Update/Delete/List over durable records in the `esm` table,
// keyed by UUID. The polling is esm_poller.cpp's (SQS) and esm_stream_poller.cpp's (streams).
//
// A mapping record:
//   {"account", "region": the function's (the caller's), "queue_account", "queue_region",
//    "queue_url", "fifo": bool,
//    "config": <EventSourceMappingConfiguration as Lambda returns it, State Enabled or Disabled>}

#include <regex>

#include "core/ids.h"
#include "services/lambda/esm_poller.h"
#include "services/lambda/esm_stream_poller.h"
#include "services/lambda/lambda_errors.h"
#include "services/lambda/lambda_names.h"
#include "services/lambda/lambda_service.h"

namespace nimbus::lambda {

namespace {

constexpr size_t kMaxMappingsPage = 100;

struct QueueRef {
  std::string region, account, name;
  std::string service;
};

// Members only stream sources take, refused for a queue.
constexpr const char* kStreamOnly[] = {"MaximumRetryAttempts",   "MaximumRecordAgeInSeconds", "BisectBatchOnFunctionError",
                                       "ParallelizationFactor",  "DestinationConfig",         "TumblingWindowInSeconds"};

QueueRef parse_event_source_arn(const std::string& arn) {
  static const std::regex pattern(R"(^arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:([a-z]{2}(-gov)?-[a-z]+-\d{1})?:(\d{12})?:(.*)$)");
  if (!std::regex_match(arn, pattern)) {
    throw errors::validation("1 validation error detected: Value '" + arn +
                             "' at 'eventSourceArn' failed to satisfy constraint: Member must satisfy regular "
                             "expression pattern: arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:([a-z]{2}(-gov)?-[a-z]+-"
                             "\\d{1})?:(\\d{12})?:(.*)");
  }
  std::vector<std::string> parts;
  size_t start = 0;
  while (parts.size() < 5) {
    size_t colon = arn.find(':', start);
    parts.push_back(arn.substr(start, colon - start));
    start = colon + 1;
  }
  std::string name = arn.substr(start);
  if (parts[2] == "dynamodb") return {parts[3], parts[4], name, "dynamodb"};
  if (parts[2] != "sqs") throw errors::invalid_parameter("Unrecognized event source.");
  if (parts[3].empty() || parts[4].empty() || name.empty() || name.find(':') != std::string::npos) {
    throw errors::invalid_parameter("Unrecognized event source.");
  }
  return {parts[3], parts[4], name, "sqs"};
}

void check_int(const Json& input, const char* member, const char* wire, int min, int max) {
  if (!input.contains(member) || input[member].is_null()) return;
  int value = input[member].get<int>();
  if (value < min || value > max) {
    throw errors::validation("1 validation error detected: Value '" + std::to_string(value) + "' at '" + wire +
                             "' failed to satisfy constraint: Member must have value " +
                             (value < min ? "greater than or equal to " + std::to_string(min)
                                          : "less than or equal to " + std::to_string(max)));
  }
}

void check_settings(const Json& input) {
  for (const char* member : kStreamOnly) {
    if (input.contains(member) && !input[member].is_null()) {
      throw errors::invalid_parameter("Unsupported " + std::string(member) +
                                      " parameter for given event source mapping type.");
    }
  }
  check_int(input, "BatchSize", "batchSize", 1, 10000);
  check_int(input, "MaximumBatchingWindowInSeconds", "maximumBatchingWindowInSeconds", 0, 300);
  if (input.contains("ScalingConfig") && input["ScalingConfig"].is_object()) {
    check_int(input["ScalingConfig"], "MaximumConcurrency", "scalingConfig.maximumConcurrency", 2, 1000);
  }
  for (const auto& type : input.value("FunctionResponseTypes", Json::array())) {
    if (type != "ReportBatchItemFailures") {
      throw errors::validation("1 validation error detected: Value '[" + type.get<std::string>() +
                               "]' at 'functionResponseTypes' failed to satisfy constraint: Member must satisfy "
                               "constraint: [Member must satisfy enum value set: [ReportBatchItemFailures]]");
    }
  }
  if (input.contains("FilterCriteria")) check_filters(input["FilterCriteria"]);
}

// The rules a mapping's final settings must keep (after a create's defaults or an update's merge).
void check_batching(const Json& config, bool fifo) {
  int batch = config.value("BatchSize", 10);
  int window = config.value("MaximumBatchingWindowInSeconds", 0);
  if (batch > 10 && window == 0) {
    throw errors::invalid_parameter(
        "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10");
  }
  if (fifo && window > 0) throw errors::invalid_parameter("Batching window is not supported for FIFO queues");
  if (fifo && batch > 10) throw errors::invalid_parameter("Batch size must not exceed 10 for FIFO queues");
}

// Settings a Create or Update carries over into the configuration.
void apply_settings(const Json& input, Json& config) {
  for (const char* member : {"BatchSize", "MaximumBatchingWindowInSeconds"}) {
    if (input.contains(member) && !input[member].is_null()) config[member] = input[member];
  }
  if (input.contains("FunctionResponseTypes")) config["FunctionResponseTypes"] = input["FunctionResponseTypes"];
  if (input.contains("ScalingConfig")) {
    if (input["ScalingConfig"].is_object() && input["ScalingConfig"].contains("MaximumConcurrency")) {
      config["ScalingConfig"] = input["ScalingConfig"];
    } else {
      config.erase("ScalingConfig");
    }
  }
  if (input.contains("FilterCriteria")) {
    if (input["FilterCriteria"].is_object() && !input["FilterCriteria"].value("Filters", Json::array()).empty()) {
      config["FilterCriteria"] = input["FilterCriteria"];
    } else {
      config.erase("FilterCriteria");
    }
  }
}

AwsError mapping_not_found() { return errors::resource_not_found("The resource you requested does not exist."); }

// "arn:aws:lambda:r:a:function:name[:qualifier]" -> "arn:aws:lambda:r:a:function:name"
std::string without_qualifier(const std::string& arn) {
  size_t colons = 0;
  for (size_t i = 0; i < arn.size(); ++i) {
    if (arn[i] == ':' && ++colons == 7) return arn.substr(0, i);
  }
  return arn;
}

}  // namespace

void LambdaService::refresh_mapping(const std::string& uuid) {
  poller_->refresh(uuid);
  stream_poller_->refresh(uuid);
}

awaitable<Json> LambdaService::create_event_source_mapping(RequestContext& context, Json& input) {
  if (!input.contains("EventSourceArn")) {
    throw errors::invalid_parameter("Unrecognized event source, must be kinesis, dynamodb stream or sqs.");
  }
  std::string source_arn = input["EventSourceArn"].get<std::string>();
  QueueRef queue = parse_event_source_arn(source_arn);
  if (queue.service == "dynamodb") {
    auto create = create_stream_event_source_mapping(context, input);
    co_return co_await std::move(create);
  }
  if (input.contains("StartingPosition")) {
    throw errors::invalid_parameter("StartingPosition is not valid for SQS event sources.");
  }
  check_settings(input);
  auto target = resolve(context, input["FunctionName"].get<std::string>(), "");

  // The queue must exist (asked of SQS as the poller will ask it).
  std::string queue_url = "http://localhost:4566/" + queue.account + "/" + queue.name;
  RequestContext sqs_context;
  sqs_context.account_id = queue.account;
  sqs_context.region = queue.region;
  sqs_context.clock = &clock_;
  sqs_context.request_id = context.request_id;
  sqs_context.invoked_by = {"lambda.amazonaws.com", target.invoked_arn, context.account_id};
  delivery::Target ask{"sqs", "GetQueueAttributes", queue.account, queue.region,
                       Json{{"QueueUrl", queue_url}, {"AttributeNames", Json::array({"All"})}}};
  Json attributes;
  bool missing = false;
  try {
    attributes = co_await call_service_(ask, sqs_context);
  } catch (const AwsError& error) {
    if (error.http_status >= 500) throw;
    missing = true;
  }
  if (missing) {
    throw errors::invalid_parameter(
        "Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error "
        "Message: The specified queue does not exist or you do not have access to it.");
  }
  const Json queue_attributes = attributes.value("Attributes", Json::object());
  bool fifo = queue_attributes.value("FifoQueue", "false") == "true";
  int visibility = std::stoi(queue_attributes.value("VisibilityTimeout", "30"));
  int timeout = target.config.value("Timeout", 3);
  if (visibility < timeout) {
    throw errors::invalid_parameter("Queue visibility timeout: " + std::to_string(visibility) +
                                    " seconds is less than Function timeout: " + std::to_string(timeout) + " seconds");
  }

  Json config = {{"UUID", ids::uuid4()},
                 {"BatchSize", 10},
                 {"MaximumBatchingWindowInSeconds", 0},
                 {"EventSourceArn", source_arn},
                 {"FunctionArn", target.invoked_arn},
                 {"LastModified", static_cast<double>(clock_.now_ms()) / 1000.0},
                 {"State", input.value("Enabled", true) ? "Enabled" : "Disabled"},
                 {"StateTransitionReason", "USER_INITIATED"},
                 {"FunctionResponseTypes", Json::array()}};
  apply_settings(input, config);
  check_batching(config, fifo);
  for (const auto& entry : mappings_.list("")) {
    const Json& other = entry.second["config"];
    if (other.value("EventSourceArn", "") == source_arn && other.value("FunctionArn", "") == target.invoked_arn) {
      throw errors::conflict("An event source mapping with SQS arn (\" " + source_arn + " \") and function (\" " +
                             target.config.value("FunctionName", "") +
                             " \") already exists. Please update or delete the existing mapping with UUID " +
                             other.value("UUID", ""));
    }
  }
  std::string uuid = config["UUID"].get<std::string>();
  Json record = {{"account", context.account_id}, {"region", context.region}, {"queue_account", queue.account},
                 {"queue_region", queue.region},  {"queue_url", queue_url},    {"fifo", fifo},
                 {"config", config}};
  auto updated = mappings_.update(uuid, [&](std::optional<Json>& stored) { stored = record; });
  auto pending = updated.first;
  co_await pending->wait();
  refresh_mapping(uuid);
  config["State"] = "Creating";
  co_return config;
}

awaitable<Json> LambdaService::get_event_source_mapping(RequestContext& context, Json& input) {
  auto record = mappings_.get(input.value("UUID", ""));
  if (!record || (*record)["account"] != context.account_id || (*record)["region"] != context.region) {
    throw mapping_not_found();
  }
  co_return (*record)["config"];
}

awaitable<Json> LambdaService::update_event_source_mapping(RequestContext& context, Json& input) {
  std::string uuid = input.value("UUID", "");
  auto existing = mappings_.get(uuid);
  if (!existing || (*existing)["account"] != context.account_id || (*existing)["region"] != context.region) {
    throw mapping_not_found();
  }
  bool stream = is_stream_mapping(*existing);
  if (stream) {
    check_stream_settings(input);
  } else {
    check_settings(input);
  }
  std::string function_arn;
  if (input.contains("FunctionName")) {
    function_arn = resolve(context, input["FunctionName"].get<std::string>(), "").invoked_arn;
  }
  std::string shown_state;
  auto updated = mappings_.update(uuid, [&](std::optional<Json>& record) {
    if (!record) throw mapping_not_found();
    Json& config = (*record)["config"];
    if (stream) {
      apply_stream_settings(input, config);
    } else {
      apply_settings(input, config);
      check_batching(config, record->value("fifo", false));
    }
    if (!function_arn.empty()) config["FunctionArn"] = function_arn;
    bool was_enabled = config.value("State", "") == "Enabled";
    bool enabled = input.contains("Enabled") ? input["Enabled"].get<bool>() : was_enabled;
    shown_state = enabled == was_enabled ? "Updating" : (enabled ? "Enabling" : "Disabling");
    config["State"] = enabled ? "Enabled" : "Disabled";
    config["StateTransitionReason"] = stream ? "User action" : "USER_INITIATED";
    config["LastModified"] = static_cast<double>(clock_.now_ms()) / 1000.0;
  });
  auto pending = updated.first;
  Json config = (*updated.second)["config"];
  co_await pending->wait();
  refresh_mapping(uuid);
  config["State"] = shown_state;
  co_return config;
}

awaitable<Json> LambdaService::delete_event_source_mapping(RequestContext& context, Json& input) {
  std::string uuid = input.value("UUID", "");
  auto existing = mappings_.get(uuid);
  if (!existing || (*existing)["account"] != context.account_id || (*existing)["region"] != context.region) {
    throw mapping_not_found();
  }
  Json config = (*existing)["config"];
  auto updated = mappings_.update(uuid, [&](std::optional<Json>& record) {
    if (!record) throw mapping_not_found();
    config = (*record)["config"];
    record.reset();
  });
  auto pending = updated.first;
  co_await pending->wait();
  refresh_mapping(uuid);
  config["State"] = "Deleting";
  co_return config;
}

awaitable<Json> LambdaService::list_event_source_mappings(RequestContext& context, Json& input) {
  std::string source_arn = input.value("EventSourceArn", "");
  std::string wanted_arn;
  bool qualified = false;
  if (input.contains("FunctionName")) {
    auto ref = parse_function_ref(input["FunctionName"].get<std::string>());
    std::string account = ref.account.empty() ? context.account_id : ref.account;
    std::string region = ref.region.empty() ? context.region : ref.region;
    wanted_arn = function_arn(region, account, ref.name);
    if (!ref.qualifier.empty()) {
      wanted_arn += ":" + ref.qualifier;
      qualified = true;
    }
  }
  size_t max_items = kMaxMappingsPage;
  if (input.contains("MaxItems")) max_items = std::clamp<size_t>(input["MaxItems"].get<size_t>(), 1, kMaxMappingsPage);
  size_t start = 0;
  if (input.contains("Marker")) {
    try {
      start = std::stoul(input["Marker"].get<std::string>());
    } catch (const std::exception&) {
      throw errors::invalid_parameter("Invalid marker: " + input["Marker"].get<std::string>());
    }
  }
  std::vector<Json> matching;
  for (const auto& entry : mappings_.list("")) {
    const Json& record = entry.second;
    if (record["account"] != context.account_id || record["region"] != context.region) continue;
    const Json& config = record["config"];
    if (!source_arn.empty() && config.value("EventSourceArn", "") != source_arn) continue;
    if (!wanted_arn.empty()) {
      std::string arn = config.value("FunctionArn", "");
      if (qualified ? arn != wanted_arn : without_qualifier(arn) != wanted_arn) continue;
    }
    matching.push_back(config);
  }
  Json out = {{"EventSourceMappings", Json::array()}};
  for (size_t i = start; i < matching.size() && i < start + max_items; ++i) out["EventSourceMappings"].push_back(matching[i]);
  if (start + max_items < matching.size()) out["NextMarker"] = std::to_string(start + max_items);
  co_return out;
}

}  // namespace nimbus::lambda
