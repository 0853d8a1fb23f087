#pragma once
// DuckDB's C API, loaded on first use rather than at start-up: the library is 64 MB, and mapping
// and relocating it costs an idle nimbus ~10 MB of memory and start-up time, for services most
// runs never call. The functions nimbus uses are resolved once into this table.

#include <duckdb.h>

#include <string>

namespace nimbus::sql {

struct DuckDbApi {
  decltype(&::duckdb_create_config) create_config;
  decltype(&::duckdb_set_config) set_config;
  decltype(&::duckdb_destroy_config) destroy_config;
  decltype(&::duckdb_open_ext) open_ext;
  decltype(&::duckdb_close) close;
  decltype(&::duckdb_connect) connect;
  decltype(&::duckdb_disconnect) disconnect;
  decltype(&::duckdb_interrupt) interrupt;
  decltype(&::duckdb_query) query;
  decltype(&::duckdb_result_error) result_error;
  decltype(&::duckdb_destroy_result) destroy_result;
  decltype(&::duckdb_row_count) row_count;
  decltype(&::duckdb_column_count) column_count;
  decltype(&::duckdb_value_is_null) value_is_null;
  decltype(&::duckdb_value_varchar) value_varchar;
  decltype(&::duckdb_free) free;
  decltype(&::duckdb_prepare) prepare;
  decltype(&::duckdb_prepare_error) prepare_error;
  decltype(&::duckdb_destroy_prepare) destroy_prepare;
};

// The table, loading the library on the first call (thread-safe). Throws std::runtime_error when
// the library or one of its functions cannot be loaded.
const DuckDbApi& duckdb_api();

// Where the library is (the pinned npm package's, found at build time): for processes nimbus runs
// that load it themselves (Glue's job scripts).
std::string duckdb_library_path();

}  // namespace nimbus::sql
