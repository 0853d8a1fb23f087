// ReceiveMessage: selection, visibility, dead-letter redrive on receive, attribute selection,
// FIFO receive-attempt retries, and long polling on per-queue waiters.

#include <algorithm>
#include <limits>
#include <set>

#include "services/sqs/input.h"
#include "services/sqs/message_content.h"
#include "services/sqs/persistence.h"
#include "services/sqs/receipt_handle.h"
#include "services/sqs/sqs_errors.h"
#include "services/sqs/sqs_service_impl.h"

namespace nimbus::sqs {

namespace {

constexpr int64_t kAttemptWindowMs = 5 * 60 * 1000;
constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

// Which message attributes (user) a receive asked for.
bool attribute_selected(const std::vector<std::string>& filters, const std::string& name) {
  for (const auto& filter : filters) {
    if (filter == "All" || filter == ".*" || filter == name) return true;
    if (filter.size() > 2 && filter.compare(filter.size() - 2, 2, ".*") == 0 &&
        name.compare(0, filter.size() - 1, filter, 0, filter.size() - 1) == 0) {
      return true;
    }
  }
  return false;
}

// AWS words the range per parameter: "Must be between 1 and 10, if provided." for
// MaxNumberOfMessages, "Must be >= 0 and <= 20, if provided." for WaitTimeSeconds.
int64_t checked(const Json& in, const char* name, int64_t min, int64_t max, int64_t fallback,
                bool inequality_wording = false) {
  auto value = input::opt_int(in, name);
  if (!value) return fallback;
  if (*value < min || *value > max) {
    auto range = inequality_wording
                     ? ">= " + std::to_string(min) + " and <= " + std::to_string(max)
                     : "between " + std::to_string(min) + " and " + std::to_string(max);
    throw errors::invalid_parameter(name, std::to_string(*value),
                                    "Must be " + range + ", if provided.");
  }
  return *value;
}

}  // namespace

// A validated ReceiveMessage request.
struct ReceiveRequest {
  size_t max = 1;
  std::optional<int64_t> visibility_seconds;
  std::set<std::string> system_attributes;  // contains "All" for all
  std::vector<std::string> attribute_filters;
  std::string attempt_id;
  bool long_poll = false;  // WaitTimeSeconds > 0: no OverLimit error, just nothing more
  QueuePtr dead_letter_queue;
  int64_t max_receive_count = 0;

  bool wants(const std::string& name) const {
    return system_attributes.count("All") || system_attributes.count(name);
  }
};

namespace {

Json render(const Queue& queue, const Message& m, const ReceiveRequest& request);

}  // namespace

awaitable<Json> SqsService::receive_message(RequestContext& context, const Json& in) {
  auto queue = queue_from_url(context, in);
  ReceiveRequest request;
  request.max = static_cast<size_t>(checked(in, "MaxNumberOfMessages", 1, 10, 1));
  if (input::opt_int(in, "VisibilityTimeout")) {
    request.visibility_seconds = checked(in, "VisibilityTimeout", 0, 43200, 0);
  }
  int64_t default_wait;
  {
    std::lock_guard lock(queue->mutex);
    default_wait = queue->int_attribute("ReceiveMessageWaitTimeSeconds");
  }
  int64_t wait_seconds = checked(in, "WaitTimeSeconds", 0, 20, default_wait, true);
  request.long_poll = wait_seconds > 0;
  for (const char* member : {"AttributeNames", "MessageSystemAttributeNames"}) {
    for (auto& name : input::string_list(in, member)) request.system_attributes.insert(name);
  }
  request.attribute_filters = input::string_list(in, "MessageAttributeNames");
  if (queue->fifo) request.attempt_id = input::opt_string(in, "ReceiveRequestAttemptId").value_or("");
  std::tie(request.dead_letter_queue, request.max_receive_count) = dead_letter_target(*queue);

  int64_t deadline_ms = clock_.now_ms() + wait_seconds * 1000;
  while (true) {
    bool can_wait = clock_.now_ms() < deadline_ms && !state_->stopping;
    auto waiter = can_wait ? std::make_shared<Waiter>() : nullptr;
    int64_t next_ready_ms = kNever;
    std::shared_ptr<storage::PendingCommit> pending;
    bool over_limit = false;
    Json messages =
        try_receive(context, *queue, request, waiter, next_ready_ms, pending, over_limit);
    if (pending) co_await pending->wait();
    if (over_limit) throw errors::over_limit(limits_.max_in_flight_standard);
    if (!messages.empty() || !waiter) {
      Json out = Json::object();
      if (!messages.empty()) out["Messages"] = std::move(messages);
      co_return out;
    }
    int64_t wake_at = std::min(deadline_ms, next_ready_ms);
    auto timeout = std::chrono::milliseconds(std::max<int64_t>(1, wake_at - clock_.now_ms()));
    co_await waiter->wait(timeout);
    {
      std::lock_guard lock(queue->mutex);
      queue->remove_waiter(waiter);
      if (queue->deleted) co_return Json::object();
    }
  }
}

Json SqsService::try_receive(const RequestContext& context, Queue& queue,
                             const ReceiveRequest& request, const std::shared_ptr<Waiter>& waiter,
                             int64_t& next_ready_ms,
                             std::shared_ptr<storage::PendingCommit>& pending, bool& over_limit) {
  Queue* dlq = request.dead_letter_queue.get();
  std::unique_lock queue_lock(queue.mutex, std::defer_lock);
  std::unique_lock<std::mutex> dlq_lock;
  if (dlq) {
    dlq_lock = std::unique_lock(dlq->mutex, std::defer_lock);
    std::lock(queue_lock, dlq_lock);
    if (dlq->deleted) dlq = nullptr;
  } else {
    queue_lock.lock();
  }
  Json out = Json::array();
  if (queue.deleted) return out;
  int64_t now = clock_.now_ms();
  storage::WriteBatch batch;
  expire(queue, now, batch);

  if (!request.attempt_id.empty()) {
    if (auto it = queue.attempts.find(request.attempt_id); it != queue.attempts.end()) {
      for (const auto& [seq, nonce] : it->second.messages) {
        const Message* m = queue.messages.find(seq);
        if (m && m->receipt_nonce == nonce && m->in_flight(now)) {
          out.push_back(render(queue, *m, request));
        }
      }
      if (!batch.empty()) pending = store_.submit(std::move(batch));
      return out;
    }
  }

  int64_t visibility_ms =
      request.visibility_seconds.value_or(queue.int_attribute("VisibilityTimeout")) * 1000;
  // The in-flight quota: a standard queue's short poll fails with OverLimit; long polls and FIFO
  // queues get no more messages than the quota leaves room for.
  int64_t limit = queue.fifo ? limits_.max_in_flight_fifo : limits_.max_in_flight_standard;
  int64_t room = limit - static_cast<int64_t>(queue.messages.in_flight(now));
  size_t max = static_cast<size_t>(std::clamp<int64_t>(room, 0, request.max));
  over_limit = max == 0 && !queue.fifo && !request.long_poll;
  std::vector<uint64_t> received;
  while (received.size() < max) {
    auto candidates = queue.messages.receivable(now, max - received.size());
    if (candidates.empty()) break;
    bool redriven = false;
    for (uint64_t seq : candidates) {
      Message* m = queue.messages.find(seq);
      if (dlq && m->receive_count >= request.max_receive_count) {
        Message moved = *m;
        queue.messages.remove(seq);
        persist::remove_message(batch, queue, seq);
        moved.dead_letter_source_arn = queue.arn;
        enqueue_moved(*dlq, std::move(moved), batch, now);
        redriven = true;
        continue;
      }
      queue.messages.mark_received(seq, now, now + visibility_ms);
      persist::put_state(batch, queue, *queue.messages.find(seq));
      received.push_back(seq);
    }
    if (!redriven) break;
  }

  ReceiveAttempt attempt{{}, now + kAttemptWindowMs};
  for (uint64_t seq : received) {
    const Message& m = *queue.messages.find(seq);
    out.push_back(render(queue, m, request));
    attempt.messages.emplace_back(seq, m.receipt_nonce);
  }
  if (!request.attempt_id.empty()) queue.attempts[request.attempt_id] = std::move(attempt);
  if (out.empty() && waiter) {
    queue.waiters.push_back(waiter);
    next_ready_ms = queue.messages.next_ready_after(now).value_or(kNever);
  }
  if (!batch.empty()) pending = store_.submit(std::move(batch));
  return out;
}

namespace {

Json render(const Queue& queue, const Message& m, const ReceiveRequest& request) {
  Json out = {{"MessageId", m.id},
              {"ReceiptHandle", encode_receipt_handle({queue.arn, m.seq, m.receipt_nonce, m.id})},
              {"MD5OfBody", m.md5_body},
              {"Body", m.body}};
  Json attributes = Json::object();
  auto add = [&](const char* name, const std::string& value) {
    if (request.wants(name) && !value.empty()) attributes[name] = value;
  };
  add("SenderId", m.sender_id);
  add("SentTimestamp", std::to_string(m.sent_ms));
  add("ApproximateReceiveCount", std::to_string(m.receive_count));
  add("ApproximateFirstReceiveTimestamp", std::to_string(m.first_receive_ms));
  add("SequenceNumber", m.sequence_number);
  add("MessageDeduplicationId", m.dedup_id);
  add("MessageGroupId", m.group_id);
  add("AWSTraceHeader", m.trace_header);
  add("DeadLetterQueueSourceArn", m.dead_letter_source_arn);
  if (!attributes.empty()) out["Attributes"] = std::move(attributes);

  Attributes selected;
  for (const auto& [name, value] : m.attributes) {
    if (attribute_selected(request.attribute_filters, name)) selected[name] = value;
  }
  if (!selected.empty()) {
    out["MessageAttributes"] = attributes_to_json(selected);
    out["MD5OfMessageAttributes"] = md5_of_attributes(selected);
  }
  return out;
}

}  // namespace

}  // namespace nimbus::sqs
