#include "services/sqs/sqs_state.h"

#include <charconv>

#include "services/sqs/persistence.h"
#include "services/sqs/queue_attributes.h"

namespace nimbus::sqs {

namespace {

uint64_t parse_u64(std::string_view text) {
  uint64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

// "{prefix}account/region/name/rest..." -> queue and the rest of the path.
std::pair<QueuePtr, std::string> queue_of(const SqsState& state, std::string_view key,
                                          std::string_view prefix) {
  auto parts = persist::split_path(key, prefix);
  if (parts.size() < 3) return {nullptr, {}};
  auto it = state.queues.find(SqsState::key(parts[0], parts[1], parts[2]));
  if (it == state.queues.end()) return {nullptr, {}};
  std::string rest;
  for (size_t i = 3; i < parts.size(); ++i) rest += (i > 3 ? "/" : "") + parts[i];
  return {it->second, rest};
}

}  // namespace

QueuePtr SqsState::find(const std::string& account, const std::string& region,
                        const std::string& name) const {
  std::shared_lock lock(registry_mutex);
  auto it = queues.find(key(account, region, name));
  return it == queues.end() ? nullptr : it->second;
}

QueuePtr SqsState::find_by_arn(const std::string& arn) const {
  auto parts = parse_queue_arn(arn);
  if (!parts) return nullptr;
  auto& [account, region, name] = *parts;
  return find(account, region, name);
}

std::vector<QueuePtr> SqsState::list(const std::string& account, const std::string& region) const {
  std::shared_lock lock(registry_mutex);
  std::vector<QueuePtr> out;
  std::string prefix = account + "/" + region + "/";
  for (auto it = queues.lower_bound(prefix);
       it != queues.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
    out.push_back(it->second);
  }
  return out;
}

std::vector<QueuePtr> SqsState::all() const {
  std::shared_lock lock(registry_mutex);
  std::vector<QueuePtr> out;
  for (const auto& [key, queue] : queues) out.push_back(queue);
  return out;
}

void SqsState::wake_all() {
  for (const auto& queue : all()) {
    std::lock_guard lock(queue->mutex);
    queue->wake_waiters();
  }
  std::lock_guard lock(worker_mutex);
  if (worker_waiter) worker_waiter->fire();
}

void SqsState::clear() {
  std::unique_lock lock(registry_mutex);
  for (const auto& [key, queue] : queues) {
    std::lock_guard queue_lock(queue->mutex);
    queue->deleted = true;
    queue->messages.clear();
    queue->wake_waiters();
  }
  queues.clear();
  tombstones.clear();
  std::lock_guard tasks_lock(tasks_mutex);
  tasks.clear();
}

void SqsState::load(storage::Store& store) {
  std::unique_lock lock(registry_mutex);
  using persist::kSpace;
  store.scan(kSpace, persist::kQueuePrefix, [&](std::string_view, std::string_view value) {
    auto json = nlohmann::json::parse(value);
    auto queue = std::make_shared<Queue>(json.at("account"), json.at("region"), json.at("name"),
                                         json.at("fifo").get<bool>());
    queue->attributes = json.at("attributes").get<std::map<std::string, std::string>>();
    queue->tags = json.at("tags").get<std::map<std::string, std::string>>();
    queue->created_s = json.at("created");
    queue->modified_s = json.at("modified");
    queue->last_purge_ms = json.value("last_purge", int64_t{0});
    queues[key(queue->account, queue->region, queue->name)] = queue;
    return true;
  });
  store.scan(kSpace, persist::kSeqPrefix, [&](std::string_view key_text, std::string_view value) {
    auto [queue, rest] = queue_of(*this, key_text, persist::kSeqPrefix);
    if (queue) queue->next_seq = std::max(queue->next_seq, parse_u64(value));
    return true;
  });
  // Content first, then receive state, then index: the indexes depend on both.
  std::map<std::pair<Queue*, uint64_t>, Message> loaded;
  store.scan(kSpace, persist::kMessagePrefix, [&](std::string_view key_text, std::string_view value) {
    auto [queue, rest] = queue_of(*this, key_text, persist::kMessagePrefix);
    if (!queue) return true;
    Message m;
    m.seq = parse_u64(rest);
    persist::decode_message(value, m);
    queue->next_seq = std::max(queue->next_seq, m.seq + 1);
    loaded[{queue.get(), m.seq}] = std::move(m);
    return true;
  });
  store.scan(kSpace, persist::kStatePrefix, [&](std::string_view key_text, std::string_view value) {
    auto [queue, rest] = queue_of(*this, key_text, persist::kStatePrefix);
    if (!queue) return true;
    auto it = loaded.find({queue.get(), parse_u64(rest)});
    if (it != loaded.end()) {
      persist::decode_state(value, it->second);
      it->second.state_stored = true;
    }
    return true;
  });
  for (auto& [where, message] : loaded) where.first->messages.add(std::move(message));
  store.scan(kSpace, persist::kDedupPrefix, [&](std::string_view key_text, std::string_view value) {
    auto [queue, rest] = queue_of(*this, key_text, persist::kDedupPrefix);
    if (!queue) return true;
    auto json = nlohmann::json::parse(value);
    DedupEntry entry{json.at("id"), json.value("seqno", std::string()), json.at("expires")};
    queue->dedup_expiry.insert({entry.expires_ms, rest});
    queue->dedup[rest] = std::move(entry);
    return true;
  });
  store.scan(kSpace, persist::kTombstonePrefix, [&](std::string_view key_text, std::string_view value) {
    auto parts = persist::split_path(key_text, persist::kTombstonePrefix);
    if (parts.size() == 3) {
      tombstones[key(parts[0], parts[1], parts[2])] = static_cast<int64_t>(parse_u64(value));
    }
    return true;
  });
  std::lock_guard tasks_lock(tasks_mutex);
  tasks.clear();
  store.scan(kSpace, persist::kTaskPrefix, [&](std::string_view, std::string_view value) {
    tasks.push_back(MoveTask::from_json(nlohmann::json::parse(value)));
    return true;
  });
  std::sort(tasks.begin(), tasks.end(),
            [](const MoveTask& a, const MoveTask& b) { return a.started_ms < b.started_ms; });
}

}  // namespace nimbus::sqs
