// Dead-letter redrive: StartMessageMoveTask, ListMessageMoveTasks, CancelMessageMoveTask, and
// the worker step that moves messages of RUNNING tasks at their requested rate and turns
// CANCELLING tasks (left so by CancelMessageMoveTask until the worker's next tick) CANCELLED.

#include "core/crypto.h"
#include "core/ids.h"
#include "services/sqs/input.h"
#include "services/sqs/persistence.h"
#include "services/sqs/queue_attributes.h"
#include "services/sqs/sqs_errors.h"
#include "services/sqs/sqs_service_impl.h"

namespace nimbus::sqs {

namespace {

constexpr int64_t kDefaultRate = 500;
constexpr int64_t kMaxRate = 500;

std::string task_key(const MoveTask& task) {
  return persist::queue_path(persist::kTaskPrefix, task.account, task.region, task.id);
}

void put_task(storage::WriteBatch& batch, const MoveTask& task) {
  batch.put(persist::kSpace, task_key(task), task.to_json().dump());
}

Json task_json(const MoveTask& task) {
  Json out = {{"Status", task.status},
              {"SourceArn", task.source_arn},
              {"ApproximateNumberOfMessagesMoved", task.moved},
              {"ApproximateNumberOfMessagesToMove", task.to_move},
              {"StartedTimestamp", task.started_ms}};
  if (task.status == "RUNNING") out["TaskHandle"] = task.handle;
  if (!task.destination_arn.empty()) out["DestinationArn"] = task.destination_arn;
  if (task.rate > 0) out["MaxNumberOfMessagesPerSecond"] = task.rate;
  if (task.status == "FAILED") out["FailureReason"] = task.failure_reason;
  return out;
}

}  // namespace

awaitable<Json> SqsService::start_message_move_task(RequestContext& context, const Json& in) {
  auto source_arn = input::required_string(in, "SourceArn");
  auto source = state_->find_by_arn(source_arn);
  if (!source) {
    throw errors::resource_not_found(
        "The resource that you specified for the SourceArn parameter doesn't exist.");
  }
  bool is_dead_letter_queue = false;
  for (const auto& queue : state_->list(source->account, source->region)) {
    auto [target, count] = dead_letter_target(*queue);
    is_dead_letter_queue = is_dead_letter_queue || target == source;
  }
  if (!is_dead_letter_queue) {
    throw errors::invalid_parameter_value("Source queue must be configured as a Dead Letter Queue.");
  }
  auto destination_arn = input::opt_string(in, "DestinationArn").value_or("");
  if (!destination_arn.empty() && !state_->find_by_arn(destination_arn)) {
    throw errors::resource_not_found(
        "The resource that you specified for the DestinationArn parameter doesn't exist.");
  }
  auto rate = input::opt_int(in, "MaxNumberOfMessagesPerSecond");
  if (rate && (*rate < 1 || *rate > kMaxRate)) {
    throw errors::invalid_parameter("MaxNumberOfMessagesPerSecond", std::to_string(*rate),
                                    "Must be between 1 and 500.");
  }
  MoveTask task;
  task.id = ids::uuid4();
  task.handle = crypto::base64_encode(Json{{"taskId", task.id}, {"sourceArn", source_arn}}.dump());
  task.account = source->account;
  task.region = source->region;
  task.source_arn = source_arn;
  task.destination_arn = destination_arn;
  task.rate = rate.value_or(0);
  task.started_ms = clock_.now_ms();
  {
    std::lock_guard lock(source->mutex);
    task.to_move = static_cast<int64_t>(source->messages.size());
  }
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(state_->tasks_mutex);
    for (const auto& existing : state_->tasks) {
      if (existing.source_arn == source_arn && existing.active()) {
        throw errors::invalid_parameter_value(
            "There is already a task running. Only one active task is allowed for a source queue "
            "arn at a given time.");
      }
    }
    storage::WriteBatch batch;
    put_task(batch, task);
    state_->tasks.push_back(task);
    pending = store_.submit(std::move(batch));
  }
  co_await pending->wait();
  wake_worker();
  co_return Json{{"TaskHandle", task.handle}};
}

awaitable<Json> SqsService::list_message_move_tasks(RequestContext& context, const Json& in) {
  auto source_arn = input::required_string(in, "SourceArn");
  if (!state_->find_by_arn(source_arn)) {
    throw errors::resource_not_found(
        "The resource that you specified for the SourceArn parameter doesn't exist.");
  }
  auto max = input::opt_int(in, "MaxResults").value_or(1);
  if (max < 1 || max > 10) {
    throw errors::invalid_parameter("MaxResults", std::to_string(max),
                                    "Value must be between 1 and 10.");
  }
  Json results = Json::array();
  std::lock_guard lock(state_->tasks_mutex);
  for (auto it = state_->tasks.rbegin(); it != state_->tasks.rend(); ++it) {
    if (it->source_arn != source_arn) continue;
    if (static_cast<int64_t>(results.size()) == max) break;
    results.push_back(task_json(*it));
  }
  co_return Json{{"Results", std::move(results)}};
}

awaitable<Json> SqsService::cancel_message_move_task(RequestContext& context, const Json& in) {
  auto handle = input::required_string(in, "TaskHandle");
  std::shared_ptr<storage::PendingCommit> pending;
  int64_t moved = 0;
  {
    std::lock_guard lock(state_->tasks_mutex);
    auto it = std::find_if(state_->tasks.begin(), state_->tasks.end(),
                           [&](const MoveTask& task) { return task.handle == handle; });
    if (it == state_->tasks.end()) throw errors::resource_not_found("Task does not exist.");
    if (it->status != "RUNNING") {
      throw errors::invalid_parameter_value("Only active tasks can be cancelled.");
    }
    it->status = "CANCELLING";  // the worker stops moving and marks it CANCELLED
    moved = it->moved;
    storage::WriteBatch batch;
    put_task(batch, *it);
    pending = store_.submit(std::move(batch));
  }
  co_await pending->wait();
  co_return Json{{"ApproximateNumberOfMessagesMoved", moved}};
}

void SqsService::wake_worker() {
  std::lock_guard lock(state_->worker_mutex);
  if (state_->worker_waiter) state_->worker_waiter->fire();
}

void SqsService::run_move_tasks(std::vector<std::shared_ptr<storage::PendingCommit>>& pending) {
  std::vector<MoveTask> running;
  {
    std::lock_guard lock(state_->tasks_mutex);
    for (auto& task : state_->tasks) {
      if (task.status == "RUNNING") running.push_back(task);
      if (task.status != "CANCELLING") continue;
      task.status = "CANCELLED";
      storage::WriteBatch batch;
      put_task(batch, task);
      pending.push_back(store_.submit(std::move(batch)));
    }
  }
  int64_t now = clock_.now_ms();
  for (auto& task : running) {
    int64_t rate = task.rate > 0 ? task.rate : kDefaultRate;
    int64_t allowed = rate * ((now - task.started_ms) / 1000 + 1) - task.moved;
    allowed = std::clamp<int64_t>(allowed, 0, task.to_move - task.moved);
    auto source = state_->find_by_arn(task.source_arn);
    std::string failure = source ? "" : "The source queue no longer exists.";
    bool drained = false;
    int64_t moved_now = 0;
    while (source && failure.empty() && moved_now < allowed) {
      std::string destination_arn = task.destination_arn;
      uint64_t seq = 0;
      {
        std::lock_guard lock(source->mutex);
        auto next = source->messages.receivable(now, 1);
        if (next.empty()) {
          drained = true;
          break;
        }
        seq = next.front();
        if (destination_arn.empty()) {
          destination_arn = source->messages.find(seq)->dead_letter_source_arn;
        }
      }
      auto destination = state_->find_by_arn(destination_arn);
      if (!destination || destination == source) {
        failure = "The destination queue " + destination_arn + " does not exist.";
        break;
      }
      std::unique_lock source_lock(source->mutex, std::defer_lock);
      std::unique_lock destination_lock(destination->mutex, std::defer_lock);
      std::lock(source_lock, destination_lock);
      if (destination->deleted) {
        failure = "The destination queue " + destination_arn + " does not exist.";
        break;
      }
      Message* m = source->messages.find(seq);
      if (!m || m->visible_at_ms > now) continue;
      Message moved = *m;
      source->messages.remove(seq);
      storage::WriteBatch batch;
      persist::remove_message(batch, *source, seq);
      moved.receive_count = 0;
      moved.first_receive_ms = moved.last_receive_ms = 0;
      moved.dead_letter_source_arn.clear();
      enqueue_moved(*destination, std::move(moved), batch, now);
      pending.push_back(store_.submit(std::move(batch)));
      moved_now++;
    }
    std::lock_guard lock(state_->tasks_mutex);
    auto it = std::find_if(state_->tasks.begin(), state_->tasks.end(),
                           [&](const MoveTask& t) { return t.id == task.id; });
    if (it == state_->tasks.end()) continue;
    it->moved += moved_now;
    if (it->status == "RUNNING") {
      if (!failure.empty()) {
        it->status = "FAILED";
        it->failure_reason = failure;
      } else if (drained || it->moved >= it->to_move) {
        it->status = "COMPLETED";
      }
    }
    if (moved_now > 0 || it->status != "RUNNING") {
      storage::WriteBatch batch;
      put_task(batch, *it);
      pending.push_back(store_.submit(std::move(batch)));
    }
  }
}

}  // namespace nimbus::sqs
