// Durability under SIGKILL: a child process commits batches and reports each one acknowledged
// by wait(); the parent kills it mid-stream and checks every acknowledged batch is on disk.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/detached.hpp>
#include <cstdint>
#include <cstdlib>
#include <set>

#include "storage/key_codec.h"
#include "storage/rocksdb_store.h"
#include "test_support.h"

extern char** environ;

namespace nimbus::storage {
namespace {

namespace asio = boost::asio;
constexpr const char* kChildEnv = "NIMBUS_STORAGE_CRASH_CHILD";
constexpr int kWriters = 4;
constexpr uint32_t kAcksBeforeKill = 1000;

// Each batch writes two keys, so a torn batch would show as one without the other.
WriteBatch numbered_batch(uint32_t index) {
  WriteBatch batch;
  batch.put("crash", keys::join({"a", keys::u64(index)}), "v");
  batch.put("crash", keys::join({"b", keys::u64(index)}), "v");
  return batch;
}

// The child's life: commit forever from a few coroutines, reporting acknowledged indexes.
[[noreturn]] void run_crash_child(const std::string& spec) {
  auto colon = spec.rfind(':');
  int ack_fd = std::atoi(spec.c_str() + colon + 1);
  RocksDbStore store(spec.substr(0, colon));
  asio::io_context io;
  for (uint32_t writer = 0; writer < kWriters; ++writer) {
    asio::co_spawn(
        io,
        [&, writer]() -> asio::awaitable<void> {
          for (uint32_t index = writer;; index += kWriters) {
            co_await store.commit(numbered_batch(index));
            if (write(ack_fd, &index, sizeof index) != sizeof index) std::_Exit(3);
          }
        },
        asio::detached);
  }
  io.run();
  std::_Exit(2);
}

// Turns this test binary into the crash child when it was re-executed as one.
class CrashChildEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    if (const char* spec = std::getenv(kChildEnv)) run_crash_child(spec);
  }
};
[[maybe_unused]] auto* const crash_child_environment =
    ::testing::AddGlobalTestEnvironment(new CrashChildEnvironment);

// Reads acknowledged indexes until EOF; kills the child once `kill_after` have arrived.
std::set<uint32_t> collect_acks(int fd, pid_t child, uint32_t kill_after) {
  std::set<uint32_t> acked;
  bool killed = false;
  for (;;) {
    pollfd readable{fd, POLLIN, 0};
    if (poll(&readable, 1, 10'000) <= 0) break;  // a hung child fails the test below
    uint32_t index = 0;
    ssize_t got = read(fd, &index, sizeof index);
    if (got != sizeof index) break;
    acked.insert(index);
    if (!killed && acked.size() >= kill_after) {
      kill(child, SIGKILL);
      killed = true;
    }
  }
  if (!killed) kill(child, SIGKILL);
  return acked;
}

TEST(RocksDbStoreCrash, EveryAcknowledgedBatchSurvivesSigkillAndNoneIsTorn) {
  testing::TempDir dir;
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  // Everything the child needs is built before fork(): only exec-safe calls follow it.
  std::string child_env = std::string(kChildEnv) + "=" + dir.path().string() + ":" +
                          std::to_string(fds[1]);
  std::vector<char*> envp{child_env.data()};
  for (char** entry = environ; *entry; ++entry) envp.push_back(*entry);
  envp.push_back(nullptr);
  char program[] = "/proc/self/exe";
  char only_this_test[] = "--gtest_filter=RocksDbStoreCrash.*";
  char* argv[] = {program, only_this_test, nullptr};
  int dev_null = open("/dev/null", O_WRONLY);
  ASSERT_GE(dev_null, 0);

  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    dup2(dev_null, STDOUT_FILENO);  // keep the child's gtest banner out of the report
    execve(program, argv, envp.data());
    _exit(127);
  }
  close(fds[1]);
  close(dev_null);
  auto acked = collect_acks(fds[0], child, kAcksBeforeKill);
  close(fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited early with status " << status;
  ASSERT_GE(acked.size(), kAcksBeforeKill);

  RocksDbStore store(dir.path());
  for (uint32_t index : acked) {
    ASSERT_TRUE(store.get("crash", keys::join({"a", keys::u64(index)}))) << index;
  }
  size_t recovered = 0;
  store.scan("crash", keys::join({"a"}), [&](std::string_view key, std::string_view) {
    auto index = keys::read_u64((*keys::split(key))[1]);
    EXPECT_TRUE(store.get("crash", keys::join({"b", keys::u64(*index)}))) << *index;
    ++recovered;
    return true;
  });
  EXPECT_GE(recovered, acked.size());
}

}  // namespace
}  // namespace nimbus::storage
