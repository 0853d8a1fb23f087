#include "services/lambda/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <array>
#include <fstream>
#include <system_error>

namespace nimbus::lambda {
namespace asio = boost::asio;

namespace {

struct Pipe {
  int read = -1, write = -1;
  Pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
    read = fds[0];
    write = fds[1];
  }
};

std::vector<char*> c_strings(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (const auto& s : strings) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

}  // namespace

std::shared_ptr<ChildProcess> ChildProcess::spawn(asio::any_io_executor executor, const SpawnSpec& spec,
                                                  OutputHandler on_stdout, OutputHandler on_stderr,
                                                  OutputHandler on_telemetry, ExitHandler on_exit) {
  Pipe out, err, telemetry;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // dup2 clears O_CLOEXEC on the target: exactly these three pipe ends reach the child.
  posix_spawn_file_actions_adddup2(&actions, out.write, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err.write, STDERR_FILENO);
  posix_spawn_file_actions_adddup2(&actions, telemetry.write, spec.telemetry_fd);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  if (!spec.working_directory.empty()) {
    posix_spawn_file_actions_addchdir_np(&actions, spec.working_directory.c_str());
  }
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  // Its own process group, so kill() reaches whatever the runtime starts; default signal handling.
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  sigset_t no_mask;
  sigemptyset(&no_mask);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setsigmask(&attributes, &no_mask);
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  auto argv = c_strings(spec.argv);
  auto envp = c_strings(spec.env);
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, spec.argv.at(0).c_str(), &actions, &attributes, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  for (int fd : {out.write, err.write, telemetry.write}) ::close(fd);
  if (rc != 0) {
    for (int fd : {out.read, err.read, telemetry.read}) ::close(fd);
    throw std::system_error(rc, std::generic_category(), "cannot start " + spec.argv.at(0));
  }
  auto child = std::shared_ptr<ChildProcess>(new ChildProcess(executor));
  child->pid_ = pid;
  child->stdout_.assign(out.read);
  child->stderr_.assign(err.read);
  child->telemetry_.assign(telemetry.read);
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) {
    child->kill();
    throw std::system_error(errno, std::generic_category(), "pidfd_open");
  }
  child->exit_watch_.assign(pidfd);
  for (int fd : {out.read, err.read, telemetry.read}) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  child->on_stdout_ = std::move(on_stdout);
  child->on_stderr_ = std::move(on_stderr);
  child->on_telemetry_ = std::move(on_telemetry);
  child->read_loop(child->stdout_, child->on_stdout_);
  child->read_loop(child->stderr_, child->on_stderr_);
  child->read_loop(child->telemetry_, child->on_telemetry_);
  child->watch_exit(std::move(on_exit));
  return child;
}

ChildProcess::~ChildProcess() {
  kill();
  if (!reaped_ && pid_ > 0) ::waitpid(pid_, nullptr, WNOHANG);
}

void ChildProcess::read_loop(asio::posix::stream_descriptor& pipe, const OutputHandler& handler) {
  asio::co_spawn(pipe.get_executor(), [self = shared_from_this(), &pipe, &handler]() -> asio::awaitable<void> {
    std::array<char, 16384> buffer;
    for (;;) {
      boost::system::error_code ec;
      // Wait for readiness, then read under the lock so drain() and this loop never interleave.
      co_await pipe.async_wait(asio::posix::stream_descriptor::wait_read,
                               asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      std::lock_guard lock(self->read_mutex_);
      ssize_t n = ::read(pipe.native_handle(), buffer.data(), buffer.size());
      if (n > 0) handler(std::string_view(buffer.data(), static_cast<size_t>(n)));
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) co_return;  // EOF: everything it started exited
    }
  }, asio::detached);
}

void ChildProcess::drain() {
  std::lock_guard lock(read_mutex_);
  std::array<char, 16384> buffer;
  std::pair<asio::posix::stream_descriptor*, OutputHandler*> pipes[] = {
      {&telemetry_, &on_telemetry_}, {&stdout_, &on_stdout_}, {&stderr_, &on_stderr_}};
  for (auto [pipe, handler] : pipes) {
    if (!pipe->is_open()) continue;
    for (;;) {
      ssize_t n = ::read(pipe->native_handle(), buffer.data(), buffer.size());
      if (n <= 0) break;
      (*handler)(std::string_view(buffer.data(), static_cast<size_t>(n)));
    }
  }
}

void ChildProcess::watch_exit(ExitHandler handler) {
  auto self = shared_from_this();
  exit_watch_.async_wait(asio::posix::stream_descriptor::wait_read,
                         [self, handler = std::move(handler)](const boost::system::error_code& ec) {
                           if (ec) return;
                           int status = 0;
                           if (::waitpid(self->pid_, &status, 0) == self->pid_) self->reaped_ = true;
                           int code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
                           handler(code);
                         });
}

void ChildProcess::kill() {
  if (pid_ > 0 && !reaped_) ::kill(-pid_, SIGKILL);
}

namespace {

// Reads a small /proc file into `buffer` (no stream objects: this runs on every invocation).
std::string_view read_proc(const std::string& path, std::array<char, 4096>& buffer) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  ssize_t n = ::read(fd, buffer.data(), buffer.size());
  ::close(fd);
  return n > 0 ? std::string_view(buffer.data(), static_cast<size_t>(n)) : std::string_view();
}

long status_field_kib(std::string_view status, std::string_view field) {
  auto at = status.find(field);
  return at == std::string_view::npos ? 0 : std::atol(status.data() + at + field.size());
}

// Adds `pid`'s VmRSS/VmHWM and those of its descendants (the sandbox's runtime is bwrap's child).
void add_tree_memory(pid_t pid, ChildProcess::Memory& memory, int depth) {
  std::array<char, 4096> buffer;
  std::string base = "/proc/" + std::to_string(pid);
  auto status = read_proc(base + "/status", buffer);
  memory.rss_kib += status_field_kib(status, "VmRSS:");
  memory.peak_kib += status_field_kib(status, "VmHWM:");
  if (depth > 8) return;
  auto children = std::string(read_proc(base + "/task/" + std::to_string(pid) + "/children", buffer));
  const char* cursor = children.c_str();
  char* end = nullptr;
  for (long child = std::strtol(cursor, &end, 10); end != cursor; child = std::strtol(cursor, &end, 10)) {
    add_tree_memory(static_cast<pid_t>(child), memory, depth + 1);
    cursor = end;
  }
}

}  // namespace

ChildProcess::Memory ChildProcess::memory(int64_t max_age_ms) {
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(memory_mutex_);
  if (max_age_ms > 0 && now - last_memory_at_ < std::chrono::milliseconds(max_age_ms)) return last_memory_;
  Memory memory;
  if (!reaped_ && pid_ > 0) add_tree_memory(pid_, memory, 0);
  // The peak never goes down, even when a reading misses a process that just exited.
  memory.peak_kib = std::max(memory.peak_kib, last_memory_.peak_kib);
  last_memory_ = memory;
  last_memory_at_ = now;
  return memory;
}

}  // namespace nimbus::lambda
