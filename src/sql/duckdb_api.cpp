#include "sql/duckdb_api.h"

#include <dlfcn.h>

#include <stdexcept>

namespace nimbus::sql {

namespace {

template <typename Function>
void resolve(void* library, const char* name, Function& out) {
  void* symbol = ::dlsym(library, name);
  if (!symbol) throw std::runtime_error(std::string("DuckDB has no ") + name);
  out = reinterpret_cast<Function>(symbol);
}

DuckDbApi load() {
  void* library = ::dlopen(NIMBUS_DUCKDB_LIBRARY, RTLD_NOW | RTLD_LOCAL);
  if (!library) library = ::dlopen("libduckdb.so", RTLD_NOW | RTLD_LOCAL);
  if (!library) throw std::runtime_error(std::string("cannot load DuckDB: ") + ::dlerror());
  DuckDbApi api{};
  resolve(library, "duckdb_create_config", api.create_config);
  resolve(library, "duckdb_set_config", api.set_config);
  resolve(library, "duckdb_destroy_config", api.destroy_config);
  resolve(library, "duckdb_open_ext", api.open_ext);
  resolve(library, "duckdb_close", api.close);
  resolve(library, "duckdb_connect", api.connect);
  resolve(library, "duckdb_disconnect", api.disconnect);
  resolve(library, "duckdb_interrupt", api.interrupt);
  resolve(library, "duckdb_query", api.query);
  resolve(library, "duckdb_result_error", api.result_error);
  resolve(library, "duckdb_destroy_result", api.destroy_result);
  resolve(library, "duckdb_row_count", api.row_count);
  resolve(library, "duckdb_column_count", api.column_count);
  resolve(library, "duckdb_value_is_null", api.value_is_null);
  resolve(library, "duckdb_value_varchar", api.value_varchar);
  resolve(library, "duckdb_free", api.free);
  resolve(library, "duckdb_prepare", api.prepare);
  resolve(library, "duckdb_prepare_error", api.prepare_error);
  resolve(library, "duckdb_destroy_prepare", api.destroy_prepare);
  return api;
}

}  // namespace

const DuckDbApi& duckdb_api() {
  // Loaded once; a failure is retried by the next caller (the static is not initialized).
  static const DuckDbApi api = load();
  return api;
}

std::string duckdb_library_path() { return NIMBUS_DUCKDB_LIBRARY; }

}  // namespace nimbus::sql
