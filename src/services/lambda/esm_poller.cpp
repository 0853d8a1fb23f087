#include "services/lambda/esm_poller.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/crypto.h"
#include "core/ids.h"
#include "core/log.h"
#include "services/lambda/esm_stream_poller.h"
#include "services/lambda/lambda_service.h"

namespace nimbus::lambda {
namespace asio = boost::asio;

namespace {

constexpr int kPollSeconds = 20;           // ReceiveMessage long poll while a batch is empty
constexpr size_t kPayloadLimit = 6291456;  // a synchronous invoke's request
constexpr int64_t kRefreshQueueMs = 30'000;

}  // namespace

EsmPoller::Settings EsmPoller::settings_of(const Json& record) {
  const Json& config = record["config"];
  Settings s;
  s.account = record.value("account", "");
  s.region = record.value("region", "");
  s.queue_arn = config.value("EventSourceArn", "");
  s.queue_account = record.value("queue_account", "");
  s.queue_region = record.value("queue_region", "");
  s.queue_url = record.value("queue_url", "");
  s.function_arn = config.value("FunctionArn", "");
  s.batch_size = config.value("BatchSize", 10);
  s.window_ms = config.value("MaximumBatchingWindowInSeconds", 0) * 1000LL;
  for (const auto& type : config.value("FunctionResponseTypes", Json::array())) {
    if (type == "ReportBatchItemFailures") s.report_failures = true;
  }
  if (config.contains("ScalingConfig")) {
    s.limit = config["ScalingConfig"].value("MaximumConcurrency", EsmPoller::kDefaultLimit);
  }
  s.filters = config.value("FilterCriteria", Json::object()).value("Filters", Json::array());
  return s;
}

Json sqs_event_record(const Json& message, const std::string& queue_arn, const std::string& region) {
  Json record = {{"messageId", message.value("MessageId", "")},
                 {"receiptHandle", message.value("ReceiptHandle", "")},
                 {"body", message.value("Body", "")},
                 {"attributes", message.value("Attributes", Json::object())},
                 {"messageAttributes", Json::object()},
                 {"md5OfBody", message.value("MD5OfBody", "")},
                 {"eventSource", "aws:sqs"},
                 {"eventSourceARN", queue_arn},
                 {"awsRegion", region}};
  if (auto attributes = message.find("MessageAttributes"); attributes != message.end()) {
    for (const auto& item : attributes->items()) {
      const Json& value = item.value();
      Json entry = {{"stringListValues", Json::array()}, {"binaryListValues", Json::array()},
                    {"dataType", value.value("DataType", "String")}};
      if (value.contains("StringValue")) entry["stringValue"] = value["StringValue"];
      if (value.contains("BinaryValue")) {
        entry["binaryValue"] = crypto::base64_encode(value["BinaryValue"].get<std::string>());
      }
      record["messageAttributes"][item.key()] = std::move(entry);
    }
  }
  if (message.contains("MD5OfMessageAttributes")) record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"];
  return record;
}

std::optional<std::vector<std::string>> batch_item_failures(const std::string& payload,
                                                            const std::vector<std::string>& message_ids) {
  std::vector<std::string> failed;
  if (payload.empty()) return failed;
  Json response = Json::parse(payload, nullptr, false);
  if (response.is_discarded()) return std::nullopt;
  if (!response.is_object()) return failed;
  auto list = response.find("batchItemFailures");
  if (list == response.end() || list->is_null()) return failed;
  if (!list->is_array()) return std::nullopt;
  for (const auto& item : *list) {
    if (!item.is_object()) return std::nullopt;
    auto id = item.find("itemIdentifier");
    if (id == item.end() || !id->is_string() || id->get_ref<const std::string&>().empty()) return std::nullopt;
    const auto& text = id->get_ref<const std::string&>();
    if (std::find(message_ids.begin(), message_ids.end(), text) == message_ids.end()) return std::nullopt;
    failed.push_back(text);
  }
  return failed;
}

void EsmPoller::start(asio::any_io_executor executor) {
  {
    std::lock_guard lock(mutex_);
    executor_ = executor;
    started_ = true;
    stopping_ = std::make_shared<std::atomic<bool>>(false);
  }
  for (const auto& entry : mappings_.list("")) refresh(entry.first);
}

void EsmPoller::stop() {
  std::lock_guard lock(mutex_);
  stopping_->store(true);
  started_ = false;
  for (auto& entry : workers_) entry.second->stopped = true;
  workers_.clear();
}

void EsmPoller::refresh(const std::string& uuid) {
  auto record = mappings_.get(uuid);
  bool wanted = record && !is_stream_mapping(*record) && (*record)["config"].value("State", "") == "Enabled";
  std::lock_guard lock(mutex_);
  if (!started_) return;
  auto it = workers_.find(uuid);
  if (wanted && it == workers_.end()) {
    auto worker = std::make_shared<Worker>();
    worker->uuid = uuid;
    workers_.emplace(uuid, worker);
    int limit = settings_of(*record).limit;
    for (int i = 0; i < std::min(kBaseLanes, limit); ++i) spawn_lane(worker);
  } else if (!wanted && it != workers_.end()) {
    it->second->stopped = true;
    workers_.erase(it);
  }
}

void EsmPoller::spawn_lane(const std::shared_ptr<Worker>& worker) {
  worker->lanes.fetch_add(1);
  asio::co_spawn(executor_, lane(worker), asio::detached);
}

Json EsmPoller::health() const {
  size_t workers = 0;
  int lanes = 0;
  {
    std::lock_guard lock(mutex_);
    workers = workers_.size();
    for (const auto& entry : workers_) lanes += entry.second->lanes.load();
  }
  return {{"mappings_polling", workers}, {"lanes", lanes}, {"batches", counters_.batches.load()},
          {"messages", counters_.messages.load()}, {"deleted", counters_.deleted.load()},
          {"filtered_out", counters_.filtered.load()}, {"failed_batches", counters_.failed_batches.load()},
          {"throttled", counters_.throttles.load()}};
}

// One lane: receive a batch, invoke, delete; again until the worker stops.
asio::awaitable<void> EsmPoller::lane(std::shared_ptr<Worker> worker) {
  auto stopping = stopping_;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  Clock& clock = service_.clock_;
  int64_t visibility_ms = 30'000;
  int64_t visibility_checked_ms = 0;
  bool counted = true;

  while (!worker->stopped && !stopping->load()) {
    auto record = mappings_.get(worker->uuid);
    if (!record || (*record)["config"].value("State", "") != "Enabled") break;
    Settings s = settings_of(*record);
    RequestContext function_context;
    function_context.account_id = s.account;
    function_context.region = s.region;
    function_context.clock = &clock;

    // The function (a deleted one stops the mapping's effect until it is created again).
    std::optional<LambdaService::Resolved> target;
    try {
      target = service_.resolve(function_context, s.function_arn, "");
    } catch (const AwsError&) {
    }
    int reserved = -1;
    if (target && target->record.contains("concurrency") && target->record["concurrency"].is_number()) {
      reserved = target->record["concurrency"].get<int>();
    }
    if (!target || reserved == 0) {
      timer.expires_after(std::chrono::seconds(1));
      co_await timer.async_wait(asio::use_awaitable);
      continue;
    }
    int limit = reserved > 0 ? std::min(s.limit, reserved) : s.limit;
    if (worker->lanes.load() > limit) {
      int n = worker->lanes.load();
      if (n > limit && worker->lanes.compare_exchange_strong(n, n - 1)) {
        counted = false;
        break;
      }
    }

    if (clock.now_ms() - visibility_checked_ms > kRefreshQueueMs) {
      Json input = {{"QueueUrl", s.queue_url}, {"AttributeNames", Json::array({"VisibilityTimeout"})}};
      try {
        Json attributes = co_await call_sqs("GetQueueAttributes", s, input);
        visibility_ms = std::stoll(attributes["Attributes"].value("VisibilityTimeout", "30")) * 1000;
        visibility_checked_ms = clock.now_ms();
      } catch (const std::exception&) {
      }
    }

    // Gather a batch: up to BatchSize, or what came by the end of the batching window.
    std::vector<Json> batch;
    int64_t window_end = 0;
    int64_t received_ms = 0;
    bool empty_poll = false;
    bool queue_failed = false;
    while (batch.size() < s.batch_size && !worker->stopped && !stopping->load()) {
      int64_t wait_seconds = kPollSeconds;
      if (!batch.empty()) {
        int64_t left = window_end - clock.now_ms();
        if (s.window_ms == 0 || left <= 0) break;
        wait_seconds = std::clamp<int64_t>((left + 999) / 1000, 1, kPollSeconds);
      }
      Json input = {{"QueueUrl", s.queue_url},
                    {"MaxNumberOfMessages", std::min<size_t>(10, s.batch_size - batch.size())},
                    {"WaitTimeSeconds", wait_seconds},
                    {"AttributeNames", Json::array({"All"})},
                    {"MessageAttributeNames", Json::array({"All"})}};
      Json received;
      try {
        received = co_await call_sqs("ReceiveMessage", s, input);
      } catch (const AwsError& error) {
        NIMBUS_LOG(Debug, "lambda: event source mapping " + worker->uuid + " cannot receive: " + error.message);
        queue_failed = true;
      }
      if (queue_failed) break;
      auto messages = received.find("Messages");
      if (messages == received.end() || messages->empty()) {
        if (batch.empty()) {
          empty_poll = true;
          break;
        }
        continue;
      }
      if (batch.empty()) {
        received_ms = clock.now_ms();
        window_end = received_ms + s.window_ms;
      }
      for (auto& message : *messages) batch.push_back(std::move(message));
    }
    if (queue_failed && batch.empty()) {
      timer.expires_after(std::chrono::seconds(1));
      co_await timer.async_wait(asio::use_awaitable);
      continue;
    }
    if (batch.empty()) {
      if (empty_poll) {
        // Scale down: lanes beyond the base leave when the queue runs dry.
        int n = worker->lanes.load();
        if (n > kBaseLanes && worker->lanes.compare_exchange_strong(n, n - 1)) {
          counted = false;
          break;
        }
      }
      continue;
    }
    if (worker->stopped || stopping->load()) {
      co_await release(s, batch);
      break;
    }
    // The function may have gone (or changed) while the lane waited in its long poll.
    try {
      target = service_.resolve(function_context, s.function_arn, "");
    } catch (const AwsError&) {
      target.reset();
    }
    if (!target) {
      co_await release(s, batch);
      continue;
    }
    // Scale up while batches come back full.
    if (batch.size() >= s.batch_size && worker->lanes.load() < limit && !worker->stopped) spawn_lane(worker);

    int64_t visible_again_ms = received_ms + visibility_ms;
    const LambdaService::Resolved& resolved = *target;
    co_await process(worker, s, resolved, batch, visible_again_ms);
  }
  if (counted) worker->lanes.fetch_sub(1);
}

asio::awaitable<void> EsmPoller::process(const std::shared_ptr<Worker>& worker, const Settings& s,
                                         const LambdaService::Resolved& target, std::vector<Json>& batch,
                                         int64_t visible_again_ms) {
  Clock& clock = service_.clock_;
  counters_.batches.fetch_add(1);
  counters_.messages.fetch_add(batch.size());
  // Filter, then build the event (a batch past the payload limit goes in more than one invoke).
  std::vector<Json> to_delete;
  std::vector<std::vector<Json>> chunks(1);
  std::vector<Json> chunk_records(1, Json::array());
  size_t chunk_bytes = 0;
  for (auto& message : batch) {
    Json record = sqs_event_record(message, s.queue_arn, s.queue_region);
    if (!s.filters.empty() && !matches_filters(s.filters, record)) {
      counters_.filtered.fetch_add(1);
      to_delete.push_back(std::move(message));
      continue;
    }
    size_t bytes = record.dump().size() + 1;
    if (!chunks.back().empty() && chunk_bytes + bytes + 16 > kPayloadLimit) {
      chunks.emplace_back();
      chunk_records.push_back(Json::array());
      chunk_bytes = 0;
    }
    chunk_bytes += bytes;
    chunk_records.back().push_back(std::move(record));
    chunks.back().push_back(std::move(message));
  }
  for (size_t c = 0; c < chunks.size(); ++c) {
    if (chunks[c].empty()) continue;
    Json event = {{"Records", std::move(chunk_records[c])}};
    std::string payload = event.dump();
    std::vector<std::string> ids;
    for (const auto& message : chunks[c]) ids.push_back(message.value("MessageId", ""));
    RequestContext context;
    context.account_id = s.account;
    context.region = s.region;
    context.clock = &clock;
    context.invoked_by = {"lambda.amazonaws.com", s.queue_arn, s.queue_account};
    // Invoke; throttling backs off and tries again while the messages are still invisible.
    asio::steady_timer timer(co_await asio::this_coro::executor);
    int backoff_ms = 50;
    bool done = false;
    bool failed = false;
    std::string response;
    std::string function_error;
    while (!done && !failed) {
      context.request_id = ids::uuid4();
      bool throttled = false;
      try {
        std::string attempt = payload;
        std::string no_client_context;
        LambdaService::RunOutcome outcome =
            co_await service_.run(context, target, std::move(attempt), std::move(no_client_context));
        response = std::move(outcome.payload);
        function_error = std::move(outcome.function_error);
        done = true;
      } catch (const AwsError& error) {
        if (error.http_status == 429) {
          throttled = true;
        } else {
          NIMBUS_LOG(Debug, "lambda: event source mapping " + worker->uuid + " invoke failed: " + error.message);
          failed = true;
        }
      } catch (const std::exception& error) {
        NIMBUS_LOG(Warn, std::string("lambda: event source mapping invoke failed: ") + error.what());
        failed = true;
      }
      if (throttled) {
        counters_.throttles.fetch_add(1);
        if (clock.now_ms() + backoff_ms + 1000 >= visible_again_ms || stopping_->load()) {
          failed = true;  // the messages come back after their visibility timeout
          break;
        }
        timer.expires_after(std::chrono::milliseconds(backoff_ms));
        co_await timer.async_wait(asio::use_awaitable);
        backoff_ms = std::min(backoff_ms * 2, 1000);
      }
    }
    if (failed || !function_error.empty()) {
      counters_.failed_batches.fetch_add(1);
      continue;  // left in the queue: visible again after the visibility timeout
    }
    if (!s.report_failures) {
      for (auto& message : chunks[c]) to_delete.push_back(std::move(message));
      continue;
    }
    auto kept = batch_item_failures(response, ids);
    if (!kept) {
      counters_.failed_batches.fetch_add(1);
      continue;
    }
    for (auto& message : chunks[c]) {
      if (std::find(kept->begin(), kept->end(), message.value("MessageId", "")) == kept->end()) {
        to_delete.push_back(std::move(message));
      }
    }
  }
  co_await remove(s, to_delete);
}

asio::awaitable<Json> EsmPoller::call_sqs(std::string_view operation, const Settings& s, Json& input) {
  delivery::Target target{"sqs", std::string(operation), s.queue_account, s.queue_region, std::move(input)};
  RequestContext context;
  context.account_id = s.queue_account;
  context.region = s.queue_region;
  context.clock = &service_.clock_;
  context.request_id = ids::uuid4();
  context.invoked_by = {"lambda.amazonaws.com", s.function_arn, s.account};
  co_return co_await service_.call_service_(target, context);
}

asio::awaitable<void> EsmPoller::remove(const Settings& s, const std::vector<Json>& messages) {
  for (size_t start = 0; start < messages.size(); start += 10) {
    Json entries = Json::array();
    for (size_t i = start; i < std::min(messages.size(), start + 10); ++i) {
      entries.push_back({{"Id", std::to_string(i)}, {"ReceiptHandle", messages[i].value("ReceiptHandle", "")}});
    }
    Json input = {{"QueueUrl", s.queue_url}, {"Entries", std::move(entries)}};
    try {
      Json out = co_await call_sqs("DeleteMessageBatch", s, input);
      counters_.deleted.fetch_add(out.value("Successful", Json::array()).size());
    } catch (const AwsError& error) {
      NIMBUS_LOG(Debug, "lambda: event source mapping delete failed: " + error.message);
    }
  }
}

asio::awaitable<void> EsmPoller::release(const Settings& s, const std::vector<Json>& messages) {
  for (size_t start = 0; start < messages.size(); start += 10) {
    Json entries = Json::array();
    for (size_t i = start; i < std::min(messages.size(), start + 10); ++i) {
      entries.push_back({{"Id", std::to_string(i)},
                         {"ReceiptHandle", messages[i].value("ReceiptHandle", "")},
                         {"VisibilityTimeout", 0}});
    }
    Json input = {{"QueueUrl", s.queue_url}, {"Entries", std::move(entries)}};
    try {
      co_await call_sqs("ChangeMessageVisibilityBatch", s, input);
    } catch (const AwsError&) {
    }
  }
}

}  // namespace nimbus::lambda
