#include "services/s3/notification_delivery.h"

#include <cstdio>

#include "core/crypto.h"
#include "core/ids.h"
#include "services/s3/config_common.h"
#include "services/s3/notification.h"
#include "services/s3/s3_errors.h"

namespace nimbus::s3 {
namespace {

constexpr std::string_view kKind = "notification";
const std::string kNoQueue = "The destination queue does not exist";

std::string host_id() { return crypto::base64_encode(crypto::random_bytes(48)); }

// The operation that hands an event message to a destination, in the destination's account and
// region (its ARN says both); nullopt for an ARN that names none.
std::optional<delivery::Target> target_for(const Destination& destination, std::string message) {
  auto arn = parse_arn(destination.arn);
  if (!arn) return std::nullopt;
  delivery::Target target{.account = arn->account, .region = arn->region};
  if (destination.kind == "queue") {
    target.service = "sqs";
    target.operation = "SendMessage";
    target.input = {{"QueueUrl", "http://localhost/" + arn->account + "/" + arn->resource},
                    {"MessageBody", std::move(message)}};
  } else if (destination.kind == "lambda") {
    target.service = "lambda";
    target.operation = "Invoke";
    target.input = {{"FunctionName", destination.arn}, {"InvocationType", "Event"}, {"Payload", std::move(message)}};
  } else if (destination.kind == "topic") {
    target.service = "sns";
    target.operation = "Publish";
    target.input = {{"TopicArn", destination.arn}, {"Subject", "Amazon S3 Notification"}, {"Message", std::move(message)}};
  } else {
    return std::nullopt;
  }
  return target;
}

delivery::Delivery delivery_to(const Destination& destination, delivery::Target target, const Bucket& bucket) {
  delivery::Delivery delivery;
  delivery.source = "s3";
  delivery.source_arn = "arn:aws:s3:::" + bucket.name;
  delivery.source_account = bucket.account_id;
  delivery.lane = destination.arn;
  delivery.target = std::move(target);
  return delivery;
}

}  // namespace

awaitable<S3Result> NotificationDelivery::put_configuration(S3Call& call) {
  auto configuration = call.input.value("NotificationConfiguration", Json::object());
  validate_notification(configuration);
  auto bucket = environment_.buckets.require(call.bucket, call.context);
  if (!call.input.value("SkipDestinationValidation", false)) co_await validate_destinations(configuration);
  // Each destination configured gets an s3:TestEvent, staged with the configuration itself.
  auto message = test_event_message(bucket.name, environment_.clock.now_ms(), call.context.request_id,
                                    host_id()).dump();
  std::vector<delivery::Delivery> tests;
  for (const auto& destination : all_destinations(configuration)) {
    if (destination.kind == "lambda") continue;  // functions get no test event
    if (auto target = target_for(destination, message)) tests.push_back(delivery_to(destination, *target, bucket));
  }
  std::string kind(kKind);
  Json stored = configuration.empty() ? Json() : configuration;
  delivery::Outbox::Staged staged;
  std::function<void(storage::WriteBatch&)> also = [&](storage::WriteBatch& batch) {
    staged = environment_.outbox.stage(batch, std::move(tests));
  };
  co_await store_config(environment_, call, std::move(kind), std::move(stored), also);
  staged.release();
  co_return S3Result{};
}

awaitable<S3Result> NotificationDelivery::get_configuration(S3Call& call) {
  S3Result result;
  if (auto stored = stored_config(environment_, call, kKind)) result.output = *stored;
  co_return result;
}

awaitable<void> NotificationDelivery::validate_destinations(const Json& configuration) {
  for (const auto& entry : configuration.value("QueueConfigurations", Json::array())) {
    auto arn_text = entry.value("QueueArn", std::string(""));
    auto arn = parse_arn(arn_text);
    if (!arn || arn->service != "sqs") throw errors::unvalidated_destination(arn_text, kNoQueue);
    delivery::Target lookup{"sqs", "GetQueueUrl", arn->account, arn->region, {{"QueueName", arn->resource}}};
    RequestContext context;
    context.account_id = arn->account;
    context.region = arn->region;
    context.request_id = ids::uuid4();
    context.clock = &environment_.clock;
    context.invoked_by = {"s3.amazonaws.com", "", ""};
    bool exists = true;
    try {
      co_await environment_.call_service(lookup, context);
    } catch (const AwsError&) {
      exists = false;
    }
    if (!exists) throw errors::unvalidated_destination(arn_text, kNoQueue);
  }
  // A function must exist and its resource policy must let S3 invoke it.
  for (const auto& entry : configuration.value("LambdaFunctionConfigurations", Json::array())) {
    auto arn_text = entry.value("LambdaFunctionArn", std::string(""));
    std::string refusal = "Not authorized to invoke function [" + arn_text + "]";
    auto arn = parse_arn(arn_text);
    if (!arn || arn->service != "lambda") throw errors::unvalidated_destination(arn_text, refusal);
    delivery::Target lookup{"lambda", "GetPolicy", arn->account, arn->region, {{"FunctionName", arn_text}}};
    RequestContext context;
    context.account_id = arn->account;
    context.region = arn->region;
    context.request_id = ids::uuid4();
    context.clock = &environment_.clock;
    context.invoked_by = {"s3.amazonaws.com", "", ""};
    std::string policy;
    try {
      auto answer = co_await environment_.call_service(lookup, context);
      policy = answer.value("Policy", "");
    } catch (const AwsError&) {
    }
    if (policy.find("s3.amazonaws.com") == std::string::npos) throw errors::unvalidated_destination(arn_text, refusal);
  }
}

std::vector<delivery::Delivery> NotificationDelivery::object_event(const ObjectEvent& event,
                                                                   const ObjectSummary& object) {
  std::vector<delivery::Delivery> deliveries;
  const Bucket& bucket = *event.bucket;
  auto configuration = bucket.configs.find(std::string(kKind));
  if (configuration == bucket.configs.end()) return deliveries;
  auto destinations = matching_destinations(*configuration, event.name, object.key);
  if (destinations.empty()) return deliveries;
  const RequestContext& context = *event.context;
  EventContext record;
  record.region = bucket.region;
  record.time_ms = environment_.clock.now_ms();
  record.event_name = std::string(event.name);
  record.principal_id = "AWS:" + (context.access_key_id.empty() ? context.account_id : context.access_key_id);
  record.source_ip = context.source_ip.empty() ? "127.0.0.1" : context.source_ip;
  record.request_id = context.request_id;
  record.host_id = host_id();
  record.bucket_owner = canonical_user_id(bucket.account_id);
  record.sequencer = next_sequencer();
  bool versioned = !bucket.versioning.empty();
  for (const auto& destination : destinations) {
    record.configuration_id = destination.configuration_id;
    if (auto target = target_for(destination, event_message(record, object, versioned).dump())) {
      deliveries.push_back(delivery_to(destination, std::move(*target), bucket));
    }
  }
  return deliveries;
}

std::string NotificationDelivery::next_sequencer() {
  // Increasing across events: the time in the high bits, a counter breaking ties.
  auto candidate = static_cast<uint64_t>(environment_.clock.now_ms()) << 16;
  auto last = last_sequence_.load();
  uint64_t next;
  do {
    next = std::max(candidate, last + 1);
  } while (!last_sequence_.compare_exchange_weak(last, next));
  char text[24];
  std::snprintf(text, sizeof text, "%018llX", static_cast<unsigned long long>(next));
  return text;
}

}  // namespace nimbus::s3
