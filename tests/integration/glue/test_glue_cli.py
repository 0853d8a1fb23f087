"""The Glue Data Catalog through the AWS CLI v2: a database, a partitioned table, partitions and
a filtered listing, and the CLI's exit code and message for Glue's errors."""

from __future__ import annotations

import json


def test_the_cli_builds_and_queries_a_partitioned_table(aws_cli, tmp_path):
    aws_cli("glue", "create-database", "--database-input", json.dumps({"Name": "Lake", "Description": "cli"}))
    table = {"Name": "Events", "TableType": "EXTERNAL_TABLE",
             "PartitionKeys": [{"Name": "dt", "Type": "date"}, {"Name": "hour", "Type": "int"}],
             "StorageDescriptor": {"Columns": [{"Name": "body", "Type": "string"}], "Location": "s3://lake/events/",
                                   "SerdeInfo": {"SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe"}}}
    aws_cli("glue", "create-table", "--database-name", "lake", "--table-input", json.dumps(table))
    entries = [{"Values": [dt, str(hour)]} for dt in ("2024-05-01", "2024-05-02") for hour in (3, 12, 23)]
    (tmp_path / "parts.json").write_text(json.dumps(entries))
    created = aws_cli("glue", "batch-create-partition", "--database-name", "lake", "--table-name", "events",
                      "--partition-input-list", f"file://{tmp_path / 'parts.json'}").json
    assert created["Errors"] == []
    listed = aws_cli("glue", "get-partitions", "--database-name", "lake", "--table-name", "events",
                     "--expression", "dt = '2024-05-02' AND hour >= 12").json
    assert [p["Values"] for p in listed["Partitions"]] == [["2024-05-02", "12"], ["2024-05-02", "23"]]
    got = aws_cli("glue", "get-table", "--database-name", "LAKE", "--name", "EVENTS").json["Table"]
    assert got["Name"] == "events"
    assert got["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"] == "org.openx.data.jsonserde.JsonSerDe"
    names = aws_cli("glue", "get-databases", "--query", "DatabaseList[].Name").json
    assert names == ["lake"]


def test_the_cli_reports_glue_errors(aws_cli):
    result = aws_cli("glue", "get-database", "--name", "ghost", check=False)
    assert result.returncode == 254
    assert "EntityNotFoundException" in result.stderr
    assert "Database ghost not found." in result.stderr
    aws_cli("glue", "create-database", "--database-input", '{"Name": "lake"}')
    aws_cli("glue", "create-table", "--database-name", "lake", "--table-input",
            '{"Name": "t", "PartitionKeys": [{"Name": "year", "Type": "int"}]}')
    bad = aws_cli("glue", "get-partitions", "--database-name", "lake", "--table-name", "t",
                  "--expression", "year = 'x'", check=False)
    assert bad.returncode == 254
    assert "InvalidInputException" in bad.stderr
