#pragma once
// Destructors of services with a background coroutine wait for it to see its stop flag and
// finish before their members go away. The wait is pointless (and slowed every shutdown by a
// second) once the executor's io_context has stopped: the coroutine is never resumed then.

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <optional>

namespace nimbus::async {

// Returns when `running` is false, the executor's io_context has stopped (or there is none),
// or `limit` has passed.
void wait_for_worker_exit(const std::atomic<bool>& running, const std::optional<boost::asio::any_io_executor>& executor,
                          std::chrono::milliseconds limit = std::chrono::milliseconds(1000));

}  // namespace nimbus::async
