#pragma once
// Event source mappings for DynamoDB streams, the polling half: one worker per enabled mapping
// reads the stream's shard in order through DynamoDB Streams' own operations (DescribeStream,
// GetShardIterator, GetRecords — as Lambda's pollers do), gathers up to BatchSize records (or what
// came by the end of the batching window), adds `eventSourceARN` to each and invokes the function
// synchronously with {"Records": [...]}. One batch is in flight per shard; records are handed
// over strictly in order.
//
// Checkpoints: after a batch succeeded (or was given up) the last sequence number is written into
// the mapping record (`checkpoint`), so a restart resumes AFTER_SEQUENCE_NUMBER it; without one
// the worker starts at TRIM_HORIZON (a LATEST mapping gets its checkpoint at creation, see
// esm_ops.cpp). A failed batch is retried with backoff (kRetryBaseMs doubling to kRetryMaxMs);
// BisectBatchOnFunctionError splits it in halves first (splitting uses no retry); with
// ReportBatchItemFailures the checkpoint moves before the lowest reported sequence number and the
// retry starts there. Past MaximumRetryAttempts, or for records older than
// MaximumRecordAgeInSeconds, the OnFailure destination gets the invocation record with
// DDBStreamBatchInfo and the worker moves on.
//
// Lifecycle: start() starts a worker for every enabled stream mapping; refresh(uuid) after a
// mapping changed starts or stops its worker (the worker reads the settings before every batch);
// stop() is idempotent: workers finish the call they are in and leave without checkpointing what
// they did not finish.

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

// True for a mapping record whose source is a DynamoDB stream (esm_stream_ops.cpp writes "source").
bool is_stream_mapping(const Json& record);

// esm_stream_ops.cpp: a Create's or Update's stream settings, checked as Lambda checks them
// (throws InvalidParameterValueException / ValidationException), and carried into the
// configuration.
void check_stream_settings(const Json& input);
void apply_stream_settings(const Json& input, Json& config);

class EsmStreamPoller {
 public:
  static constexpr int64_t kIdlePollMs = 1000;  // how often an idle shard is read
  static constexpr int64_t kRetryBaseMs = 500;  // first backoff after a failed batch
  static constexpr int64_t kRetryMaxMs = 10'000;
  static constexpr size_t kMaxRecordsPerRead = 1000;  // GetRecords' Limit

  EsmStreamPoller(LambdaService& service, RecordTable& mappings) : service_(service), mappings_(mappings) {}

  void start(boost::asio::any_io_executor executor);
  void stop();
  void refresh(const std::string& uuid);
  Json health() const;

  // What a worker needs of a mapping record (see esm_ops.cpp for its shape).
  struct Settings {
    std::string account, region;  // the mapping's (the function's)
    std::string stream_arn, stream_account, stream_region;
    std::string function_arn;
    size_t batch_size = 100;
    int64_t window_ms = 0;
    int max_retries = -1;     // -1: until the record expires
    int64_t max_age_s = -1;   // -1: no limit
    bool bisect = false;
    bool report_failures = false;
    std::string on_failure;   // destination ARN ("" = none)
    Json filters;
  };
  static Settings settings_of(const Json& record);

  struct Worker {
    std::string uuid;
    std::atomic<bool> stopped{false};
  };

 private:
  boost::asio::awaitable<void> run(std::shared_ptr<Worker> worker);
  // Hands `batch` to the function until every record is done with (succeeded, filtered out or
  // given up); false when the worker stopped first.
  boost::asio::awaitable<bool> process(const std::shared_ptr<Worker>& worker, const Settings& s,
                                       const std::string& shard_id, std::vector<Json>& batch);
  boost::asio::awaitable<Json> call_streams(std::string_view operation, const Settings& s, Json& input);
  // Writes the last sequence number done with ("" = unchanged) and LastProcessingResult into
  // the mapping record (a deleted mapping stays deleted).
  boost::asio::awaitable<void> checkpoint(const std::string& uuid, std::string_view sequence, std::string_view result);
  boost::asio::awaitable<void> send_failure(const Settings& s, Json& record);

  LambdaService& service_;
  RecordTable& mappings_;
  boost::asio::any_io_executor executor_;
  bool started_ = false;
  std::shared_ptr<std::atomic<bool>> stopping_ = std::make_shared<std::atomic<bool>>(false);
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Worker>> workers_;

  struct Counters {
    std::atomic<uint64_t> batches{0};
    std::atomic<uint64_t> records{0};
    std::atomic<uint64_t> filtered{0};
    std::atomic<uint64_t> failed_invokes{0};
    std::atomic<uint64_t> retries{0};
    std::atomic<uint64_t> discarded{0};
    std::atomic<uint64_t> throttles{0};
  };
  Counters counters_;
};

// The record as Lambda hands it to the function: GetRecords' record plus `eventSourceARN`.
Json stream_event_record(const Json& record, const std::string& stream_arn);

// ReportBatchItemFailures for stream sources: the index of the lowest reported SequenceNumber in
// `sequences`, sequences.size() when nothing failed, or nullopt when the response fails the whole
// batch (invalid JSON, an empty, null or unknown itemIdentifier).
std::optional<size_t> first_failed_record(const std::string& payload, const std::vector<std::string>& sequences);

// The invocation record sent to an OnFailure destination for records[begin, end) of a DynamoDB
// stream batch. `condition`: "RetryAttemptsExhausted" or "RecordAgeExceeded"; `function_error`
// empty when the function was not invoked.
struct StreamFailure {
  std::string request_id, function_arn, condition, executed_version, function_error;
  std::string shard_id, stream_arn;
  int attempts = 0;
  int64_t timestamp_ms = 0;
};
Json stream_failure_record(const StreamFailure& failure, const std::vector<Json>& records, size_t begin, size_t end);

}  // namespace nimbus::lambda
