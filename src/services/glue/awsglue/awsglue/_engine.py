"""What DynamicFrames run on: DuckDB through its C API (ctypes on the libduckdb.so nimbus names in
NIMBUS_DUCKDB_LIBRARY) to read and write Parquet, JSON and CSV files, and boto3 for S3 objects
(downloaded to and uploaded from a temporary folder) and the Glue Data Catalog."""

import ctypes
import json
import os
import re
import tempfile
import uuid

_DB = None


class DuckDB:
    def __init__(self, library):
        lib = ctypes.CDLL(library)
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
        self._lib = lib
        self._db = ctypes.c_void_p()
        self._conn = ctypes.c_void_p()
        if lib.duckdb_open(None, ctypes.byref(self._db)) != 0:
            raise RuntimeError("DuckDB could not open a database")
        if lib.duckdb_connect(self._db, ctypes.byref(self._conn)) != 0:
            raise RuntimeError("DuckDB could not connect")

    def query(self, sql):
        """Runs `sql`; answers its rows, each value as text or None."""
        lib = self._lib
        result = ctypes.create_string_buffer(128)  # a duckdb_result (48 bytes in DuckDB 1.x)
        try:
            if lib.duckdb_query(self._conn, sql.encode(), result) != 0:
                raise RuntimeError(lib.duckdb_result_error(result).decode())
            rows = []
            columns = lib.duckdb_column_count(result)
            for row in range(lib.duckdb_row_count(result)):
                values = []
                for column in range(columns):
                    if lib.duckdb_value_is_null(result, column, row):
                        values.append(None)
                        continue
                    pointer = lib.duckdb_value_varchar(result, column, row)
                    values.append(ctypes.string_at(pointer).decode())
                    lib.duckdb_free(pointer)
                rows.append(values)
            return rows
        finally:
            lib.duckdb_destroy_result(result)


def duckdb():
    global _DB
    if _DB is None:
        _DB = DuckDB(os.environ.get("NIMBUS_DUCKDB_LIBRARY") or "libduckdb.so")
    return _DB


def literal(text):
    return "'" + str(text).replace("'", "''") + "'"


def identifier(name):
    return '"' + str(name).replace('"', '""') + '"'


def file_list(paths):
    return "[" + ", ".join(literal(p) for p in paths) + "]"


# --- types ------------------------------------------------------------------------------------

_HIVE_TYPES = {
    "string": "VARCHAR", "varchar": "VARCHAR", "char": "VARCHAR", "int": "INTEGER", "integer": "INTEGER",
    "bigint": "BIGINT", "long": "BIGINT", "smallint": "SMALLINT", "short": "SMALLINT", "tinyint": "TINYINT",
    "byte": "TINYINT", "double": "DOUBLE", "float": "FLOAT", "boolean": "BOOLEAN", "timestamp": "TIMESTAMP",
    "date": "DATE", "binary": "BLOB",
}


def duckdb_type(hive_type):
    """The DuckDB type of a Hive / Glue type name ("bigint", "decimal(10,2)"); None for nested
    types, which are left to DuckDB to detect."""
    text = (hive_type or "string").strip().lower()
    decimal = re.fullmatch(r"decimal\s*(\(\s*\d+\s*(,\s*\d+\s*)?\))?", text)
    if decimal:
        return "DECIMAL" + (decimal.group(1).replace(" ", "") if decimal.group(1) else "(10,0)")
    base = re.sub(r"\(.*\)$", "", text)
    return _HIVE_TYPES.get(base)


def python_type_of(values):
    """A DuckDB type for a column of Python values (what json.loads gives)."""
    for value in values:
        if value is None:
            continue
        if isinstance(value, bool):
            return "BOOLEAN"
        if isinstance(value, int):
            return "BIGINT"
        if isinstance(value, float):
            return "DOUBLE"
        if isinstance(value, (dict, list)):
            return "JSON"
        return "VARCHAR"
    return "VARCHAR"


def fits(duck_type, values):
    """Whether a column's Python values still read as `duck_type`."""
    kind = duck_type.upper()
    for value in values:
        if value is None:
            continue
        if kind in ("VARCHAR", "TIMESTAMP", "DATE", "TIME", "UUID", "BLOB") or kind.startswith("TIMESTAMP"):
            ok = isinstance(value, str)
        elif kind == "BOOLEAN":
            ok = isinstance(value, bool)
        elif kind in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
                      "UINTEGER", "UBIGINT"):
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif kind in ("DOUBLE", "FLOAT", "REAL") or kind.startswith("DECIMAL"):
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        else:
            ok = isinstance(value, (dict, list))
        if not ok:
            return False
    return True


# --- reading and writing files --------------------------------------------------------------

def source_sql(paths, fmt, options=None, columns=None):
    """A DuckDB table function reading `paths` in `fmt`; `columns` ([(name, type)], all typed)
    fixes the schema, else DuckDB detects it."""
    options = options or {}
    typed = "{" + ", ".join(f"{literal(n)}: {literal(t)}" for n, t in columns) + "}" if columns else None
    if fmt == "parquet":
        return f"read_parquet({file_list(paths)}, union_by_name = true)"
    if fmt == "json":
        extra = f", columns = {typed}" if typed else ", sample_size = -1"
        return f"read_json({file_list(paths)}, format = 'auto'{extra})"
    if fmt == "csv":
        separator = options.get("separator", ",")
        header = options.get("withHeader", True)
        parts = [f"delim = {literal(separator)}", f"header = {'true' if header else 'false'}"]
        if options.get("quoteChar"):
            parts.append(f"quote = {literal(options['quoteChar'])}")
        if typed:
            parts.append(f"columns = {typed}")
        return f"read_csv({file_list(paths)}, {', '.join(parts)})"
    raise ValueError(f"nimbus's awsglue does not read the format {fmt!r} (parquet, json and csv only)")


def load(paths, fmt, options=None, columns=None):
    """Rows (dicts) and schema ([(name, DuckDB type)]) of the files."""
    if not paths:
        return [], list(columns or [])
    db = duckdb()
    source = source_sql(paths, fmt, options, columns)
    schema = [(row[0], row[1]) for row in db.query(f"DESCRIBE SELECT * FROM {source}")]
    rows = [json.loads(row[0]) for row in db.query(f"SELECT to_json(t)::VARCHAR FROM (SELECT * FROM {source}) t")]
    return rows, schema


def write(rows, schema, folder, fmt, options=None, partition_keys=None):
    """Writes the rows to files under `folder` (one file, or one per partition in key=value
    folders); answers the files' paths relative to `folder`."""
    options = options or {}
    names = [name for name, _ in schema]
    for row in rows:
        names.extend(name for name in row if name not in names)
    known = dict(schema)
    columns = []
    for name in names:
        values = [row.get(name) for row in rows]
        if all(value is None for value in values) and name not in known:
            continue
        declared = known.get(name)
        columns.append((name, declared if declared and fits(declared, values) else python_type_of(values)))
    rows_file = os.path.join(folder, "rows.json")
    with open(rows_file, "w") as out:
        for row in rows:
            out.write(json.dumps({name: row.get(name) for name, _ in columns}, default=str))
            out.write("\n")
    typed = "{" + ", ".join(f"{literal(n)}: {literal(t)}" for n, t in columns) + "}"
    select = f"SELECT * FROM read_json({literal(rows_file)}, format = 'newline_delimited', columns = {typed})"
    if fmt == "parquet":
        copy_options = ["FORMAT PARQUET", f"COMPRESSION {options.get('compression', 'snappy')}"]
        extension = "parquet"
    elif fmt == "csv":
        header = options.get("writeHeader", options.get("withHeader", True))
        copy_options = ["FORMAT CSV", f"HEADER {'true' if header else 'false'}",
                        f"DELIMITER {literal(options.get('separator', ','))}"]
        extension = "csv"
    elif fmt == "json":
        copy_options = ["FORMAT JSON"]
        extension = "json"
    else:
        raise ValueError(f"nimbus's awsglue does not write the format {fmt!r} (parquet, json and csv only)")
    output = os.path.join(folder, "out")
    if partition_keys:
        keys = ", ".join(identifier(k) for k in partition_keys)
        copy_options.append(f"PARTITION_BY ({keys})")
        duckdb().query(f"COPY ({select}) TO {literal(output)} ({', '.join(copy_options)})")
        written = []
        for root, _, files in os.walk(output):
            for name in sorted(files):
                relative_dir = os.path.relpath(root, output)
                target = f"part-00000-{uuid.uuid4()}.{extension}"
                os.rename(os.path.join(root, name), os.path.join(root, target))
                written.append(os.path.normpath(os.path.join(relative_dir, target)))
        return [(os.path.join(output, path), path) for path in written]
    target = f"part-00000-{uuid.uuid4()}.{extension}"
    os.makedirs(output, exist_ok=True)
    duckdb().query(f"COPY ({select}) TO {literal(os.path.join(output, target))} ({', '.join(copy_options)})")
    return [(os.path.join(output, target), target)]


# --- S3 and the catalog ------------------------------------------------------------------------

_CLIENTS = {}


def client(service):
    if service not in _CLIENTS:
        import boto3
        from botocore.config import Config
        config = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 3})
        _CLIENTS[service] = boto3.client(service, config=config)
    return _CLIENTS[service]


def split_s3(uri):
    match = re.fullmatch(r"s3a?n?://([^/]+)/?(.*)", uri)
    if not match:
        raise ValueError(f"not an S3 path: {uri}")
    return match.group(1), match.group(2)


def _hidden(relative):
    return any(part.startswith(("_", ".")) for part in relative.split("/") if part)


def download(uris, folder, recurse=True):
    """Downloads the objects at or under each s3:// URI into `folder`; answers the local paths."""
    s3 = client("s3")
    local = []
    for uri in uris:
        bucket, key = split_s3(uri)
        objects = []
        if key and not key.endswith("/"):
            try:
                s3.head_object(Bucket=bucket, Key=key)
                objects.append(key)
            except Exception:
                key += "/"
        if not objects:
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=key):
                for entry in page.get("Contents", []):
                    relative = entry["Key"][len(key):]
                    if entry["Key"].endswith("/") or _hidden(relative) or (not recurse and "/" in relative):
                        continue
                    objects.append(entry["Key"])
        for name in objects:
            path = os.path.join(folder, uuid.uuid4().hex + "_" + os.path.basename(name))
            s3.download_file(bucket, name, path)
            if os.path.getsize(path) > 0:
                local.append(path)
    return local


def upload(files, uri):
    """Uploads [(local path, relative name)] under the s3:// URI; answers the keys."""
    s3 = client("s3")
    bucket, prefix = split_s3(uri)
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    keys = []
    for path, relative in files:
        key = prefix + relative.replace(os.sep, "/")
        s3.upload_file(path, bucket, key)
        keys.append(key)
    return keys


def scratch():
    return tempfile.mkdtemp(prefix="awsglue-")
