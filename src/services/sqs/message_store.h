#pragma once
// The messages of one queue with the indexes receive needs: O(log n) selection of visible
// messages (standard), strict per-group order with in-flight blocking (FIFO), and retention.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "services/sqs/message.h"

namespace nimbus::sqs {

// Per-queue message container; callers hold the queue's mutex.
class MessageStore {
 public:
  struct Counts {
    int64_t visible = 0;
    int64_t not_visible = 0;
    int64_t delayed = 0;
  };

  explicit MessageStore(bool fifo) : fifo_(fifo) {}

  void add(Message message);
  Message* find(uint64_t seq);
  void remove(uint64_t seq);
  // Changes when a message becomes visible, keeping the indexes in order.
  void set_visible_at(uint64_t seq, int64_t visible_at_ms);
  // Records a receive: visibility, count, first/last receive time, new receipt nonce.
  void mark_received(uint64_t seq, int64_t now_ms, int64_t visible_at_ms);

  // Up to `max` messages receivable now, in delivery order (FIFO: whole groups, head first,
  // skipping groups with a message in flight).
  std::vector<uint64_t> receivable(int64_t now_ms, size_t max) const;
  // Messages whose retention ran out (sent_ms + retention_ms <= now).
  std::vector<uint64_t> expired(int64_t now_ms, int64_t retention_ms) const;
  // The earliest time after `now_ms` a message may become receivable, if any.
  std::optional<int64_t> next_ready_after(int64_t now_ms) const;

  Counts counts(int64_t now_ms) const;
  // Messages in flight now (received and still invisible); amortised O(log n): entries whose
  // visibility ran out are dropped as they are passed.
  size_t in_flight(int64_t now_ms);
  size_t size() const { return messages_.size(); }
  bool empty() const { return messages_.empty(); }
  std::vector<uint64_t> all() const;
  void clear();

 private:
  struct Group {
    std::set<uint64_t> seqs;
    std::pair<int64_t, uint64_t> ready_key{0, 0};
  };
  void reindex_group(const std::string& group_id);
  void index(const Message& m);
  void unindex(const Message& m);

  bool fifo_;
  std::unordered_map<uint64_t, Message> messages_;
  // Standard: (visible_at, seq) per message. FIFO: (group ready time, head seq) per group.
  std::set<std::pair<int64_t, uint64_t>> ready_;
  std::set<std::pair<int64_t, uint64_t>> by_sent_;
  // (visible_at, seq) of received messages; a superset of those in flight (see in_flight()).
  std::set<std::pair<int64_t, uint64_t>> received_;
  std::unordered_map<std::string, Group> groups_;
};

}  // namespace nimbus::sqs
