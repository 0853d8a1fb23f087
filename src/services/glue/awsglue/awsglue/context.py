"""awsglue.context.GlueContext: the readers and writers of DynamicFrames (create_dynamic_frame,
write_dynamic_frame) over the Glue Data Catalog and S3."""

import sys

from pyspark.sql import SparkSession

from awsglue.dynamicframe import DynamicFrameReader, DynamicFrameWriter


class _Logger:
    def _log(self, level, message):
        print(f"{level} {message}", file=sys.stderr, flush=True)

    def info(self, message):
        self._log("INFO", message)

    def warn(self, message):
        self._log("WARN", message)

    def error(self, message):
        self._log("ERROR", message)


class GlueContext:
    def __init__(self, spark_context, **options):
        self._sc = spark_context
        self.spark_session = SparkSession(spark_context)
        self.create_dynamic_frame = DynamicFrameReader(self)
        self.write_dynamic_frame = DynamicFrameWriter(self)
        self._job = None
        self._bookmark_states = {}

    def get_logger(self):
        return _Logger()

    # The flat spellings Glue also offers.
    def create_dynamic_frame_from_catalog(self, database, table_name, **kwargs):
        return self.create_dynamic_frame.from_catalog(database=database, table_name=table_name, **kwargs)

    def create_dynamic_frame_from_options(self, connection_type, connection_options=None, format=None,
                                          format_options=None, **kwargs):
        return self.create_dynamic_frame.from_options(connection_type, connection_options, format,
                                                      format_options, **kwargs)

    def write_dynamic_frame_from_options(self, frame, connection_type, connection_options=None, format=None,
                                         format_options=None, **kwargs):
        return self.write_dynamic_frame.from_options(frame, connection_type, connection_options, format,
                                                     format_options, **kwargs)

    def write_dynamic_frame_from_catalog(self, frame, database, table_name, **kwargs):
        return self.write_dynamic_frame.from_catalog(frame=frame, database=database, table_name=table_name,
                                                     **kwargs)
