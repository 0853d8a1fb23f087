#include "services/scheduler/scheduler_service.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <limits>

#include "async/worker_exit.h"
#include "core/ids.h"
#include "core/log.h"
#include "services/scheduler/schedule_target.h"
#include "services/scheduler/scheduler_rules.h"

namespace nimbus::scheduler {
namespace {

constexpr auto kWorkerTick = std::chrono::milliseconds(100);
// A schedule behind by more than this (the clock advanced by days) skips the older fire times:
// their deliveries would be past the default maximum event age anyway.
constexpr int64_t kBacklogMs = 24LL * 3600 * 1000;
constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

}  // namespace

std::unique_ptr<SchedulerService> make_scheduler_service(SchedulerDeps deps) {
  return std::make_unique<SchedulerService>(deps);
}

const std::unordered_map<std::string_view, SchedulerService::Handler>& SchedulerService::handlers() {
  static const std::unordered_map<std::string_view, Handler> table = {
      {"CreateSchedule", &SchedulerService::create_schedule},
      {"CreateScheduleGroup", &SchedulerService::create_schedule_group},
      {"DeleteSchedule", &SchedulerService::delete_schedule},
      {"DeleteScheduleGroup", &SchedulerService::delete_schedule_group},
      {"GetSchedule", &SchedulerService::get_schedule},
      {"GetScheduleGroup", &SchedulerService::get_schedule_group},
      {"ListScheduleGroups", &SchedulerService::list_schedule_groups},
      {"ListSchedules", &SchedulerService::list_schedules},
      {"ListTagsForResource", &SchedulerService::list_tags_for_resource},
      {"TagResource", &SchedulerService::tag_resource},
      {"UntagResource", &SchedulerService::untag_resource},
      {"UpdateSchedule", &SchedulerService::update_schedule},
  };
  return table;
}

SchedulerService::SchedulerService(SchedulerDeps deps)
    : store_(deps.store), clock_(deps.clock), outbox_(deps.outbox), state_(std::make_shared<SchedulerState>()) {
  clock_.on_advance([weak = std::weak_ptr<SchedulerState>(state_)] {
    if (auto state = weak.lock()) state->wake = true;
  });
  outbox_.on_exhausted("scheduler", [counter = dead_lettered_](const delivery::Delivery& given_up,
                                                               const delivery::Failure& failure) {
    auto replacement = dead_letter_for(given_up, failure);
    if (replacement) ++*counter;
    return replacement;
  });
}

SchedulerService::~SchedulerService() {
  stop();
  async::wait_for_worker_exit(worker_running_, executor_);
}

const model::ServiceModel& SchedulerService::model() const { return model::scheduler_model(); }

bool SchedulerService::implements(std::string_view operation) const { return handlers().count(operation) > 0; }

awaitable<Json> SchedulerService::invoke(std::string_view operation, RequestContext& context, Json input) {
  auto it = handlers().find(operation);
  if (it == handlers().end()) {
    throw AwsError::unknown_operation("The requested operation " + std::string(operation) + " is not supported.");
  }
  if (!input.is_object()) input = Json::object();
  co_return co_await (this->*(it->second))(context, input);
}

void SchedulerService::start(boost::asio::any_io_executor executor) {
  if (started_) return;
  started_ = true;
  executor_ = executor;
  stopping_ = false;
  state_->load(store_, clock_.now_ms());
  worker_running_ = true;
  boost::asio::co_spawn(executor, worker(), boost::asio::detached);
}

void SchedulerService::stop() {
  stopping_ = true;
  started_ = false;
}

awaitable<void> SchedulerService::reset() {
  state_->clear();
  co_await store_.wipe(kSpace);
}

Json SchedulerService::health() const {
  std::lock_guard lock(state_->mutex);
  return {{"state", stopping_ ? "stopped" : "running"},
          {"schedules", state_->schedules.size()},
          {"schedule_groups", state_->groups.size()},
          {"fires", fires_.load()},
          {"backlog_skips", fires_skipped_.load()},
          {"deleted_after_completion", deleted_after_completion_.load()},
          {"dead_lettered", dead_lettered_->load()}};
}

void SchedulerService::plan_next(Json& record, int64_t after_ms) {
  if (record.contains("_last_ms")) after_ms = std::max(after_ms, record["_last_ms"].get<int64_t>());
  auto next = next_fire(record, after_ms);
  if (!next) {
    record.erase("_next_ms");
    record.erase("_due_ms");
    return;
  }
  int64_t due = *next;
  auto window = record.value("FlexibleTimeWindow", Json::object());
  if (window.value("Mode", "OFF") == "FLEXIBLE") {
    int64_t span_ms = window.value("MaximumWindowInMinutes", int64_t{0}) * 60'000;
    if (span_ms > 0) due += std::uniform_int_distribution<int64_t>(0, span_ms - 1)(random_);
  }
  record["_next_ms"] = *next;
  record["_due_ms"] = due;
}

awaitable<int64_t> SchedulerService::fire_due() {
  std::shared_ptr<storage::PendingCommit> pending;
  delivery::Outbox::Staged staged;
  int64_t fired = 0;
  {
    std::lock_guard lock(state_->mutex);
    int64_t now = clock_.now_ms();
    int64_t earliest = kNever;
    storage::WriteBatch batch;
    std::vector<delivery::Delivery> deliveries;
    for (auto it = state_->schedules.begin(); it != state_->schedules.end();) {
      Json& record = it->second;
      if (record.value("State", "ENABLED") != "ENABLED") {
        ++it;
        continue;
      }
      bool catching_up = state_->catching_up.erase(it->first) > 0;
      bool changed = false;
      while (record.contains("_due_ms") && record["_due_ms"].get<int64_t>() <= now) {
        int64_t scheduled = record["_next_ms"].get<int64_t>();
        deliveries.push_back(fire_delivery(record, Fire{ids::uuid4(), scheduled}));
        ++fired;
        changed = true;
        record["_last_ms"] = scheduled;
        int64_t after = scheduled;
        if (catching_up) {
          after = std::max(after, now);  // down while it fell due: one fire for all it missed
        } else if (now - after > kBacklogMs) {
          after = now - kBacklogMs;
          ++fires_skipped_;
        }
        plan_next(record, after);
      }
      if (!record.contains("_next_ms") && record.value("ActionAfterCompletion", "NONE") == "DELETE" &&
          completed(record, now)) {
        batch.remove(kSpace, schedule_store_key(it->first));
        it = state_->schedules.erase(it);
        ++deleted_after_completion_;
        continue;
      }
      if (record.contains("_due_ms")) earliest = std::min(earliest, record["_due_ms"].get<int64_t>());
      if (!record.contains("_next_ms") && record.value("ActionAfterCompletion", "NONE") == "DELETE" &&
          record.contains("EndDate")) {
        earliest = std::min(earliest, static_cast<int64_t>(record["EndDate"].get<double>() * 1000.0));
      }
      if (changed) batch.put(kSpace, schedule_store_key(it->first), record.dump());
      ++it;
    }
    state_->earliest_due = earliest;
    if (batch.empty()) co_return 0;
    staged = outbox_.stage(batch, std::move(deliveries));
    pending = store_.submit(std::move(batch));
  }
  co_await pending->wait();
  staged.release();
  fires_ += fired;
  co_return fired;
}

awaitable<void> SchedulerService::worker() {
  auto executor = co_await boost::asio::this_coro::executor;
  boost::asio::steady_timer timer(executor);
  while (!stopping_) {
    timer.expires_after(kWorkerTick);
    boost::system::error_code ec;
    co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    if (stopping_) break;
    bool woken = state_->wake.exchange(false);
    if (!woken && clock_.now_ms() < state_->earliest_due.load()) continue;
    try {
      co_await fire_due();
    } catch (const std::exception& error) {
      // A failed store write: its deliveries are forgotten with the batch (the store is failing).
      NIMBUS_LOG(Warn, std::string("scheduler: firing pass failed: ") + error.what());
      state_->wake = true;
    }
  }
  worker_running_ = false;
}

}  // namespace nimbus::scheduler
