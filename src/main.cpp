// nimbus: the AWS cloud in one binary. Builds the io_context, storage, services and HTTP server,
// prints the ready line, and on SIGINT/SIGTERM drains requests, stops workers, flushes and exits 0.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <thread>

#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "http/local_endpoints.h"
#include "http/server.h"
#include "router/authenticator.h"
#include "router/dispatcher.h"
#include "services/operations_report.h"
#include "services/registry.h"
#include "storage/clock_keeper.h"
#include "storage/store_factory.h"

namespace asio = boost::asio;

namespace {

// A temporary directory removed at exit (only created when `wanted`).
class ScratchDirectory {
 public:
  explicit ScratchDirectory(bool wanted) {
    if (!wanted) return;
    std::string pattern = (std::filesystem::temp_directory_path() / "nimbus-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("cannot create a temporary directory");
    path_ = pattern;
  }
  ~ScratchDirectory() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

int serve(const nimbus::Config& config) {
  nimbus::Clock clock;
  nimbus::router::Authenticator authenticator(config.auth, config.credentials_file);
  auto store = nimbus::storage::open_store({config.in_memory, config.data_dir});
  unsigned threads = config.threads ? config.threads : std::max(1u, std::thread::hardware_concurrency());
  // Before every object with I/O on it (the clock keeper's timer, the services' workers), so it
  // is destroyed after them.
  asio::io_context io(static_cast<int>(threads));
  // Before anything reads the clock: continue the time of the previous run.
  nimbus::storage::ClockKeeper clock_keeper(*store, clock);
  clock_keeper.restore();
  // Large bodies are files even with --memory: then in a private temporary directory.
  ScratchDirectory scratch(config.in_memory);
  std::filesystem::path files_dir = config.in_memory ? scratch.path() : std::filesystem::path(config.data_dir);

  nimbus::http_server::LoopbackEndpoints loopback(io);
  nimbus::ServiceRegistry registry(*store, clock, files_dir, authenticator.credentials(), &loopback,
                                   authenticator.verifies());
  authenticator.use_sessions(registry.sessions());
  registry.start(io.get_executor());
  clock_keeper.start(io.get_executor());

  nimbus::router::Dispatcher dispatcher(registry, clock, authenticator, &clock_keeper);
  nimbus::http_server::HttpServer server(io, {}, dispatcher);
  server.listen(config.host, config.port);
  auto endpoint = server.local_endpoint();
  loopback.set_nimbus_url("http://127.0.0.1:" + std::to_string(endpoint.port()));
  std::printf("nimbus ready on http://%s:%u\n", config.host.c_str(), endpoint.port());
  std::fflush(stdout);

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    NIMBUS_LOG(Info, "shutting down");
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
      registry.stop();  // wakes long polls so in-flight requests can finish
      co_await server.shutdown();
      clock_keeper.stop();
      try {
        co_await clock_keeper.save();
      } catch (const std::exception& error) {
        NIMBUS_LOG(Warn, std::string("clock not saved at shutdown: ") + error.what());
      }
      io.stop();
    }, asio::detached);
  });

  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& thread : pool) thread.join();
  store->close();
  NIMBUS_LOG(Info, "stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  nimbus::Config config;
  try {
    config = nimbus::parse_config(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "nimbus: " << e.what() << "\n" << nimbus::config_usage();
    return 2;
  }
  if (config.show_help) {
    std::cout << nimbus::config_usage();
    return 0;
  }
  if (config.show_version) {
    std::cout << "nimbus " << NIMBUS_VERSION << "\n";
    return 0;
  }
  if (config.list_operations) {
    std::cout << nimbus::operations_report_markdown();
    return 0;
  }
  nimbus::log::Level level;
  if (!nimbus::log::parse_level(config.log_level, level)) {
    std::cerr << "nimbus: unknown --log-level " << config.log_level << "\n";
    return 2;
  }
  nimbus::log::set_level(level);
  try {
    return serve(config);
  } catch (const std::exception& e) {
    std::cerr << "nimbus: " << e.what() << "\n";
    return 1;
  }
}
