#pragma once
// Bucket notifications at work: Put/GetBucketNotificationConfiguration (destination validation
// and s3:TestEvent) and the deliveries an object event makes to the bucket's destinations — SQS
// queues, Lambda functions and SNS topics, each as the destination's own operation — which the
// object side stages in the outbox in the same batch as the change (src/delivery).

#include <atomic>
#include <vector>

#include "delivery/delivery.h"
#include "services/s3/object_access.h"
#include "services/s3/s3_environment.h"
#include "services/s3/s3_types.h"

namespace nimbus::s3 {

class NotificationDelivery {
 public:
  explicit NotificationDelivery(S3Environment& environment) : environment_(environment) {}

  awaitable<S3Result> put_configuration(S3Call& call);
  awaitable<S3Result> get_configuration(S3Call& call);

  // One delivery per matching destination of the bucket, in configuration order.
  std::vector<delivery::Delivery> object_event(const ObjectEvent& event, const ObjectSummary& object);

 private:
  awaitable<void> validate_destinations(const Json& configuration);
  std::string next_sequencer();

  S3Environment& environment_;
  std::atomic<uint64_t> last_sequence_{0};
};

}  // namespace nimbus::s3
