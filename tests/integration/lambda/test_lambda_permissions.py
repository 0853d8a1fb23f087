"""Lambda function resource policies through Debian's boto3: AddPermission answers the statement
AWS builds (principal forms, conditions, qualified resources), GetPolicy the policy document and
RevisionId, RemovePermission, the errors of each, and Invoke by S3 refused until a statement with
a matching SourceArn allows it."""

from __future__ import annotations

import json
import time

import pytest

from conftest import make_client, unique
from lambda_control_helpers import ACCOUNT, error_of, function_arn, lambda_client, make_function


@pytest.fixture
def lam(nimbus):
    return lambda_client(nimbus)


def test_add_permission_answers_the_statement_aws_builds(lam):
    name = unique("fn")
    make_function(lam, name)
    response = lam.add_permission(FunctionName=name, StatementId="s3", Action="lambda:InvokeFunction",
                                  Principal="s3.amazonaws.com", SourceArn="arn:aws:s3:::my-bucket",
                                  SourceAccount=ACCOUNT)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert response["Statement"] == (
        '{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction",'
        f'"Resource":"{function_arn(name)}","Condition":{{"StringEquals":{{"AWS:SourceAccount":"{ACCOUNT}"}},'
        '"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::my-bucket"}}}')


def test_principal_forms(lam):
    name = unique("fn")
    make_function(lam, name)
    account = json.loads(lam.add_permission(FunctionName=name, StatementId="acct", Action="lambda:GetFunction",
                                            Principal="111122223333")["Statement"])
    assert account["Principal"] == {"AWS": "arn:aws:iam::111122223333:root"}
    role = "arn:aws:iam::111122223333:role/caller"
    assert json.loads(lam.add_permission(FunctionName=name, StatementId="role", Action="lambda:InvokeFunction",
                                         Principal=role)["Statement"])["Principal"] == {"AWS": role}
    anyone = json.loads(lam.add_permission(FunctionName=name, StatementId="url", Action="lambda:InvokeFunctionUrl",
                                           Principal="*", FunctionUrlAuthType="NONE")["Statement"])
    assert anyone["Principal"] == "*"
    assert anyone["Condition"] == {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}
    org = json.loads(lam.add_permission(FunctionName=name, StatementId="org", Action="lambda:InvokeFunction",
                                        Principal="*", PrincipalOrgID="o-abcdefghij")["Statement"])
    assert org["Condition"] == {"StringEquals": {"aws:PrincipalOrgID": "o-abcdefghij"}}
    code, message, status = error_of(lam.add_permission, FunctionName=name, StatementId="bad",
                                     Action="lambda:InvokeFunction", Principal="not a principal!")
    assert status == 400


def test_get_policy_document_and_revision(lam):
    name = unique("fn")
    make_function(lam, name)
    code, message, status = error_of(lam.get_policy, FunctionName=name)
    assert (code, message, status) == ("ResourceNotFoundException", "The resource you requested does not exist.", 404)
    before = lam.get_function_configuration(FunctionName=name)["RevisionId"]
    first = lam.add_permission(FunctionName=name, StatementId="one", Action="lambda:InvokeFunction",
                               Principal="sqs.amazonaws.com")["Statement"]
    second = lam.add_permission(FunctionName=name, StatementId="two", Action="lambda:InvokeFunction",
                                Principal="events.amazonaws.com")["Statement"]
    policy = lam.get_policy(FunctionName=name)
    assert policy["Policy"] == '{"Version":"2012-10-17","Id":"default","Statement":[' + first + "," + second + "]}"
    revision = lam.get_function_configuration(FunctionName=name)["RevisionId"]
    assert policy["RevisionId"] == revision != before


def test_statement_id_must_be_unique(lam):
    name = unique("fn")
    make_function(lam, name)
    lam.add_permission(FunctionName=name, StatementId="dup", Action="lambda:InvokeFunction", Principal="s3.amazonaws.com")
    code, message, status = error_of(lam.add_permission, FunctionName=name, StatementId="dup",
                                     Action="lambda:InvokeFunction", Principal="s3.amazonaws.com")
    assert (code, status) == ("ResourceConflictException", 409)
    assert message == ("The statement id (dup) provided already exists. Please provide a new statement id, "
                       "or remove the existing statement.")


def test_remove_permission(lam):
    name = unique("fn")
    make_function(lam, name)
    code, message, status = error_of(lam.remove_permission, FunctionName=name, StatementId="x")
    assert (code, status) == ("ResourceNotFoundException", 404)
    lam.add_permission(FunctionName=name, StatementId="keep", Action="lambda:InvokeFunction", Principal="s3.amazonaws.com")
    code, message, status = error_of(lam.remove_permission, FunctionName=name, StatementId="ghost")
    assert (code, message, status) == ("ResourceNotFoundException", "Statement ghost is not found in resource policy.", 404)
    assert lam.remove_permission(FunctionName=name, StatementId="keep")["ResponseMetadata"]["HTTPStatusCode"] == 204
    code, _, _ = error_of(lam.get_policy, FunctionName=name)
    assert code == "ResourceNotFoundException"


def test_permissions_per_qualifier(lam):
    name = unique("fn")
    make_function(lam, name)
    lam.publish_version(FunctionName=name)
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    statement = json.loads(lam.add_permission(FunctionName=name, Qualifier="live", StatementId="s",
                                              Action="lambda:InvokeFunction", Principal="s3.amazonaws.com")["Statement"])
    assert statement["Resource"] == function_arn(name, "live")
    # The same statement id may exist on another qualifier.
    lam.add_permission(FunctionName=function_arn(name, "1"), StatementId="s", Action="lambda:InvokeFunction",
                       Principal="s3.amazonaws.com")
    assert "live" in lam.get_policy(FunctionName=name, Qualifier="live")["Policy"]
    assert lam.get_policy(FunctionName=name, Qualifier="live")["RevisionId"] == lam.get_alias(FunctionName=name, Name="live")["RevisionId"]
    code, _, _ = error_of(lam.get_policy, FunctionName=name)
    assert code == "ResourceNotFoundException"
    code, message, status = error_of(lam.add_permission, FunctionName=name, Qualifier="$LATEST", StatementId="l",
                                     Action="lambda:InvokeFunction", Principal="s3.amazonaws.com")
    assert (code, message) == ("InvalidParameterValueException", "We currently do not support adding policies for $LATEST.")
    code, message, status = error_of(lam.add_permission, FunctionName=name, Qualifier="nope", StatementId="l",
                                     Action="lambda:InvokeFunction", Principal="s3.amazonaws.com")
    assert (code, message, status) == ("ResourceNotFoundException", f"Cannot find alias arn: {function_arn(name, 'nope')}", 404)
    code, message, status = error_of(lam.add_permission, FunctionName=name, Qualifier="9", StatementId="l",
                                     Action="lambda:InvokeFunction", Principal="s3.amazonaws.com")
    assert (code, message, status) == ("ResourceNotFoundException", f"Function not found: {function_arn(name, '9')}", 404)


def test_add_permission_errors(lam):
    code, message, status = error_of(lam.add_permission, FunctionName="missing", StatementId="a",
                                     Action="lambda:InvokeFunction", Principal="s3.amazonaws.com")
    assert (code, message, status) == ("ResourceNotFoundException", f"Function not found: {function_arn('missing')}", 404)
    name = unique("fn")
    make_function(lam, name)
    code, message, status = error_of(lam.add_permission, FunctionName=name, StatementId="a b",
                                     Action="lambda:InvokeFunction", Principal="s3.amazonaws.com")
    assert (code, status) == ("ValidationException", 400)
    assert "at 'statementId' failed to satisfy constraint" in message
    code, message, status = error_of(lam.add_permission, FunctionName=name, StatementId="a",
                                     Action="s3:GetObject", Principal="s3.amazonaws.com")
    assert (code, status) == ("ValidationException", 400)
    assert "at 'action' failed to satisfy constraint" in message
    code, message, status = error_of(lam.add_permission, FunctionName=name, StatementId="a", RevisionId="stale",
                                     Action="lambda:InvokeFunction", Principal="s3.amazonaws.com")
    assert (code, status) == ("PreconditionFailedException", 412)


def _wait_for(predicate, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_s3_notification_invokes_only_with_a_matching_source_arn(nimbus, lam):
    """S3 checks the policy names s3.amazonaws.com when the notification is set; Invoke checks the
    statement's SourceArn against the bucket the event comes from."""
    s3 = make_client(nimbus.endpoint, service="s3")
    name = unique("fn")
    code = "exports.handler = async (event) => { console.log('KEY', event.Records[0].s3.object.key); return 'ok'; };\n"
    make_function(lam, name, code=code)
    bucket = unique("bucket")
    s3.create_bucket(Bucket=bucket)
    lam.add_permission(FunctionName=name, StatementId="other-bucket", Action="lambda:InvokeFunction",
                       Principal="s3.amazonaws.com", SourceArn="arn:aws:s3:::some-other-bucket")
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={
        "LambdaFunctionConfigurations": [{"LambdaFunctionArn": function_arn(name), "Events": ["s3:ObjectCreated:*"]}]})
    logs = make_client(nimbus.endpoint, service="logs")

    def keys():
        try:
            events = logs.filter_log_events(logGroupName=f"/aws/lambda/{name}")["events"]
        except logs.exceptions.ResourceNotFoundException:
            return []
        return [e["message"] for e in events if "KEY" in e["message"]]

    s3.put_object(Bucket=bucket, Key="denied.txt", Body=b"x")
    time.sleep(1.5)
    assert keys() == []
    lam.add_permission(FunctionName=name, StatementId="this-bucket", Action="lambda:InvokeFunction",
                       Principal="s3.amazonaws.com", SourceArn=f"arn:aws:s3:::{bucket[:3]}*")
    s3.put_object(Bucket=bucket, Key="allowed.txt", Body=b"x")
    assert _wait_for(lambda: any("allowed.txt" in m for m in keys())), keys()
