#pragma once
// The narrow storage interface every service persists through. Keys live in named spaces
// (one RocksDB column family per service); a batch commits atomically and is durable (WAL
// fsynced, group-committed with concurrent batches) when `commit` resumes its caller.
// A replicated engine could implement this interface later.

#include <utility>  // before asio: Boost 1.74's awaitable.hpp uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nimbus::storage {

class WriteBatch {
 public:
  struct Op {
    std::string space;
    std::string key;
    std::optional<std::string> value;  // nullopt = delete
  };
  void put(std::string_view space, std::string_view key, std::string_view value) {
    ops_.push_back({std::string(space), std::string(key), std::string(value)});
  }
  void remove(std::string_view space, std::string_view key) {
    ops_.push_back({std::string(space), std::string(key), std::nullopt});
  }
  bool empty() const { return ops_.empty(); }
  const std::vector<Op>& ops() const { return ops_; }

 private:
  std::vector<Op> ops_;
};

// A submitted batch; wait() resumes (on the awaiting coroutine's executor) once the batch is
// durable, or throws if the store failed to write it.
class PendingCommit {
 public:
  virtual ~PendingCommit() = default;
  virtual boost::asio::awaitable<void> wait() = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  virtual std::optional<std::string> get(std::string_view space, std::string_view key) = 0;
  using Visitor = std::function<bool(std::string_view key, std::string_view value)>;

  // Visits keys starting with `prefix` in byte order until `visit` returns false.
  void scan(std::string_view space, std::string_view prefix, const Visitor& visit) {
    scan_from(space, prefix, prefix, visit);
  }
  // The same walk started at the first key >= `start` (one seek: keys before it cost nothing).
  // A `start` before `prefix` starts at the prefix's first key; one after them visits nothing.
  virtual void scan_from(std::string_view space, std::string_view prefix, std::string_view start,
                         const Visitor& visit) = 0;
  // The same keys in descending byte order, from the last key <= `end` (DynamoDB's backward
  // Query). An `end` past the prefix's keys starts at its last key.
  virtual void scan_reverse_from(std::string_view space, std::string_view prefix, std::string_view end,
                                 const Visitor& visit) = 0;
  // Queues the batch now: batches apply atomically and in the order submit() was called, so a
  // caller may submit while holding its own lock to keep memory and disk in the same order.
  virtual std::shared_ptr<PendingCommit> submit(WriteBatch batch) = 0;
  // submit() and wait until durable.
  boost::asio::awaitable<void> commit(WriteBatch batch) {
    auto pending = submit(std::move(batch));
    co_await pending->wait();
  }
  // Deletes every key of a space.
  virtual boost::asio::awaitable<void> wipe(std::string_view space) = 0;
  // Flushes and closes; later calls are errors.
  virtual void close() = 0;
};

}  // namespace nimbus::storage
