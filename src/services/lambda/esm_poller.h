#pragma once
// Event source mappings for Amazon SQS, the polling half: one worker per enabled mapping polls its
// queue through SQS's own operations (ReceiveMessage long polls, DeleteMessageBatch,
// ChangeMessageVisibilityBatch — as Lambda's pollers do, so redrive, visibility and FIFO group
// locking are SQS's), gathers a batch up to BatchSize or the end of the batching window, invokes
// the function synchronously with the `aws:sqs` event and deletes what succeeded (all, or all but
// the batchItemFailures with ReportBatchItemFailures); a failed batch is left to become visible
// again after the queue's visibility timeout.
//
// Scaling: a worker runs lanes (a lane = one batch in flight): it starts with up to 5, adds one
// while batches come back full, up to ScalingConfig.MaximumConcurrency (default kDefaultLimit)
// and the function's reserved concurrency, and a lane beyond the first 5 leaves after an empty
// poll. A throttled invoke (TooManyRequests) is retried with backoff while the messages are
// still invisible; nothing is deleted before the function succeeded.
//
// Lifecycle: start() starts a worker for every enabled mapping; refresh(uuid) after a mapping
// changed starts or stops its worker (the lanes read the mapping's settings before every batch);
// stop() is idempotent: lanes finish the call they are in and leave; messages a stopped worker
// received but did not invoke are made visible again at once.

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "services/lambda/function_table.h"
#include "services/lambda/lambda_service.h"

namespace nimbus::lambda {

class EsmPoller {
 public:
  static constexpr int kBaseLanes = 5;
  static constexpr int kDefaultLimit = 16;

  EsmPoller(LambdaService& service, RecordTable& mappings) : service_(service), mappings_(mappings) {}

  void start(boost::asio::any_io_executor executor);
  void stop();
  void refresh(const std::string& uuid);
  Json health() const;

  struct Worker {
    std::string uuid;
    std::atomic<bool> stopped{false};
    std::atomic<int> lanes{0};
  };
  // What a lane needs of a mapping record (see esm_ops.cpp for its shape).
  struct Settings {
    std::string account, region;  // the mapping's (the function's)
    std::string queue_arn, queue_account, queue_region, queue_url;
    std::string function_arn;
    size_t batch_size = 10;
    int64_t window_ms = 0;
    bool report_failures = false;
    int limit = kDefaultLimit;
    Json filters;
  };
  static Settings settings_of(const Json& record);

 private:
  boost::asio::awaitable<void> lane(std::shared_ptr<Worker> worker);
  void spawn_lane(const std::shared_ptr<Worker>& worker);
  // Invokes the function with one gathered batch and deletes what succeeded.
  // (Arguments by reference: callers pass named objects that outlive the co_await, see STYLE's
  // GCC 12 notes.)
  boost::asio::awaitable<void> process(const std::shared_ptr<Worker>& worker, const Settings& s,
                                       const LambdaService::Resolved& target, std::vector<Json>& batch,
                                       int64_t visible_again_ms);
  boost::asio::awaitable<Json> call_sqs(std::string_view operation, const Settings& s, Json& input);
  boost::asio::awaitable<void> remove(const Settings& s, const std::vector<Json>& messages);
  // Makes received messages visible again at once (a stopped worker's).
  boost::asio::awaitable<void> release(const Settings& s, const std::vector<Json>& messages);

  LambdaService& service_;
  RecordTable& mappings_;
  boost::asio::any_io_executor executor_;
  bool started_ = false;
  std::shared_ptr<std::atomic<bool>> stopping_ = std::make_shared<std::atomic<bool>>(false);
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Worker>> workers_;

 public:
  struct Counters {
    std::atomic<uint64_t> batches{0};
    std::atomic<uint64_t> messages{0};
    std::atomic<uint64_t> deleted{0};
    std::atomic<uint64_t> filtered{0};
    std::atomic<uint64_t> failed_batches{0};
    std::atomic<uint64_t> throttles{0};
  };

 private:
  Counters counters_;
};

// The SQS event Lambda hands a function for a batch of ReceiveMessage's messages (as SQS's
// handlers return them) from queue `queue_arn`.
Json sqs_event_record(const Json& message, const std::string& queue_arn, const std::string& region);

// What ReportBatchItemFailures leaves of a batch: the message ids to keep in the queue, or
// nullopt when the response fails the whole batch (invalid JSON, an empty, null or unknown
// itemIdentifier).
std::optional<std::vector<std::string>> batch_item_failures(const std::string& payload,
                                                            const std::vector<std::string>& message_ids);

// FilterCriteria: true when `record` (the event record) matches any filter's pattern (no
// filters: everything matches). Patterns use EventBridge's language: exact values, prefix,
// suffix, anything-but, numeric, exists; the body is matched as JSON when it parses.
bool matches_filters(const Json& filters, const Json& record);
// Checks a FilterCriteria's patterns; throws InvalidParameterValueException as Lambda does.
void check_filters(const Json& filter_criteria);

}  // namespace nimbus::lambda
