// SendMessage and SendMessageBatch: validation, FIFO deduplication and sequencing, enqueue.

#include "core/crypto.h"
#include "core/ids.h"
#include "services/sqs/batch.h"
#include "services/sqs/input.h"
#include "services/sqs/message_content.h"
#include "services/sqs/persistence.h"
#include "services/sqs/queue_attributes.h"
#include "services/sqs/sqs_errors.h"
#include "services/sqs/sqs_service_impl.h"

namespace nimbus::sqs {

namespace {

constexpr int64_t kDedupWindowMs = 5 * 60 * 1000;
constexpr int64_t kMaxDelaySeconds = 900;

// The queue settings a send validates against, read once under the queue lock.
struct SendSettings {
  bool fifo = false;
  int64_t max_size = kDefaultMaxMessageSize;
  int64_t delay_seconds = 0;
  bool content_based_dedup = false;
  bool dedup_per_group = false;
};

// What a send returns for one message.
struct SendResult {
  std::string message_id;
  std::string sequence_number;
};

SendSettings settings_of(const Queue& queue) {
  std::lock_guard lock(queue.mutex);
  if (queue.deleted) throw errors::queue_does_not_exist();
  return {queue.fifo, queue.int_attribute("MaximumMessageSize"), queue.int_attribute("DelaySeconds"),
          queue.attribute("ContentBasedDeduplication") == "true",
          queue.attribute("DeduplicationScope") == "messageGroup"};
}

bool valid_fifo_id(const std::string& id) {
  return !id.empty() && id.size() <= 128 &&
         std::all_of(id.begin(), id.end(), [](char c) { return c >= '!' && c <= '~'; });
}

// Validates one entry and builds its message (without seq). Throws AwsError.
Message prepare(const SendSettings& settings, const Json& entry, const RequestContext& context,
                int64_t now_ms, bool batch_entry = false) {
  auto body = input::opt_string(entry, "MessageBody");
  if (!body || body->empty()) throw errors::missing_parameter("MessageBody");
  if (uint32_t bad = 0; !valid_message_characters(*body, &bad)) {
    throw errors::invalid_message_body_character(bad);
  }
  Message m;
  m.attributes = parse_message_attributes(input::object_or_empty(entry, "MessageAttributes"));
  auto system = parse_system_attributes(input::object_or_empty(entry, "MessageSystemAttributes"));
  if (static_cast<int64_t>(message_size(*body, m.attributes)) > settings.max_size) {
    throw errors::message_too_long(settings.max_size, batch_entry);
  }
  int64_t delay = settings.delay_seconds;
  if (auto requested = input::opt_int(entry, "DelaySeconds")) {
    if (settings.fifo && *requested != 0) {
      throw errors::invalid_parameter("DelaySeconds", std::to_string(*requested),
                                      "The request include parameter that is not valid for this "
                                      "queue type.");
    }
    if (*requested < 0 || *requested > kMaxDelaySeconds) {
      throw errors::invalid_parameter("DelaySeconds", std::to_string(*requested),
                                      "DelaySeconds must be >= 0 and <= 900.");
    }
    if (!settings.fifo) delay = *requested;
  }
  auto group = input::opt_string(entry, "MessageGroupId");
  auto dedup = input::opt_string(entry, "MessageDeduplicationId");
  if (group && !valid_fifo_id(*group)) {
    throw errors::invalid_parameter("MessageGroupId", *group,
                                    "MessageGroupId can only include alphanumeric and punctuation "
                                    "characters. 1 to 128 in length.");
  }
  if (settings.fifo && !group) throw errors::missing_parameter("MessageGroupId");
  if (dedup && !settings.fifo) {
    throw errors::invalid_parameter("MessageDeduplicationId", *dedup,
                                    "The request include parameter that is not valid for this "
                                    "queue type.");
  }
  if (dedup && !valid_fifo_id(*dedup)) {
    throw errors::invalid_parameter("MessageDeduplicationId", *dedup,
                                    "MessageDeduplicationId can only include alphanumeric and "
                                    "punctuation characters. 1 to 128 in length.");
  }
  if (settings.fifo && !dedup) {
    if (!settings.content_based_dedup) {
      throw errors::invalid_parameter_value(
          "The queue should either have ContentBasedDeduplication enabled or "
          "MessageDeduplicationId provided explicitly");
    }
    dedup = crypto::sha256_hex(*body);
  }
  m.id = ids::uuid4();
  m.body = std::move(*body);
  m.md5_body = md5_of_body(m.body);
  m.md5_attributes = md5_of_attributes(m.attributes);
  if (auto trace = system.find("AWSTraceHeader"); trace != system.end()) {
    m.trace_header = trace->second.value;
    m.md5_system_attributes = md5_of_attributes(system);
  }
  m.sender_id = context.access_key_id.empty() ? context.account_id : context.access_key_id;
  m.sent_ms = now_ms;
  m.visible_at_ms = now_ms + delay * 1000;
  m.group_id = group.value_or("");
  m.dedup_id = dedup.value_or("");
  return m;
}

Json result_json(const Message& m, const SendResult& result) {
  Json out = {{"MessageId", result.message_id}, {"MD5OfMessageBody", m.md5_body}};
  if (!m.md5_attributes.empty()) out["MD5OfMessageAttributes"] = m.md5_attributes;
  if (!m.md5_system_attributes.empty()) {
    out["MD5OfMessageSystemAttributes"] = m.md5_system_attributes;
  }
  if (!result.sequence_number.empty()) out["SequenceNumber"] = result.sequence_number;
  return out;
}

// Enqueues (or, for a FIFO duplicate in the window, returns the original). Caller holds the lock
// and persists the queue's sequence counter (put_seq) once after its last enqueue.
SendResult enqueue(Queue& queue, Message message, bool dedup_per_group, storage::WriteBatch& batch,
                   int64_t now_ms) {
  std::string dedup_key;
  if (queue.fifo) {
    dedup_key = dedup_per_group ? message.group_id + "\n" + message.dedup_id : message.dedup_id;
    if (auto it = queue.dedup.find(dedup_key); it != queue.dedup.end()) {
      return {it->second.message_id, it->second.sequence_number};
    }
  }
  message.seq = queue.next_seq++;
  if (queue.fifo) {
    message.sequence_number = format_sequence_number(message.seq);
    DedupEntry entry{message.id, message.sequence_number, now_ms + kDedupWindowMs};
    persist::put_dedup(batch, queue, dedup_key, entry);
    queue.dedup_expiry.insert({entry.expires_ms, dedup_key});
    queue.dedup[dedup_key] = std::move(entry);
  }
  SendResult result{message.id, message.sequence_number};
  persist::put_message(batch, queue, message);
  queue.messages.add(std::move(message));
  queue.wake_waiters(1);
  return result;
}

}  // namespace

awaitable<Json> SqsService::send_message(RequestContext& context, const Json& in) {
  auto queue = queue_from_url(context, in);
  auto settings = settings_of(*queue);
  int64_t now = clock_.now_ms();
  Message message = prepare(settings, in, context, now);
  Json out;
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(queue->mutex);
    if (queue->deleted) throw errors::queue_does_not_exist();
    storage::WriteBatch batch;
    expire(*queue, now, batch);
    Message copy_for_result;
    copy_for_result.md5_body = message.md5_body;
    copy_for_result.md5_attributes = message.md5_attributes;
    copy_for_result.md5_system_attributes = message.md5_system_attributes;
    uint64_t seq_before = queue->next_seq;
    auto result = enqueue(*queue, std::move(message), settings.dedup_per_group, batch, now);
    if (queue->next_seq != seq_before) persist::put_seq(batch, *queue);
    out = result_json(copy_for_result, result);
    pending = store_.submit(std::move(batch));
  }
  co_await pending->wait();
  co_return out;
}

awaitable<Json> SqsService::send_message_batch(RequestContext& context, const Json& in) {
  auto queue = queue_from_url(context, in);
  const Json& entries = batch::entries(in, "SendMessageBatchRequestEntry");
  size_t total = 0;
  for (const auto& entry : entries) total += batch::message_bytes(entry);
  if (total > static_cast<size_t>(kMaxMessageSizeLimit)) {
    throw errors::batch_request_too_long(kMaxMessageSizeLimit, total);
  }
  auto settings = settings_of(*queue);
  int64_t now = clock_.now_ms();
  std::vector<std::pair<std::string, Message>> prepared;
  Json failed = Json::array();
  for (const auto& entry : entries) {
    std::string id = entry["Id"];
    try {
      prepared.emplace_back(id, prepare(settings, entry, context, now, true));
    } catch (const AwsError& error) {
      failed.push_back(batch::failure(id, error));
    }
  }
  Json successful = Json::array();
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(queue->mutex);
    if (queue->deleted) throw errors::queue_does_not_exist();
    storage::WriteBatch batch;
    expire(*queue, now, batch);
    uint64_t seq_before = queue->next_seq;
    for (auto& [id, message] : prepared) {
      Message digests;
      digests.md5_body = message.md5_body;
      digests.md5_attributes = message.md5_attributes;
      digests.md5_system_attributes = message.md5_system_attributes;
      auto result = enqueue(*queue, std::move(message), settings.dedup_per_group, batch, now);
      Json entry = result_json(digests, result);
      entry["Id"] = id;
      successful.push_back(std::move(entry));
    }
    if (queue->next_seq != seq_before) persist::put_seq(batch, *queue);
    pending = store_.submit(std::move(batch));
  }
  co_await pending->wait();
  co_return Json{{"Successful", std::move(successful)}, {"Failed", std::move(failed)}};
}

}  // namespace nimbus::sqs
