// Event source mappings from DynamoDB streams: CreateEventSourceMapping's checks and defaults for
// a stream ARN, and the stream settings Update may change. Get/Update/Delete/List are
// esm_ops.cpp's for both kinds; the polling is esm_stream_poller.cpp's.
//
// A stream mapping record:
//   {"account", "region": the function's (the caller's), "source": "dynamodb",
//    "stream_account", "stream_region",
//    "checkpoint": the last sequence number done with (absent: from TRIM_HORIZON),
//    "config": <EventSourceMappingConfiguration as Lambda returns it for stream sources>}

#include "core/arn.h"
#include "core/ids.h"
#include "services/lambda/esm_poller.h"
#include "services/lambda/esm_stream_poller.h"
#include "services/lambda/lambda_errors.h"
#include "services/lambda/lambda_service.h"

namespace nimbus::lambda {

namespace {

// Members only SQS sources take, refused for a stream (and the other way round in esm_ops.cpp).
constexpr const char* kSqsOnly[] = {"ScalingConfig"};

void check_range(const Json& input, const char* member, const char* wire, int64_t min, int64_t max) {
  if (!input.contains(member) || input[member].is_null()) return;
  int64_t value = input[member].get<int64_t>();
  if (value < min || value > max) {
    throw errors::validation("1 validation error detected: Value '" + std::to_string(value) + "' at '" + wire +
                             "' failed to satisfy constraint: Member must have value " +
                             (value < min ? "greater than or equal to " + std::to_string(min)
                                          : "less than or equal to " + std::to_string(max)));
  }
}

AwsError unsupported(const std::string& member) {
  return errors::invalid_parameter("Unsupported " + member + " parameter for given event source mapping type.");
}

}  // namespace

void check_stream_settings(const Json& input) {
  for (const char* member : kSqsOnly) {
    if (input.contains(member) && !input[member].is_null()) throw unsupported(member);
  }
  check_range(input, "BatchSize", "batchSize", 1, 10000);
  check_range(input, "MaximumBatchingWindowInSeconds", "maximumBatchingWindowInSeconds", 0, 300);
  check_range(input, "ParallelizationFactor", "parallelizationFactor", 1, 10);
  check_range(input, "MaximumRetryAttempts", "maximumRetryAttempts", -1, 10000);
  check_range(input, "MaximumRecordAgeInSeconds", "maximumRecordAgeInSeconds", -1, 604800);
  check_range(input, "TumblingWindowInSeconds", "tumblingWindowInSeconds", 0, 900);
  if (input.contains("MaximumRecordAgeInSeconds") && input["MaximumRecordAgeInSeconds"].is_number()) {
    int64_t age = input["MaximumRecordAgeInSeconds"].get<int64_t>();
    if (age != -1 && age < 60) {
      throw errors::invalid_parameter("MaximumRecordAgeInSeconds must be -1 or between 60 and 604800 seconds.");
    }
  }
  for (const auto& type : input.value("FunctionResponseTypes", Json::array())) {
    if (type != "ReportBatchItemFailures") {
      throw errors::validation("1 validation error detected: Value '[" + type.get<std::string>() +
                               "]' at 'functionResponseTypes' failed to satisfy constraint: Member must satisfy "
                               "constraint: [Member must satisfy enum value set: [ReportBatchItemFailures]]");
    }
  }
  if (input.contains("FilterCriteria")) check_filters(input["FilterCriteria"]);
  if (input.contains("DestinationConfig") && input["DestinationConfig"].is_object()) {
    const Json& destination = input["DestinationConfig"];
    if (destination.contains("OnSuccess") && !destination["OnSuccess"].value("Destination", "").empty()) {
      throw unsupported("DestinationConfig");
    }
    std::string arn = destination.value("OnFailure", Json::object()).value("Destination", "");
    if (!arn.empty()) {
      auto parsed = parse_arn(arn);
      if (!parsed || (parsed->service != "sqs" && parsed->service != "sns")) {
        throw errors::invalid_parameter("Unsupported DestinationConfig parameter for given event source mapping type.");
      }
    }
  }
}

void apply_stream_settings(const Json& input, Json& config) {
  for (const char* member : {"BatchSize", "MaximumBatchingWindowInSeconds", "ParallelizationFactor",
                             "MaximumRetryAttempts", "MaximumRecordAgeInSeconds", "BisectBatchOnFunctionError",
                             "TumblingWindowInSeconds"}) {
    if (input.contains(member) && !input[member].is_null()) config[member] = input[member];
  }
  if (input.contains("FunctionResponseTypes")) config["FunctionResponseTypes"] = input["FunctionResponseTypes"];
  if (input.contains("DestinationConfig") && input["DestinationConfig"].is_object()) {
    std::string arn = input["DestinationConfig"].value("OnFailure", Json::object()).value("Destination", "");
    config["DestinationConfig"] = {{"OnFailure", arn.empty() ? Json::object() : Json{{"Destination", arn}}}};
  }
  if (input.contains("FilterCriteria")) {
    if (input["FilterCriteria"].is_object() && !input["FilterCriteria"].value("Filters", Json::array()).empty()) {
      config["FilterCriteria"] = input["FilterCriteria"];
    } else {
      config.erase("FilterCriteria");
    }
  }
}

awaitable<Json> LambdaService::create_stream_event_source_mapping(RequestContext& context, Json& input) {
  std::string source_arn = input["EventSourceArn"].get<std::string>();
  auto parsed = parse_arn(source_arn);
  if (!parsed || parsed->region.empty() || parsed->account.empty() ||
      parsed->resource.find("/stream/") == std::string::npos) {
    throw errors::invalid_parameter("Unrecognized event source.");
  }
  if (!input.contains("StartingPosition") || input["StartingPosition"].is_null()) {
    throw errors::invalid_parameter(
        "1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: Member must "
        "not be null.");
  }
  std::string position = input["StartingPosition"].get<std::string>();
  if (position != "TRIM_HORIZON" && position != "LATEST" && position != "AT_TIMESTAMP") {
    throw errors::validation("1 validation error detected: Value '" + position +
                             "' at 'startingPosition' failed to satisfy constraint: Member must satisfy enum value "
                             "set: [LATEST, AT_TIMESTAMP, TRIM_HORIZON]");
  }
  if (position == "AT_TIMESTAMP") {
    throw errors::invalid_parameter("Unsupported starting position for arn type: " + source_arn);
  }
  check_stream_settings(input);
  auto target = resolve(context, input["FunctionName"].get<std::string>(), "");

  // The stream must exist (asked of DynamoDB Streams as the poller will ask it).
  RequestContext streams_context;
  streams_context.account_id = parsed->account;
  streams_context.region = parsed->region;
  streams_context.clock = &clock_;
  streams_context.request_id = context.request_id;
  streams_context.invoked_by = {"lambda.amazonaws.com", target.invoked_arn, context.account_id};
  delivery::Target ask{"dynamodbstreams", "DescribeStream", parsed->account, parsed->region,
                       Json{{"StreamArn", source_arn}}};
  Json described;
  bool missing = false;
  try {
    auto call = call_service_(ask, streams_context);
    described = co_await std::move(call);
  } catch (const AwsError& error) {
    if (error.http_status >= 500) throw;
    missing = true;
  }
  if (missing) throw errors::invalid_parameter("Stream not found: " + source_arn);

  for (const auto& entry : mappings_.list("")) {
    const Json& other = entry.second["config"];
    if (other.value("EventSourceArn", "") == source_arn && other.value("FunctionArn", "") == target.invoked_arn) {
      throw errors::conflict("The event source arn (\" " + source_arn + " \") and function (\" " +
                             target.config.value("FunctionName", "") +
                             " \") provided mapping already exists. Please update or delete the existing mapping "
                             "with UUID " +
                             other.value("UUID", ""));
    }
  }

  // LATEST: what the stream holds now is behind the mapping (its checkpoint is the last record).
  std::string checkpoint;
  const Json& shards = described["StreamDescription"]["Shards"];
  if (position == "LATEST" && !shards.empty()) {
    Json open = {{"StreamArn", source_arn},
                 {"ShardId", shards[0].value("ShardId", "")},
                 {"ShardIteratorType", "TRIM_HORIZON"}};
    delivery::Target first{"dynamodbstreams", "GetShardIterator", parsed->account, parsed->region, open};
    auto open_call = call_service_(first, streams_context);
    Json opened = co_await std::move(open_call);
    std::string iterator = opened.value("ShardIterator", "");
    while (!iterator.empty()) {
      delivery::Target read{"dynamodbstreams", "GetRecords", parsed->account, parsed->region,
                            Json{{"ShardIterator", iterator}, {"Limit", EsmStreamPoller::kMaxRecordsPerRead}}};
      auto read_call = call_service_(read, streams_context);
      Json got = co_await std::move(read_call);
      const Json& records = got["Records"];
      if (records.empty()) break;
      checkpoint = records.back()["dynamodb"].value("SequenceNumber", "");
      iterator = got.value("NextShardIterator", "");
    }
  }

  Json config = {{"UUID", ids::uuid4()},
                 {"StartingPosition", position},
                 {"BatchSize", 100},
                 {"MaximumBatchingWindowInSeconds", 0},
                 {"ParallelizationFactor", 1},
                 {"EventSourceArn", source_arn},
                 {"FunctionArn", target.invoked_arn},
                 {"LastModified", static_cast<double>(clock_.now_ms()) / 1000.0},
                 {"LastProcessingResult", "No records processed"},
                 {"State", input.value("Enabled", true) ? "Enabled" : "Disabled"},
                 {"StateTransitionReason", "User action"},
                 {"DestinationConfig", {{"OnFailure", Json::object()}}},
                 {"MaximumRecordAgeInSeconds", -1},
                 {"BisectBatchOnFunctionError", false},
                 {"MaximumRetryAttempts", -1},
                 {"TumblingWindowInSeconds", 0},
                 {"FunctionResponseTypes", Json::array()}};
  apply_stream_settings(input, config);
  std::string uuid = config["UUID"].get<std::string>();
  Json record = {{"account", context.account_id}, {"region", context.region},     {"source", "dynamodb"},
                 {"stream_account", parsed->account}, {"stream_region", parsed->region}, {"config", config}};
  if (!checkpoint.empty()) record["checkpoint"] = checkpoint;
  auto updated = mappings_.update(uuid, [&](std::optional<Json>& stored) { stored = record; });
  auto pending = updated.first;
  co_await pending->wait();
  refresh_mapping(uuid);
  config["State"] = "Creating";
  co_return config;
}

}  // namespace nimbus::lambda
