#pragma once
// Opening a DuckDB database and creating the Trino macros costs 10-40 ms, more than a small query
// runs: the pool keeps one session opened ahead (after the first query, so an idle nimbus holds
// none) and opens the next in the background when one is taken. Sessions are never reused: each
// query still gets a database of its own.

#include <boost/asio/thread_pool.hpp>
#include <memory>
#include <mutex>
#include <vector>

#include "sql/duckdb_session.h"

namespace nimbus::athena {

class SessionPool {
 public:
  static constexpr size_t kSpares = 1;

  explicit SessionPool(sql::EngineLimits limits) : limits_(std::move(limits)) {}

  // A fresh session spilling under `spill_dir`: the spare if there is one, else opened now (off
  // the I/O threads: it may open a database). The next spare is opened on `pool`, in the background.
  std::shared_ptr<sql::DuckDbSession> take(boost::asio::thread_pool& pool, const std::filesystem::path& spill_dir);
  // Drops the spares (stop, before the pool is joined).
  void clear();

 private:
  std::shared_ptr<sql::DuckDbSession> open() const;

  sql::EngineLimits limits_;
  std::mutex mutex_;
  std::vector<std::shared_ptr<sql::DuckDbSession>> spares_;
  size_t opening_ = 0;
  bool closed_ = false;
};

}  // namespace nimbus::athena
