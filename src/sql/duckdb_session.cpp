#include "sql/duckdb_session.h"

#include "sql/duckdb_api.h"
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>

namespace nimbus::sql {

namespace {

EngineError::Kind kind_of(std::string_view message) {
  if (message.starts_with("Parser Error")) return EngineError::Kind::Parser;
  if (message.starts_with("Catalog Error")) return EngineError::Kind::Catalog;
  if (message.starts_with("Binder Error")) return EngineError::Kind::Binder;
  if (message.starts_with("Conversion Error") || message.starts_with("Invalid Input Error")) {
    return EngineError::Kind::Conversion;
  }
  if (message.starts_with("IO Error")) return EngineError::Kind::Io;
  if (message.starts_with("INTERRUPT Error")) return EngineError::Kind::Interrupted;
  return EngineError::Kind::Other;
}

// Owns a duckdb_result, whatever the outcome.
struct Result {
  duckdb_result value{};
  ~Result() { duckdb_api().destroy_result(&value); }
};

std::vector<int> thread_ids() {
  std::vector<int> ids;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task", error)) {
    ids.push_back(std::atoi(entry.path().filename().c_str()));
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

// Bytes a thread read through system calls (rchar); 0 for a thread that is gone.
int64_t thread_read_bytes(const std::string& io_file) {
  std::ifstream in(io_file);
  std::string name;
  int64_t value = 0;
  while (in >> name >> value) {
    if (name == "rchar:") return value;
  }
  return 0;
}

int64_t thread_read_bytes(int tid) { return thread_read_bytes("/proc/self/task/" + std::to_string(tid) + "/io"); }

// Opens are serialized so the threads that appear during one are that database's own.
std::mutex& open_mutex() {
  static std::mutex mutex;
  return mutex;
}

std::string quoted_setting(const std::string& value) {
  std::string out = "'";
  for (char c : value) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// SCHED_IDLE: a request thread that wakes preempts SQL work at once, not after the scheduler's
// wake-up granularity as with a high nice value only.
void make_background(pid_t tid) {
  sched_param none{};
  ::sched_setscheduler(tid, SCHED_IDLE, &none);
}

}  // namespace

void run_in_background() { make_background(gettid()); }

DuckDbSession::DuckDbSession(const EngineLimits& limits) {
  try {
    duckdb_api();
  } catch (const std::runtime_error& error) {
    throw EngineError(EngineError::Kind::Other, error.what());
  }
  duckdb_config config = nullptr;
  if (duckdb_api().create_config(&config) != DuckDBSuccess) throw EngineError(EngineError::Kind::Other, "duckdb config");
  duckdb_api().set_config(config, "memory_limit", limits.memory_limit.c_str());
  duckdb_api().set_config(config, "threads", std::to_string(limits.threads).c_str());
  // Nothing is fetched at run time: extensions are the ones built in.
  duckdb_api().set_config(config, "autoinstall_known_extensions", "false");
  duckdb_api().set_config(config, "autoload_known_extensions", "false");
  char* error = nullptr;
  duckdb_state state;
  {
    std::lock_guard lock(open_mutex());
    auto before = thread_ids();
    state = duckdb_api().open_ext(nullptr, &database_, config, &error);
    auto after = thread_ids();
    std::set_difference(after.begin(), after.end(), before.begin(), before.end(), std::back_inserter(worker_threads_));
  }
  // The database's own threads run its queries' work: in the background like their callers.
  for (int tid : worker_threads_) make_background(tid);
  duckdb_api().destroy_config(&config);
  if (state != DuckDBSuccess) {
    std::string message = error ? error : "duckdb open";
    duckdb_api().free(error);
    throw EngineError(EngineError::Kind::Other, message);
  }
  if (duckdb_api().connect(database_, &connection_) != DuckDBSuccess) {
    duckdb_api().close(&database_);
    throw EngineError(EngineError::Kind::Other, "duckdb connect");
  }
  // A statement binds its Parquet files more than once (checked, described, run): read each
  // file's footer once. (The Parquet extension's option: settable once the database is open.)
  execute("SET parquet_metadata_cache = true");
  if (!limits.spill_dir.empty()) execute("SET temp_directory = " + quoted_setting(limits.spill_dir.string()));
}

DuckDbSession::~DuckDbSession() {
  duckdb_api().disconnect(&connection_);
  duckdb_api().close(&database_);
}

void DuckDbSession::execute(const std::string& sql) {
  throw_if_interrupted();
  Result result;
  if (duckdb_api().query(connection_, sql.c_str(), &result.value) != DuckDBSuccess) {
    std::string message = duckdb_api().result_error(&result.value);
    throw EngineError(kind_of(message), message);
  }
}

std::vector<std::vector<std::optional<std::string>>> DuckDbSession::rows(const std::string& sql) {
  throw_if_interrupted();
  Result result;
  if (duckdb_api().query(connection_, sql.c_str(), &result.value) != DuckDBSuccess) {
    std::string message = duckdb_api().result_error(&result.value);
    throw EngineError(kind_of(message), message);
  }
  std::vector<std::vector<std::optional<std::string>>> out;
  idx_t row_count = duckdb_api().row_count(&result.value);
  idx_t column_count = duckdb_api().column_count(&result.value);
  for (idx_t row = 0; row < row_count; ++row) {
    auto& values = out.emplace_back();
    for (idx_t column = 0; column < column_count; ++column) {
      if (duckdb_api().value_is_null(&result.value, column, row)) {
        values.emplace_back();
        continue;
      }
      char* text = duckdb_api().value_varchar(&result.value, column, row);
      values.emplace_back(text ? text : "");
      duckdb_api().free(text);
    }
  }
  return out;
}

void DuckDbSession::check(const std::string& query) {
  throw_if_interrupted();
  duckdb_prepared_statement prepared = nullptr;
  auto state = duckdb_api().prepare(connection_, query.c_str(), &prepared);
  std::string message = state == DuckDBSuccess ? "" : duckdb_api().prepare_error(prepared);
  duckdb_api().destroy_prepare(&prepared);
  if (state != DuckDBSuccess) throw EngineError(kind_of(message), message);
}

std::vector<ColumnInfo> DuckDbSession::describe(const std::string& query) {
  std::vector<ColumnInfo> columns;
  for (auto& row : rows("DESCRIBE " + query)) {
    columns.push_back({row.at(0).value_or(""), row.at(1).value_or("")});
  }
  return columns;
}

void DuckDbSession::start_reading() {
  worker_read_from_.clear();
  for (int tid : worker_threads_) worker_read_from_.push_back(thread_read_bytes(tid));
  caller_read_from_ = thread_read_bytes("/proc/thread-self/io");
}

int64_t DuckDbSession::bytes_read() const {
  int64_t total = thread_read_bytes("/proc/thread-self/io") - caller_read_from_;
  for (size_t i = 0; i < worker_threads_.size() && i < worker_read_from_.size(); ++i) {
    total += std::max<int64_t>(0, thread_read_bytes(worker_threads_[i]) - worker_read_from_[i]);
  }
  return std::max<int64_t>(0, total);
}

void DuckDbSession::interrupt() {
  interrupted_ = true;
  duckdb_api().interrupt(connection_);
}

void DuckDbSession::throw_if_interrupted() const {
  if (interrupted_) throw EngineError(EngineError::Kind::Interrupted, "INTERRUPT Error: Interrupted!");
}

}  // namespace nimbus::athena
