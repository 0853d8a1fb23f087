#pragma once
// At most `per_group` queries of one work group run at once; the others stay QUEUED until one
// ends, so one work group's burst cannot take every engine thread from the others.

#include <boost/asio/awaitable.hpp>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "async/waiter.h"

namespace nimbus::athena {

class WorkGroupSlots {
 public:
  explicit WorkGroupSlots(size_t per_group) : per_group_(per_group) {}

  // Resumes once `group` has a free slot; the slot is freed when the answer is destroyed.
  boost::asio::awaitable<std::shared_ptr<void>> acquire(std::string group);

 private:
  void release(const std::string& group);

  size_t per_group_;
  std::mutex mutex_;
  std::map<std::string, size_t> active_;
  std::map<std::string, std::deque<std::shared_ptr<Waiter>>> waiting_;
};

}  // namespace nimbus::athena
