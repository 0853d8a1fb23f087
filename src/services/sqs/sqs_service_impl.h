#pragma once
// The SQS service class: one handler member per operation (bodies split by operation group
// across *_ops.cpp), the shared state, and the background worker.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "services/service.h"
#include "services/sqs/sqs_service.h"
#include "services/sqs/sqs_state.h"
#include "storage/store.h"

namespace nimbus::sqs {

struct ReceiveRequest;

template <typename T>
using awaitable = boost::asio::awaitable<T>;

// Amazon SQS over SqsState, write-through to the store's "sqs" space.
class SqsService final : public Service {
 public:
  SqsService(storage::Store& store, Clock& clock, SqsLimits limits);
  ~SqsService() override;

  std::string_view name() const override { return "sqs"; }
  const model::ServiceModel& model() const override;
  awaitable<Json> invoke(std::string_view operation, RequestContext& context, Json input) override;
  bool implements(std::string_view operation) const override;
  void start(boost::asio::any_io_executor executor) override;
  void stop() override;
  awaitable<void> reset() override;
  Json health() const override;

 private:
  using Handler = awaitable<Json> (SqsService::*)(RequestContext&, const Json&);
  static const std::unordered_map<std::string_view, Handler>& handlers();

  // queue_ops.cpp
  awaitable<Json> create_queue(RequestContext& context, const Json& in);
  awaitable<Json> delete_queue(RequestContext& context, const Json& in);
  awaitable<Json> get_queue_url(RequestContext& context, const Json& in);
  awaitable<Json> list_queues(RequestContext& context, const Json& in);
  awaitable<Json> get_queue_attributes(RequestContext& context, const Json& in);
  awaitable<Json> set_queue_attributes(RequestContext& context, const Json& in);
  awaitable<Json> purge_queue(RequestContext& context, const Json& in);
  awaitable<Json> list_dead_letter_source_queues(RequestContext& context, const Json& in);
  // tag_permission_ops.cpp
  awaitable<Json> tag_queue(RequestContext& context, const Json& in);
  awaitable<Json> untag_queue(RequestContext& context, const Json& in);
  awaitable<Json> list_queue_tags(RequestContext& context, const Json& in);
  awaitable<Json> add_permission(RequestContext& context, const Json& in);
  awaitable<Json> remove_permission(RequestContext& context, const Json& in);
  // send_ops.cpp
  awaitable<Json> send_message(RequestContext& context, const Json& in);
  awaitable<Json> send_message_batch(RequestContext& context, const Json& in);
  // receive_ops.cpp
  awaitable<Json> receive_message(RequestContext& context, const Json& in);
  // message_ops.cpp
  awaitable<Json> delete_message(RequestContext& context, const Json& in);
  awaitable<Json> delete_message_batch(RequestContext& context, const Json& in);
  awaitable<Json> change_message_visibility(RequestContext& context, const Json& in);
  awaitable<Json> change_message_visibility_batch(RequestContext& context, const Json& in);
  // move_task_ops.cpp
  awaitable<Json> start_message_move_task(RequestContext& context, const Json& in);
  awaitable<Json> list_message_move_tasks(RequestContext& context, const Json& in);
  awaitable<Json> cancel_message_move_task(RequestContext& context, const Json& in);

  // The queue a QueueUrl names (any scheme and host; path /{account}/{name}).
  QueuePtr queue_from_url(const RequestContext& context, const Json& in) const;
  std::string queue_url(const RequestContext& context, const Queue& queue) const;
  // The dead-letter queue of `queue` per its RedrivePolicy, and its maxReceiveCount.
  std::pair<QueuePtr, int64_t> dead_letter_target(const Queue& queue) const;
  // Moves a message (already removed from `from`) into `to`, keeping id, body, attributes and
  // SentTimestamp. Both queues locked by the caller.
  void enqueue_moved(Queue& to, Message message, storage::WriteBatch& batch, int64_t now_ms);
  // Drops messages past retention and dedup entries past their window. Caller holds the lock.
  void expire(Queue& queue, int64_t now_ms, storage::WriteBatch& batch);

  // receive_ops.cpp: one non-waiting attempt; registers `waiter` when it returns nothing, sets
  // `over_limit` when a standard queue's short poll hits the in-flight quota.
  Json try_receive(const RequestContext& context, Queue& queue, const ReceiveRequest& request,
                   const std::shared_ptr<Waiter>& waiter, int64_t& next_ready_ms,
                   std::shared_ptr<storage::PendingCommit>& pending, bool& over_limit);

  // move_task_ops.cpp: advances RUNNING move tasks and finishes CANCELLING ones (called by the
  // worker); wake_worker() makes it run now rather than at its next tick.
  void run_move_tasks(std::vector<std::shared_ptr<storage::PendingCommit>>& pending);
  void wake_worker();
  // sqs_service.cpp: the background worker loop.
  awaitable<void> worker();
  void sweep(std::vector<std::shared_ptr<storage::PendingCommit>>& pending);

  storage::Store& store_;
  Clock& clock_;
  const SqsLimits limits_;
  std::shared_ptr<SqsState> state_;
  bool started_ = false;
  std::atomic<bool> worker_running_{false};
  std::optional<boost::asio::any_io_executor> executor_;  // the worker's, once started
};

}  // namespace nimbus::sqs
