"""pyspark.sql: a SparkSession and a small in-memory DataFrame (rows as dicts), what
DynamicFrame.toDF() answers."""

import json


class Row(dict):
    """A row whose fields read as items and as attributes."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError as missing:
            raise AttributeError(name) from missing

    def asDict(self, recursive=False):
        return dict(self)


class DataFrame:
    def __init__(self, rows, columns=None):
        self._rows = [dict(row) for row in rows]
        if columns is None:
            columns = []
            for row in self._rows:
                columns.extend(name for name in row if name not in columns)
        self.columns = list(columns)

    def count(self):
        return len(self._rows)

    def collect(self):
        return [Row({name: row.get(name) for name in self.columns}) for row in self._rows]

    def take(self, n):
        return self.collect()[:n]

    def head(self, n=None):
        rows = self.collect()
        if n is None:
            return rows[0] if rows else None
        return rows[:n]

    def first(self):
        return self.head()

    def select(self, *names):
        if len(names) == 1 and isinstance(names[0], (list, tuple)):
            names = names[0]
        return DataFrame([{n: row.get(n) for n in names} for row in self._rows], list(names))

    def limit(self, n):
        return DataFrame(self._rows[:n], self.columns)

    def show(self, n=20, truncate=True):
        for row in self._rows[:n]:
            print(json.dumps({name: row.get(name) for name in self.columns}, default=str))

    def printSchema(self):
        print("root")
        for name in self.columns:
            print(f" |-- {name}")


class SparkSession:
    class _Builder:
        def appName(self, name):
            return self

        def config(self, *args, **kwargs):
            return self

        def master(self, master):
            return self

        def enableHiveSupport(self):
            return self

        def getOrCreate(self):
            from pyspark.context import SparkContext
            return SparkSession(SparkContext.getOrCreate())

    builder = _Builder()

    def __init__(self, sparkContext=None):
        self.sparkContext = sparkContext

    def createDataFrame(self, data, schema=None):
        rows = [dict(row) if isinstance(row, dict) else dict(zip(schema, row)) for row in data]
        return DataFrame(rows, list(schema) if isinstance(schema, (list, tuple)) else None)

    def stop(self):
        pass
