"""nimbus's awsglue: the part of AWS Glue's ETL library job scripts use, run on DuckDB (the
libduckdb.so nimbus itself runs on, through ctypes) with boto3 reaching nimbus's Glue and S3.
A DynamicFrame holds its rows in memory as dicts."""

from awsglue.dynamicframe import DynamicFrame

__all__ = ["DynamicFrame"]
