// Load generator for nimbus's DynamoDB benchmarks (and the same requests against moto, and plain GETs
// against nginx for the HTTP floor). Speaks the json 1.0 protocol (X-Amz-Target DynamoDB_20120810.<Op>)
// on N keep-alive connections spread over a few event-loop threads, for a fixed time (closed loop) or
// at a fixed request rate, and prints one result line of key=value pairs:
//   mode=put items=… requests=… secs=… items_per_s=… reqs_per_s=… p50_ms=… p99_ms=… max_ms=… errors=…
//
//   dynamodb_load --mode put|get|query|batch|http|restart --port N [--table bench] [--prefix i]
//       [--connections 32] [--threads 2] [--duration S] [--rate R] [--keys N] [--count N] [--max-seconds S]
//       [--item-bytes 200] [--per-partition 10] [--query-items 100] [--projection ALL|KEYS_ONLY]
//       [--create-table 0|1] [--path /p] [--runs N] [-- command with {port}]
//
// Table: hash key pk (S) + range key sk (S), one GSI "by-group" on gpk (S) + gsk (N). Item number n
// lives at pk = <prefix>-<n / per-partition>, sk = <n % per-partition>, gpk = g<n % 100>, gsk = n, plus
// a "data" string padding it to --item-bytes (DynamoDB's size: names + values).
//   put     PutItem of new items 0, 1, 2, … (distinct keys), one per request
//   batch   BatchWriteItem of 25 new items per request (UnprocessedItems resent, up to 10 tries);
//           with --count N it stops once items 0..N-1 are written (or --max-seconds), else after --duration
//   get     GetItem of random items among 0..--keys-1 (written before by put/batch with the same
//           --prefix/--per-partition); an answer without "Item" counts as an error
//   query   writes one partition of --query-items items (pk "qpart", not timed), then Query pk = :p;
//           an answer whose Count differs counts as an error
//   http    GET --path (any HTTP server: the nginx floor)
//   restart spawns the command after --, replacing {port}; time from spawn to the first answer on
//           --path (default /_nimbus/health), then SIGTERM and time to exit; --runs times
// With --rate R the requests are scheduled at R per second over all connections and latency counts
// from each request's scheduled start, so a server that falls behind shows it (no coordinated omission).
// Loopback only; connections <= 256, threads <= 16, durations <= 600 s, --max-seconds <= 7200,
// --count/--keys <= 50M, 30 s per request.

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
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <signal.h>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using asio::awaitable;
using asio::use_awaitable;
using json = nlohmann::json;

extern char** environ;

struct Options {
  std::string mode = "put";
  std::string host = "127.0.0.1";
  int port = 4566;
  std::string table = "bench";
  std::string prefix = "i";
  int connections = 32;
  int threads = 2;
  double duration = 10;
  double rate = 0;  // requests/s over all connections; 0 = closed loop
  long keys = 0;    // get: items 0..keys-1 exist
  long count = 0;   // batch: stop after this many items (0 = run for --duration)
  double max_seconds = 1800;
  int item_bytes = 200;
  long per_partition = 10;
  int query_items = 100;
  std::string projection = "ALL";
  bool create_table = true;
  std::string path;
  int runs = 3;
  std::vector<std::string> command;
};

[[noreturn]] void usage(const std::string& msg) {
  std::fprintf(stderr, "dynamodb_load: %s\n(see the header of bench/dynamodb_load.cpp for usage)\n", msg.c_str());
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") {
      o.command.assign(argv + i + 1, argv + argc);
      break;
    }
    if (i + 1 >= argc) usage("missing value for " + a);
    std::string v = argv[++i];
    if (a == "--mode") o.mode = v;
    else if (a == "--host") o.host = v;
    else if (a == "--port") o.port = std::stoi(v);
    else if (a == "--table") o.table = v;
    else if (a == "--prefix") o.prefix = v;
    else if (a == "--connections") o.connections = std::stoi(v);
    else if (a == "--threads") o.threads = std::stoi(v);
    else if (a == "--duration") o.duration = std::stod(v);
    else if (a == "--rate") o.rate = std::stod(v);
    else if (a == "--keys") o.keys = std::stol(v);
    else if (a == "--count") o.count = std::stol(v);
    else if (a == "--max-seconds") o.max_seconds = std::stod(v);
    else if (a == "--item-bytes") o.item_bytes = std::stoi(v);
    else if (a == "--per-partition") o.per_partition = std::stol(v);
    else if (a == "--query-items") o.query_items = std::stoi(v);
    else if (a == "--projection") o.projection = v;
    else if (a == "--create-table") o.create_table = v != "0";
    else if (a == "--path") o.path = v;
    else if (a == "--runs") o.runs = std::stoi(v);
    else usage("unknown option " + a);
  }
  if (!asio::ip::make_address(o.host).is_loopback()) usage("only loopback targets are allowed");
  o.connections = std::clamp(o.connections, 1, 256);
  o.threads = std::clamp(o.threads, 1, 16);
  o.duration = std::clamp(o.duration, 0.1, 600.0);
  o.max_seconds = std::clamp(o.max_seconds, 1.0, 7200.0);
  o.rate = std::clamp(o.rate, 0.0, 1e6);
  o.keys = std::clamp(o.keys, 0L, 50'000'000L);
  o.count = std::clamp(o.count, 0L, 50'000'000L);
  o.item_bytes = std::clamp(o.item_bytes, 64, 400'000);
  o.per_partition = std::clamp(o.per_partition, 1L, 1'000'000L);
  o.query_items = std::clamp(o.query_items, 1, 10'000);
  o.runs = std::clamp(o.runs, 1, 50);
  if (o.projection != "ALL" && o.projection != "KEYS_ONLY") usage("--projection is ALL or KEYS_ONLY");
  if (o.path.empty()) o.path = o.mode == "restart" ? "/_nimbus/health" : "/";
  return o;
}

// ---- items ----------------------------------------------------------------------------------------

// Splitmix64: a cheap, well-mixed pseudo-random sequence (item padding, random GetItem keys).
uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}


struct ItemKey {
  std::string pk, sk;
};

ItemKey key_of(const Options& o, long n) {
  char pk[64], sk[32];
  std::snprintf(pk, sizeof pk, "%s-%010ld", o.prefix.c_str(), n / o.per_partition);
  std::snprintf(sk, sizeof sk, "%06ld", n % o.per_partition);
  return {pk, sk};
}

std::string key_json(const std::string& pk, const std::string& sk) {
  return R"({"pk":{"S":")" + pk + R"("},"sk":{"S":")" + sk + R"("}})";
}

// DynamoDB's size of an item: attribute names plus values (S: bytes; N: ~1 byte per two digits + 1).
long number_size(long v) { return static_cast<long>(std::to_string(v).size() + 1) / 2 + 1; }

// The wire JSON of item n (an AttributeValue map) and its DynamoDB size.
std::string item_json(const Options& o, const std::string& pk, const std::string& sk, long n, long* size = nullptr) {
  char gpk[16];
  std::snprintf(gpk, sizeof gpk, "g%02ld", n % 100);
  long fixed = 2 + static_cast<long>(pk.size()) + 2 + static_cast<long>(sk.size()) + 3 +
               static_cast<long>(std::strlen(gpk)) + 3 + number_size(n) + 4;
  long pad = std::max(1L, o.item_bytes - fixed);
  std::string data(static_cast<size_t>(pad), 'x');  // pseudo-random letters: about as compressible as real text
  for (size_t i = 0; i < data.size(); ++i)
    data[i] = static_cast<char>('a' + mix(static_cast<uint64_t>(n) * 4099 + i) % 26);
  if (size) *size = fixed + pad;
  return R"({"pk":{"S":")" + pk + R"("},"sk":{"S":")" + sk + R"("},"gpk":{"S":")" + gpk + R"("},"gsk":{"N":")" +
         std::to_string(n) + R"("},"data":{"S":")" + data + R"("}})";
}

// The integer after "name": in a JSON text (whitespace tolerated), or -1.
long int_field(const std::string& body, std::string_view name) {
  auto at = body.find(name);
  if (at == std::string::npos) return -1;
  at += name.size();
  while (at < body.size() && (body[at] == ' ' || body[at] == ':' || body[at] == '\n')) ++at;
  if (at >= body.size() || body[at] < '0' || body[at] > '9') return -1;
  return std::strtol(body.c_str() + at, nullptr, 10);
}

// ---- one keep-alive connection ---------------------------------------------------------------------

struct Response {
  unsigned status = 0;
  std::string body;
};

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
    stream.socket().close(ignored);
    buffer.clear();
    stream.expires_after(std::chrono::seconds(10));
    co_await stream.async_connect(
        tcp::endpoint(asio::ip::make_address(opt.host), static_cast<unsigned short>(opt.port)), use_awaitable);
    stream.socket().set_option(tcp::no_delay(true));
    connected = true;
  }

  // POST / with a DynamoDB operation (op != nullptr) or GET opt.path; reconnects when needed.
  awaitable<Response> exchange(const char* op, std::string body) {
    if (!connected) co_await connect();
    http::request<http::string_body> req{op ? http::verb::post : http::verb::get, op ? "/" : opt.path, 11};
    req.set(http::field::host, host_header);
    req.keep_alive(true);
    if (op) {
      req.set(http::field::content_type, "application/x-amz-json-1.0");
      req.set("X-Amz-Target", std::string("DynamoDB_20120810.") + op);
      req.set("X-Amz-Date", "20250101T000000Z");
      req.set(http::field::authorization,  // unverified: nimbus runs with --auth off; moto reads the region
              "AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/dynamodb/aws4_request, "
              "SignedHeaders=host;x-amz-date;x-amz-target, Signature=00");
      req.body() = std::move(body);
      req.prepare_payload();
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(64u << 20);
    try {
      stream.expires_after(std::chrono::seconds(30));
      co_await http::async_write(stream, req, use_awaitable);
      co_await http::async_read(stream, buffer, parser, use_awaitable);
    } catch (...) {
      connected = false;
      throw;
    }
    auto& res = parser.get();
    if (!res.keep_alive()) connected = false;  // moto's dev server closes after each answer
    co_return Response{res.result_int(), std::move(res.body())};
  }
};

// The result of one request: items it handled, or an error text.
struct Outcome {
  long items = 0;
  long unprocessed = 0;  // batch: items the server handed back at least once
  std::string error;     // non-empty = failed
};

std::string describe(const Response& r) { return "status " + std::to_string(r.status) + ": " + r.body.substr(0, 300); }

// ---- the driver ------------------------------------------------------------------------------------

struct Stats {
  std::vector<uint32_t> lat_us;
  long items = 0, requests = 0, errors = 0, unprocessed = 0;
  std::string first_error;
};

// Runs op(conn, unit) on every connection until `seconds` pass or `limit` units (0 = no limit) were
// claimed. Units are numbered 0, 1, 2, … across connections. With o.rate > 0 each connection keeps its
// share of a fixed schedule and latency counts from the scheduled start.
template <class Op>
Stats drive(const Options& o, double seconds, long limit, Op op) {
  std::vector<std::unique_ptr<asio::io_context>> loops;
  for (int t = 0; t < std::min(o.threads, o.connections); ++t) loops.push_back(std::make_unique<asio::io_context>(1));
  std::vector<Stats> per_conn(static_cast<size_t>(o.connections));
  std::atomic<long> claimed{0};
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  const double interval = o.rate > 0 ? o.connections / o.rate : 0;  // seconds between one connection's requests
  for (int k = 0; k < o.connections; ++k) {
    asio::co_spawn(*loops[static_cast<size_t>(k) % loops.size()], [&, k]() -> awaitable<void> {
      Conn c(co_await asio::this_coro::executor, o);
      asio::steady_timer timer(c.stream.get_executor());
      Stats& st = per_conn[static_cast<size_t>(k)];
      for (long i = 0;; ++i) {
        auto scheduled = Clock::now();
        if (interval > 0) {
          scheduled = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                                  interval * (static_cast<double>(i) + static_cast<double>(k) / o.connections)));
          if (scheduled >= deadline) break;
          timer.expires_at(scheduled);
          co_await timer.async_wait(use_awaitable);
        } else if (scheduled >= deadline) {
          break;
        }
        long unit = claimed.fetch_add(1);
        if (limit > 0 && unit >= limit) break;
        Outcome out;
        try {
          out = co_await op(c, unit);
        } catch (const std::exception& e) {
          out.error = e.what();
        }
        st.requests++;
        st.unprocessed += out.unprocessed;
        if (!out.error.empty()) {
          if (st.first_error.empty()) st.first_error = out.error;
          if (++st.errors > 1000) co_return;
          continue;
        }
        st.items += out.items;
        st.lat_us.push_back(static_cast<uint32_t>(
            std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - scheduled).count()));
      }
    }, asio::detached);
  }
  std::vector<std::thread> threads;
  for (auto& loop : loops) threads.emplace_back([&loop] { loop->run(); });
  for (auto& t : threads) t.join();
  Stats all;
  for (auto& s : per_conn) {
    all.lat_us.insert(all.lat_us.end(), s.lat_us.begin(), s.lat_us.end());
    all.items += s.items;
    all.requests += s.requests;
    all.errors += s.errors;
    all.unprocessed += s.unprocessed;
    if (all.first_error.empty()) all.first_error = s.first_error;
  }
  return all;
}

double percentile(std::vector<uint32_t>& v, double p) {
  if (v.empty()) return 0;
  size_t idx = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(idx), v.end());
  return v[idx] / 1000.0;
}

int report(const Options& o, Stats& s, double secs, const std::string& extra = {}) {
  double p50 = percentile(s.lat_us, 0.50), p99 = percentile(s.lat_us, 0.99);
  uint32_t worst = s.lat_us.empty() ? 0 : *std::max_element(s.lat_us.begin(), s.lat_us.end());
  std::printf("mode=%s items=%ld requests=%ld secs=%.2f items_per_s=%.0f reqs_per_s=%.0f p50_ms=%.3f p99_ms=%.3f "
              "max_ms=%.3f errors=%ld unprocessed=%ld connections=%d rate=%.0f%s\n",
              o.mode.c_str(), s.items, s.requests, secs, s.items / secs, s.requests / secs, p50, p99, worst / 1000.0,
              s.errors, s.unprocessed, o.connections, o.rate, extra.c_str());
  std::fflush(stdout);
  if (!s.first_error.empty()) std::fprintf(stderr, "first error: %s\n", s.first_error.substr(0, 400).c_str());
  return s.errors > s.requests / 100 ? 1 : 0;
}

// Runs one coroutine on a private loop (set-up calls).
template <class F>
void run_once(const Options& o, F f) {
  asio::io_context io;
  std::exception_ptr failure;
  asio::co_spawn(io, [&]() -> awaitable<void> {
    Conn c(co_await asio::this_coro::executor, o);
    co_await f(c);
  }, [&](std::exception_ptr e) { failure = e; });
  io.run();
  if (failure) std::rethrow_exception(failure);
}

// ---- operations ------------------------------------------------------------------------------------

void ensure_table(const Options& o) {
  if (!o.create_table) return;
  json attr = json::array({{{"AttributeName", "pk"}, {"AttributeType", "S"}},
                           {{"AttributeName", "sk"}, {"AttributeType", "S"}},
                           {{"AttributeName", "gpk"}, {"AttributeType", "S"}},
                           {{"AttributeName", "gsk"}, {"AttributeType", "N"}}});
  json input = {
      {"TableName", o.table},
      {"AttributeDefinitions", attr},
      {"KeySchema", json::array({{{"AttributeName", "pk"}, {"KeyType", "HASH"}},
                                 {{"AttributeName", "sk"}, {"KeyType", "RANGE"}}})},
      {"GlobalSecondaryIndexes",
       json::array({{{"IndexName", "by-group"},
                     {"KeySchema", json::array({{{"AttributeName", "gpk"}, {"KeyType", "HASH"}},
                                                {{"AttributeName", "gsk"}, {"KeyType", "RANGE"}}})},
                     {"Projection", {{"ProjectionType", o.projection}}}}})},
      {"BillingMode", "PAY_PER_REQUEST"}};
  run_once(o, [&](Conn& c) -> awaitable<void> {
    auto r = co_await c.exchange("CreateTable", input.dump());
    if (r.status != 200 && r.body.find("ResourceInUseException") == std::string::npos)
      throw std::runtime_error("CreateTable: " + describe(r));
    json describe_input = {{"TableName", o.table}};
    asio::steady_timer timer(c.stream.get_executor());
    for (int i = 0; i < 600; ++i) {  // until ACTIVE, 60 s at most
      auto d = co_await c.exchange("DescribeTable", describe_input.dump());
      auto j = json::parse(d.body, nullptr, false);
      if (d.status == 200 && j.is_object() && j["Table"].value("TableStatus", "") == "ACTIVE") co_return;
      timer.expires_after(std::chrono::milliseconds(100));
      co_await timer.async_wait(use_awaitable);
    }
    throw std::runtime_error("table " + o.table + " not ACTIVE after 60 s");
  });
}

std::string batch_body(const Options& o, const std::vector<std::string>& items) {
  std::string body = R"({"RequestItems":{")" + o.table + R"(":[)";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) body += ',';
    body += R"({"PutRequest":{"Item":)" + items[i] + "}}";
  }
  return body + "]}}";
}

// BatchWriteItem of `body` (items_in_body items); resends UnprocessedItems up to 10 times.
awaitable<Outcome> batch_write(Conn& c, std::string body, long items_in_body) {
  Outcome out;
  asio::steady_timer timer(c.stream.get_executor());
  for (int attempt = 0; attempt < 10; ++attempt) {
    auto r = co_await c.exchange("BatchWriteItem", std::move(body));
    if (r.status != 200) {
      out.error = "BatchWriteItem " + describe(r);
      co_return out;
    }
    if (r.body.find(R"("UnprocessedItems":{})") != std::string::npos ||
        r.body.find(R"("UnprocessedItems": {})") != std::string::npos) {
      out.items = items_in_body;
      co_return out;
    }
    auto j = json::parse(r.body, nullptr, false);
    if (!j.is_object()) {
      out.error = "BatchWriteItem answer is not JSON: " + r.body.substr(0, 200);
      co_return out;
    }
    long left = 0;
    if (j.contains("UnprocessedItems") && j["UnprocessedItems"].is_object())
      for (auto& [table, requests] : j["UnprocessedItems"].items()) left += static_cast<long>(requests.size());
    if (left == 0) {
      out.items = items_in_body;
      co_return out;
    }
    out.unprocessed += left;
    body = json{{"RequestItems", j["UnprocessedItems"]}}.dump();
    timer.expires_after(std::chrono::milliseconds(5 << std::min(attempt, 6)));
    co_await timer.async_wait(use_awaitable);
  }
  out.error = "BatchWriteItem: items still unprocessed after 10 tries";
  co_return out;
}

awaitable<Outcome> put_item(Conn& c, const Options& o, long n) {
  auto k = key_of(o, n);
  auto r = co_await c.exchange("PutItem", R"({"TableName":")" + o.table + R"(","Item":)" + item_json(o, k.pk, k.sk, n) + "}");
  Outcome out;
  if (r.status != 200) out.error = "PutItem " + describe(r);
  else out.items = 1;
  co_return out;
}

awaitable<Outcome> get_item(Conn& c, const Options& o, long n) {
  auto k = key_of(o, n);
  auto r = co_await c.exchange("GetItem", R"({"TableName":")" + o.table + R"(","Key":)" + key_json(k.pk, k.sk) + "}");
  Outcome out;
  if (r.status != 200) out.error = "GetItem " + describe(r);
  else if (r.body.find("\"Item\"") == std::string::npos) out.error = "GetItem: no Item for " + k.pk + "/" + k.sk;
  else out.items = 1;
  co_return out;
}

awaitable<Outcome> query_partition(Conn& c, const Options& o, const std::string& body) {
  auto r = co_await c.exchange("Query", body);
  Outcome out;
  long count = r.status == 200 ? int_field(r.body, "\"Count\"") : -1;
  if (r.status != 200) out.error = "Query " + describe(r);
  else if (count != o.query_items)
    out.error = "Query: Count " + std::to_string(count) + ", expected " + std::to_string(o.query_items);
  else out.items = count;
  co_return out;
}

double elapsed_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

int run_put(const Options& o) {
  ensure_table(o);
  long size = 0;
  auto k0 = key_of(o, 0);
  item_json(o, k0.pk, k0.sk, 0, &size);
  auto t0 = Clock::now();
  auto s = drive(o, o.duration, 0, [&](Conn& c, long n) { return put_item(c, o, n); });
  return report(o, s, elapsed_since(t0), " item_bytes=" + std::to_string(size));
}

int run_batch(const Options& o) {
  ensure_table(o);
  long units = o.count > 0 ? (o.count + 24) / 25 : 0;
  auto t0 = Clock::now();
  auto s = drive(o, o.count > 0 ? o.max_seconds : o.duration, units, [&](Conn& c, long unit) {
    long first = unit * 25, last = first + 25;
    if (o.count > 0) last = std::min(last, o.count);
    std::vector<std::string> items;
    for (long n = first; n < last; ++n) {
      auto k = key_of(o, n);
      items.push_back(item_json(o, k.pk, k.sk, n));
    }
    return batch_write(c, batch_body(o, items), last - first);
  });
  return report(o, s, elapsed_since(t0));
}

int run_get(const Options& o) {
  if (o.keys <= 0) usage("get needs --keys N (items 0..N-1 written before with the same --prefix)");
  auto t0 = Clock::now();
  auto s = drive(o, o.duration, 0, [&](Conn& c, long unit) {
    return get_item(c, o, static_cast<long>(mix(static_cast<uint64_t>(unit)) % static_cast<uint64_t>(o.keys)));
  });
  return report(o, s, elapsed_since(t0));
}

int run_query(const Options& o) {
  ensure_table(o);
  std::vector<std::string> items;
  for (long n = 0; n < o.query_items; ++n) {
    char sk[16];
    std::snprintf(sk, sizeof sk, "%06ld", n);
    items.push_back(item_json(o, "qpart", sk, n));
  }
  run_once(o, [&](Conn& c) -> awaitable<void> {  // the partition, not timed
    for (size_t i = 0; i < items.size(); i += 25) {
      std::vector<std::string> chunk(items.begin() + static_cast<long>(i),
                                     items.begin() + static_cast<long>(std::min(items.size(), i + 25)));
      auto out = co_await batch_write(c, batch_body(o, chunk), static_cast<long>(chunk.size()));
      if (!out.error.empty()) throw std::runtime_error("query set-up: " + out.error);
    }
  });
  std::string body = R"({"TableName":")" + o.table +
                     R"(","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"qpart"}}})";
  auto t0 = Clock::now();
  auto s = drive(o, o.duration, 0, [&](Conn& c, long) { return query_partition(c, o, body); });
  double secs = elapsed_since(t0);
  return report(o, s, secs, " queries_per_s=" + std::to_string(static_cast<long>(s.requests / secs)));
}

int run_http(const Options& o) {
  auto t0 = Clock::now();
  auto s = drive(o, o.duration, 0, [&](Conn& c, long) -> awaitable<Outcome> {
    auto r = co_await c.exchange(nullptr, {});
    Outcome out;
    if (r.status != 200) out.error = "GET " + describe(r);
    else out.items = 1;
    co_return out;
  });
  return report(o, s, elapsed_since(t0));
}

// ---- restart: spawn -> first answer, SIGTERM -> exit ------------------------------------------------

bool answers(int port, const std::string& path) {
  try {
    asio::io_context io;
    tcp::socket s(io);
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
    http::request<http::empty_body> req{http::verb::get, path, 11};
    req.set(http::field::host, "127.0.0.1");
    http::write(s, req);
    beast::flat_buffer b;
    http::response<http::string_body> res;
    http::read(s, b, res);
    return res.result_int() < 500;
  } catch (...) {
    return false;
  }
}

int run_restart(const Options& o) {
  if (o.command.empty()) usage("restart needs a command after --");
  std::vector<double> up_ms, down_ms;
  for (int r = 0; r < o.runs; ++r) {
    int port;
    {
      asio::io_context io;
      tcp::acceptor a(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
      port = a.local_endpoint().port();
    }
    std::vector<std::string> args;
    for (auto a : o.command) {
      for (size_t p; (p = a.find("{port}")) != std::string::npos;) a.replace(p, 6, std::to_string(port));
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
    int rc = posix_spawnp(&pid, argv[0], &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) usage("cannot spawn " + args[0]);
    bool up = false;
    while (elapsed_since(t0) < 60) {
      if (answers(port, o.path)) { up = true; break; }
      int status;
      if (waitpid(pid, &status, WNOHANG) == pid) break;  // exited early
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    if (up) up_ms.push_back(elapsed_since(t0) * 1000);
    auto t1 = Clock::now();
    kill(pid, SIGTERM);
    int status = 0;
    bool exited = false;
    while (elapsed_since(t1) < 120) {  // a clean close flushes memtables; give it time
      if (waitpid(pid, &status, WNOHANG) == pid) { exited = true; break; }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (!exited) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
    } else {
      down_ms.push_back(elapsed_since(t1) * 1000);
    }
    if (!up) break;
  }
  auto first = up_ms.empty() ? -1.0 : up_ms.front();
  auto sorted = up_ms;
  std::sort(sorted.begin(), sorted.end());
  std::printf("mode=restart runs=%zu first_ms=%.1f median_ms=%.1f max_ms=%.1f shutdown_max_ms=%.1f\n", up_ms.size(),
              first, sorted.empty() ? -1.0 : sorted[sorted.size() / 2], sorted.empty() ? -1.0 : sorted.back(),
              down_ms.empty() ? -1.0 : *std::max_element(down_ms.begin(), down_ms.end()));
  return up_ms.size() == static_cast<size_t>(o.runs) ? 0 : 1;
}

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  Options o = parse(argc, argv);
  try {
    if (o.mode == "put") return run_put(o);
    if (o.mode == "batch") return run_batch(o);
    if (o.mode == "get") return run_get(o);
    if (o.mode == "query") return run_query(o);
    if (o.mode == "http") return run_http(o);
    if (o.mode == "restart") return run_restart(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dynamodb_load: %s\n", e.what());
    return 1;
  }
  usage("unknown mode " + o.mode);
}
