#pragma once
// The embedded SQL engine services share (Athena's queries, Glue's crawlers): DuckDB through its C
// API. A session is an in-memory database of its own (so nothing one account defines is seen by
// another, and a query's views die with it), with a memory limit, spilling to a folder of the
// data dir, and a few threads in the idle scheduling class. Used from one thread at a time;
// interrupt() from any thread.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

struct _duckdb_database;
struct _duckdb_connection;

namespace nimbus::sql {

// DuckDB refused or failed a statement; what() is DuckDB's message ("Parser Error: ...").
class EngineError : public std::runtime_error {
 public:
  enum class Kind { Parser, Catalog, Binder, Conversion, Io, Interrupted, Other };
  EngineError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

struct EngineLimits {
  std::string memory_limit = "1GB";
  int threads = 2;
  std::filesystem::path spill_dir;
};

// Puts the calling thread in the idle scheduling class (SCHED_IDLE): SQL work then takes only the
// CPU that request handling leaves, so a long query does not slow other services' requests.
void run_in_background();

struct ColumnInfo {
  std::string name;
  std::string duckdb_type;  // DuckDB's name of the type ("BIGINT", "DECIMAL(18,2)", "VARCHAR[]")
};

class DuckDbSession {
 public:
  explicit DuckDbSession(const EngineLimits& limits);
  ~DuckDbSession();
  DuckDbSession(const DuckDbSession&) = delete;
  DuckDbSession& operator=(const DuckDbSession&) = delete;

  // Runs one or more statements; throws EngineError.
  void execute(const std::string& sql);
  // Binds the statement without running it: errors point into `query` itself.
  void check(const std::string& query);
  // The result's columns, without running it.
  std::vector<ColumnInfo> describe(const std::string& query);
  // Runs a statement and answers its rows as text (NULL as nullopt), for small answers.
  std::vector<std::vector<std::optional<std::string>>> rows(const std::string& sql);
  // Bytes the session read from files (read system calls of its worker threads and of the calling
  // thread) since start_reading() was called on this thread: what a scan really read, after
  // partition pruning, column projection and row-group skipping.
  void start_reading();
  int64_t bytes_read() const;
  // Makes the running statement, and every later one, fail with Kind::Interrupted (thread-safe):
  // an interrupt between two statements is not lost.
  void interrupt();

 private:
  void throw_if_interrupted() const;

  _duckdb_database* database_ = nullptr;
  _duckdb_connection* connection_ = nullptr;
  std::vector<int> worker_threads_;  // the database's own threads (Linux thread ids)
  std::vector<int64_t> worker_read_from_;
  int64_t caller_read_from_ = 0;
  std::atomic<bool> interrupted_{false};
};

}  // namespace nimbus::athena
