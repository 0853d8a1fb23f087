"""DuckDB run directly (its C API through ctypes, the library nimbus itself links): makes the
Parquet fixtures of the lake and answers the reference results nimbus's Athena must match. The
ctypes binding is the one nimbus's awsglue library ships (src/services/glue/awsglue)."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
LIBRARY = REPO / "node_modules" / "@duckdb" / "node-bindings-linux-x64" / "libduckdb.so"
sys.path.insert(0, str(REPO / "src" / "services" / "glue" / "awsglue"))

from awsglue._engine import DuckDB as _Engine  # noqa: E402


class DuckDB(_Engine):
    def __init__(self):
        super().__init__(str(LIBRARY))
