#include "storage/rocksdb_store.h"

#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/write_batch.h>
#include <algorithm>
#include <stdexcept>
#include <system_error>

#include "storage/rocksdb_options.h"
#include "storage/space_name.h"

namespace nimbus::storage {

namespace {

void check(const rocksdb::Status& status, const char* what) {
  if (!status.ok()) {
    throw std::runtime_error(std::string("storage: ") + what + " failed: " + status.ToString());
  }
}

rocksdb::Slice slice(std::string_view bytes) { return {bytes.data(), bytes.size()}; }
std::string_view view(const rocksdb::Slice& bytes) { return {bytes.data(), bytes.size()}; }

// The smallest key greater than every key starting with `prefix`; empty if there is none.
std::string prefix_end(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xff) end.pop_back();
  if (!end.empty()) end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
  return end;
}

}  // namespace

RocksDbStore::RocksDbStore(const std::filesystem::path& data_dir) {
  auto path = data_dir / "db";
  std::error_code error;
  std::filesystem::create_directories(path, error);
  if (error) throw std::runtime_error("storage: cannot create " + path.string());

  rocksdb::Options options = emulator_options();
  family_options_ = std::make_unique<rocksdb::ColumnFamilyOptions>(options);
  std::vector<std::string> names{rocksdb::kDefaultColumnFamilyName};
  if (std::filesystem::exists(path / "CURRENT")) {
    names.clear();
    check(rocksdb::DB::ListColumnFamilies(options, path.string(), &names), "listing spaces");
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& name : names) descriptors.emplace_back(name, *family_options_);

  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  check(rocksdb::DB::Open(options, path.string(), descriptors, &handles, &db), "open");
  db_.reset(db);
  for (auto* handle : handles) {
    auto family = adopt(handle);
    if (handle->GetName() == rocksdb::kDefaultColumnFamilyName) {
      default_family_ = family;
    } else {
      families_.emplace(handle->GetName(), family);
    }
  }
  // Flushes and compactions yield the cores to request handling: on a small machine they would
  // otherwise take a core for tens of milliseconds and show up as request tail latency.
  for (auto pool : {rocksdb::Env::Priority::HIGH, rocksdb::Env::Priority::LOW}) {
    options.env->LowerThreadPoolCPUPriority(pool, rocksdb::CpuPriority::kLow).PermitUncheckedError();
  }
  committer_ = std::thread([this] { run_committer(); });
}

RocksDbStore::~RocksDbStore() {
  try {
    close();
  } catch (...) {
    // Nothing left to tell: the destructor cannot report a failed final sync.
  }
}

void RocksDbStore::check_open() const {
  if (closed_.load()) throw std::runtime_error("storage: store is closed");
}

RocksDbStore::Family RocksDbStore::adopt(rocksdb::ColumnFamilyHandle* handle) {
  return Family(handle, [db = db_.get()](rocksdb::ColumnFamilyHandle* owned) {
    db->DestroyColumnFamilyHandle(owned);
  });
}

RocksDbStore::Family RocksDbStore::find_family(std::string_view space) const {
  std::shared_lock lock(families_mutex_);
  auto found = families_.find(space);
  return found == families_.end() ? nullptr : found->second;
}

RocksDbStore::Family RocksDbStore::find_or_create_family(const std::string& space) {
  if (auto family = find_family(space)) return family;
  rocksdb::ColumnFamilyHandle* handle = nullptr;
  check(db_->CreateColumnFamily(*family_options_, space, &handle), "creating a space");
  auto family = adopt(handle);
  std::unique_lock lock(families_mutex_);
  families_.emplace(space, family);
  return family;
}

std::optional<std::string> RocksDbStore::get(std::string_view space, std::string_view key) {
  check_space_name(space);
  check_open();
  auto family = find_family(space);
  if (!family) return std::nullopt;
  std::string value;
  auto status = db_->Get(rocksdb::ReadOptions(), family.get(), slice(key), &value);
  if (status.IsNotFound()) return std::nullopt;
  check(status, "read");
  return value;
}

void RocksDbStore::scan_from(std::string_view space, std::string_view prefix, std::string_view start,
                             const Visitor& visit) {
  check_space_name(space);
  check_open();
  auto family = find_family(space);
  if (!family) return;
  std::string end = prefix_end(prefix);
  rocksdb::Slice end_slice(end);
  rocksdb::ReadOptions read;
  if (!end.empty()) read.iterate_upper_bound = &end_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, family.get()));
  for (it->Seek(slice(std::max(prefix, start))); it->Valid(); it->Next()) {
    if (!visit(view(it->key()), view(it->value()))) return;
  }
  check(it->status(), "scan");
}

void RocksDbStore::scan_reverse_from(std::string_view space, std::string_view prefix, std::string_view end,
                                     const Visitor& visit) {
  check_space_name(space);
  check_open();
  auto family = find_family(space);
  if (!family) return;
  rocksdb::Slice lower(prefix.data(), prefix.size());
  rocksdb::ReadOptions read;
  read.iterate_lower_bound = &lower;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, family.get()));
  std::string after_prefix = prefix_end(prefix);
  if (!after_prefix.empty() && end >= std::string_view(after_prefix)) {
    it->SeekForPrev(slice(after_prefix));
    if (it->Valid() && view(it->key()) == after_prefix) it->Prev();
  } else if (end < prefix) {
    return;
  } else {
    it->SeekForPrev(slice(end));
  }
  for (; it->Valid(); it->Prev()) {
    if (!view(it->key()).starts_with(prefix)) break;
    if (!visit(view(it->key()), view(it->value()))) return;
  }
  check(it->status(), "scan");
}

std::shared_ptr<PendingCommit> RocksDbStore::submit(WriteBatch batch) {
  for (const auto& op : batch.ops()) check_space_name(op.space);
  return enqueue({std::move(batch), {}, nullptr});
}

boost::asio::awaitable<void> RocksDbStore::wipe(std::string_view space) {
  check_space_name(space);
  auto signal = enqueue({WriteBatch{}, std::string(space), nullptr});
  co_await signal->wait();
}

std::shared_ptr<CommitSignal> RocksDbStore::enqueue(Queued queued) {
  auto signal = std::make_shared<CommitSignal>();
  queued.signal = signal;
  {
    std::lock_guard lock(queue_mutex_);
    if (stopping_) throw std::runtime_error("storage: store is closed");
    queue_.push_back(std::move(queued));
  }
  queue_ready_.notify_one();
  return signal;
}

void RocksDbStore::run_committer() {
  std::vector<Queued> group;
  for (;;) {
    {
      std::unique_lock lock(queue_mutex_);
      queue_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      group.swap(queue_);
    }
    commit_group(group);
    group.clear();
  }
}

// Batches between wipes go out as one synced write; each wipe runs in its place in the order.
void RocksDbStore::commit_group(std::vector<Queued>& group) {
  auto run_begin = group.begin();
  for (auto it = group.begin(); it != group.end(); ++it) {
    if (it->wipe_space.empty()) continue;
    write_batches(run_begin, it);
    try {
      drop_family(it->wipe_space);
      it->signal->complete(nullptr);
    } catch (...) {
      it->signal->complete(std::current_exception());
    }
    run_begin = it + 1;
  }
  write_batches(run_begin, group.end());
}

void RocksDbStore::write_batches(std::vector<Queued>::iterator begin,
                                 std::vector<Queued>::iterator end) {
  if (begin == end) return;
  std::exception_ptr error;
  try {
    rocksdb::WriteBatch merged;
    for (auto it = begin; it != end; ++it) {
      for (const auto& op : it->batch.ops()) {
        auto family = find_or_create_family(op.space);
        if (op.value) {
          check(merged.Put(family.get(), op.key, *op.value), "batching");
        } else {
          check(merged.Delete(family.get(), op.key), "batching");
        }
      }
    }
    if (merged.Count() > 0) {
      rocksdb::WriteOptions write;
      write.sync = true;
      check(db_->Write(write, &merged), "write");
      commit_groups_.fetch_add(1, std::memory_order_relaxed);
    }
  } catch (...) {
    error = std::current_exception();
  }
  for (auto it = begin; it != end; ++it) it->signal->complete(error);
}

// Dropping the column family removes the space's keys durably (the MANIFEST is synced);
// the next batch that writes to the space creates it afresh.
void RocksDbStore::drop_family(const std::string& space) {
  auto family = find_family(space);
  if (!family) return;
  check(db_->DropColumnFamily(family.get()), "wipe");
  std::unique_lock lock(families_mutex_);
  families_.erase(space);
}

void RocksDbStore::close() {
  {
    std::lock_guard lock(queue_mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  queue_ready_.notify_one();
  if (committer_.joinable()) committer_.join();
  closed_.store(true);
  // Memtables go to SST files now, so the next open has no WAL to replay.
  std::vector<rocksdb::ColumnFamilyHandle*> handles{default_family_.get()};
  {
    std::unique_lock lock(families_mutex_);
    for (const auto& [space, family] : families_) handles.push_back(family.get());
  }
  auto synced = db_->FlushWAL(true);
  // A write to the default family guarantees the flush really happens, which is what lets
  // RocksDB 7.8 retire this session's WAL even when nothing else was written (it otherwise
  // keeps one empty .log per open forever; fixed upstream in 8.3).
  rocksdb::WriteOptions write;
  write.sync = true;
  auto marked = db_->Put(write, default_family_.get(), "nimbus:closed", "");
  auto flushed = db_->Flush(rocksdb::FlushOptions(), handles);
  {
    std::unique_lock lock(families_mutex_);
    families_.clear();
  }
  default_family_.reset();
  auto closed = db_->Close();
  db_.reset();
  check(synced, "syncing the WAL");
  check(marked, "marking the close");
  check(flushed, "flushing memtables");
  check(closed, "close");
}

}  // namespace nimbus::storage
