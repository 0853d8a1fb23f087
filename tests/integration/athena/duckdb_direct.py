"""DuckDB run directly (its C API through ctypes, the library nimbus itself links): makes the
Parquet fixtures of the lake and answers the reference results nimbus's Athena must match."""

from __future__ import annotations

import ctypes
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
LIBRARY = REPO / "node_modules" / "@duckdb" / "node-bindings-linux-x64" / "libduckdb.so"


class DuckDB:
    def __init__(self):
        lib = ctypes.CDLL(str(LIBRARY))
        lib.duckdb_open.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
        lib.duckdb_connect.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]
        lib.duckdb_query.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
        lib.duckdb_result_error.argtypes = [ctypes.c_void_p]
        lib.duckdb_result_error.restype = ctypes.c_char_p
        lib.duckdb_row_count.argtypes = [ctypes.c_void_p]
        lib.duckdb_row_count.restype = ctypes.c_uint64
        lib.duckdb_column_count.argtypes = [ctypes.c_void_p]
        lib.duckdb_column_count.restype = ctypes.c_uint64
        lib.duckdb_value_is_null.argtypes = [ctypes.c_void_p, ctypes.c_uint64, ctypes.c_uint64]
        lib.duckdb_value_is_null.restype = ctypes.c_bool
        lib.duckdb_value_varchar.argtypes = [ctypes.c_void_p, ctypes.c_uint64, ctypes.c_uint64]
        lib.duckdb_value_varchar.restype = ctypes.c_void_p
        lib.duckdb_free.argtypes = [ctypes.c_void_p]
        lib.duckdb_destroy_result.argtypes = [ctypes.c_void_p]
        self.lib = lib
        self.db = ctypes.c_void_p()
        self.conn = ctypes.c_void_p()
        assert lib.duckdb_open(None, ctypes.byref(self.db)) == 0
        assert lib.duckdb_connect(self.db, ctypes.byref(self.conn)) == 0

    def query(self, sql: str) -> list[list[str | None]]:
        result = ctypes.create_string_buffer(128)  # duckdb_result (48 bytes in 1.4)
        try:
            if self.lib.duckdb_query(self.conn, sql.encode(), result) != 0:
                raise RuntimeError(self.lib.duckdb_result_error(result).decode())
            rows = []
            for row in range(self.lib.duckdb_row_count(result)):
                values = []
                for column in range(self.lib.duckdb_column_count(result)):
                    if self.lib.duckdb_value_is_null(result, column, row):
                        values.append(None)
                        continue
                    pointer = self.lib.duckdb_value_varchar(result, column, row)
                    values.append(ctypes.string_at(pointer).decode())
                    self.lib.duckdb_free(pointer)
                rows.append(values)
            return rows
        finally:
            self.lib.duckdb_destroy_result(result)
