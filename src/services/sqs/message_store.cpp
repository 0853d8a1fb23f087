#include "services/sqs/message_store.h"

#include <algorithm>
#include <limits>

namespace nimbus::sqs {

namespace {
constexpr uint64_t kMaxSeq = std::numeric_limits<uint64_t>::max();
}

void MessageStore::add(Message message) {
  uint64_t seq = message.seq;
  auto [it, inserted] = messages_.emplace(seq, std::move(message));
  if (!inserted) return;
  index(it->second);
}

Message* MessageStore::find(uint64_t seq) {
  auto it = messages_.find(seq);
  return it == messages_.end() ? nullptr : &it->second;
}

void MessageStore::remove(uint64_t seq) {
  auto it = messages_.find(seq);
  if (it == messages_.end()) return;
  Message message = std::move(it->second);
  messages_.erase(it);
  unindex(message);
}

void MessageStore::set_visible_at(uint64_t seq, int64_t visible_at_ms) {
  auto* m = find(seq);
  if (!m) return;
  received_.erase({m->visible_at_ms, seq});
  if (m->receive_count > 0) received_.insert({visible_at_ms, seq});
  if (fifo_) {
    m->visible_at_ms = visible_at_ms;
    reindex_group(m->group_id);
    return;
  }
  ready_.erase({m->visible_at_ms, seq});
  m->visible_at_ms = visible_at_ms;
  ready_.insert({visible_at_ms, seq});
}

void MessageStore::mark_received(uint64_t seq, int64_t now_ms, int64_t visible_at_ms) {
  auto* m = find(seq);
  if (!m) return;
  m->receive_count++;
  if (m->first_receive_ms == 0) m->first_receive_ms = now_ms;
  m->last_receive_ms = now_ms;
  m->receipt_nonce++;
  set_visible_at(seq, visible_at_ms);
}

std::vector<uint64_t> MessageStore::receivable(int64_t now_ms, size_t max) const {
  std::vector<uint64_t> out;
  for (auto it = ready_.begin(); it != ready_.end() && it->first <= now_ms && out.size() < max;
       ++it) {
    if (!fifo_) {
      out.push_back(it->second);
      continue;
    }
    const auto& group = groups_.at(messages_.at(it->second).group_id);
    for (uint64_t seq : group.seqs) {
      if (messages_.at(seq).visible_at_ms > now_ms || out.size() >= max) break;
      out.push_back(seq);
    }
  }
  return out;
}

std::vector<uint64_t> MessageStore::expired(int64_t now_ms, int64_t retention_ms) const {
  std::vector<uint64_t> out;
  for (auto it = by_sent_.begin(); it != by_sent_.end() && it->first + retention_ms <= now_ms;
       ++it) {
    out.push_back(it->second);
  }
  return out;
}

std::optional<int64_t> MessageStore::next_ready_after(int64_t now_ms) const {
  auto it = ready_.upper_bound({now_ms, kMaxSeq});
  if (it == ready_.end()) return std::nullopt;
  return it->first;
}

MessageStore::Counts MessageStore::counts(int64_t now_ms) const {
  Counts counts;
  for (const auto& [seq, m] : messages_) {
    if (m.visible_at_ms <= now_ms) {
      counts.visible++;
    } else if (m.receive_count > 0) {
      counts.not_visible++;
    } else {
      counts.delayed++;
    }
  }
  return counts;
}

size_t MessageStore::in_flight(int64_t now_ms) {
  received_.erase(received_.begin(), received_.upper_bound({now_ms, kMaxSeq}));
  return received_.size();
}

std::vector<uint64_t> MessageStore::all() const {
  std::vector<uint64_t> out;
  out.reserve(messages_.size());
  for (const auto& [seq, m] : messages_) out.push_back(seq);
  std::sort(out.begin(), out.end());
  return out;
}

void MessageStore::clear() {
  messages_.clear();
  ready_.clear();
  by_sent_.clear();
  received_.clear();
  groups_.clear();
}

void MessageStore::index(const Message& m) {
  by_sent_.insert({m.sent_ms, m.seq});
  if (m.receive_count > 0) received_.insert({m.visible_at_ms, m.seq});
  if (!fifo_) {
    ready_.insert({m.visible_at_ms, m.seq});
    return;
  }
  groups_[m.group_id].seqs.insert(m.seq);
  reindex_group(m.group_id);
}

void MessageStore::unindex(const Message& m) {
  by_sent_.erase({m.sent_ms, m.seq});
  received_.erase({m.visible_at_ms, m.seq});
  if (!fifo_) {
    ready_.erase({m.visible_at_ms, m.seq});
    return;
  }
  auto it = groups_.find(m.group_id);
  if (it == groups_.end()) return;
  it->second.seqs.erase(m.seq);
  reindex_group(m.group_id);
}

// A FIFO group is ready when its head is visible and none of its received prefix is in flight.
void MessageStore::reindex_group(const std::string& group_id) {
  auto it = groups_.find(group_id);
  if (it == groups_.end()) return;
  Group& group = it->second;
  ready_.erase(group.ready_key);
  if (group.seqs.empty()) {
    groups_.erase(it);
    return;
  }
  uint64_t head = *group.seqs.begin();
  int64_t ready_at = messages_.at(head).visible_at_ms;
  for (uint64_t seq : group.seqs) {
    const Message& m = messages_.at(seq);
    if (m.receive_count == 0) break;
    ready_at = std::max(ready_at, m.visible_at_ms);
  }
  group.ready_key = {ready_at, head};
  ready_.insert(group.ready_key);
}

}  // namespace nimbus::sqs
