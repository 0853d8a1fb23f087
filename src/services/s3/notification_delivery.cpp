#include "services/s3/notification_delivery.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <chrono>
#include <cstdio>
#include <thread>

#include "core/crypto.h"
#include "core/ids.h"
#include "core/log.h"
#include "services/s3/config_common.h"
#include "services/s3/notification.h"
#include "services/s3/s3_errors.h"
#include "services/service.h"

namespace nimbus::s3 {
namespace {

constexpr std::string_view kKind = "notification";
constexpr std::string_view kGetQueueUrl = "GetQueueUrl";
constexpr std::string_view kSendMessage = "SendMessage";
const std::string kNoQueue = "The destination queue does not exist";

std::string host_id() { return crypto::base64_encode(crypto::random_bytes(48)); }

// A request context acting in the queue's account and region (SQS finds queues by both).
RequestContext queue_context(const Arn& arn, Clock& clock) {
  RequestContext context;
  context.account_id = arn.account;
  context.region = arn.region;
  context.request_id = ids::uuid4();
  context.clock = &clock;
  return context;
}

}  // namespace

NotificationDelivery::~NotificationDelivery() {
  stop();
  for (int i = 0; i < 200 && running_.load() > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

void NotificationDelivery::start(boost::asio::any_io_executor executor) {
  std::lock_guard lock(mutex_);
  executor_ = executor;
  stopping_ = false;
}

void NotificationDelivery::stop() { stopping_ = true; }

void NotificationDelivery::clear() {
  std::lock_guard lock(mutex_);
  pending_.clear();
}

awaitable<S3Result> NotificationDelivery::put_configuration(S3Call& call) {
  auto configuration = call.input.value("NotificationConfiguration", Json::object());
  validate_notification(configuration);
  environment_.buckets.require(call.bucket, call.context);
  if (!call.input.value("SkipDestinationValidation", false)) co_await validate_destinations(configuration);
  bool empty = configuration.empty();
  std::string kind(kKind);
  Json stored = empty ? Json() : configuration;
  auto bucket = co_await store_config(environment_, call, std::move(kind), std::move(stored));
  auto message = test_event_message(bucket.name, environment_.clock.now_ms(), call.context.request_id,
                                    host_id()).dump();
  for (const auto& entry : configuration.value("QueueConfigurations", Json::array())) {
    try {
      auto queue_arn = entry.value("QueueArn", std::string(""));
      co_await send(queue_arn, message);
    } catch (const AwsError&) {
      // Only reachable with SkipDestinationValidation: S3 configures the queue regardless.
    }
  }
  co_return S3Result{};
}

awaitable<S3Result> NotificationDelivery::get_configuration(S3Call& call) {
  S3Result result;
  if (auto stored = stored_config(environment_, call, kKind)) result.output = *stored;
  co_return result;
}

awaitable<void> NotificationDelivery::validate_destinations(const Json& configuration) {
  auto* sqs = environment_.find_service ? environment_.find_service("sqs") : nullptr;
  for (const auto& entry : configuration.value("QueueConfigurations", Json::array())) {
    auto arn_text = entry.value("QueueArn", std::string(""));
    auto arn = parse_arn(arn_text);
    if (!arn || arn->service != "sqs" || !sqs) throw errors::unvalidated_destination(arn_text, kNoQueue);
    auto context = queue_context(*arn, environment_.clock);
    Json input = {{"QueueName", arn->resource}};
    bool exists = true;
    try {
      co_await sqs->invoke(kGetQueueUrl, context, std::move(input));
    } catch (const AwsError&) {
      exists = false;
    }
    if (!exists) throw errors::unvalidated_destination(arn_text, kNoQueue);
  }
}

void NotificationDelivery::object_event(const RequestContext& context, const Bucket& bucket,
                                        std::string_view event_name, const ObjectSummary& object) {
  auto configuration = bucket.configs.find(std::string(kKind));
  if (configuration == bucket.configs.end()) return;
  auto destinations = matching_destinations(*configuration, event_name, object.key);
  if (destinations.empty()) return;
  EventContext event;
  event.region = bucket.region;
  event.time_ms = environment_.clock.now_ms();
  event.event_name = std::string(event_name);
  event.principal_id = "AWS:" + (context.access_key_id.empty() ? context.account_id : context.access_key_id);
  event.source_ip = "127.0.0.1";
  event.request_id = context.request_id;
  event.host_id = host_id();
  event.bucket_owner = canonical_user_id(bucket.account_id);
  event.sequencer = next_sequencer();
  bool versioned = !bucket.versioning.empty();
  std::lock_guard lock(mutex_);
  for (const auto& destination : destinations) {
    if (destination.kind != "queue") continue;  // SNS / Lambda are not served yet
    event.configuration_id = destination.configuration_id;
    pending_.push_back({destination.arn, event_message(event, object, versioned).dump()});
  }
  if (pending_.empty() || draining_ || !executor_ || stopping_) return;
  draining_ = true;
  ++running_;
  boost::asio::co_spawn(*executor_, drain(), boost::asio::detached);
}

awaitable<void> NotificationDelivery::drain() {
  while (true) {
    Pending next;
    {
      std::lock_guard lock(mutex_);
      if (pending_.empty() || stopping_) {
        draining_ = false;
        break;
      }
      next = std::move(pending_.front());
      pending_.pop_front();
    }
    try {
      co_await send(next.queue_arn, std::move(next.body));
    } catch (const std::exception& error) {
      NIMBUS_LOG(Warn, "s3 notification to " + next.queue_arn + " not delivered: " + error.what());
    }
  }
  --running_;
}

awaitable<void> NotificationDelivery::send(const std::string& queue_arn, std::string body) {
  auto* sqs = environment_.find_service ? environment_.find_service("sqs") : nullptr;
  auto arn = parse_arn(queue_arn);
  if (!sqs || !arn) co_return;
  auto context = queue_context(*arn, environment_.clock);
  Json input = {{"QueueUrl", "http://localhost/" + arn->account + "/" + arn->resource},
                {"MessageBody", std::move(body)}};
  co_await sqs->invoke(kSendMessage, context, std::move(input));
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
