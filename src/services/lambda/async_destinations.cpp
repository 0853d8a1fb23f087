#include "services/lambda/async_destinations.h"

#include <cstdio>
#include <ctime>
#include <vector>

#include "core/arn.h"
#include "services/lambda/lambda_names.h"

namespace nimbus::lambda {

namespace {

Json parsed_or_text(const std::string& text) {
  auto value = Json::parse(text, nullptr, false);
  return value.is_discarded() ? Json(text) : value;
}

}  // namespace

Json invocation_record(const AsyncOutcome& outcome) {
  Json record = {{"version", "1.0"},
                 {"timestamp", iso8601_ms(outcome.timestamp_ms)},
                 {"requestContext",
                  {{"requestId", outcome.request_id},
                   {"functionArn", outcome.function_arn},
                   {"condition", outcome.condition},
                   {"approximateInvokeCount", outcome.attempts}}},
                 {"requestPayload", parsed_or_text(outcome.request_payload)}};
  if (outcome.condition == "EventAgeExceeded" && outcome.response_payload.empty()) return record;
  Json response_context = {{"statusCode", 200}, {"executedVersion", outcome.executed_version}};
  if (outcome.function_error) response_context["functionError"] = "Unhandled";
  record["responseContext"] = response_context;
  record["responsePayload"] = outcome.response_payload.empty() ? Json() : parsed_or_text(outcome.response_payload);
  return record;
}

std::optional<delivery::Target> destination_target(const std::string& arn, const Json& record, bool success) {
  auto parsed = parse_arn(arn);
  if (!parsed) return std::nullopt;
  delivery::Target target{.account = parsed->account, .region = parsed->region};
  if (parsed->service == "sqs") {
    target.service = "sqs";
    target.operation = "SendMessage";
    target.input = {{"QueueUrl", "http://localhost/" + parsed->account + "/" + parsed->resource},
                    {"MessageBody", record.dump()}};
  } else if (parsed->service == "lambda") {
    target.service = "lambda";
    target.operation = "Invoke";
    target.input = {{"FunctionName", arn}, {"InvocationType", "Event"}, {"Payload", record.dump()}};
  } else if (parsed->service == "sns") {
    target.service = "sns";
    target.operation = "Publish";
    target.input = {{"TopicArn", arn}, {"Message", record.dump()}};
  } else if (parsed->service == "events") {
    target.service = "events";
    target.operation = "PutEvents";
    target.input = {{"Entries", Json::array({{{"Source", "lambda"},
                                              {"DetailType", success ? "Lambda Function Invocation Result - Success"
                                                                     : "Lambda Function Invocation Result - Failure"},
                                              {"Detail", record.dump()},
                                              {"Resources", Json::array({record["requestContext"]["functionArn"]})},
                                              {"EventBusName", arn}}})}};
  } else {
    return std::nullopt;
  }
  return target;
}

std::optional<delivery::Target> dead_letter_target(const std::string& arn, const AsyncOutcome& outcome,
                                                   const std::string& error_message) {
  auto parsed = parse_arn(arn);
  if (!parsed) return std::nullopt;
  Json attributes = {{"RequestID", {{"DataType", "String"}, {"StringValue", outcome.request_id}}},
                     {"ErrorCode", {{"DataType", "Number"}, {"StringValue", "200"}}},
                     {"ErrorMessage", {{"DataType", "String"}, {"StringValue", error_message.empty() ? "Unhandled" : error_message}}}};
  delivery::Target target{.account = parsed->account, .region = parsed->region};
  if (parsed->service == "sqs") {
    target.service = "sqs";
    target.operation = "SendMessage";
    target.input = {{"QueueUrl", "http://localhost/" + parsed->account + "/" + parsed->resource},
                    {"MessageBody", outcome.request_payload},
                    {"MessageAttributes", attributes}};
  } else if (parsed->service == "sns") {
    target.service = "sns";
    target.operation = "Publish";
    target.input = {{"TopicArn", arn}, {"Message", outcome.request_payload}, {"MessageAttributes", attributes}};
  } else {
    return std::nullopt;
  }
  return target;
}

}  // namespace nimbus::lambda
