// GetLogEvents (one stream, forward/backward tokens as AWS hands them out) and FilterLogEvents
// (interleaved across streams, filter patterns). Both read events straight from the store: a
// stream's events are one range scan in timestamp order. Expired events are never returned.
#include <algorithm>
#include <cstdio>
#include <deque>

#include "services/logs/logs_errors.h"
#include "services/logs/logs_rules.h"
#include "services/logs/logs_service.h"

namespace nimbus::logs {
namespace {

constexpr int64_t kMaxEvents = 10'000;
constexpr int64_t kMaxResponseBytes = 1'048'576;
constexpr int64_t kNoEnd = INT64_MAX;

// A place between events: (timestamp, seq) of an event key.
struct Position {
  int64_t ts = 0;
  uint64_t seq = 0;
  auto operator<=>(const Position&) const = default;
};

struct Event {
  Position at;
  int64_t ingestion_ms = 0;
  std::string message;
};

// "f/<56 digits>/s": 20 digits of timestamp, 20 of sequence, 16 zeros.
std::string position_token(char direction, Position at) {
  char text[80];
  std::snprintf(text, sizeof text, "%c/%020lld%020llu%016d/s", direction, static_cast<long long>(at.ts),
                static_cast<unsigned long long>(at.seq), 0);
  return text;
}

std::optional<std::pair<char, Position>> parse_position_token(std::string_view token) {
  if (token.size() != 60 || (token[0] != 'f' && token[0] != 'b') || token[1] != '/' || !token.ends_with("/s")) {
    return std::nullopt;
  }
  auto digits = token.substr(2, 56);
  if (digits.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  Position at{std::stoll(std::string(digits.substr(0, 20))), std::stoull(std::string(digits.substr(20, 20)))};
  return std::pair{token[0], at};
}

std::string event_id(uint64_t uid, Position at) {
  char text[64];
  std::snprintf(text, sizeof text, "%020lld%020llu%016llu", static_cast<long long>(at.ts),
                static_cast<unsigned long long>(at.seq), static_cast<unsigned long long>(uid % 10'000'000'000'000'000ULL));
  return text;
}

// Visits the events of stream `uid` from `from` (inclusive) while ts < end_ts, in order, until
// `visit` returns false.
template <typename Visit>
void scan_events(storage::Store& store, uint64_t uid, Position from, int64_t end_ts, Visit&& visit) {
  store.scan_from(kSpace, records::events_prefix(uid), records::event_key(uid, from.ts, from.seq),
                  [&](std::string_view key, std::string_view value) {
                    auto at = records::parse_event_key(key);
                    auto record = records::decode_event(value);
                    if (!at || !record) return true;
                    if (at->first >= end_ts) return false;
                    return visit(Position{at->first, at->second}, *record);
                  });
}

Json event_json(const Event& event) {
  return {{"timestamp", event.at.ts}, {"message", event.message}, {"ingestionTime", event.ingestion_ms}};
}

// FilterLogEvents' token: the (timestamp, stream, seq) of the last event returned.
struct FilterPosition {
  int64_t ts = 0;
  std::string stream;
  uint64_t seq = 0;
};

std::string encode_filter_position(const FilterPosition& at) {
  return std::to_string(at.ts) + "/" + std::to_string(at.seq) + "/" + at.stream;
}

std::optional<FilterPosition> decode_filter_position(std::string_view text) {
  auto slash = text.find('/');
  auto second = slash == std::string_view::npos ? slash : text.find('/', slash + 1);
  if (second == std::string_view::npos) return std::nullopt;
  try {
    return FilterPosition{std::stoll(std::string(text.substr(0, slash))), std::string(text.substr(second + 1)),
                          std::stoull(std::string(text.substr(slash + 1, second - slash - 1)))};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

awaitable<Json> LogsService::get_log_events(RequestContext& context, const Json& in) {
  std::string stream_name = required_string(in, "logStreamName");
  check_stream_name(stream_name);
  int64_t limit = limit_of(in, kMaxEvents, kMaxEvents);
  bool from_head = opt_bool(in, "startFromHead", false);
  std::optional<std::pair<char, Position>> token;
  if (auto text = opt_string(in, "nextToken")) {
    token = parse_position_token(*text);
    if (!token) throw errors::invalid_token();
  }
  LogStream stream;
  int64_t cutoff = 0;
  {
    std::lock_guard lock(state_->mutex);
    LogGroup& group = group_for(context, in);
    auto it = group.streams.find(stream_name);
    if (it == group.streams.end()) throw errors::stream_not_found();
    stream = it->second;
    cutoff = group.retention_cutoff_ms(clock_.now_ms());
  }
  int64_t start_ts = std::max<int64_t>({opt_int(in, "startTime").value_or(0), cutoff, 0});
  int64_t end_ts = opt_int(in, "endTime").value_or(kNoEnd);
  bool forward = token ? token->first == 'f' : from_head;

  std::deque<Event> events;
  int64_t bytes = 0;
  Position origin;  // forward: after this; backward: before this
  if (forward) {
    origin = token ? token->second : Position{start_ts, 0};
    Position from = token ? Position{origin.ts, origin.seq + 1} : origin;
    if (from.ts < start_ts) from = {start_ts, 0};
    scan_events(store_, stream.uid, from, end_ts, [&](Position at, const records::EventRecord& record) {
      int64_t size = static_cast<int64_t>(record.message.size());
      if (static_cast<int64_t>(events.size()) == limit || bytes + size > kMaxResponseBytes) return false;
      bytes += size;
      events.push_back({at, record.ingestion_ms, std::string(record.message)});
      return true;
    });
  } else {
    origin = token ? token->second : Position{std::min(end_ts, stream.last_event_ms + 1), 0};
    origin = std::min(origin, Position{end_ts, 0});
    // Read windows of growing length back from `origin` until `limit` events are found.
    for (int64_t window = 3'600'000;; window *= 4) {
      events.clear();
      bytes = 0;
      int64_t from_ts = origin.ts - window > start_ts ? origin.ts - window : start_ts;
      bool trimmed = false;
      scan_events(store_, stream.uid, {from_ts, 0}, kNoEnd, [&](Position at, const records::EventRecord& record) {
        if (at >= origin) return false;
        bytes += static_cast<int64_t>(record.message.size());
        events.push_back({at, record.ingestion_ms, std::string(record.message)});
        while (static_cast<int64_t>(events.size()) > limit || bytes > kMaxResponseBytes) {
          bytes -= static_cast<int64_t>(events.front().message.size());
          events.pop_front();
          trimmed = true;
        }
        return true;
      });
      if (trimmed || static_cast<int64_t>(events.size()) == limit || from_ts <= start_ts) break;
    }
  }

  Json out_events = Json::array();
  for (const auto& event : events) out_events.push_back(event_json(event));
  Json out = {{"events", std::move(out_events)}};
  if (!events.empty()) {
    out["nextForwardToken"] = position_token('f', events.back().at);
    out["nextBackwardToken"] = position_token('b', events.front().at);
  } else if (forward) {
    // At the end: the same forward token again.
    out["nextForwardToken"] = position_token('f', origin);
    out["nextBackwardToken"] = position_token('b', token ? Position{origin.ts, origin.seq + 1} : origin);
  } else {
    // At the beginning: the same backward token again.
    out["nextBackwardToken"] = position_token('b', origin);
    // Forward from here reads the events at or after `origin`.
    Position before = origin.seq > 0 ? Position{origin.ts, origin.seq - 1}
                                     : Position{std::max<int64_t>(0, origin.ts - 1), uint64_t{9'999'999'999'999'999'999ULL}};
    if (!token) before = Position{start_ts, 0};
    out["nextForwardToken"] = position_token('f', before);
  }
  co_return out;
}

awaitable<Json> LogsService::filter_log_events(RequestContext& context, const Json& in) {
  ++filter_calls_;
  auto names_it = in.find("logStreamNames");
  bool by_names = names_it != in.end() && names_it->is_array();
  auto prefix = opt_string(in, "logStreamNamePrefix");
  if (by_names && prefix) {
    throw errors::invalid_parameter("logStreamNames and logStreamNamePrefix are mutually exclusive parameters.");
  }
  if (by_names) {
    if (names_it->empty()) throw errors::constraint("[]", "logStreamNames", "Member must have length greater than or equal to 1");
    if (names_it->size() > 100) {
      throw errors::constraint("[...]", "logStreamNames", "Member must have length less than or equal to 100");
    }
  }
  int64_t limit = limit_of(in, kMaxEvents, kMaxEvents);
  std::shared_ptr<const filter::FilterPattern> pattern;
  try {
    pattern = patterns_.get(opt_string(in, "filterPattern").value_or(""));
  } catch (const filter::ParseError& error) {
    throw errors::invalid_filter_pattern(error.what());
  }
  std::optional<FilterPosition> after;
  if (auto text = opt_string(in, "nextToken")) {
    auto position = decode_token(*text);
    if (position) after = decode_filter_position(*position);
    if (!after) throw errors::invalid_token();
  }
  std::vector<LogStream> streams;
  int64_t cutoff = 0;
  {
    std::lock_guard lock(state_->mutex);
    LogGroup& group = group_for(context, in);
    cutoff = group.retention_cutoff_ms(clock_.now_ms());
    if (by_names) {
      for (const auto& name : *names_it) {
        if (!name.is_string()) continue;
        auto it = group.streams.find(name.get<std::string>());
        if (it != group.streams.end()) streams.push_back(it->second);
      }
    } else {
      for (const auto& [name, stream] : group.streams) {
        if (!prefix || name.starts_with(*prefix)) streams.push_back(stream);
      }
    }
  }
  int64_t start_ts = std::max<int64_t>({opt_int(in, "startTime").value_or(0), cutoff, 0});
  int64_t end_ts = opt_int(in, "endTime").value_or(kNoEnd);

  struct Found {
    const LogStream* stream;
    Event event;
  };
  std::vector<Found> found;
  bool more = false;
  Json searched = Json::array();
  for (const auto& stream : streams) {
    searched.push_back({{"logStreamName", stream.name}, {"searchedCompletely", true}});
    if (stream.event_count == 0 || stream.last_event_ms < start_ts) continue;
    Position from{start_ts, 0};
    if (after && after->ts > start_ts) from = {after->ts, 0};
    int64_t taken = 0;
    scan_events(store_, stream.uid, from, end_ts, [&](Position at, const records::EventRecord& record) {
      if (after && at.ts == after->ts &&
          (stream.name < after->stream || (stream.name == after->stream && at.seq <= after->seq))) {
        return true;
      }
      if (after && at.ts < after->ts) return true;
      if (!filter::matches(*pattern, record.message)) return true;
      if (taken == limit) {
        more = true;
        return false;
      }
      ++taken;
      found.push_back({&stream, {at, record.ingestion_ms, std::string(record.message)}});
      return true;
    });
  }
  std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) {
    if (a.event.at.ts != b.event.at.ts) return a.event.at.ts < b.event.at.ts;
    if (a.stream->name != b.stream->name) return a.stream->name < b.stream->name;
    return a.event.at.seq < b.event.at.seq;
  });
  Json events = Json::array();
  int64_t bytes = 0;
  const Found* last = nullptr;
  for (const auto& item : found) {
    int64_t size = static_cast<int64_t>(item.event.message.size());
    if (static_cast<int64_t>(events.size()) == limit || bytes + size > kMaxResponseBytes) {
      more = true;
      break;
    }
    bytes += size;
    Json event = event_json(item.event);
    event["logStreamName"] = item.stream->name;
    event["eventId"] = event_id(item.stream->uid, item.event.at);
    events.push_back(std::move(event));
    last = &item;
  }
  Json out = {{"events", std::move(events)}, {"searchedLogStreams", std::move(searched)}};
  if (more && last) {
    out["nextToken"] = encode_token(encode_filter_position({last->event.at.ts, last->stream->name, last->event.at.seq}));
  } else if (more && after) {
    out["nextToken"] = encode_token(encode_filter_position(*after));
  }
  co_return out;
}

}  // namespace nimbus::logs
