// Load generator for nimbus's S3 benchmarks (and the same requests against nginx/moto references):
// PUT/GET of fixed-size objects on N keep-alive connections for a fixed time, a fast bulk populate,
// ListObjectsV2 page latency, and one large multipart upload + download while sampling a process's RSS.
// Prints one result line of key=value pairs. Loopback only; every loop is bounded by time or count.
//
//   s3_load --mode put|get|populate|list|multipart --port N [--bucket B] [--size BYTES]
//           [--connections 8] [--threads 2] [--duration S] [--keys N] [--count N] [--runs N] [--part-size BYTES]
//           [--pid PID] [--path /fixed/path] [--prefix P] [--create-bucket 0|1] [--max-seconds S]

#include <utility>  // Boost 1.74 asio/awaitable.hpp uses std::exchange without it
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <memory>
#include <random>
#include <signal.h>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using asio::awaitable;
using asio::use_awaitable;

struct Options {
  std::string mode = "put";
  std::string host = "127.0.0.1";
  int port = 4566;
  std::string bucket = "bench";
  std::string prefix = "obj";
  std::string path;  // get: fixed path (nginx reference) instead of bucket keys
  long size = 1 << 20;
  int connections = 8;
  int threads = 2;      // event-loop threads the connections are spread over
  double duration = 10;
  long keys = 64;       // get: distinct keys cycled (populated first)
  long count = 100000;  // populate: keys to write
  int runs = 200;       // list: pages fetched
  long part_size = 64L << 20;
  int pid = 0;
  bool create_bucket = true;
  double max_seconds = 1800;
};

[[noreturn]] void usage(const std::string& msg) {
  std::fprintf(stderr, "s3_load: %s\n(see the header of bench/s3_load.cpp for usage)\n", msg.c_str());
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) usage("missing value for " + a);
    std::string v = argv[++i];
    if (a == "--mode") o.mode = v;
    else if (a == "--host") o.host = v;
    else if (a == "--port") o.port = std::stoi(v);
    else if (a == "--bucket") o.bucket = v;
    else if (a == "--prefix") o.prefix = v;
    else if (a == "--path") o.path = v;
    else if (a == "--size") o.size = std::stol(v);
    else if (a == "--connections") o.connections = std::stoi(v);
    else if (a == "--threads") o.threads = std::stoi(v);
    else if (a == "--duration") o.duration = std::stod(v);
    else if (a == "--keys") o.keys = std::stol(v);
    else if (a == "--count") o.count = std::stol(v);
    else if (a == "--runs") o.runs = std::stoi(v);
    else if (a == "--part-size") o.part_size = std::stol(v);
    else if (a == "--pid") o.pid = std::stoi(v);
    else if (a == "--create-bucket") o.create_bucket = v != "0";
    else if (a == "--max-seconds") o.max_seconds = std::stod(v);
    else usage("unknown option " + a);
  }
  if (!asio::ip::make_address(o.host).is_loopback()) usage("only loopback targets are allowed");
  o.connections = std::clamp(o.connections, 1, 256);
  o.threads = std::clamp(o.threads, 1, 16);
  o.duration = std::clamp(o.duration, 0.1, 600.0);
  o.size = std::clamp(o.size, 0L, 64L << 30);
  o.part_size = std::clamp(o.part_size, 5L << 20, 1L << 30);
  o.count = std::clamp(o.count, 1L, 5'000'000L);
  o.keys = std::clamp(o.keys, 1L, 1'000'000L);
  o.runs = std::clamp(o.runs, 1, 100000);
  o.max_seconds = std::clamp(o.max_seconds, 1.0, 7200.0);
  return o;
}

long rss_kib(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return -1;
}

// RSS of `pid` sampled every 50 ms on its own thread while alive; max() is the peak seen.
struct RssSampler {
  int pid;
  std::atomic<bool> stop{false};
  std::atomic<long> peak{0};
  std::thread thread;
  explicit RssSampler(int p) : pid(p) {
    if (pid <= 0) return;
    thread = std::thread([this] {
      while (!stop.load()) {
        long v = rss_kib(pid);
        if (v > peak.load()) peak = v;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    });
  }
  long finish() {
    stop = true;
    if (thread.joinable()) thread.join();
    return pid > 0 ? peak.load() : -1;
  }
  ~RssSampler() { finish(); }
};

std::string pattern(long size, unsigned seed) {
  std::string s(static_cast<size_t>(size), '\0');
  std::mt19937_64 rng(seed);
  for (size_t i = 0; i + 8 <= s.size(); i += 8) {
    uint64_t v = rng();
    std::memcpy(&s[i], &v, 8);
  }
  return s;
}

// ---- one keep-alive connection speaking S3 REST (path style, unsigned: run nimbus with --auth off) ----

struct Conn {
  const Options& opt;
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  std::string host_header;
  bool connected = false;
  std::vector<char> sink = std::vector<char>(1 << 20);

  Conn(asio::any_io_executor ex, const Options& o)
      : opt(o), stream(ex), host_header(o.host + ":" + std::to_string(o.port)) {}

  awaitable<void> connect() {
    beast::error_code ignored;
    stream.socket().close(ignored);
    buffer.clear();
    tcp::endpoint ep(asio::ip::make_address(opt.host), static_cast<unsigned short>(opt.port));
    stream.expires_after(std::chrono::seconds(10));
    co_await stream.async_connect(ep, use_awaitable);
    stream.socket().set_option(tcp::no_delay(true));
    connected = true;
  }

  template <class Body>
  void decorate(http::request<Body>& req) {
    req.set(http::field::host, host_header);
    req.keep_alive(true);
    req.set("x-amz-date", "20250101T000000Z");
    req.set("x-amz-content-sha256", "UNSIGNED-PAYLOAD");
    req.set(http::field::authorization,
            "AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=00");
  }

  struct Result {
    unsigned status = 0;
    uint64_t bytes = 0;     // body bytes received
    std::string body;       // kept only when asked
    std::string etag;
  };

  // A Content-Length body: the bytes already buffered behind the header, then straight from the
  // socket into the sink (no parser copy, reads as large as the sink).
  awaitable<void> read_fixed_body(uint64_t length, bool keep, Result& r) {
    auto take = [&](const char* data, size_t n) {
      r.bytes += n;
      if (keep) r.body.append(data, n);
    };
    size_t buffered = static_cast<size_t>(std::min<uint64_t>(length, buffer.size()));
    take(static_cast<const char*>(buffer.data().data()), buffered);
    buffer.consume(buffered);
    uint64_t remaining = length - buffered;
    while (remaining > 0) {
      size_t want = static_cast<size_t>(std::min<uint64_t>(remaining, sink.size()));
      size_t got = co_await stream.async_read_some(asio::buffer(sink.data(), want), use_awaitable);
      take(sink.data(), got);
      remaining -= got;
    }
  }

  // Any other body (chunked, or ended by close) through Beast's parser.
  awaitable<void> read_parsed_body(http::response_parser<http::buffer_body>& parser, bool keep, Result& r) {
    while (!parser.is_done()) {
      parser.get().body().data = sink.data();
      parser.get().body().size = sink.size();
      beast::error_code ec;
      co_await http::async_read_some(stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
      if (ec && ec != http::error::need_buffer) throw beast::system_error(ec);
      size_t got = sink.size() - parser.get().body().size;
      r.bytes += got;
      if (keep) r.body.append(sink.data(), got);
    }
  }

  // Sends verb+target with `payload` (may be empty); reads the answer, discarding the body unless `keep`.
  awaitable<Result> request(http::verb verb, std::string target, std::string_view payload, bool keep,
                            std::chrono::seconds timeout = std::chrono::seconds(120)) {
    if (!connected) co_await connect();
    http::request<http::span_body<const char>> req{verb, target, 11};
    decorate(req);
    req.body() = http::span_body<const char>::value_type(payload.data(), payload.size());
    if (verb == http::verb::put || verb == http::verb::post) req.content_length(payload.size());
    Result r;
    try {
      stream.expires_after(timeout);  // one deadline for the whole exchange
      co_await http::async_write(stream, req, use_awaitable);
      http::response_parser<http::buffer_body> parser;
      parser.body_limit(std::numeric_limits<std::uint64_t>::max());  // boost::none misbehaves in Boost 1.74
      co_await http::async_read_header(stream, buffer, parser, use_awaitable);
      if (auto length = parser.content_length(); length && !parser.chunked()) {
        co_await read_fixed_body(*length, keep, r);
      } else {
        co_await read_parsed_body(parser, keep, r);
      }
      r.status = parser.get().result_int();
      if (auto it = parser.get().find(http::field::etag); it != parser.get().end()) r.etag = std::string(it->value());
      if (!parser.get().keep_alive()) connected = false;
    } catch (...) {
      connected = false;
      throw;
    }
    co_return r;
  }
};

std::string key_name(const Options& o, long i) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s/%08ld", o.prefix.c_str(), i);
  return buf;
}

std::string object_target(const Options& o, long i) { return "/" + o.bucket + "/" + key_name(o, i); }

void ensure_bucket(const Options& o) {
  if (!o.create_bucket) return;
  asio::io_context io;
  asio::co_spawn(io, [&]() -> awaitable<void> {
    Conn c(co_await asio::this_coro::executor, o);
    auto r = co_await c.request(http::verb::put, "/" + o.bucket, {}, true);
    if (r.status != 200 && r.status != 409) std::fprintf(stderr, "CreateBucket -> %u %s\n", r.status, r.body.c_str());
  }, asio::detached);
  io.run();
}

struct Stats {
  std::vector<uint32_t> lat_us;
  long ops = 0, errors = 0;
  uint64_t bytes = 0;
  std::string first_error;
};

double percentile(std::vector<uint32_t>& v, double p) {
  if (v.empty()) return 0;
  size_t idx = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(idx), v.end());
  return v[idx] / 1000.0;
}

// Runs `op(conn, n)` on every connection until the deadline or until `limit` ops were claimed.
// Connections are spread over --threads event loops (one thread each), so the generator is not
// limited to one core.
template <class Op>
Stats drive(const Options& o, Clock::time_point deadline, long limit, Op op) {
  std::vector<std::unique_ptr<asio::io_context>> loops;
  for (int t = 0; t < std::min(o.threads, o.connections); ++t) loops.push_back(std::make_unique<asio::io_context>(1));
  std::vector<Stats> stats(o.connections);
  std::atomic<long> claimed{0};
  for (int k = 0; k < o.connections; ++k) {
    asio::co_spawn(*loops[static_cast<size_t>(k) % loops.size()], [&, k]() -> awaitable<void> {
      Conn c(co_await asio::this_coro::executor, o);
      Stats& st = stats[k];
      while (Clock::now() < deadline) {
        long n = claimed.fetch_add(1);
        if (limit > 0 && n >= limit) break;
        auto t0 = Clock::now();
        try {
          auto r = co_await op(c, n, k);
          if (r.status >= 300) {
            if (st.first_error.empty()) st.first_error = "status " + std::to_string(r.status) + " " + r.body.substr(0, 300);
            if (++st.errors > 1000) co_return;
            continue;
          }
          st.bytes += r.bytes;
        } catch (const std::exception& e) {
          if (st.first_error.empty()) st.first_error = e.what();
          if (++st.errors > 1000) co_return;
          continue;
        }
        st.ops++;
        st.lat_us.push_back(static_cast<uint32_t>(
            std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count()));
      }
    }, asio::detached);
  }
  std::vector<std::thread> threads;
  for (auto& loop : loops) threads.emplace_back([&loop] { loop->run(); });
  for (auto& thread : threads) thread.join();
  Stats all;
  for (auto& s : stats) {
    all.lat_us.insert(all.lat_us.end(), s.lat_us.begin(), s.lat_us.end());
    all.ops += s.ops;
    all.errors += s.errors;
    all.bytes += s.bytes;
    if (all.first_error.empty()) all.first_error = s.first_error;
  }
  return all;
}

void report(const char* mode, Stats& s, double secs, uint64_t payload_bytes, const Options& o) {
  double mb = static_cast<double>(payload_bytes) / (1024.0 * 1024.0);
  double p50 = percentile(s.lat_us, 0.50), p99 = percentile(s.lat_us, 0.99);
  std::printf("mode=%s size=%ld connections=%d ops=%ld secs=%.2f ops_per_s=%.0f mb_per_s=%.1f p50_ms=%.3f "
              "p99_ms=%.3f errors=%ld\n",
              mode, o.size, o.connections, s.ops, secs, s.ops / secs, mb / secs, p50, p99, s.errors);
  if (!s.first_error.empty()) std::fprintf(stderr, "first error: %s\n", s.first_error.c_str());
}

Clock::time_point after(double seconds) {
  return Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

int run_put(const Options& o) {
  ensure_bucket(o);
  std::string body = pattern(o.size, 1);
  auto t0 = Clock::now();
  auto s = drive(o, after(o.duration), 0, [&](Conn& c, long n, int) {
    return c.request(http::verb::put, object_target(o, n), body, false);
  });
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  report("put", s, secs, static_cast<uint64_t>(s.ops) * static_cast<uint64_t>(o.size), o);
  return s.errors > s.ops / 100 ? 1 : 0;
}

int run_get(const Options& o) {
  if (o.path.empty()) {  // populate the keys first (not timed)
    ensure_bucket(o);
    std::string body = pattern(o.size, 2);
    auto fill = drive(o, after(300), o.keys, [&](Conn& c, long n, int) {
      return c.request(http::verb::put, object_target(o, n), body, false);
    });
    if (fill.errors) std::fprintf(stderr, "populate errors: %ld (%s)\n", fill.errors, fill.first_error.c_str());
  }
  auto t0 = Clock::now();
  auto s = drive(o, after(o.duration), 0, [&](Conn& c, long n, int) {
    return c.request(http::verb::get, o.path.empty() ? object_target(o, n % o.keys) : o.path, {}, false);
  });
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  report("get", s, secs, s.bytes, o);
  return s.errors > s.ops / 100 ? 1 : 0;
}

int run_populate(const Options& o) {
  ensure_bucket(o);
  std::string body = pattern(o.size, 3);
  auto t0 = Clock::now();
  auto s = drive(o, after(o.max_seconds), o.count, [&](Conn& c, long n, int) {
    return c.request(http::verb::put, object_target(o, n), body, false);
  });
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  report("populate", s, secs, static_cast<uint64_t>(s.ops) * static_cast<uint64_t>(o.size), o);
  return s.ops == o.count ? 0 : 1;
}

// ListObjectsV2 pages of max-keys=1000 starting after random existing keys (one connection, sequential).
int run_list(const Options& o) {
  Options one = o;
  one.connections = 1;
  std::mt19937_64 rng(42);
  long listed_keys = 0;
  auto t0 = Clock::now();
  auto s = drive(one, after(o.max_seconds), o.runs, [&](Conn& c, long n, int) -> awaitable<Conn::Result> {
    std::string target = "/" + o.bucket + "?list-type=2&max-keys=1000&prefix=" + o.prefix + "%2F";
    if (n > 0) target += "&start-after=" + o.prefix + "%2F" + key_name(o, static_cast<long>(rng() % o.count)).substr(o.prefix.size() + 1);
    auto r = co_await c.request(http::verb::get, target, {}, true);
    size_t pos = 0;
    long keys = 0;
    while ((pos = r.body.find("<Key>", pos)) != std::string::npos) { ++keys; pos += 5; }
    listed_keys += keys;
    co_return r;
  });
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  double p50 = percentile(s.lat_us, 0.50), p99 = percentile(s.lat_us, 0.99);
  uint32_t worst = s.lat_us.empty() ? 0 : *std::max_element(s.lat_us.begin(), s.lat_us.end());
  std::printf("mode=list pages=%ld keys_per_page=%.0f secs=%.2f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f errors=%ld\n",
              s.ops, s.ops ? static_cast<double>(listed_keys) / static_cast<double>(s.ops) : 0.0, secs, p50, p99,
              worst / 1000.0, s.errors);
  if (!s.first_error.empty()) std::fprintf(stderr, "first error: %s\n", s.first_error.c_str());
  return s.errors ? 1 : 0;
}

std::string between(const std::string& s, const std::string& open, const std::string& close) {
  auto a = s.find(open);
  if (a == std::string::npos) return {};
  a += open.size();
  auto b = s.find(close, a);
  return b == std::string::npos ? std::string() : s.substr(a, b - a);
}

// One object of --size bytes uploaded in --part-size parts on --connections connections, then
// downloaded in one GET; the server's RSS is sampled throughout.
int run_multipart(const Options& o) {
  ensure_bucket(o);
  std::string part = pattern(o.part_size, 4);
  std::string target = "/" + o.bucket + "/" + o.prefix + "-big";
  std::string upload_id;
  {
    asio::io_context io;
    asio::co_spawn(io, [&]() -> awaitable<void> {
      Conn c(co_await asio::this_coro::executor, o);
      auto r = co_await c.request(http::verb::post, target + "?uploads", {}, true);
      upload_id = between(r.body, "<UploadId>", "</UploadId>");
      if (upload_id.empty()) std::fprintf(stderr, "CreateMultipartUpload -> %u %s\n", r.status, r.body.c_str());
    }, asio::detached);
    io.run();
  }
  if (upload_id.empty()) return 1;
  long nparts = (o.size + o.part_size - 1) / o.part_size;
  std::vector<std::string> etags(static_cast<size_t>(nparts));
  long baseline = o.pid > 0 ? rss_kib(o.pid) : -1;
  RssSampler up_rss(o.pid);
  auto t0 = Clock::now();
  auto s = drive(o, after(o.max_seconds), nparts, [&](Conn& c, long n, int) -> awaitable<Conn::Result> {
    long len = std::min(o.part_size, o.size - n * o.part_size);
    auto r = co_await c.request(http::verb::put,
                                target + "?partNumber=" + std::to_string(n + 1) + "&uploadId=" + upload_id,
                                std::string_view(part.data(), static_cast<size_t>(len)), false,
                                std::chrono::seconds(600));
    etags[static_cast<size_t>(n)] = r.etag;
    co_return r;
  });
  std::string xml = "<CompleteMultipartUpload>";
  for (long i = 0; i < nparts; ++i)
    xml += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" + etags[static_cast<size_t>(i)] +
           "</ETag></Part>";
  xml += "</CompleteMultipartUpload>";
  unsigned complete_status = 0;
  {
    asio::io_context io;
    asio::co_spawn(io, [&]() -> awaitable<void> {
      Conn c(co_await asio::this_coro::executor, o);
      auto r = co_await c.request(http::verb::post, target + "?uploadId=" + upload_id, xml, true,
                                  std::chrono::seconds(1800));
      complete_status = r.status;
      if (r.status != 200 || r.body.find("<Error>") != std::string::npos)
        std::fprintf(stderr, "CompleteMultipartUpload -> %u %s\n", r.status, r.body.substr(0, 400).c_str());
    }, asio::detached);
    io.run();
  }
  double up_secs = std::chrono::duration<double>(Clock::now() - t0).count();
  long up_peak = up_rss.finish();

  RssSampler down_rss(o.pid);
  auto t1 = Clock::now();
  uint64_t got = 0;
  unsigned get_status = 0;
  {
    asio::io_context io;
    asio::co_spawn(io, [&]() -> awaitable<void> {
      Conn c(co_await asio::this_coro::executor, o);
      auto r = co_await c.request(http::verb::get, target, {}, false, std::chrono::seconds(1800));
      got = r.bytes;
      get_status = r.status;
    }, asio::detached);
    io.run();
  }
  double down_secs = std::chrono::duration<double>(Clock::now() - t1).count();
  long down_peak = down_rss.finish();
  double mib = static_cast<double>(o.size) / (1024.0 * 1024.0);
  std::printf("mode=multipart bytes=%ld parts=%ld up_secs=%.2f up_mb_per_s=%.1f down_secs=%.2f down_mb_per_s=%.1f "
              "baseline_rss_kib=%ld peak_rss_up_kib=%ld peak_rss_down_kib=%ld complete=%u get=%u got_bytes=%lu "
              "errors=%ld\n",
              o.size, nparts, up_secs, mib / up_secs, down_secs, mib / down_secs, baseline, up_peak, down_peak,
              complete_status, get_status, static_cast<unsigned long>(got), s.errors);
  if (!s.first_error.empty()) std::fprintf(stderr, "first error: %s\n", s.first_error.c_str());
  return complete_status == 200 && get_status == 200 && got == static_cast<uint64_t>(o.size) ? 0 : 1;
}

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  Options o = parse(argc, argv);
  try {
    if (o.mode == "put") return run_put(o);
    if (o.mode == "get") return run_get(o);
    if (o.mode == "populate") return run_populate(o);
    if (o.mode == "list") return run_list(o);
    if (o.mode == "multipart") return run_multipart(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "s3_load: %s\n", e.what());
    return 1;
  }
  usage("unknown mode " + o.mode);
}
