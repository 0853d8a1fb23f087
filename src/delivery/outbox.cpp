#include "delivery/outbox.h"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdio>

#include "core/ids.h"
#include "core/log.h"
#include "delivery/retry.h"

namespace nimbus::delivery {
namespace asio = boost::asio;
namespace {

constexpr std::string_view kSpace = "outbox";
constexpr std::string_view kPendingPrefix = "q/";
constexpr std::string_view kDroppedPrefix = "x/";
constexpr size_t kLatencySamples = 4096;
// The worker looks again at least this often (real time) even when nothing wakes it.
constexpr int64_t kIdleRecheckMs = 1000;

std::string sequence_key(std::string_view prefix, uint64_t sequence) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(sequence));
  return std::string(prefix) + text;
}

uint64_t sequence_of(std::string_view key) {
  return std::strtoull(std::string(key.substr(2)).c_str(), nullptr, 16);
}

std::string principal_of(const std::string& source) { return source + ".amazonaws.com"; }

}  // namespace

Outbox::Staged& Outbox::Staged::operator=(Staged&& other) noexcept {
  if (this != &other) {
    abandon_all();
    outbox_ = std::exchange(other.outbox_, nullptr);
    items_ = std::move(other.items_);
    other.items_.clear();
  }
  return *this;
}

Outbox::Staged::~Staged() { abandon_all(); }

void Outbox::Staged::abandon_all() {
  if (!outbox_) return;
  for (const auto& item : items_) outbox_->abandon(item);
  outbox_ = nullptr;
  items_.clear();
}

void Outbox::Staged::release() {
  if (!outbox_) return;
  for (auto& item : items_) outbox_->release(std::move(item));
  items_.clear();
  std::exchange(outbox_, nullptr)->wake();
}

Outbox::Outbox(storage::Store& store, Clock& clock, Invoke invoke, OutboxLimits limits)
    : store_(store),
      clock_(clock),
      invoke_(std::move(invoke)),
      limits_(limits),
      alive_(std::make_shared<std::atomic<Outbox*>>(this)) {
  clock_.on_advance([alive = std::weak_ptr<std::atomic<Outbox*>>(alive_)] {
    if (auto shared = alive.lock()) {
      if (auto* outbox = shared->load()) outbox->wake();
    }
  });
}

Outbox::~Outbox() {
  alive_->store(nullptr);
  stop();
}

uint64_t Outbox::next_sequence() {
  // Increasing across restarts too: nimbus's time in the high bits, a counter breaking ties.
  auto candidate = static_cast<uint64_t>(clock_.now_ms()) << 16;
  auto last = last_sequence_.load();
  uint64_t next;
  do {
    next = std::max(candidate, last + 1);
  } while (!last_sequence_.compare_exchange_weak(last, next));
  return next;
}

Outbox::Staged Outbox::stage(storage::WriteBatch& batch, std::vector<Delivery> deliveries) {
  Staged staged;
  if (deliveries.empty()) return staged;
  staged.outbox_ = this;
  auto now = clock_.now_ms();
  std::lock_guard lock(mutex_);
  for (auto& delivery : deliveries) {
    auto sequence = next_sequence();
    batch.put(kSpace, sequence_key(kPendingPrefix, sequence), encode_delivery(delivery, now));
    lanes_[delivery.lane].reserved.insert(sequence);
    staged.items_.push_back({sequence, std::move(delivery), now});
  }
  return staged;
}

void Outbox::release(Staged::Item item) {
  std::lock_guard lock(mutex_);
  auto& lane = lanes_[item.delivery.lane];
  lane.reserved.erase(item.sequence);
  Entry entry;
  entry.delivery = std::move(item.delivery);
  entry.created_ms = item.created_ms;
  entry.due_ms = 0;
  entry.released = std::chrono::steady_clock::now();
  lane.entries.emplace(item.sequence, std::move(entry));
}

void Outbox::abandon(const Staged::Item& item) {
  {
    std::lock_guard lock(mutex_);
    auto lane = lanes_.find(item.delivery.lane);
    if (lane != lanes_.end()) lane->second.reserved.erase(item.sequence);
  }
  wake();  // an ordered lane may have been waiting for it
}

void Outbox::on_exhausted(const std::string& source, DeadLetter handler) {
  std::lock_guard lock(mutex_);
  dead_letters_[source] = std::move(handler);
}

void Outbox::combine(const std::string& service, const std::string& operation, Combining combining) {
  std::lock_guard lock(mutex_);
  combinings_[{service, operation}] = std::move(combining);
}

void Outbox::load() {
  std::lock_guard lock(mutex_);
  auto now = std::chrono::steady_clock::now();
  store_.scan(kSpace, kPendingPrefix, [&](std::string_view key, std::string_view value) {
    auto sequence = sequence_of(key);
    last_sequence_ = std::max(last_sequence_.load(), sequence);
    auto decoded = decode_delivery(value);
    if (!decoded) {
      NIMBUS_LOG(Warn, "outbox: unreadable delivery record " + std::string(key) + " skipped");
      return true;
    }
    Entry entry;
    entry.delivery = std::move(decoded->first);
    entry.created_ms = decoded->second;
    entry.released = now;
    auto lane = entry.delivery.lane;
    lanes_[lane].entries.emplace(sequence, std::move(entry));
    return true;
  });
  store_.scan(kSpace, kDroppedPrefix, [&](std::string_view key, std::string_view value) {
    last_sequence_ = std::max(last_sequence_.load(), sequence_of(key));
    dropped_.emplace_back(std::string(key), Json::parse(value, nullptr, false));
    return true;
  });
}

void Outbox::start(asio::any_io_executor executor) {
  if (strand_) return;
  load();
  stopping_ = false;
  strand_.emplace(asio::make_strand(executor));
  timer_ = std::make_unique<asio::steady_timer>(*strand_);
  asio::co_spawn(*strand_, pump(), asio::detached);
}

void Outbox::stop() {
  if (stopping_.exchange(true)) return;
  wake();
}

void Outbox::wake() {
  wake_pending_ = true;
  if (!strand_) return;
  asio::post(*strand_, [this] {
    if (timer_) timer_->cancel();
  });
}

asio::awaitable<void> Outbox::pump() {
  while (!stopping_) {
    wake_pending_ = false;
    auto next_due = dispatch_due();
    if (wake_pending_) continue;
    int64_t wait_ms = kIdleRecheckMs;
    if (next_due) wait_ms = std::clamp<int64_t>(*next_due - clock_.now_ms(), 0, kIdleRecheckMs);
    if (wait_ms == 0) continue;
    timer_->expires_after(std::chrono::milliseconds(wait_ms));
    boost::system::error_code ignored;
    co_await timer_->async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
}

std::optional<int64_t> Outbox::dispatch_due() {
  std::vector<Call> calls;
  std::vector<Call> short_circuited;  // due while their lane is open
  std::optional<int64_t> next_due;
  uint64_t generation;
  auto now = clock_.now_ms();
  {
    std::lock_guard lock(mutex_);
    generation = generation_;
    for (auto& [name, lane] : lanes_) {
      if (in_flight_ >= limits_.calls_in_flight) break;
      auto& breaker = lane.breaker;
      bool open = breaker.open_until_ms > now;
      bool half_open = breaker.open_until_ms != 0 && !open;
      if (open && !lane.entries.empty()) next_due = std::min(next_due.value_or(breaker.open_until_ms), breaker.open_until_ms);
      if (half_open && breaker.probing) continue;
      for (auto it = lane.entries.begin(); it != lane.entries.end(); ++it) {
        auto& [sequence, entry] = *it;
        if (lane.in_flight >= limits_.calls_per_lane || in_flight_ >= limits_.calls_in_flight) break;
        bool ordered = entry.delivery.ordered;
        if (ordered && (lane.in_flight > 0 || (!lane.reserved.empty() && *lane.reserved.begin() < sequence))) break;
        if (entry.in_flight) continue;
        if (entry.due_ms > now) {
          next_due = std::min(next_due.value_or(entry.due_ms), entry.due_ms);
          if (ordered) break;
          continue;
        }
        entry.in_flight = true;
        ++lane.in_flight;
        ++in_flight_;
        Call call{name, {sequence}, entry.delivery.target, entry.delivery};
        if (open) {
          short_circuited.push_back(std::move(call));
        } else {
          // A probe or an ordered delivery goes alone.
          if (!half_open && !ordered) gather(lane, it, call, now);
          calls.push_back(std::move(call));
          if (half_open) {
            breaker.probing = true;
            break;
          }
        }
        if (ordered) break;
      }
    }
  }
  for (auto& call : short_circuited) {
    Outcome outcome{Failure{"CircuitOpen", "The destination failed repeatedly: calls to it are paused", 0}, true};
    finish(call, generation, {outcome}, CallResult{.called = false});
  }
  if (!short_circuited.empty()) wake_pending_ = true;
  for (auto& call : calls) {
    asio::co_spawn(strand_->get_inner_executor(), attempt(std::move(call)), asio::detached);
  }
  return next_due;
}

void Outbox::gather(Lane& lane, std::map<uint64_t, Entry>::iterator from, Call& call, int64_t now) {
  auto found = combinings_.find({call.target.service, call.target.operation});
  if (found == combinings_.end()) return;
  const auto& combining = found->second;
  const auto& first = call.first;
  auto key = combining.key(first.target.input);
  size_t bytes = combining.size(first.target.input);
  std::vector<const Json*> inputs{&first.target.input};
  for (auto it = std::next(from); it != lane.entries.end() && inputs.size() < combining.max_entries; ++it) {
    auto& entry = it->second;
    const auto& delivery = entry.delivery;
    const auto& target = delivery.target;
    if (entry.in_flight || entry.due_ms > now || delivery.ordered) continue;
    if (target.service != first.target.service || target.operation != first.target.operation ||
        target.account != first.target.account || target.region != first.target.region ||
        delivery.source != first.source || delivery.source_arn != first.source_arn ||
        delivery.source_account != first.source_account || combining.key(target.input) != key) {
      continue;
    }
    auto size = combining.size(target.input);
    if (bytes + size > combining.max_bytes) break;
    bytes += size;
    entry.in_flight = true;
    call.sequences.push_back(it->first);
    inputs.push_back(&target.input);
  }
  if (inputs.size() < 2) return;
  call.target.operation = combining.operation;
  call.target.input = combining.combine(inputs);
  call.combining = &combining;
}

asio::awaitable<void> Outbox::attempt(Call call) {
  uint64_t generation;
  {
    std::lock_guard lock(mutex_);
    generation = generation_;
  }
  const auto& first = call.first;
  RequestContext context;
  context.account_id = call.target.account;
  context.region = call.target.region;
  context.request_id = ids::uuid4();
  context.clock = &clock_;
  context.invoked_by = {principal_of(first.source), first.source_arn, first.source_account};
  std::vector<Outcome> outcomes(call.sequences.size());
  CallResult result;
  bool retry_missing = first.retry.retry_missing;
  try {
    Json output = co_await invoke_(call.target, context);
    if (call.combining) {
      auto entries = call.combining->split(output, outcomes.size());
      for (size_t i = 0; i < outcomes.size() && i < entries.size(); ++i) {
        if (!entries[i]) continue;
        outcomes[i] = {Failure{entries[i]->code, entries[i]->message, 0}, worth_retrying(*entries[i], retry_missing)};
      }
    }
  } catch (const AwsError& error) {
    result.error_code = error.code;
    result.destination_failing = destination_failing(error);
    outcomes.assign(outcomes.size(), {Failure{error.code, error.message, 0}, worth_retrying(error, retry_missing)});
  } catch (const std::exception& error) {
    result.error_code = "InternalFailure";
    result.destination_failing = true;
    outcomes.assign(outcomes.size(), {Failure{"InternalFailure", error.what(), 0}, true});
  }
  finish(call, generation, outcomes, result);
  wake();
}

Outbox::Counters& Outbox::counters(const Delivery& delivery) { return counters_[{delivery.source, delivery.lane}]; }

void Outbox::trip(Lane& lane, int64_t now) {
  auto& breaker = lane.breaker;
  breaker.cooldown_ms = breaker.cooldown_ms == 0 ? limits_.breaker_cooldown_ms
                                                 : std::min(breaker.cooldown_ms * 2, limits_.breaker_max_cooldown_ms);
  breaker.open_until_ms = now + breaker.cooldown_ms;
  breaker.probing = false;
  ++breaker.opened;
}

void Outbox::update_breaker(Lane& lane, const std::string& lane_name, const CallResult& result, int64_t now) {
  auto& breaker = lane.breaker;
  if (!result.called) return;
  bool probe = breaker.probing;
  breaker.probing = false;
  if (!result.error_code) {
    breaker.consecutive_failures = 0;
    breaker.open_until_ms = 0;
    breaker.cooldown_ms = 0;
    return;
  }
  // Any other error was answered deliberately: the destination is alive.
  breaker.consecutive_failures = result.destination_failing ? breaker.consecutive_failures + 1 : 0;
  // Calls still in flight when the lane opened do not open it again.
  bool already_open = breaker.open_until_ms > now;
  if (result.destination_failing && !already_open &&
      (probe || breaker.consecutive_failures >= limits_.breaker_failures)) {
    trip(lane, now);
    NIMBUS_LOG(Warn, "outbox: circuit to " + lane_name + " opened for " + std::to_string(breaker.cooldown_ms) +
                         " ms after " + std::to_string(breaker.consecutive_failures) +
                         " failure(s): " + *result.error_code);
  } else if (!result.destination_failing) {
    breaker.open_until_ms = 0;
    breaker.cooldown_ms = 0;
  }
}

void Outbox::finish(const Call& call, uint64_t generation, const std::vector<Outcome>& outcomes,
                    const CallResult& result) {
  std::vector<Staged::Item> replacements;
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(mutex_);
    if (generation != generation_) return;
    auto& lane = lanes_[call.lane];
    --lane.in_flight;
    --in_flight_;
    auto now = clock_.now_ms();
    update_breaker(lane, call.lane, result, now);
    storage::WriteBatch batch;
    auto delivered_at = std::chrono::steady_clock::now();
    for (size_t i = 0; i < call.sequences.size() && i < outcomes.size(); ++i) {
      auto sequence = call.sequences[i];
      auto entry = lane.entries.find(sequence);
      if (entry == lane.entries.end()) continue;
      auto& state = entry->second;
      const auto& outcome = outcomes[i];
      if (!outcome.failure) {
        ++counters(state.delivery).delivered;
        auto elapsed = delivered_at - state.released;
        latencies_us_.push_back(std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count());
        if (latencies_us_.size() > kLatencySamples) latencies_us_.pop_front();
        lane.entries.erase(entry);
        batch.remove(kSpace, sequence_key(kPendingPrefix, sequence));
        continue;
      }
      const auto& failure = *outcome.failure;
      state.in_flight = false;
      ++state.attempts;
      state.last_error = failure.code + ": " + failure.message;
      auto& counter = counters(state.delivery);
      ++counter.failed_attempts;
      counter.last_error = state.last_error;
      const auto& policy = state.delivery.retry;
      bool out_of_attempts = policy.max_attempts > 0 && state.attempts >= policy.max_attempts;
      bool too_old = now - state.created_ms >= policy.max_age_ms;
      if (outcome.retryable && !out_of_attempts && !too_old) {
        std::uniform_real_distribution<double> unit(0.0, 1.0);
        state.due_ms = now + retry_delay_ms(policy, state.attempts, unit(random_));
        continue;
      }
      Failure given_up = failure;
      given_up.attempts = state.attempts;
      give_up(lane, entry, std::move(given_up), batch, replacements);
    }
    // Removals are not waited for: if one is lost in a crash the delivery is made again
    // (at-least-once).
    if (!batch.empty()) pending = store_.submit(std::move(batch));
  }
  if (replacements.empty()) return;
  // A dead-letter delivery is handed to the worker once its record is durable.
  asio::co_spawn(strand_->get_inner_executor(),
                 [this, pending, replacements = std::move(replacements)]() mutable -> asio::awaitable<void> {
                   try {
                     co_await pending->wait();
                     for (auto& item : replacements) release(std::move(item));
                   } catch (const std::exception& error) {
                     NIMBUS_LOG(Error, std::string("outbox: dead-letter delivery not stored: ") + error.what());
                   }
                   wake();
                 },
                 asio::detached);
}

void Outbox::give_up(Lane& lane, std::map<uint64_t, Entry>::iterator entry, Failure failure,
                     storage::WriteBatch& batch, std::vector<Staged::Item>& replacements) {
  auto sequence = entry->first;
  auto delivery = std::move(entry->second.delivery);
  lane.entries.erase(entry);
  batch.remove(kSpace, sequence_key(kPendingPrefix, sequence));
  auto& counter = counters(delivery);
  std::optional<Delivery> dead_letter;
  if (auto handler = dead_letters_.find(delivery.source); handler != dead_letters_.end() && !delivery.dead_letter) {
    dead_letter = handler->second(delivery, failure);
  }
  if (dead_letter) {
    ++counter.dead_lettered;
    dead_letter->dead_letter = true;
    auto replacement_sequence = next_sequence();
    auto now = clock_.now_ms();
    batch.put(kSpace, sequence_key(kPendingPrefix, replacement_sequence), encode_delivery(*dead_letter, now));
    lanes_[dead_letter->lane].reserved.insert(replacement_sequence);
    replacements.push_back({replacement_sequence, std::move(*dead_letter), now});
    return;
  }
  ++counter.dropped;
  NIMBUS_LOG(Warn, "outbox: dropped a delivery from " + delivery.source + " to " + delivery.lane + " after " +
                       std::to_string(failure.attempts) + " attempt(s): " + failure.code + ": " + failure.message);
  Json record = describe_target(delivery.target);
  record = {{"source", delivery.source}, {"source_arn", delivery.source_arn}, {"destination", delivery.lane},
            {"target", std::move(record)},  {"error_code", failure.code},      {"error_message", failure.message},
            {"attempts", failure.attempts}, {"dropped_ms", clock_.now_ms()}};
  auto key = sequence_key(kDroppedPrefix, sequence);
  batch.put(kSpace, key, record.dump());
  dropped_.emplace_back(key, std::move(record));
  while (dropped_.size() > limits_.dropped_kept) {
    batch.remove(kSpace, dropped_.front().first);
    dropped_.pop_front();
  }
}

asio::awaitable<void> Outbox::reset() {
  {
    std::lock_guard lock(mutex_);
    ++generation_;
    for (auto& [name, lane] : lanes_) {
      lane.entries.clear();
      lane.in_flight = 0;
      lane.breaker = {};
    }
    in_flight_ = 0;
    counters_.clear();
    dropped_.clear();
    latencies_us_.clear();
  }
  co_await store_.wipe(kSpace);
}

Json Outbox::describe_breaker(const Breaker& breaker, int64_t now) {
  const char* state = breaker.open_until_ms == 0 ? "closed" : breaker.open_until_ms > now ? "open" : "half_open";
  Json circuit = {{"state", state}, {"consecutive_failures", breaker.consecutive_failures}, {"opened", breaker.opened}};
  if (breaker.open_until_ms > now) circuit["open_until_ms"] = breaker.open_until_ms;
  return circuit;
}

Json Outbox::report() const {
  auto now = clock_.now_ms();
  std::lock_guard lock(mutex_);
  struct Row {
    uint64_t pending = 0, retrying = 0, in_flight = 0;
    std::optional<int64_t> next_attempt_ms;
    std::string last_error;
  };
  std::map<std::pair<std::string, std::string>, Row> rows;
  Json totals = {{"pending", 0}, {"retrying", 0}, {"in_flight", 0}, {"delivered", 0}, {"dead_lettered", 0}, {"dropped", 0}};
  for (const auto& [name, lane] : lanes_) {
    for (const auto& [sequence, entry] : lane.entries) {
      auto& row = rows[{entry.delivery.source, name}];
      ++row.pending;
      if (entry.in_flight) ++row.in_flight;
      if (entry.attempts > 0) {
        ++row.retrying;
        row.last_error = entry.last_error;
        if (!entry.in_flight) row.next_attempt_ms = std::min(row.next_attempt_ms.value_or(entry.due_ms), entry.due_ms);
      }
    }
  }
  for (const auto& [key, counter] : counters_) rows[key];
  Json destinations = Json::array();
  for (const auto& [key, row] : rows) {
    Json line = {{"source", key.first}, {"destination", key.second}, {"pending", row.pending},
                 {"retrying", row.retrying}, {"in_flight", row.in_flight}};
    Counters counter;
    if (auto found = counters_.find(key); found != counters_.end()) counter = found->second;
    line["delivered"] = counter.delivered;
    line["dead_lettered"] = counter.dead_lettered;
    line["dropped"] = counter.dropped;
    line["failed_attempts"] = counter.failed_attempts;
    if (!counter.last_error.empty()) line["last_error"] = counter.last_error;
    if (row.next_attempt_ms) line["next_attempt_ms"] = *row.next_attempt_ms;
    if (auto lane = lanes_.find(key.second); lane != lanes_.end()) {
      line["circuit"] = describe_breaker(lane->second.breaker, now);
    }
    for (const char* name : {"pending", "retrying", "in_flight", "delivered", "dead_lettered", "dropped"}) {
      totals[name] = totals[name].get<uint64_t>() + line[name].get<uint64_t>();
    }
    destinations.push_back(std::move(line));
  }
  Json latency = {{"samples", latencies_us_.size()}};
  if (!latencies_us_.empty()) {
    std::vector<int64_t> sorted(latencies_us_.begin(), latencies_us_.end());
    std::sort(sorted.begin(), sorted.end());
    auto at = [&](double q) { return sorted[std::min(sorted.size() - 1, static_cast<size_t>(q * sorted.size()))] / 1000.0; };
    latency["p50_ms"] = at(0.50);
    latency["p99_ms"] = at(0.99);
    latency["max_ms"] = sorted.back() / 1000.0;
  }
  Json dropped = Json::array();
  for (auto it = dropped_.rbegin(); it != dropped_.rend() && dropped.size() < 100; ++it) dropped.push_back(it->second);
  Json report = totals;
  report["destinations"] = std::move(destinations);
  report["delivery_latency"] = std::move(latency);
  report["recently_dropped"] = std::move(dropped);
  return report;
}

}  // namespace nimbus::delivery
