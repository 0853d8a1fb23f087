#pragma once
// The outbox: durable delivery between services. A service that accepts something another
// service must receive stages the Delivery into the *same* store batch as the change that caused
// it, and releases it once that batch is durable; a worker then calls the destination's operation
// with retries (exponential backoff with jitter on nimbus's clock) until it succeeds, is given up
// (handed to the source's dead-letter handler, or recorded as dropped with the reason), or the
// state is reset. At-least-once: a delivery is removed only after its call succeeded, so one
// whose cause was acknowledged is delivered after a restart or kill -9.
//
// Lanes: each destination is a lane with its own limit of calls in flight, so a dead
// destination holds up only its own deliveries. An ordered lane carries one delivery at a time
// in staging order, waiting for earlier staged ones whose batch is not durable yet.
//
// Circuit breaker: a lane whose destination keeps failing (its faults, throttling, timeouts; not
// a missing resource or permission, which is waited for as before) opens. While open, its due
// deliveries fail at once without calling the destination ("CircuitOpen", an attempt like any
// other: backoff, age and attempt limits, dead letters apply as usual), so a dead endpoint costs
// no calls in flight or timeouts. After a cool-down one call goes through as a probe
// (half-open): success closes the lane, failure opens it again for twice as long.
//
// Combining: a destination that takes several calls of an operation as one (SQS SendMessage as
// SendMessageBatch) registers how (combine()); deliveries of one lane that are due together, from
// the same source and for the same resource, then go as one call, each settled by its own entry's
// outcome. Nothing is held back to fill a call: it only gathers what is already waiting.
//
// Lifecycle: start() loads stored deliveries and starts the worker; stop() is idempotent and
// lets calls in flight finish without starting new ones; reset() wipes everything. Destroy it
// only once the executor's threads have stopped (its coroutines refer to it).

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "core/aws_error.h"
#include "core/clock.h"
#include "core/request_context.h"
#include "delivery/delivery.h"
#include "storage/store.h"

namespace nimbus::delivery {

struct OutboxLimits {
  int calls_per_lane = 16;
  int calls_in_flight = 64;
  size_t dropped_kept = 1000;  // dropped records kept for GET /_nimbus/deliveries
  int breaker_failures = 5;                // consecutive retryable failures that open a lane
  int64_t breaker_cooldown_ms = 5'000;     // first open period (nimbus's clock), doubling
  int64_t breaker_max_cooldown_ms = 60'000;
};

// How deliveries calling one operation are combined into calls of another (registered by the
// destination, which knows both shapes).
struct Combining {
  std::string operation;  // the combined call's operation: "SendMessageBatch"
  size_t max_entries = 10;
  size_t max_bytes = SIZE_MAX;  // of the entries together, by `size`
  // Inputs combine only when their keys are equal (the queue): one combined call, one resource.
  std::function<std::string(const Json& input)> key;
  std::function<size_t(const Json& input)> size;
  // The combined call's input for these inputs, in order.
  std::function<Json(const std::vector<const Json*>& inputs)> combine;
  // Each input's outcome from the combined call's output: nullopt where it succeeded.
  std::function<std::vector<std::optional<AwsError>>(const Json& output, size_t inputs)> split;
};

class Outbox {
 public:
  // Calls the target's operation as a client would; throws AwsError as the service does.
  using Invoke = std::function<boost::asio::awaitable<Json>(const Target&, RequestContext&)>;
  // Given a delivery that will not be made and why, the delivery to make instead (a dead-letter
  // queue, an on-failure destination), or nullopt to record it as dropped.
  using DeadLetter = std::function<std::optional<Delivery>(const Delivery&, const Failure&)>;

  Outbox(storage::Store& store, Clock& clock, Invoke invoke, OutboxLimits limits = {});
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // Deliveries written into a caller's batch, held back until release(): the batch is durable.
  // Destroyed unreleased (the batch failed), they are forgotten. Move-only.
  class Staged {
   public:
    Staged() = default;
    Staged(Staged&& other) noexcept { *this = std::move(other); }
    Staged& operator=(Staged&& other) noexcept;
    ~Staged();
    void release();

   private:
    friend class Outbox;
    void abandon_all();
    struct Item {
      uint64_t sequence;
      Delivery delivery;
      int64_t created_ms;
    };
    Outbox* outbox_ = nullptr;
    std::vector<Item> items_;
  };

  // Writes the deliveries into `batch`; call under the lock that orders the caller's batches.
  Staged stage(storage::WriteBatch& batch, std::vector<Delivery> deliveries);
  // Registers the dead-letter handler for deliveries of `source` (before start).
  void on_exhausted(const std::string& source, DeadLetter handler);
  // Registers how deliveries calling `service`'s `operation` combine (before start).
  void combine(const std::string& service, const std::string& operation, Combining combining);

  void start(boost::asio::any_io_executor executor);
  void stop();
  boost::asio::awaitable<void> reset();
  // Pending, retrying, in-flight, delivered, dead-lettered and dropped deliveries per source and
  // destination; delivery latency; the most recent drops with their reasons.
  Json report() const;

 private:
  struct Entry {
    Delivery delivery;
    int64_t created_ms = 0;
    int64_t due_ms = 0;
    int attempts = 0;
    bool in_flight = false;
    std::string last_error;
    std::chrono::steady_clock::time_point released;
  };
  struct Breaker {
    int consecutive_failures = 0;
    int64_t open_until_ms = 0;  // 0: closed; past: half-open (one probe at a time)
    int64_t cooldown_ms = 0;    // of the last opening
    bool probing = false;
    uint64_t opened = 0;  // times opened, for the report
  };
  struct Lane {
    std::map<uint64_t, Entry> entries;
    std::set<uint64_t> reserved;  // staged, batch not durable yet
    int in_flight = 0;
    Breaker breaker;
  };
  struct Counters {
    uint64_t delivered = 0;
    uint64_t dead_lettered = 0;
    uint64_t dropped = 0;
    uint64_t failed_attempts = 0;
    std::string last_error;
  };

  // One call to a destination: one delivery's, or several combined.
  struct Call {
    std::string lane;
    std::vector<uint64_t> sequences;
    Target target;
    Delivery first;  // whose source the call is made for
    const Combining* combining = nullptr;
  };
  // What became of one delivery of a call: nullopt succeeded.
  struct Outcome {
    std::optional<Failure> failure;
    bool retryable = true;
  };
  // How the call itself went, for the lane's circuit breaker.
  struct CallResult {
    bool called = true;  // false: short-circuited by an open breaker
    std::optional<std::string> error_code;  // the whole call failed with this error
    bool destination_failing = false;  // that error counts toward opening the circuit
  };

  void load();
  uint64_t next_sequence();
  void release(Staged::Item item);
  void abandon(const Staged::Item& item);
  void wake();
  boost::asio::awaitable<void> pump();
  // Starts every call that is due and allowed; returns when the next one falls due (nimbus ms).
  std::optional<int64_t> dispatch_due();
  // The due deliveries after `from` in `lane` that can join `call` (marked in flight).
  void gather(Lane& lane, std::map<uint64_t, Entry>::iterator from, Call& call, int64_t now);
  boost::asio::awaitable<void> attempt(Call call);
  // Settles a call's deliveries (retry, give up, or remove) in one store batch.
  void finish(const Call& call, uint64_t generation, const std::vector<Outcome>& outcomes, const CallResult& result);
  void update_breaker(Lane& lane, const std::string& lane_name, const CallResult& result, int64_t now);
  void trip(Lane& lane, int64_t now);
  static Json describe_breaker(const Breaker& breaker, int64_t now);
  void give_up(Lane& lane, std::map<uint64_t, Entry>::iterator entry, Failure failure,
               storage::WriteBatch& batch, std::vector<Staged::Item>& replacements);
  Counters& counters(const Delivery& delivery);

  storage::Store& store_;
  Clock& clock_;
  Invoke invoke_;
  OutboxLimits limits_;

  mutable std::mutex mutex_;
  std::map<std::string, Lane> lanes_;
  std::map<std::pair<std::string, std::string>, Counters> counters_;  // (source, lane)
  std::map<std::string, DeadLetter> dead_letters_;
  std::map<std::pair<std::string, std::string>, Combining> combinings_;  // (service, operation)
  std::deque<std::pair<std::string, Json>> dropped_;  // key, record
  std::deque<int64_t> latencies_us_;                    // recent release-to-delivered times
  int in_flight_ = 0;
  uint64_t generation_ = 0;  // bumped by reset: calls in flight from before it are ignored
  std::atomic<uint64_t> last_sequence_{0};
  std::mt19937_64 random_{std::random_device{}()};

  std::optional<boost::asio::strand<boost::asio::any_io_executor>> strand_;
  std::unique_ptr<boost::asio::steady_timer> timer_;
  std::atomic<bool> wake_pending_{false};
  std::atomic<bool> stopping_{false};
  std::shared_ptr<std::atomic<Outbox*>> alive_;  // clock listener's way back to us
};

}  // namespace nimbus::delivery
