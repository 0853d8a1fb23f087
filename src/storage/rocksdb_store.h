#pragma once
// The durable store: one RocksDB database, one column family per space, and a committer
// thread that group-commits queued batches with one fsynced WAL write per group.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/commit_signal.h"
#include "storage/store.h"

namespace rocksdb {
class ColumnFamilyHandle;
struct ColumnFamilyOptions;
class DB;
}  // namespace rocksdb

namespace nimbus::storage {

class RocksDbStore final : public Store {
 public:
  // Opens (creating if missing) the database in `<data_dir>/db` with every space it holds.
  explicit RocksDbStore(const std::filesystem::path& data_dir);
  ~RocksDbStore() override;
  RocksDbStore(const RocksDbStore&) = delete;
  RocksDbStore& operator=(const RocksDbStore&) = delete;

  std::optional<std::string> get(std::string_view space, std::string_view key) override;
  void scan_from(std::string_view space, std::string_view prefix, std::string_view start,
                 const Visitor& visit) override;
  void scan_reverse_from(std::string_view space, std::string_view prefix, std::string_view end,
                         const Visitor& visit) override;
  std::shared_ptr<PendingCommit> submit(WriteBatch batch) override;
  boost::asio::awaitable<void> wipe(std::string_view space) override;
  // Drains queued batches, stops the committer, syncs the WAL and closes the database.
  // Readers must be done; calling it again does nothing.
  void close() override;

  // How many fsynced group writes the committer has made (each may hold many batches).
  uint64_t commit_groups() const { return commit_groups_.load(std::memory_order_relaxed); }

 private:
  using Family = std::shared_ptr<rocksdb::ColumnFamilyHandle>;
  // A queued batch, or (when `wipe_space` is set) a wipe ordered among batches.
  struct Queued {
    WriteBatch batch;
    std::string wipe_space;
    std::shared_ptr<CommitSignal> signal;
  };

  void check_open() const;
  Family adopt(rocksdb::ColumnFamilyHandle* handle);
  Family find_family(std::string_view space) const;
  Family find_or_create_family(const std::string& space);
  std::shared_ptr<CommitSignal> enqueue(Queued queued);
  void run_committer();
  void commit_group(std::vector<Queued>& group);
  void write_batches(std::vector<Queued>::iterator begin, std::vector<Queued>::iterator end);
  void drop_family(const std::string& space);

  std::unique_ptr<rocksdb::ColumnFamilyOptions> family_options_;
  std::unique_ptr<rocksdb::DB> db_;
  Family default_family_;
  mutable std::shared_mutex families_mutex_;
  std::map<std::string, Family, std::less<>> families_;
  std::atomic<bool> closed_{false};

  std::mutex queue_mutex_;
  std::condition_variable queue_ready_;
  std::vector<Queued> queue_;
  bool stopping_ = false;
  std::atomic<uint64_t> commit_groups_{0};
  std::thread committer_;
};

}  // namespace nimbus::storage
