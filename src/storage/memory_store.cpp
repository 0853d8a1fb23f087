#include "storage/memory_store.h"

#include <algorithm>
#include <mutex>
#include <stdexcept>
#include <utility>
#include <vector>

#include "storage/commit_signal.h"
#include "storage/space_name.h"

namespace nimbus::storage {

namespace {
// Scan copies this many entries per lock hold, so `visit` runs unlocked and may use the store.
constexpr size_t kScanChunk = 128;
}  // namespace

void MemoryStore::check_open() const {
  if (closed_) throw std::runtime_error("storage: store is closed");
}

std::optional<std::string> MemoryStore::get(std::string_view space, std::string_view key) {
  check_space_name(space);
  std::shared_lock lock(mutex_);
  check_open();
  auto found_space = spaces_.find(space);
  if (found_space == spaces_.end()) return std::nullopt;
  auto found = found_space->second.find(key);
  if (found == found_space->second.end()) return std::nullopt;
  return found->second;
}

void MemoryStore::scan_from(std::string_view space, std::string_view prefix, std::string_view start,
                            const Visitor& visit) {
  check_space_name(space);
  std::string from(std::max(prefix, start));
  bool inclusive = true;
  for (;;) {
    std::vector<std::pair<std::string, std::string>> chunk;
    {
      std::shared_lock lock(mutex_);
      check_open();
      auto found_space = spaces_.find(space);
      if (found_space == spaces_.end()) return;
      const Space& entries = found_space->second;
      auto it = inclusive ? entries.lower_bound(from) : entries.upper_bound(from);
      for (; it != entries.end() && chunk.size() < kScanChunk; ++it) {
        if (!it->first.starts_with(prefix)) break;
        chunk.emplace_back(it->first, it->second);
      }
    }
    for (const auto& [key, value] : chunk) {
      if (!visit(key, value)) return;
    }
    if (chunk.size() < kScanChunk) return;
    from = chunk.back().first;
    inclusive = false;
  }
}

void MemoryStore::scan_reverse_from(std::string_view space, std::string_view prefix, std::string_view end,
                                    const Visitor& visit) {
  check_space_name(space);
  if (end < prefix) return;
  std::string from(end);
  bool inclusive = true;
  for (;;) {
    std::vector<std::pair<std::string, std::string>> chunk;
    {
      std::shared_lock lock(mutex_);
      check_open();
      auto found_space = spaces_.find(space);
      if (found_space == spaces_.end()) return;
      const Space& entries = found_space->second;
      // The first entry past the start, then walk back.
      auto it = inclusive ? entries.upper_bound(from) : entries.lower_bound(from);
      while (it != entries.begin() && chunk.size() < kScanChunk) {
        --it;
        if (it->first < prefix) break;
        if (!it->first.starts_with(prefix)) continue;  // past the prefix's last key
        chunk.emplace_back(it->first, it->second);
      }
    }
    for (const auto& [key, value] : chunk) {
      if (!visit(key, value)) return;
    }
    if (chunk.size() < kScanChunk) return;
    from = chunk.back().first;
    inclusive = false;
  }
}

std::shared_ptr<PendingCommit> MemoryStore::submit(WriteBatch batch) {
  for (const auto& op : batch.ops()) check_space_name(op.space);
  std::unique_lock lock(mutex_);
  check_open();
  for (const auto& op : batch.ops()) {
    if (op.value) {
      spaces_[op.space].insert_or_assign(op.key, *op.value);
      continue;
    }
    auto found_space = spaces_.find(op.space);
    if (found_space != spaces_.end()) {
      auto found = found_space->second.find(op.key);
      if (found != found_space->second.end()) found_space->second.erase(found);
    }
  }
  return CommitSignal::completed();
}

boost::asio::awaitable<void> MemoryStore::wipe(std::string_view space) {
  check_space_name(space);
  {
    std::unique_lock lock(mutex_);
    check_open();
    auto found = spaces_.find(space);
    if (found != spaces_.end()) spaces_.erase(found);
  }
  co_return;
}

void MemoryStore::close() {
  std::unique_lock lock(mutex_);
  closed_ = true;
  spaces_.clear();
}

}  // namespace nimbus::storage
