#pragma once
// One queue's live state: identity, attributes, tags, messages, FIFO dedup window and waiters.

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "services/sqs/message_store.h"
#include "async/waiter.h"

namespace nimbus::sqs {

// What a FIFO send remembers for the 5-minute deduplication window.
struct DedupEntry {
  std::string message_id;
  std::string sequence_number;
  int64_t expires_ms = 0;
};

// A ReceiveRequestAttemptId remembered for 5 minutes so a retried receive gets the same messages.
struct ReceiveAttempt {
  std::vector<std::pair<uint64_t, uint64_t>> messages;  // (seq, receipt nonce)
  int64_t expires_ms = 0;
};

inline std::string queue_arn(const std::string& account, const std::string& region,
                             const std::string& name) {
  return "arn:aws:sqs:" + region + ":" + account + ":" + name;
}

// A queue; every field below `mutex` is guarded by it.
struct Queue {
  Queue(std::string account_, std::string region_, std::string name_, bool fifo_)
      : account(std::move(account_)),
        region(std::move(region_)),
        name(std::move(name_)),
        arn(queue_arn(account, region, name)),
        fifo(fifo_),
        messages(fifo_) {}

  const std::string account;
  const std::string region;
  const std::string name;
  const std::string arn;
  const bool fifo;

  mutable std::mutex mutex;
  bool deleted = false;
  // Settable attributes by name, including defaults, values as AWS returns them.
  std::map<std::string, std::string> attributes;
  std::map<std::string, std::string> tags;
  int64_t created_s = 0;
  int64_t modified_s = 0;
  int64_t last_purge_ms = 0;
  uint64_t next_seq = 1;
  MessageStore messages;
  std::unordered_map<std::string, DedupEntry> dedup;
  std::set<std::pair<int64_t, std::string>> dedup_expiry;
  std::unordered_map<std::string, ReceiveAttempt> attempts;
  std::deque<std::shared_ptr<Waiter>> waiters;

  // An integer attribute (always present: defaults are filled at create).
  int64_t int_attribute(const std::string& attribute) const {
    auto it = attributes.find(attribute);
    return it == attributes.end() ? 0 : std::stoll(it->second);
  }
  std::string attribute(const std::string& attribute_name) const {
    auto it = attributes.find(attribute_name);
    return it == attributes.end() ? std::string() : it->second;
  }
  // Wakes up to `count` waiting receives (all when count is 0).
  void wake_waiters(size_t count = 0) {
    size_t woken = 0;
    while (!waiters.empty() && (count == 0 || woken < count)) {
      waiters.front()->fire();
      waiters.pop_front();
      woken++;
    }
  }
  void remove_waiter(const std::shared_ptr<Waiter>& waiter) {
    for (auto it = waiters.begin(); it != waiters.end(); ++it) {
      if (*it == waiter) {
        waiters.erase(it);
        return;
      }
    }
  }
};

using QueuePtr = std::shared_ptr<Queue>;

}  // namespace nimbus::sqs
