#include "services/glue/job_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <boost/asio/buffer.hpp>
#include <system_error>

namespace nimbus::glue {
namespace asio = boost::asio;

namespace {

std::array<int, 2> cloexec_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
  return {fds[0], fds[1]};
}

std::vector<char*> c_strings(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (const auto& s : strings) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

}  // namespace

std::shared_ptr<JobProcess> JobProcess::spawn(asio::any_io_executor executor,
                                              const std::vector<std::string>& argv,
                                              const std::vector<std::string>& env,
                                              const std::string& working_directory) {
  auto out = cloexec_pipe();
  auto err = cloexec_pipe();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  // Nothing else of nimbus's reaches the script (its listening socket is not close-on-exec).
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  if (!working_directory.empty()) {
    posix_spawn_file_actions_addchdir_np(&actions, working_directory.c_str());
  }
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t defaults, no_mask;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  sigemptyset(&no_mask);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setsigmask(&attributes, &no_mask);
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setflags(&attributes,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  auto args = c_strings(argv);
  auto envp = c_strings(env);
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, argv.at(0).c_str(), &actions, &attributes, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  ::close(out[1]);
  ::close(err[1]);
  if (rc != 0) {
    ::close(out[0]);
    ::close(err[0]);
    throw std::system_error(rc, std::generic_category(), "cannot start " + argv.at(0));
  }
  auto process = std::shared_ptr<JobProcess>(new JobProcess(executor));
  process->pid_ = pid;
  process->out_pipe_.assign(out[0]);
  process->err_pipe_.assign(err[0]);
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) {
    process->kill();
    throw std::system_error(errno, std::generic_category(), "pidfd_open");
  }
  process->exit_watch_.assign(pidfd);
  process->read_loop(process->out_pipe_, process->out_);
  process->read_loop(process->err_pipe_, process->err_);
  process->watch_exit();
  return process;
}

JobProcess::~JobProcess() {
  kill();
  if (!reaped_ && pid_ > 0) ::waitpid(pid_, nullptr, WNOHANG);
}

void JobProcess::read_loop(asio::posix::stream_descriptor& pipe, std::string& sink) {
  auto buffer = std::make_shared<std::array<char, 16384>>();
  pipe.async_read_some(asio::buffer(*buffer),
                       [self = shared_from_this(), &pipe, &sink, buffer](
                           const boost::system::error_code& ec, size_t n) {
                         if (n > 0) {
                           std::lock_guard lock(self->mutex_);
                           sink.append(buffer->data(), n);
                           if (sink.size() > kOutputCap) sink.erase(0, sink.size() - kOutputCap);
                         }
                         if (ec) {
                           self->part_done();  // EOF, or the pipe closed
                         } else {
                           self->read_loop(pipe, sink);
                         }
                       });
}

void JobProcess::watch_exit() {
  exit_watch_.async_wait(asio::posix::stream_descriptor::wait_read,
                         [self = shared_from_this()](const boost::system::error_code& ec) {
                           int status = 0;
                           if (!ec && ::waitpid(self->pid_, &status, 0) == self->pid_) {
                             std::lock_guard lock(self->mutex_);
                             self->reaped_ = true;
                             self->exit_status_ =
                                 WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
                           }
                           self->part_done();
                         });
}

void JobProcess::part_done() {
  std::vector<std::shared_ptr<Waiter>> waiters;
  {
    std::lock_guard lock(mutex_);
    if (--parts_left_ == 0) waiters.swap(waiters_);
  }
  for (auto& waiter : waiters) waiter->fire();
}

asio::awaitable<bool> JobProcess::wait(std::chrono::milliseconds timeout) {
  auto waiter = std::make_shared<Waiter>();
  {
    std::lock_guard lock(mutex_);
    if (parts_left_ == 0) co_return true;
    waiters_.push_back(waiter);
  }
  auto waited = waiter->wait(timeout);
  co_await std::move(waited);
  std::lock_guard lock(mutex_);
  co_return parts_left_ == 0;
}

void JobProcess::kill() {
  std::lock_guard lock(mutex_);
  if (pid_ > 0 && !reaped_) ::kill(-pid_, SIGKILL);
}

int JobProcess::exit_status() const {
  std::lock_guard lock(mutex_);
  return exit_status_;
}

std::string JobProcess::stdout_text() const {
  std::lock_guard lock(mutex_);
  return out_;
}

std::string JobProcess::stderr_text() const {
  std::lock_guard lock(mutex_);
  return err_;
}

}  // namespace nimbus::glue
