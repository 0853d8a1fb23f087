#pragma once
// A child process started with posix_spawn, its stdout/stderr and an extra "telemetry" pipe read
// asynchronously, and its exit observed through a pidfd — all on the io_context, no thread and no
// SIGCHLD handler. Used for Lambda execution environments.

#include <sys/types.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace nimbus::lambda {

struct SpawnSpec {
  std::vector<std::string> argv;  // argv[0] is the program's path
  std::vector<std::string> env;   // "NAME=value"
  std::string working_directory;  // "" = inherit
  // The child sees the telemetry pipe's write end as this fd number.
  int telemetry_fd = 3;
};

class ChildProcess : public std::enable_shared_from_this<ChildProcess> {
 public:
  // Bytes read from one of the child's outputs; called on the executor.
  using OutputHandler = std::function<void(std::string_view bytes)>;
  // How the child ended: `exit_status` >= 0 for a normal exit, else -signal.
  using ExitHandler = std::function<void(int exit_status)>;

  // Throws std::system_error when the program cannot be started.
  static std::shared_ptr<ChildProcess> spawn(boost::asio::any_io_executor executor, const SpawnSpec& spec,
                                             OutputHandler on_stdout, OutputHandler on_stderr,
                                             OutputHandler on_telemetry, ExitHandler on_exit);
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  // SIGKILL (the process group: a sandbox's children die with it). Safe to call more than once.
  void kill();
  // Resident set size and its peak (VmRSS / VmHWM) over the process tree, in KiB; 0 when gone.
  // Reading /proc costs more than a warm invocation, so a reading younger than `max_age_ms` is
  // reused (the memory watch refreshes it every 100 ms while an invocation runs).
  struct Memory { long rss_kib = 0; long peak_kib = 0; };
  Memory memory(int64_t max_age_ms = 0);
  // Reads whatever the pipes hold right now (non-blocking) through the output handlers, so output
  // written before the runtime answered is attributed to that invocation.
  void drain();

 private:
  ChildProcess(boost::asio::any_io_executor executor) : stdout_(executor), stderr_(executor),
      telemetry_(executor), exit_watch_(executor) {}
  void read_loop(boost::asio::posix::stream_descriptor& pipe, const OutputHandler& handler);
  void watch_exit(ExitHandler handler);

  pid_t pid_ = -1;
  bool reaped_ = false;
  boost::asio::posix::stream_descriptor stdout_, stderr_, telemetry_, exit_watch_;
  OutputHandler on_stdout_, on_stderr_, on_telemetry_;
  std::mutex read_mutex_;  // one reader per pipe at a time (the async loop or drain())
  std::mutex memory_mutex_;
  Memory last_memory_;
  std::chrono::steady_clock::time_point last_memory_at_{};
};

}  // namespace nimbus::lambda
