"""DynamicFrame (rows as dicts, with the DuckDB schema they were read with) and the readers and
writers GlueContext offers: from the Glue Data Catalog or S3 paths, to S3 paths or a catalog
table's location."""

import copy
import shutil

from awsglue import _engine


def _get(row, path):
    value = row
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _put(row, path, value):
    parts = path.split(".")
    for part in parts[:-1]:
        row = row.setdefault(part, {})
    row[parts[-1]] = value


def _convert(value, glue_type):
    if value is None:
        return None
    kind = (glue_type or "").lower()
    try:
        if kind in ("int", "integer", "long", "bigint", "short", "smallint", "byte", "tinyint"):
            return int(value)
        if kind in ("double", "float") or kind.startswith("decimal"):
            return float(value)
        if kind == "boolean":
            return value if isinstance(value, bool) else str(value).lower() in ("true", "1", "t", "yes")
        if kind in ("string", "varchar", "char", "timestamp", "date"):
            return value if isinstance(value, str) else str(value)
    except (TypeError, ValueError):
        return None
    return value


class DynamicFrame:
    def __init__(self, rows, schema=None, glue_ctx=None, name=""):
        self._rows = rows
        self._schema = list(schema or [])
        self.glue_ctx = glue_ctx
        self.name = name

    # --- what a frame holds
    def count(self):
        return len(self._rows)

    def schema(self):
        return list(self._schema)

    def printSchema(self):
        print("root")
        for name, kind in self._schema:
            print(f"|-- {name}: {kind.lower()}")

    def show(self, num_rows=20):
        self.toDF().show(num_rows)

    def toDF(self):
        from pyspark.sql import DataFrame
        names = [name for name, _ in self._schema]
        for row in self._rows:
            names.extend(name for name in row if name not in names)
        return DataFrame(self._rows, names)

    @classmethod
    def fromDF(cls, dataframe, glue_ctx, name):
        return cls([dict(row) for row in dataframe._rows], None, glue_ctx, name)

    def _derived(self, rows, schema=None):
        return DynamicFrame(rows, self._schema if schema is None else schema, self.glue_ctx, self.name)

    # --- transforms
    def filter(self, f, transformation_ctx="", **kwargs):
        return self._derived([row for row in self._rows if f(copy.deepcopy(row))])

    def map(self, f, transformation_ctx="", **kwargs):
        return self._derived([f(copy.deepcopy(row)) for row in self._rows])

    def apply_mapping(self, mappings, transformation_ctx="", **kwargs):
        rows = []
        for row in self._rows:
            out = {}
            for source, _source_type, target, target_type in mappings:
                _put(out, target, _convert(_get(row, source), target_type))
            rows.append(out)
        schema = []
        for _source, _source_type, target, target_type in mappings:
            kind = _engine.duckdb_type(target_type)
            if kind and "." not in target:
                schema.append((target, kind))
        return self._derived(rows, schema)

    def select_fields(self, paths, transformation_ctx="", **kwargs):
        keep = [p for p in paths]
        rows = [{p: row[p] for p in keep if p in row} for row in self._rows]
        return self._derived(rows, [(n, t) for n, t in self._schema if n in keep])

    def drop_fields(self, paths, transformation_ctx="", **kwargs):
        drop = set(paths)
        rows = [{k: v for k, v in row.items() if k not in drop} for row in self._rows]
        return self._derived(rows, [(n, t) for n, t in self._schema if n not in drop])

    def rename_field(self, oldName, newName, transformation_ctx="", **kwargs):
        rows = [{(newName if k == oldName else k): v for k, v in row.items()} for row in self._rows]
        return self._derived(rows, [((newName if n == oldName else n), t) for n, t in self._schema])

    def drop_null_fields(self, transformation_ctx="", **kwargs):
        empty = [n for n, _ in self._schema if all(row.get(n) is None for row in self._rows)]
        return self.drop_fields(empty)

    def resolveChoice(self, specs=None, choice="", **kwargs):
        return self

    def repartition(self, num_partitions):
        return self

    def coalesce(self, num_partitions, **kwargs):
        return self


def _table_format(table):
    """parquet / json / csv (with its options) of a catalog table, from its SerDe, input format
    and classification."""
    descriptor = table.get("StorageDescriptor", {})
    serde = descriptor.get("SerdeInfo", {})
    library = (serde.get("SerializationLibrary") or "").lower()
    input_format = (descriptor.get("InputFormat") or "").lower()
    classification = (table.get("Parameters", {}).get("classification") or "").lower()
    if "parquet" in library or "parquet" in input_format or classification == "parquet":
        return "parquet", {}
    if "json" in library or classification == "json":
        return "json", {}
    if "orc" in library or "orc" in input_format or classification == "orc":
        raise ValueError("nimbus's awsglue does not read ORC tables")
    parameters = serde.get("Parameters", {})
    separator = parameters.get("field.delim") or parameters.get("separatorChar") or ","
    header = int(table.get("Parameters", {}).get("skip.header.line.count", "0") or 0) > 0
    options = {"separator": separator, "withHeader": header}
    if parameters.get("quoteChar"):
        options["quoteChar"] = parameters["quoteChar"]
    return "csv", options


def _catalog_columns(columns):
    typed = [(c["Name"], _engine.duckdb_type(c.get("Type"))) for c in columns]
    return typed if typed and all(kind for _, kind in typed) else None


class DynamicFrameReader:
    def __init__(self, glue_context):
        self._context = glue_context

    def from_catalog(self, database, table_name, redshift_tmp_dir="", transformation_ctx="",
                     push_down_predicate="", additional_options=None, catalog_id=None, **kwargs):
        glue = _engine.client("glue")
        table = glue.get_table(DatabaseName=database, Name=table_name)["Table"]
        fmt, options = _table_format(table)
        descriptor = table.get("StorageDescriptor", {})
        columns = _catalog_columns(descriptor.get("Columns", []))
        keys = table.get("PartitionKeys", [])
        folder = _engine.scratch()
        try:
            if not keys:
                rows, schema = self._read([descriptor.get("Location", "")], folder, fmt, options, columns)
            else:
                rows, schema = [], None
                pages = glue.get_paginator("get_partitions").paginate(
                    DatabaseName=database, TableName=table_name,
                    **({"Expression": push_down_predicate} if push_down_predicate else {}))
                for page in pages:
                    for partition in page["Partitions"]:
                        location = partition.get("StorageDescriptor", {}).get("Location", "")
                        part_rows, part_schema = self._read([location], folder, fmt, options, columns)
                        values = dict(zip([k["Name"] for k in keys], partition["Values"]))
                        for row in part_rows:
                            for key in keys:
                                row[key["Name"]] = _convert(values[key["Name"]], key.get("Type"))
                        rows.extend(part_rows)
                        schema = schema or part_schema
                schema = list(schema or columns or [])
                for key in keys:
                    schema.append((key["Name"], _engine.duckdb_type(key.get("Type")) or "VARCHAR"))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        if transformation_ctx:
            self._context._bookmark_states[transformation_ctx] = {"database": database, "table": table_name,
                                                                  "records": len(rows)}
        return DynamicFrame(rows, schema, self._context, table_name)

    def from_options(self, connection_type, connection_options=None, format=None, format_options=None,
                     transformation_ctx="", **kwargs):
        if connection_type != "s3":
            raise ValueError(f"nimbus's awsglue reads from s3 only, not {connection_type!r}")
        connection_options = connection_options or {}
        paths = connection_options.get("paths") or ([connection_options["path"]] if "path" in connection_options else [])
        folder = _engine.scratch()
        try:
            rows, schema = self._read(paths, folder, (format or "json").lower(), format_options or {}, None,
                                      connection_options.get("recurse", True))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        if transformation_ctx:
            self._context._bookmark_states[transformation_ctx] = {"paths": paths, "records": len(rows)}
        return DynamicFrame(rows, schema, self._context, transformation_ctx)

    @staticmethod
    def _read(uris, folder, fmt, options, columns, recurse=True):
        files = _engine.download([u for u in uris if u], folder, recurse)
        if columns:
            try:
                return _engine.load(files, fmt, options, columns)
            except RuntimeError:
                pass  # the data does not fit the catalog's types: let DuckDB detect them
        return _engine.load(files, fmt, options, None)


class DynamicFrameWriter:
    def __init__(self, glue_context):
        self._context = glue_context

    def from_options(self, frame, connection_type, connection_options=None, format=None, format_options=None,
                     transformation_ctx="", **kwargs):
        if connection_type != "s3":
            raise ValueError(f"nimbus's awsglue writes to s3 only, not {connection_type!r}")
        connection_options = connection_options or {}
        path = connection_options["path"]
        return self._write(frame, path, (format or "json").lower(), format_options or {},
                           connection_options.get("partitionKeys") or [])

    def from_catalog(self, frame, database, table_name, redshift_tmp_dir="", transformation_ctx="",
                     additional_options=None, catalog_id=None, **kwargs):
        table = _engine.client("glue").get_table(DatabaseName=database, Name=table_name)["Table"]
        fmt, options = _table_format(table)
        keys = [k["Name"] for k in table.get("PartitionKeys", [])]
        return self._write(frame, table["StorageDescriptor"]["Location"], fmt, options, keys)

    @staticmethod
    def _write(frame, path, fmt, options, partition_keys):
        if frame.count() > 0:
            folder = _engine.scratch()
            try:
                files = _engine.write(frame._rows, frame._schema, folder, fmt, options, partition_keys)
                _engine.upload(files, path)
            finally:
                shutil.rmtree(folder, ignore_errors=True)
        return frame
