#include "services/events/target_delivery.h"

#include "core/arn.h"
#include "services/events/events_names.h"
#include "services/events/transform/input_transform.h"

namespace nimbus::events {
namespace {

std::string queue_url(const Arn& arn) { return "http://localhost/" + arn.account + "/" + arn.resource; }

// The destination call for a body; nullopt for a target kind nimbus cannot call.
std::optional<delivery::Target> destination(const Arn& arn, const std::string& target_arn, const Json& target,
                                            const Json& event, const std::string& body) {
  delivery::Target call{.account = arn.account, .region = arn.region};
  if (arn.service == "sqs") {
    call.service = "sqs";
    call.operation = "SendMessage";
    call.input = {{"QueueUrl", queue_url(arn)}, {"MessageBody", body}};
    if (arn.resource.size() > 5 && arn.resource.ends_with(".fifo")) {
      auto group = target.value("SqsParameters", Json::object()).value("MessageGroupId", "");
      if (!group.empty()) call.input["MessageGroupId"] = group;
      call.input["MessageDeduplicationId"] = event.value("id", "");
    }
  } else if (arn.service == "lambda") {
    call.service = "lambda";
    call.operation = "Invoke";
    call.input = {{"FunctionName", target_arn}, {"InvocationType", "Event"}, {"Payload", body}};
  } else if (arn.service == "events" && arn.resource.rfind("event-bus/", 0) == 0) {
    // Another bus receives the event itself (its id, time and account stay those of the original).
    call.service = "events";
    call.operation = "PutEvents";
    Json entry = {{"Source", event["source"]},
                  {"DetailType", event["detail-type"]},
                  {"Detail", event.value("detail", Json::object()).dump()},
                  {"Resources", event.value("resources", Json::array())},
                  {"EventBusName", target_arn}};
    call.input = {{"Entries", Json::array({entry})}};
  } else if (arn.service == "events" && arn.resource.rfind("api-destination/", 0) == 0) {
    call.service = "events";
    call.operation = std::string(kInvokeApiDestination);
    call.input = {{"ApiDestinationArn", target_arn}, {"Body", body}};
    if (target.contains("HttpParameters")) call.input["HttpParameters"] = target["HttpParameters"];
  } else if (arn.service == "logs") {
    call.service = "events";
    call.operation = std::string(kDeliverToLogGroup);
    call.account = arn.account;
    call.input = {{"LogGroupArn", target_arn}, {"Message", body}, {"EventId", event.value("id", "")}};
  } else if (arn.service == "schemas") {
    // A schema discoverer's managed rule: the schemas service infers the event's schema.
    call.service = "schemas";
    call.operation = "_DiscoverEvent";
    call.input = {{"DiscovererArn", target_arn}, {"Event", body}};
  } else if (arn.service == "sns") {
    call.service = "sns";
    call.operation = "Publish";
    call.input = {{"TopicArn", target_arn}, {"Message", body}};
  } else {
    return std::nullopt;
  }
  return call;
}

}  // namespace

std::optional<delivery::Delivery> target_delivery(const RoutedRule& rule, const Json& target, const Json& event,
                                                  const std::string& event_text, int64_t ingestion_ms) {
  std::string target_arn = target.value("Arn", "");
  auto arn = parse_arn(target_arn);
  if (!arn) return std::nullopt;
  auto spec = transform::TargetInput::from_target(target);
  std::optional<std::string> body = event_text;
  if (spec.input || spec.input_path || spec.transformer) {
    body = transform::shape_input(spec, event, {rule.arn, rule.name, iso_seconds(ingestion_ms)});
  }
  if (!body) return std::nullopt;
  delivery::Delivery out;
  out.source = "events";
  out.source_arn = rule.arn;
  out.source_account = rule.account;
  out.lane = target_arn;
  auto call = destination(*arn, target_arn, target, event, *body);
  if (call) {
    out.target = std::move(*call);
  } else {
    // A target kind nimbus does not call: the outbox records it as not served.
    out.target = {arn->service, "Invoke", arn->account, arn->region, Json::object()};
  }
  out.ordered = arn->service == "sqs" && arn->resource.ends_with(".fifo");
  auto retry = target.value("RetryPolicy", Json::object());
  out.retry.max_attempts = retry.value("MaximumRetryAttempts", 185) + 1;
  out.retry.max_age_ms = retry.value("MaximumEventAgeInSeconds", 86400) * 1000LL;
  out.retry.first_delay_ms = 1000;
  out.retry.max_delay_ms = 180'000;
  out.retry.retry_missing = false;
  auto dlq = target.value("DeadLetterConfig", Json::object()).value("Arn", "");
  if (!dlq.empty()) {
    out.source_context = {{"dlq", dlq}, {"rule_arn", rule.arn}, {"target_arn", target_arn}, {"event", event_text}};
  }
  return out;
}

std::string dead_letter_error_code(const delivery::Failure& failure) {
  const std::string& code = failure.code;
  auto has = [&](const char* word) { return code.find(word) != std::string::npos; };
  if (has("AccessDenied")) return "NO_PERMISSIONS";
  if (has("NotFound") || has("NonExistent") || has("DoesNotExist")) return "NO_RESOURCE";
  if (has("Throttl") || has("TooManyRequests")) return "THROTTLING";
  if (has("Timeout")) return "TIMEOUT";
  if (code == "MaximumAgeExceeded") return "RETRY_EXHAUSTED";  // not in AWS's list; nimbus's own
  if (has("Internal") || has("ServiceUnavailable")) return "INTERNAL_ERROR";
  if (has("Invalid") || has("Validation")) return "INVALID_PARAMETER";
  return "SDK_CLIENT_ERROR";
}

std::optional<delivery::Delivery> dead_letter_for(const delivery::Delivery& given_up, const delivery::Failure& failure) {
  const auto& context = given_up.source_context;
  if (!context.is_object() || !context.contains("dlq")) return std::nullopt;
  auto arn = parse_arn(context["dlq"].get<std::string>());
  if (!arn || arn->service != "sqs") return std::nullopt;
  auto attribute = [](const std::string& value) { return Json{{"DataType", "String"}, {"StringValue", value}}; };
  delivery::Delivery out;
  out.source = "events";
  out.source_arn = given_up.source_arn;
  out.source_account = given_up.source_account;
  out.lane = context["dlq"].get<std::string>();
  out.dead_letter = true;
  out.retry = given_up.retry;
  out.retry.retry_missing = true;
  out.target = {"sqs", "SendMessage", arn->account, arn->region,
                {{"QueueUrl", queue_url(*arn)},
                 {"MessageBody", context.value("event", "")},
                 {"MessageAttributes",
                  {{"RULE_ARN", attribute(context.value("rule_arn", ""))},
                   {"TARGET_ARN", attribute(context.value("target_arn", ""))},
                   {"ERROR_CODE", attribute(dead_letter_error_code(failure))},
                   {"ERROR_MESSAGE", attribute(failure.message.empty() ? failure.code : failure.message)}}}}};
  return out;
}

}  // namespace nimbus::events
