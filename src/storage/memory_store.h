#pragma once
// The --memory store: ordered maps per space, nothing on disk; commits are durable at once.

#include <map>
#include <shared_mutex>
#include <string>

#include "storage/store.h"

namespace nimbus::storage {

class MemoryStore final : public Store {
 public:
  std::optional<std::string> get(std::string_view space, std::string_view key) override;
  void scan_from(std::string_view space, std::string_view prefix, std::string_view start,
                 const Visitor& visit) override;
  void scan_reverse_from(std::string_view space, std::string_view prefix, std::string_view end,
                         const Visitor& visit) override;
  std::shared_ptr<PendingCommit> submit(WriteBatch batch) override;
  boost::asio::awaitable<void> wipe(std::string_view space) override;
  void close() override;

 private:
  using Space = std::map<std::string, std::string, std::less<>>;

  void check_open() const;

  mutable std::shared_mutex mutex_;
  std::map<std::string, Space, std::less<>> spaces_;
  bool closed_ = false;
};

}  // namespace nimbus::storage
