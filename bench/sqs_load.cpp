// Load generator for nimbus benchmarks: drives SQS over the JSON protocol (or plain GETs for an HTTP
// floor) on N keep-alive connections, for a fixed time or at a fixed rate, and prints one result line:
//   mode=send msgs=… secs=… msgs_per_s=… reqs_per_s=… p50_ms=… p99_ms=… errors=…
// Also measures process startup (spawn -> first answered request) and RSS over a send/receive/delete soak.
// Loopback only: --host must be a 127.0.0.0/8 or ::1 address. Every loop is bounded by time or count.

#include <utility>  // Boost 1.74 asio/awaitable.hpp uses std::exchange without it
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <fcntl.h>
#include <spawn.h>
#include <signal.h>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using asio::awaitable;
using asio::use_awaitable;

extern char** environ;

struct Options {
  std::string mode = "send";  // send | batch | recv | get | events | soak | startup
  std::string host = "127.0.0.1";
  int port = 4566;
  int connections = 32;
  double duration = 10;
  double rate = 0;  // requests per second over all connections; 0 = as fast as possible
  std::string queue;
  int body_size = 128;
  long prefill = 0;        // recv: messages to load before timing
  long messages = 1000000;  // soak: messages to push through
  double max_seconds = 300;  // soak: hard stop
  long backlog = 5000;       // soak: senders pause while more than this many messages are undeleted (0 = never)
  int pid = 0;               // soak: process whose RSS is sampled
  std::string path = "/";    // get / startup: path to request
  int runs = 20;             // startup
  std::vector<std::string> command;  // startup: argv, {port} and {dir} substituted
};

[[noreturn]] void usage(const char* msg) {
  std::fprintf(stderr, "sqs_load: %s\n", msg);
  std::fprintf(stderr,
               "usage: sqs_load --mode send|batch|recv|get|events|soak|startup [--host 127.0.0.1] [--port N]\n"
               "  [--connections 32] [--duration S] [--rate R] [--queue NAME] [--body-size B]\n"
               "  [--prefill N] [--messages N] [--max-seconds S] [--backlog N] [--pid PID] [--path /p] [--runs N] [-- cmd…]\n");
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") {
      for (++i; i < argc; ++i) o.command.emplace_back(argv[i]);
      break;
    }
    if (i + 1 >= argc) usage(("missing value for " + a).c_str());
    std::string v = argv[++i];
    if (a == "--mode") o.mode = v;
    else if (a == "--host") o.host = v;
    else if (a == "--port") o.port = std::stoi(v);
    else if (a == "--connections") o.connections = std::stoi(v);
    else if (a == "--duration") o.duration = std::stod(v);
    else if (a == "--rate") o.rate = std::stod(v);
    else if (a == "--queue") o.queue = v;
    else if (a == "--body-size") o.body_size = std::stoi(v);
    else if (a == "--prefill") o.prefill = std::stol(v);
    else if (a == "--messages") o.messages = std::stol(v);
    else if (a == "--max-seconds") o.max_seconds = std::stod(v);
    else if (a == "--pid") o.pid = std::stoi(v);
    else if (a == "--path") o.path = v;
    else if (a == "--runs") o.runs = std::stoi(v);
    else if (a == "--backlog") o.backlog = std::stol(v);
    else usage(("unknown option " + a).c_str());
  }
  auto addr = asio::ip::make_address(o.host);
  if (!addr.is_loopback()) usage("only loopback targets are allowed");
  o.connections = std::clamp(o.connections, 1, 256);
  o.duration = std::clamp(o.duration, 0.1, 600.0);
  o.max_seconds = std::clamp(o.max_seconds, 1.0, 1800.0);
  o.messages = std::clamp(o.messages, 1L, 5'000'000L);
  o.prefill = std::clamp(o.prefill, 0L, 2'000'000L);
  o.runs = std::clamp(o.runs, 1, 200);
  o.backlog = std::clamp(o.backlog, 0L, 5'000'000L);
  if (o.queue.empty()) o.queue = "bench-" + o.mode;
  return o;
}

long rss_kib(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return -1;
}

// ---- one SQS JSON-protocol connection ------------------------------------------------------

struct Conn {
  const Options& opt;
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  std::string host_header;
  bool connected = false;

  Conn(asio::any_io_executor ex, const Options& o)
      : opt(o), stream(ex), host_header(o.host + ":" + std::to_string(o.port)) {}

  awaitable<void> connect() {
    beast::error_code ignored;
    stream.socket().close(ignored);  // async_connect opens it again
    buffer.clear();
    tcp::endpoint ep(asio::ip::make_address(opt.host), static_cast<unsigned short>(opt.port));
    stream.expires_after(std::chrono::seconds(10));
    co_await stream.async_connect(ep, use_awaitable);
    stream.socket().set_option(tcp::no_delay(true));
    connected = true;
  }

  // One request/response; reconnects first if the last exchange closed or broke the connection.
  awaitable<http::response<http::string_body>> request(http::verb verb, const std::string& target,
                                                       std::string body, const char* amz_target,
                                                       const char* service = "sqs") {
    if (!connected) co_await connect();
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, host_header);
    req.keep_alive(true);
    if (amz_target) {
      bool sqs = std::string_view(service) == "sqs";
      req.set(http::field::content_type, sqs ? "application/x-amz-json-1.0" : "application/x-amz-json-1.1");
      req.set("X-Amz-Target", amz_target);
      req.set("X-Amz-Date", "20250101T000000Z");
      req.set(http::field::authorization,
              std::string("AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/") + service +
                  "/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=00");
      req.body() = std::move(body);
      req.prepare_payload();
    }
    http::response<http::string_body> res;
    try {
      stream.expires_after(std::chrono::seconds(30));
      co_await http::async_write(stream, req, use_awaitable);
      co_await http::async_read(stream, buffer, res, use_awaitable);
    } catch (...) {
      connected = false;
      throw;
    }
    if (!res.keep_alive()) connected = false;  // e.g. moto's dev server answers Connection: close
    co_return res;
  }

  awaitable<nlohmann::json> sqs(const char* op, const nlohmann::json& input, bool* ok) {
    std::string target = std::string("AmazonSQS.") + op;
    auto res = co_await request(http::verb::post, "/", input.dump(), target.c_str());
    *ok = res.result_int() == 200;
    if (!*ok) {
      nlohmann::json failure = {{"status", res.result_int()}, {"body", res.body().substr(0, 300)}};
      co_return failure;
    }
    co_return nlohmann::json::parse(res.body(), nullptr, false);
  }
};

// EventBridge PutEvents (awsJson 1.1) with 10 entries; counts the accepted ones.
awaitable<long> put_events(Conn& c, const std::string& body, long& seq, std::string& err) {
  nlohmann::json entries = nlohmann::json::array();
  for (int i = 0; i < 10; ++i) {
    nlohmann::json detail = {{"seq", seq++}, {"pad", body}};
    entries.push_back({{"Source", "bench"}, {"DetailType", "BenchEvent"}, {"Detail", detail.dump()}});
  }
  nlohmann::json input = {{"Entries", entries}};
  auto res = co_await c.request(http::verb::post, "/", input.dump(), "AWSEvents.PutEvents", "events");
  auto out = nlohmann::json::parse(res.body(), nullptr, false);
  if (res.result_int() != 200 || !out.is_object() || out.value("FailedEntryCount", 1) != 0) {
    err = res.body().substr(0, 300);
    co_return -1;
  }
  co_return 10;
}

struct Stats {
  std::vector<uint32_t> latencies_us;
  long messages = 0;
  long requests = 0;
  long errors = 0;
  std::string first_error;
};

std::string payload(int size) {
  std::string s;
  s.reserve(size);
  for (int i = 0; i < size; ++i) s.push_back(static_cast<char>('a' + i % 26));
  return s;
}

nlohmann::json batch_entries(const std::string& body, long& seq) {
  nlohmann::json entries = nlohmann::json::array();
  for (int i = 0; i < 10; ++i)
    entries.push_back({{"Id", "e" + std::to_string(i)}, {"MessageBody", body + std::to_string(seq++)}});
  return entries;
}

// One operation unit per mode; returns messages handled (0 on an empty receive), -1 on error.
awaitable<long> one_unit(Conn& c, const std::string& mode, const std::string& queue_url, const std::string& body,
                         long& seq, std::string& err) {
  bool ok = false;
  if (mode == "get") {
    auto res = co_await c.request(http::verb::get, c.opt.path, {}, nullptr);
    if (res.result_int() != 200) { err = "GET " + std::to_string(res.result_int()); co_return -1; }
    co_return 1;
  }
  if (mode == "events") co_return co_await put_events(c, body, seq, err);
  if (mode == "send") {
    nlohmann::json input = {{"QueueUrl", queue_url}, {"MessageBody", body}};
    auto out = co_await c.sqs("SendMessage", input, &ok);
    if (!ok) { err = out.dump(); co_return -1; }
    co_return 1;
  }
  if (mode == "batch") {
    nlohmann::json input = {{"QueueUrl", queue_url}, {"Entries", batch_entries(body, seq)}};
    auto out = co_await c.sqs("SendMessageBatch", input, &ok);
    if (!ok) { err = out.dump(); co_return -1; }
    long n = out.contains("Successful") ? static_cast<long>(out["Successful"].size()) : 0;
    co_return n;
  }
  // recv: ReceiveMessage (10) + DeleteMessageBatch
  nlohmann::json receive = {{"QueueUrl", queue_url}, {"MaxNumberOfMessages", 10}};
  receive["WaitTimeSeconds"] = mode == "recv-wait" ? 1 : 0;  // soak: idle receivers long-poll
  auto got = co_await c.sqs("ReceiveMessage", receive, &ok);
  if (!ok) { err = got.dump(); co_return -1; }
  if (!got.contains("Messages") || got["Messages"].empty()) co_return 0;
  nlohmann::json entries = nlohmann::json::array();
  int i = 0;
  for (auto& m : got["Messages"]) {
    nlohmann::json entry = {{"Id", "d" + std::to_string(i++)}, {"ReceiptHandle", m["ReceiptHandle"]}};
    entries.push_back(std::move(entry));
  }
  nlohmann::json del_input = {{"QueueUrl", queue_url}, {"Entries", entries}};
  auto del = co_await c.sqs("DeleteMessageBatch", del_input, &ok);
  if (!ok) { err = del.dump(); co_return -1; }
  co_return del.contains("Successful") ? static_cast<long>(del["Successful"].size()) : 0;
}

std::string create_queue(const Options& o, const std::string& name) {
  asio::io_context io;
  std::string url;
  asio::co_spawn(io, [&]() -> awaitable<void> {
    Conn c(co_await asio::this_coro::executor, o);
    co_await c.connect();
    bool ok = false;
    nlohmann::json input = {{"QueueName", name}};
    auto out = co_await c.sqs("CreateQueue", input, &ok);
    if (!ok) throw std::runtime_error("CreateQueue failed: " + out.dump());
    url = out["QueueUrl"];
  }, asio::detached);
  io.run();
  if (url.empty()) throw std::runtime_error("CreateQueue returned no QueueUrl");
  return url;
}

// Runs `mode` on all connections until `deadline` (or `stop` flips); per-connection fixed rate if set.
void drive(const Options& o, const std::string& mode, const std::string& queue_url, Clock::time_point deadline,
           std::vector<Stats>& stats, std::atomic<bool>& stop, bool record_latency,
           std::atomic<long>* shared_count = nullptr, long count_limit = 0, int first_conn = 0, int nconn = -1,
           const std::atomic<long>* drained = nullptr, long backlog = 0) {
  if (nconn < 0) nconn = o.connections;
  asio::io_context io;
  std::string body = payload(o.body_size);
  double interval = o.rate > 0 ? nconn / o.rate : 0;  // seconds between requests on one connection
  auto start = Clock::now();
  for (int k = 0; k < nconn; ++k) {
    Stats& st = stats[first_conn + k];
    asio::co_spawn(io, [&, k]() -> awaitable<void> {
      Conn c(co_await asio::this_coro::executor, o);
      try {
        co_await c.connect();
      } catch (const std::exception& e) {
        st.errors++;
        st.first_error = std::string("connect: ") + e.what();
        co_return;
      }
      asio::steady_timer timer(c.stream.get_executor());
      long seq = static_cast<long>(first_conn + k) * 1'000'000'000L;
      long n = 0;
      while (!stop.load(std::memory_order_relaxed) && Clock::now() < deadline) {
        auto scheduled = Clock::now();
        if (interval > 0) {
          scheduled = start + std::chrono::duration_cast<Clock::duration>(
                                  std::chrono::duration<double>(interval * (n + static_cast<double>(k) / nconn)));
          if (scheduled >= deadline) break;
          if (scheduled > Clock::now()) {
            timer.expires_at(scheduled);
            co_await timer.async_wait(use_awaitable);
          }
        }
        // Soak senders keep the queue near `backlog` messages: the soak measures what the server
        // keeps per message processed, not a backlog that grows because sends outpace deletes.
        if (drained && backlog > 0) {
          while (shared_count->load() - drained->load() > backlog && !stop.load(std::memory_order_relaxed) &&
                 Clock::now() < deadline) {
            timer.expires_after(std::chrono::milliseconds(2));
            co_await timer.async_wait(use_awaitable);
          }
        }
        ++n;
        std::string err;
        long got;
        try {
          got = co_await one_unit(c, mode, queue_url, body, seq, err);
        } catch (const std::exception& e) {
          err = e.what();
          got = -1;
        }
        auto done = Clock::now();
        st.requests++;
        if (got < 0) {
          if (st.first_error.empty()) st.first_error = err;
          st.errors++;
          if (st.errors > 1000) co_return;
          continue;  // request() reconnects when the connection broke
        }
        st.messages += got;
        if (record_latency)
          st.latencies_us.push_back(static_cast<uint32_t>(
              std::chrono::duration_cast<std::chrono::microseconds>(done - scheduled).count()));
        if (shared_count && shared_count->fetch_add(got) + got >= count_limit) co_return;
        if (mode == "recv" && got == 0 && shared_count == nullptr) {
          // queue drained: the timed part ends here for this connection
          co_return;
        }
      }
    }, asio::detached);
  }
  io.run();
}

double percentile(std::vector<uint32_t>& v, double p) {
  if (v.empty()) return 0;
  size_t idx = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(idx), v.end());
  return v[idx] / 1000.0;
}

int run_load(const Options& o) {
  std::string queue_url = o.mode == "get" || o.mode == "events" ? "" : create_queue(o, o.queue);
  std::vector<Stats> stats(o.connections);
  std::atomic<bool> stop{false};
  if (o.mode == "recv" && o.prefill > 0) {
    std::atomic<long> filled{0};
    std::vector<Stats> fill_stats(o.connections);
    Options fill = o;
    fill.rate = 0;
    drive(fill, "batch", queue_url, Clock::now() + std::chrono::seconds(300), fill_stats, stop, false, &filled,
          o.prefill);
    std::fprintf(stderr, "prefilled %ld messages\n", filled.load());
  }
  auto t0 = Clock::now();
  drive(o, o.mode, queue_url, t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.duration)),
        stats, stop, true);
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  Stats all;
  for (auto& s : stats) {
    all.latencies_us.insert(all.latencies_us.end(), s.latencies_us.begin(), s.latencies_us.end());
    all.messages += s.messages;
    all.requests += s.requests;
    all.errors += s.errors;
    if (all.first_error.empty()) all.first_error = s.first_error;
  }
  double p50 = percentile(all.latencies_us, 0.50);
  double p99 = percentile(all.latencies_us, 0.99);
  std::printf("mode=%s msgs=%ld secs=%.2f msgs_per_s=%.0f reqs_per_s=%.0f p50_ms=%.3f p99_ms=%.3f errors=%ld\n",
              o.mode.c_str(), all.messages, secs, all.messages / secs, all.requests / secs, p50, p99, all.errors);
  if (!all.first_error.empty()) std::fprintf(stderr, "first error: %s\n", all.first_error.substr(0, 400).c_str());
  return all.errors > all.requests / 100 ? 1 : 0;
}

// Soak: half the connections send batches, half receive+delete, until `messages` went through;
// samples the server's RSS every second.
int run_soak(const Options& o) {
  if (o.pid <= 0) usage("soak needs --pid of the server");
  std::string queue_url = create_queue(o, o.queue);
  long baseline = rss_kib(o.pid);
  std::vector<std::pair<double, long>> samples;
  std::atomic<bool> stop{false};
  std::atomic<long> sent{0}, deleted{0};
  auto t0 = Clock::now();
  auto deadline = t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.max_seconds));
  std::vector<Stats> stats(o.connections);
  int senders = std::max(1, o.connections / 2);
  Options so = o;
  so.rate = 0;
  std::thread sender([&] {
    drive(so, "batch", queue_url, deadline, stats, stop, false, &sent, o.messages, 0, senders, &deleted, o.backlog);
  });
  std::thread receiver([&] {
    // receivers run until everything sent has been deleted (or the deadline)
    drive(so, "recv-wait", queue_url, deadline, stats, stop, false, &deleted, o.messages, senders,
          o.connections - senders);
  });
  std::thread sampler([&] {
    while (!stop.load() && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      samples.emplace_back(std::chrono::duration<double>(Clock::now() - t0).count(), rss_kib(o.pid));
      if (deleted.load() >= o.messages) break;
    }
  });
  sender.join();
  receiver.join();
  stop = true;
  sampler.join();
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  long final_rss = rss_kib(o.pid);
  long first_half_max = 0, second_half_max = 0, peak = 0;
  for (size_t i = 0; i < samples.size(); ++i) {
    long v = samples[i].second;
    peak = std::max(peak, v);
    long& half = i < samples.size() / 2 ? first_half_max : second_half_max;
    half = std::max(half, v);
  }
  long errors = 0;
  for (auto& s : stats) errors += s.errors;
  std::fprintf(stderr, "rss samples (s:KiB):");
  for (auto& [t, v] : samples) std::fprintf(stderr, " %.0f:%ld", t, v);
  std::fprintf(stderr, "\n");
  bool flat = second_half_max <= first_half_max * 11 / 10 + 4096;
  std::printf("mode=soak sent=%ld deleted=%ld backlog=%ld secs=%.1f baseline_kib=%ld peak_kib=%ld first_half_max_kib=%ld "
              "second_half_max_kib=%ld final_kib=%ld flat=%s errors=%ld\n",
              sent.load(), deleted.load(), o.backlog, secs, baseline, peak, first_half_max, second_half_max, final_rss,
              flat ? "yes" : "no", errors);
  return 0;
}

// ---- startup -----------------------------------------------------------------------------

int free_port() {
  asio::io_context io;
  tcp::acceptor a(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return a.local_endpoint().port();
}

bool answered(int port, const std::string& path) {
  try {
    asio::io_context io;
    tcp::socket s(io);
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
    http::request<http::empty_body> req{http::verb::get, path, 11};
    req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
    http::write(s, req);
    beast::flat_buffer b;
    http::response<http::string_body> res;
    http::read(s, b, res);
    return res.result_int() < 500;
  } catch (...) {
    return false;
  }
}

int run_startup(const Options& o) {
  if (o.command.empty()) usage("startup needs a command after --");
  std::vector<double> ms;
  long idle_rss = -1;
  for (int r = 0; r < o.runs; ++r) {
    int port = free_port();
    auto dir = std::filesystem::temp_directory_path() / ("sqs_load_startup_" + std::to_string(getpid()) + "_" +
                                                         std::to_string(r));
    std::filesystem::create_directories(dir);
    std::vector<std::string> args;
    for (auto a : o.command) {
      for (auto [key, val] : {std::pair<std::string, std::string>{"{port}", std::to_string(port)},
                              {"{dir}", dir.string()}}) {
        for (size_t p; (p = a.find(key)) != std::string::npos;) a.replace(p, key.size(), val);
      }
      args.push_back(a);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    auto t0 = Clock::now();
    if (posix_spawnp(&pid, argv[0], &fa, nullptr, argv.data(), environ) != 0) usage("spawn failed");
    posix_spawn_file_actions_destroy(&fa);
    bool up = false;
    while (Clock::now() - t0 < std::chrono::seconds(30)) {
      if (answered(port, o.path)) { up = true; break; }
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    double elapsed = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    if (up) ms.push_back(elapsed);
    if (r == 0 && up) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      idle_rss = rss_kib(pid);
    }
    kill(pid, SIGTERM);
    int status = 0;
    for (int i = 0; i < 100 && waitpid(pid, &status, WNOHANG) == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (waitpid(pid, &status, WNOHANG) == 0) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
    }
    std::filesystem::remove_all(dir);
  }
  std::sort(ms.begin(), ms.end());
  double median = ms.empty() ? -1 : ms[ms.size() / 2];
  std::printf("mode=startup runs=%zu median_ms=%.2f min_ms=%.2f max_ms=%.2f idle_rss_kib=%ld\n", ms.size(), median,
              ms.empty() ? -1 : ms.front(), ms.empty() ? -1 : ms.back(), idle_rss);
  return ms.size() == static_cast<size_t>(o.runs) ? 0 : 1;
}

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  Options o = parse(argc, argv);
  try {
    if (o.mode == "startup") return run_startup(o);
    if (o.mode == "soak") return run_soak(o);
    if (o.mode == "send" || o.mode == "batch" || o.mode == "recv" || o.mode == "get" || o.mode == "events") {
      return run_load(o);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sqs_load: %s\n", e.what());
    return 1;
  }
  usage("unknown mode");
}
