#pragma once
// Applies lifecycle Expiration rules for real: every few seconds of wall time and soon after the
// shared Clock is advanced, current objects that have fallen due are deleted through
// ObjectAccess::remove (a delete marker in versioned buckets, as S3 does).

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "services/s3/object_access.h"
#include "services/s3/s3_environment.h"

namespace nimbus::s3 {

// Background expiry of objects under the buckets' lifecycle configurations.
class LifecycleWorker {
 public:
  LifecycleWorker(S3Environment& environment, ObjectAccess& objects);
  ~LifecycleWorker();

  // Finds the buckets that have a lifecycle configuration and starts the loop on `executor`.
  void start(boost::asio::any_io_executor executor);
  void stop();
  void clear();
  // A bucket whose lifecycle configuration was just stored.
  void watch(const std::string& bucket);

 private:
  awaitable<void> run();
  awaitable<void> sweep();

  S3Environment& environment_;
  ObjectAccess& objects_;
  std::mutex mutex_;
  std::set<std::string> buckets_;
  // Set by the clock's advance listener (which may outlive this worker, hence shared).
  std::shared_ptr<std::atomic<bool>> advanced_ = std::make_shared<std::atomic<bool>>(false);
  std::atomic<bool> stopping_{false};
  std::atomic<bool> running_{false};
  std::optional<boost::asio::any_io_executor> executor_;  // the loop's, once started
};

}  // namespace nimbus::s3
