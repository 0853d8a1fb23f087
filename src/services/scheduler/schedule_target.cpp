#include "services/scheduler/schedule_target.h"

#include "core/text.h"

namespace nimbus::scheduler {
namespace {

std::string queue_url(const ArnParts& arn) { return "http://localhost/" + arn.account + "/" + arn.resource; }

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

std::string iso_seconds(int64_t ms) {
  // "2024-01-02T03:04:05Z": Scheduler's <aws.scheduler.scheduled-time>.
  std::string formatted = text::format_iso8601(static_cast<double>(ms / 1000));
  if (auto dot = formatted.find('.'); dot != std::string::npos) formatted = formatted.substr(0, dot) + "Z";
  return formatted;
}

// The call for a target; nullopt for a target kind nimbus cannot call.
std::optional<delivery::Target> destination(const ArnParts& arn, const std::string& target_arn, const Json& target,
                                            const std::string& payload, const Fire& fire) {
  delivery::Target call{.account = arn.account, .region = arn.region};
  if (arn.service == "sqs") {
    call.service = "sqs";
    call.operation = "SendMessage";
    call.input = {{"QueueUrl", queue_url(arn)}, {"MessageBody", payload}};
    if (arn.resource.ends_with(".fifo")) {
      auto group = target.value("SqsParameters", Json::object()).value("MessageGroupId", "");
      if (!group.empty()) call.input["MessageGroupId"] = group;
      call.input["MessageDeduplicationId"] = fire.execution_id;
    }
  } else if (arn.service == "lambda") {
    call.service = "lambda";
    call.operation = "Invoke";
    call.input = {{"FunctionName", target_arn}, {"InvocationType", "Event"}, {"Payload", payload}};
  } else if (arn.service == "events" && arn.resource.starts_with("event-bus/")) {
    auto parameters = target.value("EventBridgeParameters", Json::object());
    call.service = "events";
    call.operation = "PutEvents";
    Json entry = {{"Source", parameters.value("Source", "aws.scheduler")},
                  {"DetailType", parameters.value("DetailType", "Scheduled Event")},
                  {"Detail", payload},
                  {"EventBusName", target_arn}};
    call.input = {{"Entries", Json::array({entry})}};
  } else if (arn.service == "sns") {
    call.service = "sns";
    call.operation = "Publish";
    call.input = {{"TopicArn", target_arn}, {"Message", payload}};
  } else if (arn.service == "states") {
    call.service = "states";
    call.operation = "StartExecution";
    call.input = {{"stateMachineArn", target_arn}, {"input", payload}};
  } else {
    return std::nullopt;
  }
  return call;
}

}  // namespace

std::string target_payload(const Json& schedule, const Fire& fire) {
  const Json& target = schedule.value("Target", Json::object());
  std::string payload = target.value("Input", std::string("{}"));
  if (payload.find("<aws.scheduler.") == std::string::npos) return payload;
  replace_all(payload, "<aws.scheduler.schedule-arn>", schedule.value("Arn", ""));
  replace_all(payload, "<aws.scheduler.scheduled-time>", iso_seconds(fire.scheduled_ms));
  replace_all(payload, "<aws.scheduler.execution-id>", fire.execution_id);
  replace_all(payload, "<aws.scheduler.attempt-number>", "1");
  return payload;
}

delivery::Delivery fire_delivery(const Json& schedule, const Fire& fire) {
  Json target = schedule.value("Target", Json::object());
  std::string target_arn = target.value("Arn", "");
  std::string schedule_arn = schedule.value("Arn", "");
  auto arn = parse_arn(target_arn);
  std::string payload = target_payload(schedule, fire);

  delivery::Delivery out;
  out.source = "scheduler";
  out.source_arn = schedule_arn;
  out.source_account = parse_arn(schedule_arn) ? parse_arn(schedule_arn)->account : std::string();
  out.lane = target_arn;
  std::optional<delivery::Target> call;
  if (arn) call = destination(*arn, target_arn, target, payload, fire);
  if (call) {
    out.target = std::move(*call);
  } else {
    // A universal target or a service nimbus does not call: the outbox records it as not served.
    std::string service = arn ? arn->service : "unknown";
    if (arn && arn->resource.starts_with("aws-sdk:")) service = arn->resource.substr(8, arn->resource.find(':', 8) - 8);
    out.target = {service, "Invoke", arn ? arn->account : "", arn ? arn->region : "", Json::object()};
  }
  out.ordered = arn && arn->service == "sqs" && arn->resource.ends_with(".fifo");
  auto retry = target.value("RetryPolicy", Json::object());
  out.retry.max_attempts = retry.value("MaximumRetryAttempts", kDefaultRetryAttempts) + 1;
  out.retry.max_age_ms = retry.value("MaximumEventAgeInSeconds", kDefaultEventAgeSeconds) * 1000LL;
  out.retry.first_delay_ms = 1000;
  out.retry.max_delay_ms = 180'000;
  out.retry.retry_missing = true;
  out.source_context = {{"schedule_arn", schedule_arn},
                        {"group", schedule.value("GroupName", std::string(kDefaultGroup))},
                        {"target_arn", target_arn},
                        {"payload", payload}};
  auto dlq = target.value("DeadLetterConfig", Json::object()).value("Arn", "");
  if (!dlq.empty()) out.source_context["dlq"] = dlq;
  return out;
}

std::optional<delivery::Delivery> dead_letter_for(const delivery::Delivery& given_up, const delivery::Failure& failure) {
  const auto& context = given_up.source_context;
  if (!context.is_object() || !context.contains("dlq")) return std::nullopt;
  std::string dlq = context["dlq"].get<std::string>();
  auto arn = parse_arn(dlq);
  if (!arn || arn->service != "sqs") return std::nullopt;
  auto text = [](const std::string& value) { return Json{{"DataType", "String"}, {"StringValue", value}}; };
  delivery::Delivery out;
  out.source = "scheduler";
  out.source_arn = given_up.source_arn;
  out.source_account = given_up.source_account;
  out.lane = dlq;
  out.dead_letter = true;
  out.retry = given_up.retry;
  out.retry.retry_missing = true;
  std::string message = failure.message.empty() ? failure.code : failure.message;
  out.target = {"sqs", "SendMessage", arn->account, arn->region,
                {{"QueueUrl", queue_url(*arn)},
                 {"MessageBody", context.value("payload", "{}")},
                 {"MessageAttributes",
                  {{"X-Amz-Scheduler-Attempt",
                    {{"DataType", "Number"}, {"StringValue", std::to_string(std::max(failure.attempts, 1))}}},
                   {"X-Amz-Scheduler-Schedule-Arn", text(context.value("schedule_arn", ""))},
                   {"X-Amz-Scheduler-Target-Arn", text(context.value("target_arn", ""))},
                   {"X-Amz-Scheduler-Group", text(context.value("group", std::string(kDefaultGroup)))},
                   {"X-Amz-Scheduler-Error-Code", text(failure.code.empty() ? "Unknown" : failure.code)},
                   {"X-Amz-Scheduler-Error-Message", text(message.empty() ? "Unknown" : message)}}}}};
  return out;
}

}  // namespace nimbus::scheduler
