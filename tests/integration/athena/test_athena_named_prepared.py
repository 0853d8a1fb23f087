"""Athena's named queries and prepared statements with Debian's boto3: their CRUD, paging and
errors, CreateNamedQuery's idempotency token, a named query's QueryString run as a query, and
prepared statements through SQL (PREPARE / EXECUTE ... USING / DEALLOCATE PREPARE) and the API,
with ExecutionParameters filling an EXECUTE's `?`."""

from __future__ import annotations

import datetime

import pytest
from botocore.exceptions import ClientError

from conftest import unique
from lake_helpers import lake, lake_files  # noqa: F401 (fixtures)


def error_of(call, **args) -> tuple[str, str]:
    with pytest.raises(ClientError) as raised:
        call(**args)
    return raised.value.response["Error"]["Code"], raised.value.response["Error"]["Message"]


def work_group(lake) -> str:
    name = unique("wg")
    lake.athena.create_work_group(Name=name, Configuration={
        "ResultConfiguration": {"OutputLocation": f"s3://{lake.results}/{name}/"}})
    return name


# --- named queries ----------------------------------------------------------------------------

def test_named_query_is_created_read_updated_and_deleted(lake):
    athena = lake.athena
    qid = athena.create_named_query(Name="top spenders", Database="analytics", Description="by month",
                                    QueryString="SELECT 1")["NamedQueryId"]
    named = athena.get_named_query(NamedQueryId=qid)["NamedQuery"]
    assert named == {"NamedQueryId": qid, "Name": "top spenders", "Database": "analytics",
                     "Description": "by month", "QueryString": "SELECT 1", "WorkGroup": "primary"}

    athena.update_named_query(NamedQueryId=qid, Name="renamed", QueryString="SELECT 2", Description="")
    named = athena.get_named_query(NamedQueryId=qid)["NamedQuery"]
    assert (named["Name"], named["QueryString"], named["Database"]) == ("renamed", "SELECT 2", "analytics")
    assert "Description" not in named

    athena.delete_named_query(NamedQueryId=qid)
    code, message = error_of(athena.get_named_query, NamedQueryId=qid)
    assert code == "InvalidRequestException" and qid in message
    assert error_of(athena.delete_named_query, NamedQueryId=qid)[0] == "InvalidRequestException"
    assert error_of(athena.update_named_query, NamedQueryId=qid, Name="n",
                    QueryString="SELECT 3")[0] == "InvalidRequestException"


def test_create_named_query_with_the_same_token_answers_the_same_id(lake):
    athena = lake.athena
    token = "a" * 32
    args = {"Name": "daily", "Database": "analytics", "QueryString": "SELECT 1", "ClientRequestToken": token}
    first = athena.create_named_query(**args)["NamedQueryId"]
    assert athena.create_named_query(**args)["NamedQueryId"] == first
    code, message = error_of(athena.create_named_query, **{**args, "QueryString": "SELECT 2"})
    assert (code, message) == ("InvalidRequestException", "Idempotent parameters do not match")
    # Without a token of its own boto3 sends a fresh one: another query.
    other = athena.create_named_query(Name="daily", Database="analytics", QueryString="SELECT 1")["NamedQueryId"]
    assert other != first
    assert len(athena.list_named_queries()["NamedQueryIds"]) == 2


def test_list_named_queries_pages_through_one_work_group(lake):
    athena = lake.athena
    group = work_group(lake)
    ids = [athena.create_named_query(Name=f"q{i}", Database="analytics", QueryString=f"SELECT {i}",
                                     WorkGroup=group)["NamedQueryId"] for i in range(5)]
    in_primary = athena.create_named_query(Name="p", Database="analytics", QueryString="SELECT 0")["NamedQueryId"]

    seen, token, pages = [], None, 0
    while True:
        args = {"WorkGroup": group, "MaxResults": 2}
        if token:
            args["NextToken"] = token
        page = athena.list_named_queries(**args)
        seen += page["NamedQueryIds"]
        pages += 1
        token = page.get("NextToken")
        if not token:
            break
    assert seen == ids and pages == 3
    assert athena.list_named_queries()["NamedQueryIds"] == [in_primary]
    paginated = [i for page in athena.get_paginator("list_named_queries").paginate(WorkGroup=group)
                 for i in page["NamedQueryIds"]]
    assert paginated == ids
    assert athena.get_named_query(NamedQueryId=ids[0])["NamedQuery"]["WorkGroup"] == group


def test_named_queries_need_an_existing_work_group(lake):
    athena = lake.athena
    code, message = error_of(athena.create_named_query, Name="q", Database="d", QueryString="SELECT 1",
                             WorkGroup="no-such-group")
    assert (code, message) == ("InvalidRequestException", "WorkGroup no-such-group is not found.")
    assert error_of(athena.list_named_queries, WorkGroup="no-such-group")[0] == "InvalidRequestException"
    assert error_of(athena.list_named_queries, NextToken="bogus")[0] == "InvalidRequestException"


def test_create_named_query_checks_lengths(lake):
    athena = lake.athena
    with pytest.raises(ClientError):
        athena.create_named_query(Name="n" * 129, Database="d", QueryString="SELECT 1")
    with pytest.raises(ClientError):
        athena.create_named_query(Name="n", Database="d" * 256, QueryString="SELECT 1")
    assert athena.list_named_queries()["NamedQueryIds"] == []


def test_batch_get_named_query_lists_unknown_ids_as_unprocessed(lake):
    athena = lake.athena
    qid = athena.create_named_query(Name="q", Database="analytics", QueryString="SELECT 1")["NamedQueryId"]
    batch = athena.batch_get_named_query(NamedQueryIds=[qid, "missing-id"])
    assert [q["NamedQueryId"] for q in batch["NamedQueries"]] == [qid]
    assert batch["UnprocessedNamedQueryIds"] == [
        {"NamedQueryId": "missing-id", "ErrorCode": "INVALID_INPUT",
         "ErrorMessage": "NamedQuery missing-id was not found"}]


def test_a_named_querys_query_string_runs_in_its_database(lake):
    qid = lake.athena.create_named_query(
        Name="january", Database="analytics",
        QueryString="SELECT COUNT(*) AS n FROM purchases WHERE year = 2024 AND month = 1")["NamedQueryId"]
    named = lake.athena.get_named_query(NamedQueryId=qid)["NamedQuery"]
    execution = lake.run(named["QueryString"], database=named["Database"], WorkGroup=named["WorkGroup"])
    assert execution["Status"]["State"] == "SUCCEEDED", execution["Status"]
    assert lake.rows(execution["QueryExecutionId"]) == [["n"], ["500"]]


# --- prepared statements through the API ------------------------------------------------------

def test_prepared_statement_is_created_read_updated_and_deleted(lake):
    athena = lake.athena
    athena.create_prepared_statement(StatementName="by_month", WorkGroup="primary",
                                     QueryStatement="SELECT * FROM purchases WHERE month = ?", Description="d1")
    statement = athena.get_prepared_statement(StatementName="by_month", WorkGroup="primary")["PreparedStatement"]
    assert statement["StatementName"] == "by_month" and statement["WorkGroupName"] == "primary"
    assert statement["QueryStatement"] == "SELECT * FROM purchases WHERE month = ?"
    assert statement["Description"] == "d1"
    assert isinstance(statement["LastModifiedTime"], datetime.datetime)

    code, message = error_of(athena.create_prepared_statement, StatementName="by_month", WorkGroup="primary",
                             QueryStatement="SELECT 1")
    assert code == "InvalidRequestException" and "by_month" in message

    athena.update_prepared_statement(StatementName="by_month", WorkGroup="primary", QueryStatement="SELECT ?")
    statement = athena.get_prepared_statement(StatementName="by_month", WorkGroup="primary")["PreparedStatement"]
    assert statement["QueryStatement"] == "SELECT ?" and statement["Description"] == "d1"

    athena.delete_prepared_statement(StatementName="by_month", WorkGroup="primary")
    for call, extra in ((athena.get_prepared_statement, {}), (athena.delete_prepared_statement, {}),
                        (athena.update_prepared_statement, {"QueryStatement": "SELECT 1"})):
        code, message = error_of(call, StatementName="by_month", WorkGroup="primary", **extra)
        assert code == "ResourceNotFoundException" and "by_month" in message


def test_prepared_statements_belong_to_their_work_group(lake):
    athena = lake.athena
    group = work_group(lake)
    athena.create_prepared_statement(StatementName="mine", WorkGroup=group, QueryStatement="SELECT 1")
    assert error_of(athena.get_prepared_statement, StatementName="mine",
                    WorkGroup="primary")[0] == "ResourceNotFoundException"
    # The same name in another group is another statement.
    athena.create_prepared_statement(StatementName="mine", WorkGroup="primary", QueryStatement="SELECT 2")
    assert athena.get_prepared_statement(StatementName="mine", WorkGroup=group)["PreparedStatement"][
        "QueryStatement"] == "SELECT 1"
    code, message = error_of(athena.create_prepared_statement, StatementName="mine", WorkGroup="no-such-group",
                             QueryStatement="SELECT 1")
    assert (code, message) == ("InvalidRequestException", "WorkGroup no-such-group is not found.")


@pytest.mark.parametrize("name", ["1starts_with_digit", "has-dash", "x"])
def test_prepared_statement_names_follow_the_pattern(lake, name):
    code, message = error_of(lake.athena.create_prepared_statement, StatementName=name, WorkGroup="primary",
                             QueryStatement="SELECT 1")
    assert code == "InvalidRequestException"
    assert "[a-zA-Z_][a-zA-Z0-9_@:]{1,256}" in message


def test_list_prepared_statements_pages_in_name_order(lake):
    athena = lake.athena
    group = work_group(lake)
    names = [f"stmt_{c}" for c in "edcba"]
    for name in names:
        athena.create_prepared_statement(StatementName=name, WorkGroup=group, QueryStatement="SELECT 1")
    seen, token = [], None
    while True:
        args = {"WorkGroup": group, "MaxResults": 2}
        if token:
            args["NextToken"] = token
        page = athena.list_prepared_statements(**args)
        assert len(page["PreparedStatements"]) <= 2
        assert all(isinstance(s["LastModifiedTime"], datetime.datetime) for s in page["PreparedStatements"])
        seen += [s["StatementName"] for s in page["PreparedStatements"]]
        token = page.get("NextToken")
        if not token:
            break
    assert seen == sorted(names)
    assert athena.list_prepared_statements(WorkGroup="primary")["PreparedStatements"] == []
    assert error_of(athena.list_prepared_statements, WorkGroup="no-such-group")[0] == "InvalidRequestException"


def test_batch_get_prepared_statement_lists_missing_names_as_unprocessed(lake):
    athena = lake.athena
    athena.create_prepared_statement(StatementName="here", WorkGroup="primary", QueryStatement="SELECT 1")
    batch = athena.batch_get_prepared_statement(PreparedStatementNames=["here", "gone", "bad-name"],
                                                WorkGroup="primary")
    assert [s["StatementName"] for s in batch["PreparedStatements"]] == ["here"]
    unprocessed = {u["StatementName"]: u["ErrorCode"] for u in batch["UnprocessedPreparedStatementNames"]}
    assert unprocessed == {"gone": "STATEMENT_NOT_FOUND", "bad-name": "INVALID_INPUT"}


# --- PREPARE / EXECUTE / DEALLOCATE PREPARE ---------------------------------------------------

def test_prepare_execute_using_and_deallocate_through_sql(lake):
    prepared = lake.run("PREPARE month_count FROM SELECT COUNT(*) AS n, MIN(year) AS y FROM purchases "
                        "WHERE year = ? AND month = ?", database="analytics")
    assert prepared["Status"]["State"] == "SUCCEEDED", prepared["Status"]
    assert prepared["StatementType"] == "DDL"
    stored = lake.athena.get_prepared_statement(StatementName="month_count", WorkGroup="primary")
    assert stored["PreparedStatement"]["QueryStatement"] == (
        "SELECT COUNT(*) AS n, MIN(year) AS y FROM purchases WHERE year = ? AND month = ?")

    executed = lake.run("EXECUTE month_count USING 2023, 12", database="analytics")
    assert executed["Status"]["State"] == "SUCCEEDED", executed["Status"]
    assert executed["StatementType"] == "DML"
    assert lake.rows(executed["QueryExecutionId"]) == [["n", "y"], ["500", "2023"]]

    # PREPARE again replaces the statement.
    lake.run("PREPARE month_count FROM SELECT ? AS only", database="analytics")
    executed = lake.run("EXECUTE month_count USING 'again'", database="analytics")
    assert lake.rows(executed["QueryExecutionId"]) == [["only"], ["again"]]

    dropped = lake.run("DEALLOCATE PREPARE month_count")
    assert dropped["Status"]["State"] == "SUCCEEDED", dropped["Status"]
    assert error_of(lake.athena.get_prepared_statement, StatementName="month_count",
                    WorkGroup="primary")[0] == "ResourceNotFoundException"
    failed = lake.run("EXECUTE month_count USING 1")
    assert failed["Status"]["State"] == "FAILED"
    assert "month_count" in failed["Status"]["StateChangeReason"]
    assert failed["Status"]["AthenaError"]["ErrorCategory"] == 2
    failed = lake.run("DEALLOCATE PREPARE month_count")
    assert failed["Status"]["State"] == "FAILED" and "month_count" in failed["Status"]["StateChangeReason"]


def test_execute_runs_a_statement_created_through_the_api(lake):
    lake.athena.create_prepared_statement(
        StatementName="spend", WorkGroup="primary",
        QueryStatement="SELECT user_id, amount FROM analytics.purchases WHERE year = ? AND month = ? "
                       "AND item = ? ORDER BY amount DESC, user_id LIMIT 1")
    executed = lake.run("EXECUTE spend USING 2024, 2, 'item-3'")
    assert executed["Status"]["State"] == "SUCCEEDED", executed["Status"]
    direct = lake.run("SELECT user_id, amount FROM analytics.purchases WHERE year = 2024 AND month = 2 "
                      "AND item = 'item-3' ORDER BY amount DESC, user_id LIMIT 1")
    assert lake.rows(executed["QueryExecutionId"]) == lake.rows(direct["QueryExecutionId"])


def test_execute_without_using_takes_the_execution_parameters(lake):
    lake.athena.create_prepared_statement(StatementName="two_values", WorkGroup="primary",
                                          QueryStatement="SELECT ? AS a, ? + 1 AS b, '?' AS literal")
    executed = lake.run("EXECUTE two_values", ExecutionParameters=["'text'", "41"])
    assert executed["Status"]["State"] == "SUCCEEDED", executed["Status"]
    assert lake.rows(executed["QueryExecutionId"]) == [["a", "b", "literal"], ["text", "42", "?"]]


def test_execute_with_the_wrong_number_of_values_fails(lake):
    lake.athena.create_prepared_statement(StatementName="one_value", WorkGroup="primary",
                                          QueryStatement="SELECT ? AS a")
    failed = lake.run("EXECUTE one_value USING 1, 2")
    assert failed["Status"]["State"] == "FAILED"
    assert "Incorrect number of parameters: expected 1 but found 2" in failed["Status"]["StateChangeReason"]
    failed = lake.run("EXECUTE one_value")
    assert "expected 1 but found 0" in failed["Status"]["StateChangeReason"]


def test_prepare_in_a_work_group_stores_the_statement_there(lake):
    group = work_group(lake)
    prepared = lake.athena.start_query_execution(QueryString="PREPARE grouped FROM SELECT ? AS v", WorkGroup=group)
    qid = prepared["QueryExecutionId"]
    execution = wait(lake, qid)
    assert execution["Status"]["State"] == "SUCCEEDED", execution["Status"]
    assert lake.athena.get_prepared_statement(StatementName="grouped", WorkGroup=group)["PreparedStatement"]
    assert error_of(lake.athena.get_prepared_statement, StatementName="grouped",
                    WorkGroup="primary")[0] == "ResourceNotFoundException"
    executed = wait(lake, lake.athena.start_query_execution(QueryString="EXECUTE grouped USING 7",
                                                            WorkGroup=group)["QueryExecutionId"])
    assert executed["Status"]["State"] == "SUCCEEDED", executed["Status"]
    assert lake.rows(executed["QueryExecutionId"]) == [["v"], ["7"]]


def wait(lake, qid: str) -> dict:
    import time
    deadline = time.time() + 30
    while True:
        execution = lake.athena.get_query_execution(QueryExecutionId=qid)["QueryExecution"]
        if execution["Status"]["State"] not in ("QUEUED", "RUNNING"):
            return execution
        assert time.time() < deadline, execution
        time.sleep(0.02)


@pytest.mark.slow
def test_aws_cli_manages_prepared_statements_and_named_queries(lake, aws_cli):
    aws_cli("athena", "create-prepared-statement", "--statement-name", "cli_stmt", "--work-group", "primary",
            "--query-statement", "SELECT ?")
    got = aws_cli("athena", "get-prepared-statement", "--statement-name", "cli_stmt", "--work-group", "primary").json
    assert got["PreparedStatement"]["QueryStatement"] == "SELECT ?"
    listed = aws_cli("athena", "list-prepared-statements", "--work-group", "primary").json
    assert [s["StatementName"] for s in listed["PreparedStatements"]] == ["cli_stmt"]
    missing = aws_cli("athena", "get-prepared-statement", "--statement-name", "nope_stmt", "--work-group", "primary",
                      check=False)
    assert missing.returncode != 0 and "ResourceNotFoundException" in missing.stderr
    created = aws_cli("athena", "create-named-query", "--name", "cli query", "--database", "analytics",
                      "--query-string", "SELECT 1").json
    named = aws_cli("athena", "get-named-query", "--named-query-id", created["NamedQueryId"]).json
    assert named["NamedQuery"]["Name"] == "cli query"
    ids = aws_cli("athena", "list-named-queries").json["NamedQueryIds"]
    assert ids == [created["NamedQueryId"]]
