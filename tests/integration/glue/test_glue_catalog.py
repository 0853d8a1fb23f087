"""The Glue Data Catalog with Debian's boto3 (json 1.1): databases, tables and their versions,
partitions and GetPartitions' filter expressions, paging, AWS's errors, cascading deletes and
state across a restart."""

from __future__ import annotations

import datetime

import pytest
from botocore.exceptions import ClientError

from conftest import make_client

ACCOUNT = "000000000000"
KEYS = [{"Name": "year", "Type": "int"}, {"Name": "month", "Type": "string"}]


def glue_client(endpoint: str, region: str = "us-east-1"):
    return make_client(endpoint, region=region, service="glue")


@pytest.fixture
def glue(nimbus):
    return glue_client(nimbus.endpoint)


def error_of(call, **kwargs) -> dict:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response["Error"]


def storage(location: str) -> dict:
    return {"Columns": [{"Name": "id", "Type": "bigint"}, {"Name": "amount", "Type": "double", "Comment": "EUR"}],
            "Location": location,
            "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
            "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
            "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
                          "Parameters": {"serialization.format": "1"}}}


def make_table(glue, database: str = "sales", table: str = "orders", keys=KEYS, **extra) -> None:
    glue.create_table(DatabaseName=database, TableInput={
        "Name": table, "PartitionKeys": keys, "StorageDescriptor": storage(f"s3://lake/{table}/"),
        "TableType": "EXTERNAL_TABLE", "Parameters": {"classification": "parquet"}, **extra})


def add_partitions(glue, values: list[list[str]], database: str = "sales", table: str = "orders") -> dict:
    return glue.batch_create_partition(DatabaseName=database, TableName=table, PartitionInputList=[
        {"Values": v, "StorageDescriptor": storage(f"s3://lake/{table}/{'/'.join(v)}/")} for v in values])


def partition_values(glue, expression: str | None = None, **kwargs) -> list[list[str]]:
    args = {"DatabaseName": "sales", "TableName": "orders", **kwargs}
    if expression is not None:
        args["Expression"] = expression
    pages = glue.get_paginator("get_partitions").paginate(**args)
    return [p["Values"] for page in pages for p in page["Partitions"]]


@pytest.fixture
def orders(glue):
    glue.create_database(DatabaseInput={"Name": "sales"})
    make_table(glue)
    add_partitions(glue, [[str(y), m] for y in (999, 2023, 2024) for m in ("01", "02", "11")])
    return glue


# --- databases --------------------------------------------------------------------------------

def test_a_database_is_stored_lowercased_with_its_catalog_and_create_time(glue):
    glue.create_database(DatabaseInput={"Name": "Sales_DB", "Description": "sales data",
                                        "LocationUri": "s3://lake/", "Parameters": {"owner": "bi"}})
    database = glue.get_database(Name="SALES_db")["Database"]
    assert database["Name"] == "sales_db"
    assert database["Description"] == "sales data"
    assert database["LocationUri"] == "s3://lake/"
    assert database["Parameters"] == {"owner": "bi"}
    assert database["CatalogId"] == ACCOUNT
    assert isinstance(database["CreateTime"], datetime.datetime)
    assert database["CreateTableDefaultPermissions"] == [
        {"Principal": {"DataLakePrincipalIdentifier": "IAM_ALLOWED_PRINCIPALS"}, "Permissions": ["ALL"]}]


def test_creating_a_database_twice_answers_already_exists(glue):
    glue.create_database(DatabaseInput={"Name": "sales"})
    error = error_of(glue.create_database, DatabaseInput={"Name": "SALES"})
    assert error == {"Code": "AlreadyExistsException", "Message": "Database already exists."}


def test_a_missing_database_answers_entity_not_found(glue):
    assert error_of(glue.get_database, Name="nope") == {
        "Code": "EntityNotFoundException", "Message": "Database nope not found."}
    assert error_of(glue.delete_database, Name="nope")["Code"] == "EntityNotFoundException"
    assert error_of(glue.get_tables, DatabaseName="nope")["Code"] == "EntityNotFoundException"


def test_update_database_replaces_its_definition_and_keeps_create_time(glue):
    glue.create_database(DatabaseInput={"Name": "sales", "Description": "old", "Parameters": {"a": "1"}})
    created = glue.get_database(Name="sales")["Database"]["CreateTime"]
    glue.update_database(Name="sales", DatabaseInput={"Name": "sales", "Description": "new"})
    database = glue.get_database(Name="sales")["Database"]
    assert database["Description"] == "new"
    assert "Parameters" not in database
    assert database["CreateTime"] == created


def test_get_databases_pages_in_name_order(glue):
    names = [f"db{i:02d}" for i in range(7)]
    for name in reversed(names):
        glue.create_database(DatabaseInput={"Name": name})
    first = glue.get_databases(MaxResults=3)
    assert [d["Name"] for d in first["DatabaseList"]] == names[:3]
    second = glue.get_databases(MaxResults=3, NextToken=first["NextToken"])
    assert [d["Name"] for d in second["DatabaseList"]] == names[3:6]
    pages = glue.get_paginator("get_databases").paginate(PaginationConfig={"PageSize": 2})
    assert [d["Name"] for page in pages for d in page["DatabaseList"]] == names


def test_databases_are_per_region(nimbus):
    east, west = glue_client(nimbus.endpoint), glue_client(nimbus.endpoint, "eu-west-1")
    east.create_database(DatabaseInput={"Name": "sales"})
    assert west.get_databases()["DatabaseList"] == []
    west.create_database(DatabaseInput={"Name": "sales"})


# --- tables -----------------------------------------------------------------------------------

def test_a_table_is_returned_as_glue_returns_it(glue):
    glue.create_database(DatabaseInput={"Name": "sales"})
    make_table(glue, table="Orders", ViewOriginalText="", Owner="bi")
    table = glue.get_table(DatabaseName="Sales", Name="ORDERS")["Table"]
    assert table["Name"] == "orders"
    assert table["DatabaseName"] == "sales"
    assert table["CatalogId"] == ACCOUNT
    assert table["PartitionKeys"] == KEYS
    assert table["StorageDescriptor"] == storage("s3://lake/Orders/")
    assert table["TableType"] == "EXTERNAL_TABLE"
    assert table["Parameters"] == {"classification": "parquet"}
    assert table["Owner"] == "bi"
    assert table["IsRegisteredWithLakeFormation"] is False
    assert table["VersionId"] == "0"
    assert table["CreateTime"] == table["UpdateTime"]


def test_table_errors_name_what_is_missing(glue):
    error = error_of(glue.create_table, DatabaseName="nope", TableInput={"Name": "t"})
    assert error == {"Code": "EntityNotFoundException", "Message": "Database nope not found."}
    glue.create_database(DatabaseInput={"Name": "sales"})
    assert error_of(glue.get_table, DatabaseName="sales", Name="ghost") == {
        "Code": "EntityNotFoundException", "Message": "Table ghost not found."}
    make_table(glue)
    assert error_of(glue.create_table, DatabaseName="sales", TableInput={"Name": "ORDERS"}) == {
        "Code": "AlreadyExistsException", "Message": "Table already exists."}


def test_get_tables_filters_by_glue_name_pattern_and_pages(glue):
    glue.create_database(DatabaseInput={"Name": "sales"})
    for name in ("orders", "orders_2023", "orders_2024", "customers", "returns"):
        make_table(glue, table=name)
    names = lambda **kw: [t["Name"] for t in glue.get_tables(DatabaseName="sales", **kw)["TableList"]]  # noqa: E731
    assert names() == ["customers", "orders", "orders_2023", "orders_2024", "returns"]
    assert names(Expression="orders*") == ["orders", "orders_2023", "orders_2024"]
    assert names(Expression="orders_.*") == ["orders_2023", "orders_2024"]
    assert names(Expression="customers|returns") == ["customers", "returns"]
    assert names(Expression="ORDERS") == ["orders"]
    first = glue.get_tables(DatabaseName="sales", Expression="orders*", MaxResults=2)
    assert [t["Name"] for t in first["TableList"]] == ["orders", "orders_2023"]
    rest = glue.get_tables(DatabaseName="sales", Expression="orders*", MaxResults=2, NextToken=first["NextToken"])
    assert [t["Name"] for t in rest["TableList"]] == ["orders_2024"]
    assert "NextToken" not in rest
    assert error_of(glue.get_tables, DatabaseName="sales", Expression="orders[")["Code"] == "InvalidInputException"


def test_update_table_archives_the_previous_version(glue):
    glue.create_database(DatabaseInput={"Name": "sales"})
    make_table(glue, Description="v0")
    for n in (1, 2):
        glue.update_table(DatabaseName="sales", TableInput={"Name": "orders", "PartitionKeys": KEYS,
                                                            "Description": f"v{n}"})
    table = glue.get_table(DatabaseName="sales", Name="orders")["Table"]
    assert (table["VersionId"], table["Description"]) == ("2", "v2")
    assert table["UpdateTime"] >= table["CreateTime"]
    versions = glue.get_table_versions(DatabaseName="sales", TableName="orders")["TableVersions"]
    assert [(v["VersionId"], v["Table"]["Description"]) for v in versions] == [("2", "v2"), ("1", "v1"), ("0", "v0")]
    old = glue.get_table_version(DatabaseName="sales", TableName="orders", VersionId="0")["TableVersion"]
    assert old["Table"]["Description"] == "v0"
    assert old["Table"]["StorageDescriptor"] == storage("s3://lake/orders/")
    page = glue.get_table_versions(DatabaseName="sales", TableName="orders", MaxResults=2)
    assert [v["VersionId"] for v in page["TableVersions"]] == ["2", "1"]
    rest = glue.get_table_versions(DatabaseName="sales", TableName="orders", NextToken=page["NextToken"])
    assert [v["VersionId"] for v in rest["TableVersions"]] == ["0"]


def test_update_table_with_a_stale_version_id_is_refused(glue):
    glue.create_database(DatabaseInput={"Name": "sales"})
    make_table(glue)
    glue.update_table(DatabaseName="sales", TableInput={"Name": "orders"}, VersionId="0")
    error = error_of(glue.update_table, DatabaseName="sales", TableInput={"Name": "orders"}, VersionId="0")
    assert error["Code"] == "ConcurrentModificationException"


def test_table_versions_can_be_deleted_but_not_the_current_one(glue):
    glue.create_database(DatabaseInput={"Name": "sales"})
    make_table(glue)
    for _ in range(3):
        glue.update_table(DatabaseName="sales", TableInput={"Name": "orders", "PartitionKeys": KEYS})
    glue.delete_table_version(DatabaseName="sales", TableName="orders", VersionId="0")
    assert error_of(glue.get_table_version, DatabaseName="sales", TableName="orders",
                    VersionId="0")["Code"] == "EntityNotFoundException"
    result = glue.batch_delete_table_version(DatabaseName="sales", TableName="orders", VersionIds=["1", "3", "9"])
    assert [(e["VersionId"], e["ErrorDetail"]["ErrorCode"]) for e in result["Errors"]] == [
        ("3", "InvalidInputException"), ("9", "EntityNotFoundException")]
    versions = glue.get_table_versions(DatabaseName="sales", TableName="orders")["TableVersions"]
    assert [v["VersionId"] for v in versions] == ["3", "2"]


def test_batch_delete_table_reports_missing_tables(glue):
    glue.create_database(DatabaseInput={"Name": "sales"})
    make_table(glue, table="a")
    make_table(glue, table="b")
    result = glue.batch_delete_table(DatabaseName="sales", TablesToDelete=["a", "ghost"])
    assert result["Errors"] == [{"TableName": "ghost", "ErrorDetail": {
        "ErrorCode": "EntityNotFoundException", "ErrorMessage": "Table ghost not found."}}]
    assert [t["Name"] for t in glue.get_tables(DatabaseName="sales")["TableList"]] == ["b"]


# --- partitions -------------------------------------------------------------------------------

def test_a_partition_is_returned_with_its_table_and_catalog(orders):
    partition = orders.get_partition(DatabaseName="sales", TableName="orders",
                                     PartitionValues=["2024", "02"])["Partition"]
    assert partition["Values"] == ["2024", "02"]
    assert partition["DatabaseName"] == "sales"
    assert partition["TableName"] == "orders"
    assert partition["CatalogId"] == ACCOUNT
    assert partition["StorageDescriptor"]["Location"] == "s3://lake/orders/2024/02/"
    assert isinstance(partition["CreationTime"], datetime.datetime)


def test_partition_errors(orders):
    assert error_of(orders.get_partition, DatabaseName="sales", TableName="orders",
                    PartitionValues=["1900", "01"]) == {"Code": "EntityNotFoundException",
                                                        "Message": "Cannot find partition."}
    assert error_of(orders.create_partition, DatabaseName="sales", TableName="orders",
                    PartitionInput={"Values": ["2024", "01"]}) == {"Code": "AlreadyExistsException",
                                                                  "Message": "Partition already exists."}
    assert error_of(orders.create_partition, DatabaseName="sales", TableName="orders",
                    PartitionInput={"Values": ["2024"]})["Code"] == "InvalidInputException"
    assert error_of(orders.create_partition, DatabaseName="sales", TableName="ghost",
                    PartitionInput={"Values": ["2024", "01"]})["Message"] == "Table ghost not found."


def test_get_partitions_lists_in_value_order(orders):
    assert partition_values(orders) == [[str(y), m] for y in (2023, 2024, 999) for m in ("01", "02", "11")]


@pytest.mark.parametrize("expression, expected", [
    ("year = 2024", [["2024", "01"], ["2024", "02"], ["2024", "11"]]),
    ("year > 1000 AND month = '02'", [["2023", "02"], ["2024", "02"]]),
    ("year < 1000", [["999", "01"], ["999", "02"], ["999", "11"]]),
    ("month <> '01' and month != '02' and year >= 2024", [["2024", "11"]]),
    ("year BETWEEN 2000 AND 2023 AND month IN ('01', '11')", [["2023", "01"], ["2023", "11"]]),
    ("(year = 999 OR year = 2024) AND NOT month LIKE '0%'", [["2024", "11"], ["999", "11"]]),
    ("month NOT IN ('01', '02') AND year NOT BETWEEN 2000 AND 2023", [["2024", "11"], ["999", "11"]]),
    ("YEAR = 2023 and Month > '01'", [["2023", "02"], ["2023", "11"]]),
])
def test_get_partitions_filters_by_expression_typed_by_the_partition_keys(orders, expression, expected):
    assert partition_values(orders, expression) == expected


@pytest.mark.parametrize("expression", ["year = ", "colour = 'red'", "year = 'abc'", "(year = 1", "year ~ 2",
                                        "month IN ()", "year = 1 OR"])
def test_a_bad_expression_answers_invalid_input(orders, expression):
    assert error_of(orders.get_partitions, DatabaseName="sales", TableName="orders", Expression=expression) == {
        "Code": "InvalidInputException", "Message": "Invalid partition expression!"}


def test_get_partitions_pages_with_next_token(orders):
    first = orders.get_partitions(DatabaseName="sales", TableName="orders", Expression="month <> '11'", MaxResults=4)
    assert [p["Values"] for p in first["Partitions"]] == [["2023", "01"], ["2023", "02"], ["2024", "01"], ["2024", "02"]]
    rest = orders.get_partitions(DatabaseName="sales", TableName="orders", Expression="month <> '11'",
                                 NextToken=first["NextToken"])
    assert [p["Values"] for p in rest["Partitions"]] == [["999", "01"], ["999", "02"]]
    assert "NextToken" not in rest


def test_get_partitions_segments_split_the_partitions(orders):
    segments = [partition_values(orders, Segment={"SegmentNumber": n, "TotalSegments": 3}) for n in range(3)]
    together = sorted(v for segment in segments for v in segment)
    assert together == sorted(partition_values(orders))


def test_exclude_column_schema_leaves_out_the_columns(orders):
    partition = orders.get_partitions(DatabaseName="sales", TableName="orders", ExcludeColumnSchema=True,
                                      MaxResults=1)["Partitions"][0]
    assert "Columns" not in partition["StorageDescriptor"]
    assert partition["StorageDescriptor"]["Location"] == "s3://lake/orders/2023/01/"


def test_batch_create_partition_reports_each_failed_entry(orders):
    result = add_partitions(orders, [["2025", "01"], ["2024", "01"], ["2025"]])
    assert [(e["PartitionValues"], e["ErrorDetail"]["ErrorCode"]) for e in result["Errors"]] == [
        (["2024", "01"], "AlreadyExistsException"), (["2025"], "InvalidInputException")]
    assert partition_values(orders, "year = 2025") == [["2025", "01"]]


def test_batch_get_partition_returns_what_exists(orders):
    result = orders.batch_get_partition(DatabaseName="sales", TableName="orders", PartitionsToGet=[
        {"Values": ["2024", "01"]}, {"Values": ["1900", "01"]}, {"Values": ["999", "11"]}])
    assert sorted(p["Values"] for p in result["Partitions"]) == [["2024", "01"], ["999", "11"]]
    assert result["UnprocessedKeys"] == []


def test_update_partition_replaces_it_and_may_move_its_values(orders):
    orders.update_partition(DatabaseName="sales", TableName="orders", PartitionValueList=["2024", "01"],
                            PartitionInput={"Values": ["2024", "01"], "Parameters": {"rows": "10"}})
    partition = orders.get_partition(DatabaseName="sales", TableName="orders",
                                     PartitionValues=["2024", "01"])["Partition"]
    assert partition["Parameters"] == {"rows": "10"}
    assert "StorageDescriptor" not in partition
    orders.update_partition(DatabaseName="sales", TableName="orders", PartitionValueList=["2024", "01"],
                            PartitionInput={"Values": ["2024", "12"]})
    assert partition_values(orders, "year = 2024") == [["2024", "02"], ["2024", "11"], ["2024", "12"]]
    assert error_of(orders.update_partition, DatabaseName="sales", TableName="orders",
                    PartitionValueList=["1900", "01"], PartitionInput={"Values": ["1900", "01"]})[
        "Code"] == "EntityNotFoundException"


def test_delete_partition_and_batch_delete_partition(orders):
    orders.delete_partition(DatabaseName="sales", TableName="orders", PartitionValues=["2024", "01"])
    assert error_of(orders.delete_partition, DatabaseName="sales", TableName="orders",
                    PartitionValues=["2024", "01"])["Code"] == "EntityNotFoundException"
    result = orders.batch_delete_partition(DatabaseName="sales", TableName="orders", PartitionsToDelete=[
        {"Values": ["2024", "02"]}, {"Values": ["2024", "01"]}])
    assert [e["PartitionValues"] for e in result["Errors"]] == [["2024", "01"]]
    assert result["Errors"][0]["ErrorDetail"]["ErrorCode"] == "EntityNotFoundException"
    assert partition_values(orders, "year = 2024") == [["2024", "11"]]


# --- cascades and persistence ------------------------------------------------------------------

def test_deleting_a_table_deletes_its_partitions_and_versions(orders):
    orders.update_table(DatabaseName="sales", TableInput={"Name": "orders", "PartitionKeys": KEYS})
    orders.delete_table(DatabaseName="sales", Name="orders")
    make_table(orders)
    assert partition_values(orders) == []
    versions = orders.get_table_versions(DatabaseName="sales", TableName="orders")["TableVersions"]
    assert [v["VersionId"] for v in versions] == ["0"]


def test_deleting_a_database_deletes_its_tables_and_partitions(orders):
    orders.delete_database(Name="sales")
    assert error_of(orders.get_table, DatabaseName="sales", Name="orders")["Message"] == "Database sales not found."
    orders.create_database(DatabaseInput={"Name": "sales"})
    assert orders.get_tables(DatabaseName="sales")["TableList"] == []
    make_table(orders)
    assert partition_values(orders) == []


def test_the_catalog_survives_a_restart(server_factory):
    server = server_factory()
    glue = glue_client(server.endpoint)
    glue.create_database(DatabaseInput={"Name": "sales", "Description": "kept"})
    make_table(glue)
    glue.update_table(DatabaseName="sales", TableInput={"Name": "orders", "PartitionKeys": KEYS, "Description": "v1"})
    add_partitions(glue, [["2024", "01"], ["2024", "02"]])
    glue.delete_partition(DatabaseName="sales", TableName="orders", PartitionValues=["2024", "02"])
    server.restart()
    glue = glue_client(server.endpoint)
    assert glue.get_database(Name="sales")["Database"]["Description"] == "kept"
    assert glue.get_table(DatabaseName="sales", Name="orders")["Table"]["VersionId"] == "1"
    versions = glue.get_table_versions(DatabaseName="sales", TableName="orders")["TableVersions"]
    assert [v["VersionId"] for v in versions] == ["1", "0"]
    assert [p["Values"] for p in glue.get_partitions(DatabaseName="sales", TableName="orders")["Partitions"]] == [
        ["2024", "01"]]


def test_acknowledged_writes_survive_kill_9(server_factory):
    server = server_factory()
    glue = glue_client(server.endpoint)
    glue.create_database(DatabaseInput={"Name": "sales"})
    make_table(glue)
    add_partitions(glue, [[str(y), "01"] for y in range(2000, 2050)])
    server.restart(kill=True)
    glue = glue_client(server.endpoint)
    assert len(partition_values(glue)) == 50


def test_reset_wipes_the_catalog(nimbus, glue):
    glue.create_database(DatabaseInput={"Name": "sales"})
    nimbus.reset()
    assert glue.get_databases()["DatabaseList"] == []
