// Acting on received messages by receipt handle: DeleteMessage(Batch) and
// ChangeMessageVisibility(Batch).

#include "services/sqs/batch.h"
#include "services/sqs/input.h"
#include "services/sqs/persistence.h"
#include "services/sqs/receipt_handle.h"
#include "services/sqs/sqs_errors.h"
#include "services/sqs/sqs_service_impl.h"

namespace nimbus::sqs {

namespace {

constexpr int64_t kMaxVisibilitySeconds = 43200;

ReceiptHandle decode_for(const Queue& queue, const std::string& text) {
  auto handle = decode_receipt_handle(text);
  if (!handle || handle->queue_arn != queue.arn) throw errors::receipt_handle_is_invalid(text);
  return *handle;
}

// Deletes the message a handle names. A handle of an already deleted message succeeds, as does
// an older handle of a standard-queue message; FIFO requires the current, unexpired handle.
void delete_locked(Queue& queue, const std::string& text, storage::WriteBatch& batch,
                   int64_t now_ms) {
  auto handle = decode_for(queue, text);
  Message* m = queue.messages.find(handle.seq);
  if (!m || m->id != handle.message_id) return;
  if (queue.fifo && (m->receipt_nonce != handle.nonce || !m->in_flight(now_ms))) {
    throw errors::receipt_handle_expired(text);
  }
  persist::remove_message(batch, queue, *m);
  queue.messages.remove(handle.seq);
  if (queue.fifo) queue.wake_waiters(1);
}

int64_t checked_timeout(int64_t timeout) {
  if (timeout < 0 || timeout > kMaxVisibilitySeconds) {
    throw errors::invalid_parameter("VisibilityTimeout", std::to_string(timeout),
                                    "Must be between 0 and 43200, if provided.");
  }
  return timeout;
}

void change_visibility_locked(Queue& queue, const std::string& text, int64_t timeout,
                              storage::WriteBatch& batch, int64_t now_ms) {
  auto handle = decode_for(queue, text);
  checked_timeout(timeout);
  Message* m = queue.messages.find(handle.seq);
  if (!m || m->id != handle.message_id || m->receipt_nonce != handle.nonce) {
    throw errors::message_not_available(text);
  }
  if (!m->in_flight(now_ms)) throw errors::message_not_inflight();
  if (now_ms + timeout * 1000 - m->last_receive_ms > kMaxVisibilitySeconds * 1000) {
    throw errors::invalid_parameter(
        "VisibilityTimeout", std::to_string(timeout),
        "Total VisibilityTimeout for the message is beyond the limit [43200 seconds]");
  }
  queue.messages.set_visible_at(handle.seq, now_ms + timeout * 1000);
  persist::put_state(batch, queue, *queue.messages.find(handle.seq));
  if (timeout == 0) queue.wake_waiters(1);
}

}  // namespace

awaitable<Json> SqsService::delete_message(RequestContext& context, const Json& in) {
  auto queue = queue_from_url(context, in);
  auto handle = input::required_string(in, "ReceiptHandle");
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(queue->mutex);
    storage::WriteBatch batch;
    delete_locked(*queue, handle, batch, clock_.now_ms());
    if (!batch.empty()) pending = store_.submit(std::move(batch));
  }
  if (pending) co_await pending->wait();
  co_return Json::object();
}

awaitable<Json> SqsService::delete_message_batch(RequestContext& context, const Json& in) {
  auto queue = queue_from_url(context, in);
  const Json& entries = batch::entries(in, "DeleteMessageBatchRequestEntry");
  Json successful = Json::array();
  Json failed = Json::array();
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(queue->mutex);
    storage::WriteBatch batch;
    int64_t now = clock_.now_ms();
    for (const auto& entry : entries) {
      std::string id = entry["Id"];
      try {
        delete_locked(*queue, input::required_string(entry, "ReceiptHandle"), batch, now);
        successful.push_back({{"Id", id}});
      } catch (const AwsError& error) {
        failed.push_back(batch::failure(id, error));
      }
    }
    if (!batch.empty()) pending = store_.submit(std::move(batch));
  }
  if (pending) co_await pending->wait();
  co_return Json{{"Successful", std::move(successful)}, {"Failed", std::move(failed)}};
}

awaitable<Json> SqsService::change_message_visibility(RequestContext& context, const Json& in) {
  auto queue = queue_from_url(context, in);
  auto handle = input::required_string(in, "ReceiptHandle");
  auto timeout = input::opt_int(in, "VisibilityTimeout");
  if (!timeout) throw errors::missing_parameter("VisibilityTimeout");
  checked_timeout(*timeout);
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(queue->mutex);
    storage::WriteBatch batch;
    change_visibility_locked(*queue, handle, *timeout, batch, clock_.now_ms());
    pending = store_.submit(std::move(batch));
  }
  co_await pending->wait();
  co_return Json::object();
}

awaitable<Json> SqsService::change_message_visibility_batch(RequestContext& context,
                                                            const Json& in) {
  auto queue = queue_from_url(context, in);
  const Json& entries = batch::entries(in, "ChangeMessageVisibilityBatchRequestEntry");
  Json successful = Json::array();
  Json failed = Json::array();
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(queue->mutex);
    storage::WriteBatch batch;
    int64_t now = clock_.now_ms();
    for (const auto& entry : entries) {
      std::string id = entry["Id"];
      try {
        auto handle = input::required_string(entry, "ReceiptHandle");
        auto timeout = input::opt_int(entry, "VisibilityTimeout").value_or(0);
        change_visibility_locked(*queue, handle, timeout, batch, now);
        successful.push_back({{"Id", id}});
      } catch (const AwsError& error) {
        failed.push_back(batch::failure(id, error));
      }
    }
    if (!batch.empty()) pending = store_.submit(std::move(batch));
  }
  if (pending) co_await pending->wait();
  co_return Json{{"Successful", std::move(successful)}, {"Failed", std::move(failed)}};
}

}  // namespace nimbus::sqs
