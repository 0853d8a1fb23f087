// PutLogEvents: AWS's batch rules, then one store commit for the events and the stream record.
#include <cstdio>

#include "services/logs/logs_errors.h"
#include "services/logs/logs_rules.h"
#include "services/logs/logs_service.h"

namespace nimbus::logs {
namespace {

constexpr int64_t kMaxBatchBytes = 1'048'576;
constexpr int64_t kEventOverhead = 26;
constexpr size_t kMaxEvents = 10'000;
constexpr int64_t kHourMs = 3'600'000;
constexpr int64_t kTooOldMs = 14 * 24 * kHourMs;
constexpr int64_t kTooNewMs = 2 * kHourMs;
constexpr int64_t kMaxSpanMs = 24 * kHourMs;

struct InputEvent {
  int64_t timestamp = 0;
  const std::string* message = nullptr;
};

// The events of the request, checked one by one as the model would (input from another service
// arrives unvalidated), then the batch's size and order.
std::vector<InputEvent> read_events(const Json& in) {
  auto it = in.find("logEvents");
  if (it == in.end() || it->is_null()) throw errors::missing("logEvents");
  if (!it->is_array()) throw errors::invalid_parameter("Invalid value for logEvents.");
  if (it->empty()) throw errors::constraint("[]", "logEvents", "Member must have length greater than or equal to 1");
  if (it->size() > kMaxEvents) {
    throw errors::constraint("[...]", "logEvents", "Member must have length less than or equal to 10000");
  }
  std::vector<InputEvent> events;
  events.reserve(it->size());
  int64_t bytes = 0;
  for (size_t i = 0; i < it->size(); ++i) {
    const Json& event = (*it)[i];
    std::string at = "logEvents." + std::to_string(i + 1) + ".member.";
    if (!event.is_object()) throw errors::missing("logEvents." + std::to_string(i + 1) + ".member");
    auto timestamp = event.find("timestamp");
    if (timestamp == event.end() || !as_int64(*timestamp)) throw errors::missing(at + "timestamp");
    auto message = event.find("message");
    if (message == event.end() || !message->is_string()) throw errors::missing(at + "message");
    const auto& text = message->get_ref<const std::string&>();
    if (text.empty()) throw errors::constraint("", at + "message", "Member must have length greater than or equal to 1");
    int64_t size = static_cast<int64_t>(text.size()) + kEventOverhead;
    if (size > kMaxBatchBytes) throw errors::event_too_large(size, kMaxBatchBytes);
    bytes += size;
    events.push_back({*as_int64(*timestamp), &text});
  }
  if (bytes > kMaxBatchBytes) throw errors::upload_too_large(bytes, kMaxBatchBytes);
  for (size_t i = 1; i < events.size(); ++i) {
    if (events[i].timestamp < events[i - 1].timestamp) throw errors::not_chronological();
  }
  return events;
}

std::string sequence_token(uint64_t next_seq) {
  char token[64];
  std::snprintf(token, sizeof token, "4%055llu", static_cast<unsigned long long>(next_seq));
  return token;
}

}  // namespace

awaitable<Json> LogsService::put_log_events(RequestContext& context, const Json& in) {
  std::string group_name = required_string(in, "logGroupName");
  std::string stream_name = required_string(in, "logStreamName");
  check_group_name(group_name);
  check_stream_name(stream_name);
  auto events = read_events(in);

  Json rejected = Json::object();
  int64_t accepted = 0;
  std::string next_token;
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(state_->mutex);
    auto* group = state_->find_group(scope_of(context), group_name);
    if (!group) throw errors::group_not_found();
    auto it = group->streams.find(stream_name);
    if (it == group->streams.end()) throw errors::stream_not_found();
    LogStream& stream = it->second;
    int64_t now = clock_.now_ms();
    int64_t expired_before = group->retention_cutoff_ms(now);
    // Rejected events sit at the ends of a chronological batch: too old / expired first,
    // too new last. The End indexes are exclusive, the Start index inclusive.
    size_t first = 0, last = events.size();
    for (size_t i = 0; i < events.size(); ++i) {
      if (events[i].timestamp < now - kTooOldMs) {
        rejected["tooOldLogEventEndIndex"] = i + 1;
        first = i + 1;
      }
      if (expired_before > 0 && events[i].timestamp < expired_before) {
        rejected["expiredLogEventEndIndex"] = i + 1;
        first = std::max(first, i + 1);
      }
    }
    for (size_t i = events.size(); i-- > first;) {
      if (events[i].timestamp <= now + kTooNewMs) break;
      rejected["tooNewLogEventStartIndex"] = i;
      last = i;
    }
    if (first < last && events[last - 1].timestamp - events[first].timestamp > kMaxSpanMs) {
      throw errors::span_over_24_hours();
    }
    storage::WriteBatch batch;
    for (size_t i = first; i < last; ++i) {
      const auto& event = events[i];
      batch.put(kSpace, records::event_key(stream.uid, event.timestamp, stream.next_seq++),
                records::encode_event(now, *event.message));
      if (stream.event_count == 0 || event.timestamp < stream.first_event_ms) stream.first_event_ms = event.timestamp;
      stream.last_event_ms = std::max(stream.last_event_ms, event.timestamp);
      stream.stored_bytes += static_cast<int64_t>(event.message->size());
      ++stream.event_count;
      ++accepted;
    }
    if (accepted > 0) {
      stream.last_ingestion_ms = now;
      batch.put(kSpace, records::stream_key(scope_of(context), group_name, stream_name), records::encode_stream(stream));
      pending = store_.submit(std::move(batch));
    }
    next_token = sequence_token(stream.next_seq);
  }
  events_put_ += accepted;
  events_rejected_ += static_cast<int64_t>(events.size()) - accepted;
  if (pending) co_await pending->wait();
  Json out = {{"nextSequenceToken", next_token}};
  if (!rejected.empty()) out["rejectedLogEventsInfo"] = std::move(rejected);
  co_return out;
}

}  // namespace nimbus::logs
