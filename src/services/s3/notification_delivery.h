#pragma once
// Bucket notifications at work: Put/GetBucketNotificationConfiguration (destination validation
// and s3:TestEvent) and the delivery of object events to SQS queues, in order, off the request
// path. Topic and Lambda destinations are stored but not delivered to (no SNS/Lambda yet).

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <deque>
#include <mutex>
#include <optional>

#include "services/s3/s3_environment.h"
#include "services/s3/s3_types.h"

namespace nimbus::s3 {

// Validates and stores notification configurations and delivers object events to SQS.
class NotificationDelivery {
 public:
  explicit NotificationDelivery(S3Environment& environment) : environment_(environment) {}
  ~NotificationDelivery();

  void start(boost::asio::any_io_executor executor);
  void stop();
  // Drops undelivered events (reset).
  void clear();

  awaitable<S3Result> put_configuration(S3Call& call);
  awaitable<S3Result> get_configuration(S3Call& call);

  // Queues the event for every matching destination of the bucket. Never blocks.
  void object_event(const RequestContext& context, const Bucket& bucket, std::string_view event_name,
                    const ObjectSummary& object);

 private:
  struct Pending {
    std::string queue_arn;
    std::string body;
  };

  awaitable<void> validate_destinations(const Json& configuration);
  awaitable<void> send(const std::string& queue_arn, std::string body);
  awaitable<void> drain();
  std::string next_sequencer();

  S3Environment& environment_;
  std::optional<boost::asio::any_io_executor> executor_;
  std::mutex mutex_;
  std::deque<Pending> pending_;
  bool draining_ = false;
  std::atomic<bool> stopping_{false};
  std::atomic<int> running_{0};
  std::atomic<uint64_t> last_sequence_{0};
};

}  // namespace nimbus::s3
