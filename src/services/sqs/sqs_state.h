#pragma once
// The in-memory registry of queues, tombstones and move tasks, shared (through a weak_ptr) with
// the clock listener so an advance can wake waiting receives; plus loading it from the store.

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "services/sqs/move_task.h"
#include "services/sqs/queue.h"
#include "storage/store.h"

namespace nimbus::sqs {

// All SQS state. Lock order: registry_mutex, then queue mutexes (several via std::lock),
// then tasks_mutex; never the registry while holding a queue.
class SqsState {
 public:
  static std::string key(const std::string& account, const std::string& region,
                         const std::string& name) {
    return account + "/" + region + "/" + name;
  }

  QueuePtr find(const std::string& account, const std::string& region,
                const std::string& name) const;
  QueuePtr find_by_arn(const std::string& arn) const;
  // Queues of one account and region, ordered by name.
  std::vector<QueuePtr> list(const std::string& account, const std::string& region) const;
  std::vector<QueuePtr> all() const;
  // Wakes every waiting receive and the background worker (clock advance, stop).
  void wake_all();
  // Rebuilds memory from the store's "sqs" space.
  void load(storage::Store& store);
  void clear();

  mutable std::shared_mutex registry_mutex;
  std::map<std::string, QueuePtr> queues;     // key(account, region, name)
  std::map<std::string, int64_t> tombstones;  // key -> deletion time (ms)

  std::mutex tasks_mutex;
  std::vector<MoveTask> tasks;  // in start order

  std::atomic<bool> stopping{false};
  std::mutex worker_mutex;
  std::shared_ptr<Waiter> worker_waiter;
};

}  // namespace nimbus::sqs
