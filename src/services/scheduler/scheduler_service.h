#pragma once
// Amazon EventBridge Scheduler (2021-06-30, rest-json, model-driven): schedules (at / rate / cron
// in an IANA zone, StartDate/EndDate, flexible time windows, ActionAfterCompletion) in schedule
// groups, with tags on groups. A worker fires due schedules on nimbus's clock: each fire stages
// one durable delivery to the target (schedule_target.h) in the same store batch that advances
// the schedule's fire state, so a fire is neither lost nor repeated across kill -9.
//
// Lifecycle: start() loads the state and starts the worker (it wakes on clock advances and
// schedule changes, and looks every 100 ms); stop() is idempotent; the destructor waits for the
// worker to see the stop.

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <optional>
#include <random>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"
#include "delivery/outbox.h"
#include "services/scheduler/scheduler_state.h"
#include "services/service.h"
#include "storage/store.h"

namespace nimbus::scheduler {

template <typename T>
using awaitable = boost::asio::awaitable<T>;

struct SchedulerDeps {
  storage::Store& store;
  Clock& clock;
  delivery::Outbox& outbox;
};

class SchedulerService final : public Service {
 public:
  explicit SchedulerService(SchedulerDeps deps);
  ~SchedulerService() override;

  std::string_view name() const override { return "scheduler"; }
  const model::ServiceModel& model() const override;
  awaitable<Json> invoke(std::string_view operation, RequestContext& context, Json input) override;
  bool implements(std::string_view operation) const override;
  void start(boost::asio::any_io_executor executor) override;
  void stop() override;
  awaitable<void> reset() override;
  Json health() const override;

  // One pass of the worker: fires every enabled schedule that is due on nimbus's clock (a
  // schedule behind by several fire times fires each of them, at most a day's worth; one behind
  // since before a restart fires once), deletes completed schedules with ActionAfterCompletion
  // DELETE, and waits until that is durable. Returns the fires made.
  awaitable<int64_t> fire_due();

 private:
  using Handler = awaitable<Json> (SchedulerService::*)(RequestContext&, const Json&);
  static const std::unordered_map<std::string_view, Handler>& handlers();

  // schedule_ops.cpp
  awaitable<Json> create_schedule(RequestContext& context, const Json& in);
  awaitable<Json> update_schedule(RequestContext& context, const Json& in);
  awaitable<Json> get_schedule(RequestContext& context, const Json& in);
  awaitable<Json> delete_schedule(RequestContext& context, const Json& in);
  awaitable<Json> list_schedules(RequestContext& context, const Json& in);
  // group_ops.cpp
  awaitable<Json> create_schedule_group(RequestContext& context, const Json& in);
  awaitable<Json> get_schedule_group(RequestContext& context, const Json& in);
  awaitable<Json> delete_schedule_group(RequestContext& context, const Json& in);
  awaitable<Json> list_schedule_groups(RequestContext& context, const Json& in);
  awaitable<Json> tag_resource(RequestContext& context, const Json& in);
  awaitable<Json> untag_resource(RequestContext& context, const Json& in);
  awaitable<Json> list_tags_for_resource(RequestContext& context, const Json& in);

  // Sets the record's next fire (after `after_ms`) and when it is due (plus a random offset in
  // its flexible window), or clears both when no fire is left. Caller holds the lock.
  void plan_next(Json& record, int64_t after_ms);
  // The default group's record: stored, or made up (not stored) until a change stores it.
  // Caller holds the lock.
  Json default_group(const RequestContext& context) const;
  // The group `name` of the caller's scope (a copy), or throws ResourceNotFoundException.
  // Caller holds the lock.
  Json group_or_throw(const RequestContext& context, const std::string& name) const;
  awaitable<void> worker();

  storage::Store& store_;
  Clock& clock_;
  delivery::Outbox& outbox_;
  std::shared_ptr<SchedulerState> state_;
  std::mt19937_64 random_{std::random_device{}()};  // under state_->mutex
  std::atomic<bool> stopping_{false};
  std::atomic<bool> worker_running_{false};
  bool started_ = false;
  std::optional<boost::asio::any_io_executor> executor_;
  // Counters for health().
  std::atomic<int64_t> fires_{0};
  std::atomic<int64_t> fires_skipped_{0};
  std::atomic<int64_t> deleted_after_completion_{0};
  std::shared_ptr<std::atomic<int64_t>> dead_lettered_ = std::make_shared<std::atomic<int64_t>>(0);
};

std::unique_ptr<SchedulerService> make_scheduler_service(SchedulerDeps deps);

}  // namespace nimbus::scheduler
