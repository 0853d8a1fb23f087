#pragma once
// Helpers shared by the storage tests: scratch directories and running a coroutine to the end.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <filesystem>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "storage/store.h"

namespace nimbus::storage::testing {

// A fresh directory under the system temp dir, removed with everything in it at scope exit.
class TempDir {
 public:
  TempDir() {
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() /
            ("nimbus-storage-" + std::to_string(random()) + std::to_string(random()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Runs `task` on a private io_context until it finishes, rethrowing what it threw.
inline void run(boost::asio::awaitable<void> task) {
  boost::asio::io_context io;
  std::exception_ptr failure;
  boost::asio::co_spawn(io, std::move(task), [&](std::exception_ptr error) { failure = error; });
  io.run();
  if (failure) std::rethrow_exception(failure);
}

inline void commit(Store& store, WriteBatch batch) { run(store.commit(std::move(batch))); }

inline void put(Store& store, std::string_view space, std::string_view key,
                std::string_view value) {
  WriteBatch batch;
  batch.put(space, key, value);
  commit(store, std::move(batch));
}

// Every key/value of `space` starting with `prefix`, in scan order.
inline std::vector<std::pair<std::string, std::string>> scan_all(Store& store,
                                                                 std::string_view space,
                                                                 std::string_view prefix = {}) {
  std::vector<std::pair<std::string, std::string>> found;
  store.scan(space, prefix, [&](std::string_view key, std::string_view value) {
    found.emplace_back(key, value);
    return true;
  });
  return found;
}

}  // namespace nimbus::storage::testing
