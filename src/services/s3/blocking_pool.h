#pragma once
// A few threads for blocking file-system calls (fsync), so an I/O thread never waits on the disk:
// a connection awaiting run() leaves its event loop free for the others, and syncs issued
// concurrently reach the file system together (a journaling file system commits them as one).

#include <utility>  // before asio: Boost 1.74's awaitable.hpp uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstddef>
#include <functional>
#include <vector>

namespace nimbus::s3 {

class BlockingPool {
 public:
  explicit BlockingPool(size_t threads) : pool_(threads) {}
  ~BlockingPool() { pool_.join(); }
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  // Starts every job at once on the pool and resumes the caller on its own executor when all
  // have returned, rethrowing the first exception one threw.
  boost::asio::awaitable<void> run(std::vector<std::function<void()>> jobs);

 private:
  boost::asio::thread_pool pool_;
};

}  // namespace nimbus::s3
