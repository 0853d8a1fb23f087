#include "services/sqs/sqs_service.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "async/worker_exit.h"
#include "services/sqs/input.h"
#include "services/sqs/persistence.h"
#include "services/sqs/queue_attributes.h"
#include "services/sqs/sqs_errors.h"
#include "services/sqs/sqs_service_impl.h"

namespace nimbus::sqs {

std::unique_ptr<Service> make_sqs_service(storage::Store& store, Clock& clock, SqsLimits limits) {
  return std::make_unique<SqsService>(store, clock, limits);
}

namespace {
constexpr auto kWorkerTick = std::chrono::milliseconds(100);
constexpr int64_t kSweepEveryMs = 1000;
constexpr int64_t kTombstoneMs = 60'000;
}  // namespace

const std::unordered_map<std::string_view, SqsService::Handler>& SqsService::handlers() {
  static const std::unordered_map<std::string_view, Handler> table = {
      {"AddPermission", &SqsService::add_permission},
      {"CancelMessageMoveTask", &SqsService::cancel_message_move_task},
      {"ChangeMessageVisibility", &SqsService::change_message_visibility},
      {"ChangeMessageVisibilityBatch", &SqsService::change_message_visibility_batch},
      {"CreateQueue", &SqsService::create_queue},
      {"DeleteMessage", &SqsService::delete_message},
      {"DeleteMessageBatch", &SqsService::delete_message_batch},
      {"DeleteQueue", &SqsService::delete_queue},
      {"GetQueueAttributes", &SqsService::get_queue_attributes},
      {"GetQueueUrl", &SqsService::get_queue_url},
      {"ListDeadLetterSourceQueues", &SqsService::list_dead_letter_source_queues},
      {"ListMessageMoveTasks", &SqsService::list_message_move_tasks},
      {"ListQueueTags", &SqsService::list_queue_tags},
      {"ListQueues", &SqsService::list_queues},
      {"PurgeQueue", &SqsService::purge_queue},
      {"ReceiveMessage", &SqsService::receive_message},
      {"RemovePermission", &SqsService::remove_permission},
      {"SendMessage", &SqsService::send_message},
      {"SendMessageBatch", &SqsService::send_message_batch},
      {"SetQueueAttributes", &SqsService::set_queue_attributes},
      {"StartMessageMoveTask", &SqsService::start_message_move_task},
      {"TagQueue", &SqsService::tag_queue},
      {"UntagQueue", &SqsService::untag_queue},
  };
  return table;
}

SqsService::SqsService(storage::Store& store, Clock& clock, SqsLimits limits)
    : store_(store), clock_(clock), limits_(limits), state_(std::make_shared<SqsState>()) {
  clock_.on_advance([weak = std::weak_ptr<SqsState>(state_)] {
    if (auto state = weak.lock()) state->wake_all();
  });
}

SqsService::~SqsService() {
  stop();
  // Give a suspended worker the chance to observe the stop before `this` goes away.
  async::wait_for_worker_exit(worker_running_, executor_);
}

const model::ServiceModel& SqsService::model() const { return model::sqs_model(); }

bool SqsService::implements(std::string_view operation) const {
  return handlers().count(operation) > 0;
}

awaitable<Json> SqsService::invoke(std::string_view operation, RequestContext& context,
                                   Json input) {
  auto it = handlers().find(operation);
  if (it == handlers().end()) {
    throw AwsError::invalid_action("The action " + std::string(operation) + " is not valid for this endpoint.");
  }
  if (!input.is_object()) input = Json::object();
  co_return co_await (this->*(it->second))(context, input);
}

void SqsService::start(boost::asio::any_io_executor executor) {
  if (started_) return;
  started_ = true;
  executor_ = executor;
  state_->stopping = false;
  state_->clear();
  state_->load(store_);
  worker_running_ = true;
  boost::asio::co_spawn(executor, worker(), boost::asio::detached);
}

void SqsService::stop() {
  state_->stopping = true;
  state_->wake_all();
  started_ = false;
}

awaitable<void> SqsService::reset() {
  state_->clear();
  co_await store_.wipe(persist::kSpace);
}

Json SqsService::health() const {
  int64_t messages = 0;
  auto queues = state_->all();
  for (const auto& queue : queues) {
    std::lock_guard lock(queue->mutex);
    messages += static_cast<int64_t>(queue->messages.size());
  }
  std::lock_guard lock(state_->tasks_mutex);
  int64_t running = 0;
  for (const auto& task : state_->tasks) running += task.status == "RUNNING";
  return {{"state", state_->stopping ? "stopped" : "running"},
          {"queues", queues.size()},
          {"messages", messages},
          {"running_move_tasks", running}};
}

awaitable<void> SqsService::worker() {
  int64_t last_sweep_ms = 0;
  while (!state_->stopping) {
    auto waiter = std::make_shared<Waiter>();
    {
      std::lock_guard lock(state_->worker_mutex);
      state_->worker_waiter = waiter;
    }
    co_await waiter->wait(kWorkerTick);
    if (state_->stopping) break;
    std::vector<std::shared_ptr<storage::PendingCommit>> pending;
    run_move_tasks(pending);
    if (clock_.now_ms() - last_sweep_ms >= kSweepEveryMs) {
      sweep(pending);
      last_sweep_ms = clock_.now_ms();
    }
    for (auto& commit : pending) co_await commit->wait();
  }
  worker_running_ = false;
}

void SqsService::sweep(std::vector<std::shared_ptr<storage::PendingCommit>>& pending) {
  int64_t now = clock_.now_ms();
  for (const auto& queue : state_->all()) {
    storage::WriteBatch batch;
    std::lock_guard lock(queue->mutex);
    expire(*queue, now, batch);
    if (!batch.empty()) pending.push_back(store_.submit(std::move(batch)));
  }
  std::unique_lock lock(state_->registry_mutex);
  storage::WriteBatch batch;
  for (auto it = state_->tombstones.begin(); it != state_->tombstones.end();) {
    if (it->second + kTombstoneMs > now) {
      ++it;
      continue;
    }
    auto parts = persist::split_path(it->first, "");
    if (parts.size() == 3) persist::remove_tombstone(batch, parts[0], parts[1], parts[2]);
    it = state_->tombstones.erase(it);
  }
  if (!batch.empty()) pending.push_back(store_.submit(std::move(batch)));
}

void SqsService::expire(Queue& queue, int64_t now_ms, storage::WriteBatch& batch) {
  for (uint64_t seq : queue.messages.expired(now_ms, queue.int_attribute("MessageRetentionPeriod") * 1000)) {
    if (const Message* m = queue.messages.find(seq)) persist::remove_message(batch, queue, *m);
    queue.messages.remove(seq);
  }
  while (!queue.dedup_expiry.empty() && queue.dedup_expiry.begin()->first <= now_ms) {
    auto key = queue.dedup_expiry.begin()->second;
    queue.dedup_expiry.erase(queue.dedup_expiry.begin());
    queue.dedup.erase(key);
    persist::remove_dedup(batch, queue, key);
  }
  for (auto it = queue.attempts.begin(); it != queue.attempts.end();) {
    it = it->second.expires_ms <= now_ms ? queue.attempts.erase(it) : std::next(it);
  }
}

QueuePtr SqsService::queue_from_url(const RequestContext& context, const Json& in) const {
  auto url = input::required_string(in, "QueueUrl");
  std::string_view path = url;
  if (auto scheme = path.find("://"); scheme != std::string_view::npos) {
    path.remove_prefix(scheme + 3);
    auto slash = path.find('/');
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
  }
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  auto slash = path.find('/');
  if (slash == std::string_view::npos || path.find('/', slash + 1) != std::string_view::npos) {
    throw errors::queue_does_not_exist();
  }
  auto queue = state_->find(std::string(path.substr(0, slash)), context.region,
                            std::string(path.substr(slash + 1)));
  if (!queue) throw errors::queue_does_not_exist();
  return queue;
}

std::string SqsService::queue_url(const RequestContext& context, const Queue& queue) const {
  std::string host = context.host.empty() ? "localhost:4566" : context.host;
  return "http://" + host + "/" + queue.account + "/" + queue.name;
}

std::pair<QueuePtr, int64_t> SqsService::dead_letter_target(const Queue& queue) const {
  std::string policy;
  {
    std::lock_guard lock(queue.mutex);
    policy = queue.attribute("RedrivePolicy");
  }
  auto parsed = parse_redrive_policy(policy);
  if (!parsed) return {nullptr, 0};
  auto target = state_->find_by_arn(parsed->first);
  if (target.get() == &queue) return {nullptr, 0};
  return {target, parsed->second};
}

void SqsService::enqueue_moved(Queue& to, Message message, storage::WriteBatch& batch,
                               int64_t now_ms) {
  message.seq = to.next_seq++;
  message.sequence_number = to.fifo ? format_sequence_number(message.seq) : std::string();
  message.visible_at_ms = now_ms;
  message.state_stored = false;  // a new seq in `to`: no state record there yet
  persist::put_message(batch, to, message);
  persist::put_seq(batch, to);
  to.messages.add(std::move(message));
  to.wake_waiters(1);
}

}  // namespace nimbus::sqs
