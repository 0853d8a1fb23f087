#pragma once
// One Glue job run's local process: started with posix_spawn in its own process group, its stdout
// and stderr read on the io_context into bounded buffers (the tail is kept), its exit observed
// through a pidfd — no thread, no SIGCHLD handler, nothing blocks an I/O thread.

#include <sys/types.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "async/waiter.h"

namespace nimbus::glue {

class JobProcess : public std::enable_shared_from_this<JobProcess> {
 public:
  // At most this many bytes of each output are kept (the end of it).
  static constexpr size_t kOutputCap = 4 << 20;

  // argv[0] is the program's path; env holds "NAME=value". Throws std::system_error when the
  // program cannot be started.
  static std::shared_ptr<JobProcess> spawn(boost::asio::any_io_executor executor,
                                           const std::vector<std::string>& argv,
                                           const std::vector<std::string>& env,
                                           const std::string& working_directory);
  ~JobProcess();

  // Resumes once the process has exited and both outputs are read to their end, or after
  // `timeout`; true when it ended.
  boost::asio::awaitable<bool> wait(std::chrono::milliseconds timeout);
  // SIGKILL to the process group. Safe to call more than once.
  void kill();
  // Valid after wait() answered true: exit status >= 0, or -signal.
  int exit_status() const;
  std::string stdout_text() const;
  std::string stderr_text() const;

 private:
  explicit JobProcess(boost::asio::any_io_executor executor)
      : out_pipe_(executor), err_pipe_(executor), exit_watch_(executor) {}
  void read_loop(boost::asio::posix::stream_descriptor& pipe, std::string& sink);
  void watch_exit();
  void part_done();

  pid_t pid_ = -1;
  bool reaped_ = false;
  int exit_status_ = -1;
  boost::asio::posix::stream_descriptor out_pipe_, err_pipe_, exit_watch_;
  mutable std::mutex mutex_;
  std::string out_, err_;
  int parts_left_ = 3;  // two outputs at EOF and the exit
  std::vector<std::shared_ptr<Waiter>> waiters_;  // fired when parts_left_ reaches 0
};

}  // namespace nimbus::glue
