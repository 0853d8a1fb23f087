#include "services/lambda/esm_stream_poller.h"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <deque>

#include "core/ids.h"
#include "core/log.h"
#include "services/lambda/async_destinations.h"
#include "services/lambda/esm_poller.h"
#include "services/lambda/lambda_names.h"

namespace nimbus::lambda {
namespace asio = boost::asio;

namespace {

std::string sequence_of(const Json& record) { return record["dynamodb"].value("SequenceNumber", ""); }

double created_of(const Json& record) { return record["dynamodb"].value("ApproximateCreationDateTime", 0.0); }

// A part of the batch still to hand over: records[begin, end), invoked `attempts` times so far.
struct Piece {
  size_t begin = 0, end = 0;
  int attempts = 0;
};

}  // namespace

bool is_stream_mapping(const Json& record) { return record.value("source", "") == "dynamodb"; }

EsmStreamPoller::Settings EsmStreamPoller::settings_of(const Json& record) {
  const Json& config = record["config"];
  Settings s;
  s.account = record.value("account", "");
  s.region = record.value("region", "");
  s.stream_arn = config.value("EventSourceArn", "");
  s.stream_account = record.value("stream_account", "");
  s.stream_region = record.value("stream_region", "");
  s.function_arn = config.value("FunctionArn", "");
  s.batch_size = config.value("BatchSize", 100);
  s.window_ms = config.value("MaximumBatchingWindowInSeconds", 0) * 1000LL;
  s.max_retries = config.value("MaximumRetryAttempts", -1);
  s.max_age_s = config.value("MaximumRecordAgeInSeconds", -1);
  s.bisect = config.value("BisectBatchOnFunctionError", false);
  for (const auto& type : config.value("FunctionResponseTypes", Json::array())) {
    if (type == "ReportBatchItemFailures") s.report_failures = true;
  }
  if (auto destination = config.find("DestinationConfig"); destination != config.end() && destination->is_object()) {
    s.on_failure = destination->value("OnFailure", Json::object()).value("Destination", "");
  }
  s.filters = config.value("FilterCriteria", Json::object()).value("Filters", Json::array());
  return s;
}

Json stream_event_record(const Json& record, const std::string& stream_arn) {
  Json out = record;
  out["eventSourceARN"] = stream_arn;
  return out;
}

std::optional<size_t> first_failed_record(const std::string& payload, const std::vector<std::string>& sequences) {
  size_t first = sequences.size();
  if (payload.empty()) return first;
  Json response = Json::parse(payload, nullptr, false);
  if (response.is_discarded()) return std::nullopt;
  if (!response.is_object()) return first;
  auto list = response.find("batchItemFailures");
  if (list == response.end() || list->is_null()) return first;
  if (!list->is_array()) return std::nullopt;
  for (const auto& item : *list) {
    if (!item.is_object()) return std::nullopt;
    auto id = item.find("itemIdentifier");
    if (id == item.end() || !id->is_string() || id->get_ref<const std::string&>().empty()) return std::nullopt;
    auto at = std::find(sequences.begin(), sequences.end(), id->get_ref<const std::string&>());
    if (at == sequences.end()) return std::nullopt;
    first = std::min(first, static_cast<size_t>(at - sequences.begin()));
  }
  return first;
}

Json stream_failure_record(const StreamFailure& failure, const std::vector<Json>& records, size_t begin, size_t end) {
  auto arrival = [](const Json& record) {
    return iso8601_ms(static_cast<int64_t>(created_of(record) * 1000)).substr(0, 19) + "Z";
  };
  Json response_context = {{"statusCode", failure.function_error.empty() && failure.executed_version.empty() ? 0 : 200},
                           {"executedVersion", failure.executed_version},
                           {"functionError", failure.function_error}};
  return {{"requestContext",
           {{"requestId", failure.request_id},
            {"functionArn", failure.function_arn},
            {"condition", failure.condition},
            {"approximateInvokeCount", failure.attempts}}},
          {"responseContext", response_context},
          {"version", "1.0"},
          {"timestamp", iso8601_ms(failure.timestamp_ms)},
          {"DDBStreamBatchInfo",
           {{"shardId", failure.shard_id},
            {"startSequenceNumber", sequence_of(records[begin])},
            {"endSequenceNumber", sequence_of(records[end - 1])},
            {"approximateArrivalOfFirstRecord", arrival(records[begin])},
            {"approximateArrivalOfLastRecord", arrival(records[end - 1])},
            {"batchSize", end - begin},
            {"streamArn", failure.stream_arn}}}};
}

void EsmStreamPoller::start(asio::any_io_executor executor) {
  {
    std::lock_guard lock(mutex_);
    executor_ = executor;
    started_ = true;
    stopping_ = std::make_shared<std::atomic<bool>>(false);
  }
  for (const auto& entry : mappings_.list("")) refresh(entry.first);
}

void EsmStreamPoller::stop() {
  std::lock_guard lock(mutex_);
  stopping_->store(true);
  started_ = false;
  for (auto& entry : workers_) entry.second->stopped = true;
  workers_.clear();
}

void EsmStreamPoller::refresh(const std::string& uuid) {
  auto record = mappings_.get(uuid);
  bool wanted = record && is_stream_mapping(*record) && (*record)["config"].value("State", "") == "Enabled";
  std::lock_guard lock(mutex_);
  if (!started_) return;
  auto it = workers_.find(uuid);
  if (wanted && it == workers_.end()) {
    auto worker = std::make_shared<Worker>();
    worker->uuid = uuid;
    workers_.emplace(uuid, worker);
    asio::co_spawn(executor_, run(worker), asio::detached);
  } else if (!wanted && it != workers_.end()) {
    it->second->stopped = true;
    workers_.erase(it);
  }
}

Json EsmStreamPoller::health() const {
  size_t workers = 0;
  {
    std::lock_guard lock(mutex_);
    workers = workers_.size();
  }
  return {{"mappings_polling", workers},
          {"batches", counters_.batches.load()},
          {"records", counters_.records.load()},
          {"filtered_out", counters_.filtered.load()},
          {"failed_invokes", counters_.failed_invokes.load()},
          {"retries", counters_.retries.load()},
          {"discarded", counters_.discarded.load()},
          {"throttled", counters_.throttles.load()}};
}

asio::awaitable<Json> EsmStreamPoller::call_streams(std::string_view operation, const Settings& s, Json& input) {
  delivery::Target target{"dynamodbstreams", std::string(operation), s.stream_account, s.stream_region,
                          std::move(input)};
  RequestContext context;
  context.account_id = s.stream_account;
  context.region = s.stream_region;
  context.clock = &service_.clock_;
  context.request_id = ids::uuid4();
  context.invoked_by = {"lambda.amazonaws.com", s.function_arn, s.account};
  auto call = service_.call_service_(target, context);
  co_return co_await std::move(call);
}

asio::awaitable<void> EsmStreamPoller::checkpoint(const std::string& uuid, std::string_view sequence,
                                                  std::string_view result) {
  auto updated = mappings_.update(uuid, [&](std::optional<Json>& record) {
    if (!record) return;
    if (!sequence.empty()) (*record)["checkpoint"] = std::string(sequence);
    (*record)["config"]["LastProcessingResult"] = std::string(result);
  });
  auto pending = updated.first;
  co_await pending->wait();
}

asio::awaitable<void> EsmStreamPoller::send_failure(const Settings& s, Json& record) {
  counters_.discarded.fetch_add(record["DDBStreamBatchInfo"].value("batchSize", 0));
  if (s.on_failure.empty()) co_return;
  auto target = destination_target(s.on_failure, record, false);
  if (!target) co_return;
  RequestContext context;
  context.account_id = target->account;
  context.region = target->region;
  context.clock = &service_.clock_;
  context.request_id = ids::uuid4();
  context.invoked_by = {"lambda.amazonaws.com", s.function_arn, s.account};
  try {
    auto call = service_.call_service_(*target, context);
    co_await std::move(call);
  } catch (const AwsError& error) {
    NIMBUS_LOG(Warn, "lambda: stream mapping on-failure destination " + s.on_failure + " refused: " + error.message);
  }
}

// One worker: read a batch after the checkpoint, hand it over, checkpoint; again until stopped.
asio::awaitable<void> EsmStreamPoller::run(std::shared_ptr<Worker> worker) {
  auto stopping = stopping_;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  Clock& clock = service_.clock_;
  std::string shard_id;
  std::string iterator;
  bool shard_ended = false;

  while (!worker->stopped && !stopping->load()) {
    auto record = mappings_.get(worker->uuid);
    if (!record || (*record)["config"].value("State", "") != "Enabled") break;
    Settings s = settings_of(*record);
    bool idle = false;

    // The iterator: after the checkpoint, or the shard's start.
    if (iterator.empty() && !shard_ended) {
      try {
        if (shard_id.empty()) {
          Json describe = {{"StreamArn", s.stream_arn}};
          Json described = co_await call_streams("DescribeStream", s, describe);
          const Json& shards = described["StreamDescription"]["Shards"];
          if (!shards.empty()) shard_id = shards[0].value("ShardId", "");
        }
        if (!shard_id.empty()) {
          std::string after = record->value("checkpoint", "");
          Json input = {{"StreamArn", s.stream_arn}, {"ShardId", shard_id}};
          if (after.empty()) {
            input["ShardIteratorType"] = "TRIM_HORIZON";
          } else {
            input["ShardIteratorType"] = "AFTER_SEQUENCE_NUMBER";
            input["SequenceNumber"] = after;
          }
          Json got;
          bool trimmed = false;
          try {
            got = co_await call_streams("GetShardIterator", s, input);
          } catch (const AwsError& error) {
            if (error.code != "TrimmedDataAccessException") throw;
            trimmed = true;
          }
          if (trimmed) {  // the checkpoint is older than the stream's retention: from the oldest kept
            Json horizon = {{"StreamArn", s.stream_arn}, {"ShardId", shard_id}, {"ShardIteratorType", "TRIM_HORIZON"}};
            got = co_await call_streams("GetShardIterator", s, horizon);
          }
          iterator = got.value("ShardIterator", "");
        }
      } catch (const AwsError& error) {
        NIMBUS_LOG(Debug, "lambda: stream mapping " + worker->uuid + " cannot open its shard: " + error.message);
      }
      if (iterator.empty()) idle = true;
    }

    // Gather a batch: up to BatchSize, or what came by the end of the batching window.
    std::vector<Json> batch;
    int64_t window_end = 0;
    while (!idle && !iterator.empty() && batch.size() < s.batch_size && !worker->stopped && !stopping->load()) {
      Json input = {{"ShardIterator", iterator},
                    {"Limit", std::min(kMaxRecordsPerRead, s.batch_size - batch.size())}};
      Json got;
      bool expired = false;
      bool failed = false;
      try {
        got = co_await call_streams("GetRecords", s, input);
      } catch (const AwsError& error) {
        if (error.code == "ExpiredIteratorException") {
          expired = true;
        } else {
          NIMBUS_LOG(Debug, "lambda: stream mapping " + worker->uuid + " cannot read: " + error.message);
          failed = true;
        }
      }
      if (expired) {  // read again from the checkpoint
        iterator.clear();
        batch.clear();
        break;
      }
      if (failed) {
        if (batch.empty()) idle = true;
        break;
      }
      iterator = got.value("NextShardIterator", "");
      if (iterator.empty()) shard_ended = true;
      bool empty = true;
      for (auto& item : got["Records"]) {
        batch.push_back(std::move(item));
        empty = false;
      }
      if (batch.empty()) {
        idle = true;
        break;
      }
      if (!empty && window_end == 0) window_end = clock.now_ms() + s.window_ms;
      if (s.window_ms == 0 || batch.size() >= s.batch_size || iterator.empty()) break;
      int64_t left = window_end - clock.now_ms();
      if (left <= 0) break;
      if (empty) {
        timer.expires_after(std::chrono::milliseconds(std::min(left, kIdlePollMs)));
        co_await timer.async_wait(asio::use_awaitable);
      }
    }
    if (worker->stopped || stopping->load()) break;
    if (batch.empty()) {
      if (iterator.empty() && !shard_ended) idle = true;
      if (idle || shard_ended) {
        timer.expires_after(std::chrono::milliseconds(kIdlePollMs));
        co_await timer.async_wait(asio::use_awaitable);
      }
      continue;
    }
    bool finished = co_await process(worker, s, shard_id, batch);
    if (!finished) break;
  }
}

asio::awaitable<bool> EsmStreamPoller::process(const std::shared_ptr<Worker>& worker, const Settings& s,
                                               const std::string& shard_id, std::vector<Json>& batch) {
  Clock& clock = service_.clock_;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  counters_.batches.fetch_add(1);
  counters_.records.fetch_add(batch.size());
  std::vector<std::string> sequences;
  for (const auto& record : batch) sequences.push_back(sequence_of(record));

  std::deque<Piece> work;
  work.push_back({0, batch.size(), 0});
  int64_t backoff_ms = kRetryBaseMs;
  while (!work.empty()) {
    if (worker->stopped || stopping_->load()) co_return false;
    Piece piece = work.front();
    work.pop_front();

    // Records past MaximumRecordAgeInSeconds go to the destination unseen by the function.
    if (s.max_age_s >= 0) {
      double oldest_kept = static_cast<double>(clock.now_ms()) / 1000.0 - static_cast<double>(s.max_age_s);
      size_t expired = piece.begin;
      while (expired < piece.end && created_of(batch[expired]) < oldest_kept) ++expired;
      if (expired > piece.begin) {
        StreamFailure failure{ids::uuid4(), s.function_arn, "RecordAgeExceeded", "", "", shard_id, s.stream_arn,
                              piece.attempts, clock.now_ms()};
        Json sent = stream_failure_record(failure, batch, piece.begin, expired);
        co_await send_failure(s, sent);
        co_await checkpoint(worker->uuid, sequences[expired - 1], "PROBLEM: Record age exceeded.");
        piece.begin = expired;
        if (piece.begin == piece.end) continue;
      }
    }

    // The function (gone or unresolvable: wait, the records stay where they are).
    RequestContext context;
    context.account_id = s.account;
    context.region = s.region;
    context.clock = &clock;
    context.invoked_by = {"lambda.amazonaws.com", s.stream_arn, s.stream_account};
    std::optional<LambdaService::Resolved> target;
    try {
      target = service_.resolve(context, s.function_arn, "");
    } catch (const AwsError&) {
    }

    // FilterCriteria: what does not match counts as processed.
    Json records = Json::array();
    std::vector<std::string> invoked_sequences;
    for (size_t i = piece.begin; i < piece.end; ++i) {
      Json event_record = stream_event_record(batch[i], s.stream_arn);
      if (!s.filters.empty() && !matches_filters(s.filters, event_record)) {
        counters_.filtered.fetch_add(1);
        continue;
      }
      invoked_sequences.push_back(sequences[i]);
      records.push_back(std::move(event_record));
    }
    if (records.empty()) {
      co_await checkpoint(worker->uuid, sequences[piece.end - 1], "OK");
      continue;
    }

    bool invoked = false;
    LambdaService::RunOutcome outcome;
    if (target) {
      context.request_id = ids::uuid4();
      try {
        std::string payload = Json{{"Records", std::move(records)}}.dump();
        std::string no_client_context;
        const LambdaService::Resolved& resolved = *target;
        auto call = service_.run(context, resolved, std::move(payload), std::move(no_client_context));
        outcome = co_await std::move(call);
        invoked = true;
      } catch (const AwsError& error) {
        if (error.http_status == 429) counters_.throttles.fetch_add(1);
        NIMBUS_LOG(Debug, "lambda: stream mapping " + worker->uuid + " invoke failed: " + error.message);
      } catch (const std::exception& error) {
        NIMBUS_LOG(Warn, std::string("lambda: stream mapping invoke failed: ") + error.what());
      }
    }
    if (!invoked) {  // not the function's failure: no retry used, try again after a while
      work.push_front(piece);
      timer.expires_after(std::chrono::milliseconds(backoff_ms));
      co_await timer.async_wait(asio::use_awaitable);
      backoff_ms = std::min(backoff_ms * 2, kRetryMaxMs);
      continue;
    }

    // Which records failed: none, all, or (ReportBatchItemFailures) from the lowest reported one.
    size_t failed_from = piece.end;
    bool whole_failed = !outcome.function_error.empty();
    if (whole_failed) {
      failed_from = piece.begin;
    } else if (s.report_failures) {
      auto first = first_failed_record(outcome.payload, invoked_sequences);
      if (!first) {
        whole_failed = true;
        failed_from = piece.begin;
      } else if (*first < invoked_sequences.size()) {
        const std::string& failed_sequence = invoked_sequences[*first];
        failed_from = static_cast<size_t>(std::find(sequences.begin(), sequences.end(), failed_sequence) -
                                          sequences.begin());
      }
    }
    if (failed_from == piece.end) {
      backoff_ms = kRetryBaseMs;
      co_await checkpoint(worker->uuid, sequences[piece.end - 1], "OK");
      continue;
    }
    counters_.failed_invokes.fetch_add(1);
    if (failed_from > piece.begin) {
      co_await checkpoint(worker->uuid, sequences[failed_from - 1], "PROBLEM: Function call failed");
      piece.begin = failed_from;
    }
    // Splitting uses no retry: halves until a single record fails (a partial answer already
    // says where the batch is cut).
    if (s.bisect && whole_failed && piece.end - piece.begin > 1) {
      size_t middle = piece.begin + (piece.end - piece.begin) / 2;
      work.push_front({middle, piece.end, piece.attempts});
      work.push_front({piece.begin, middle, piece.attempts});
      continue;
    }
    piece.attempts += 1;
    if (s.max_retries >= 0 && piece.attempts > s.max_retries) {
      StreamFailure failure{context.request_id,
                            s.function_arn,
                            "RetryAttemptsExhausted",
                            outcome.executed_version.empty() ? "$LATEST" : outcome.executed_version,
                            outcome.function_error.empty() ? "Unhandled" : outcome.function_error,
                            shard_id,
                            s.stream_arn,
                            piece.attempts,
                            clock.now_ms()};
      Json sent = stream_failure_record(failure, batch, piece.begin, piece.end);
      co_await send_failure(s, sent);
      co_await checkpoint(worker->uuid, sequences[piece.end - 1], "PROBLEM: Function call failed");
      backoff_ms = kRetryBaseMs;
      continue;
    }
    counters_.retries.fetch_add(1);
    if (piece.attempts == 1) co_await checkpoint(worker->uuid, "", "PROBLEM: Function call failed");
    work.push_front(piece);
    timer.expires_after(std::chrono::milliseconds(backoff_ms));
    co_await timer.async_wait(asio::use_awaitable);
    backoff_ms = std::min(backoff_ms * 2, kRetryMaxMs);
  }
  co_return true;
}

}  // namespace nimbus::lambda
