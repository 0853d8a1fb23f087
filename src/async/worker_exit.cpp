#include "async/worker_exit.h"

#include <boost/asio/io_context.hpp>
#include <thread>

namespace nimbus::async {
namespace {

// Only an io_context's plain executor tells whether it stopped; any other executor is waited for.
bool executor_stopped(const boost::asio::any_io_executor& executor) {
  auto* io = executor.target<boost::asio::io_context::executor_type>();
  return io != nullptr && io->context().stopped();
}

}  // namespace

void wait_for_worker_exit(const std::atomic<bool>& running, const std::optional<boost::asio::any_io_executor>& executor,
                          std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (running.load() && std::chrono::steady_clock::now() < deadline) {
    if (!executor || executor_stopped(*executor)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace nimbus::async
