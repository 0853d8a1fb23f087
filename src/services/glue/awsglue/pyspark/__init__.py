"""A minimal stand-in for pyspark, enough for Glue job scripts' imports: nimbus runs their
DynamicFrames on DuckDB (see awsglue), not on Spark."""

from pyspark.context import SparkContext
from pyspark.sql import DataFrame, Row, SparkSession

__all__ = ["SparkContext", "SparkSession", "DataFrame", "Row"]
