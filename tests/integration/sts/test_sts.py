"""STS through Debian's boto3 (query protocol) and the AWS CLI: identity, temporary credentials
that act in the role's account, their expiry on nimbus's clock, --auth verify, restarts."""

from __future__ import annotations

import base64
import json
import time

import pytest
import requests
from botocore.exceptions import ClientError

from conftest import AWS_CLI, cli_env, make_client, unique

ROLE_ACCOUNT = "111122223333"
ROLE_ARN = f"arn:aws:iam::{ROLE_ACCOUNT}:role/deploy/Builder"
FILE_KEY, FILE_SECRET, FILE_ACCOUNT = "AKIAFILEKEY000000001", "file-secret", "444455556666"


def error_of(err: ClientError) -> tuple[str, str]:
    return err.response["Error"]["Code"], err.response["Error"]["Message"]


def jwt(claims: dict) -> str:
    def part(obj):
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()
    return f"{part({'alg': 'RS256', 'typ': 'JWT'})}.{part(claims)}.c2lnbmF0dXJl"


@pytest.fixture
def sts(nimbus):
    return make_client(nimbus.endpoint, service="sts")


@pytest.fixture
def credentials_file(tmp_path):
    path = tmp_path / "credentials.json"
    path.write_text(json.dumps({"credentials": [
        {"access_key_id": FILE_KEY, "secret_access_key": FILE_SECRET, "account_id": FILE_ACCOUNT}]}))
    return path


def temporary_client(endpoint: str, credentials: dict, service: str = "sqs"):
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(
        service, region_name="us-east-1", endpoint_url=endpoint,
        aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"], config=Config(retries={"max_attempts": 1}))


# --- identity ------------------------------------------------------------------------------

def test_default_key_is_root_of_the_default_account(sts):
    identity = sts.get_caller_identity()
    assert identity["Account"] == "000000000000"
    assert identity["Arn"] == "arn:aws:iam::000000000000:root"
    assert identity["UserId"] == "000000000000"


def test_twelve_digit_key_is_that_account(nimbus):
    identity = make_client(nimbus.endpoint, access_key="210987654321", service="sts").get_caller_identity()
    assert identity["Account"] == "210987654321"
    assert identity["Arn"] == "arn:aws:iam::210987654321:root"


def test_credentials_file_key_is_its_account(server_factory, credentials_file):
    server = server_factory(["--memory", "--credentials", str(credentials_file)])
    sts = make_client(server.endpoint, access_key=FILE_KEY, secret_key=FILE_SECRET, service="sts")
    assert sts.get_caller_identity()["Account"] == FILE_ACCOUNT


def test_cli_get_caller_identity(nimbus):
    if not __import__("pathlib").Path(AWS_CLI).exists():
        pytest.skip("no AWS CLI")
    import subprocess
    proc = subprocess.run([AWS_CLI, "--endpoint-url", nimbus.endpoint, "--output", "json", "sts", "get-caller-identity"],
                          env=cli_env(access_key="123456789012"), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["Account"] == "123456789012"


@pytest.mark.parametrize("host", ["sts.amazonaws.com", "sts.eu-west-1.amazonaws.com"])
def test_global_and_regional_hosts_reach_sts(nimbus, host):
    response = requests.post(nimbus.endpoint + "/", data="Action=GetCallerIdentity&Version=2011-06-15",
                             headers={"Host": host, "Content-Type": "application/x-www-form-urlencoded"},
                             timeout=10)
    assert response.status_code == 200, response.text
    assert "<GetCallerIdentityResponse" in response.text and "<Account>000000000000</Account>" in response.text


def test_get_access_key_info_names_the_account(sts):
    assert sts.get_access_key_info(AccessKeyId="AKIAIOSFODNN7EXAMPLE")["Account"] == "000000000000"
    issued = sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="info")["Credentials"]["AccessKeyId"]
    assert sts.get_access_key_info(AccessKeyId=issued)["Account"] == ROLE_ACCOUNT


def test_decode_authorization_message_refuses_foreign_messages(sts):
    with pytest.raises(ClientError) as err:
        sts.decode_authorization_message(EncodedMessage="not-a-message-nimbus-produced")
    assert error_of(err.value)[0] == "InvalidAuthorizationMessageException"


# --- AssumeRole ----------------------------------------------------------------------------

def test_assume_role_issues_temporary_credentials(sts, nimbus):
    clock = json.loads(nimbus.http("GET", "/_nimbus/clock")[1])
    out = sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="ci-run")
    creds = out["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA") and len(creds["AccessKeyId"]) == 20
    assert creds["SecretAccessKey"] and creds["SessionToken"]
    expires = creds["Expiration"].timestamp()
    now = next(v for k, v in clock.items() if "now" in k and isinstance(v, (int, float)))
    now = now / 1000 if now > 1e11 else now
    assert abs(expires - (now + 3600)) < 60
    user = out["AssumedRoleUser"]
    assert user["Arn"] == f"arn:aws:sts::{ROLE_ACCOUNT}:assumed-role/Builder/ci-run"
    assert user["AssumedRoleId"].startswith("AROA") and user["AssumedRoleId"].endswith(":ci-run")
    assert "PackedPolicySize" not in out


def test_assume_role_with_policy_and_tags_reports_packed_size(sts):
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}]})
    out = sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="tagged", Policy=policy, ExternalId="ext-123",
                          DurationSeconds=900, Tags=[{"Key": "team", "Value": "infra"}])
    assert 0 < out["PackedPolicySize"] <= 100


@pytest.mark.parametrize("seconds,constraint", [
    (899, "Member must have value greater than or equal to 900"),
    (43201, "Member must have value less than or equal to 43200"),
])
def test_assume_role_duration_out_of_range_is_validation_error(nimbus, seconds, constraint):
    import boto3
    from botocore.config import Config

    sts = boto3.session.Session().client(  # botocore would refuse 899 itself
        "sts", region_name="us-east-1", endpoint_url=nimbus.endpoint, aws_access_key_id="test",
        aws_secret_access_key="test", config=Config(parameter_validation=False, retries={"max_attempts": 1}))
    with pytest.raises(ClientError) as err:
        sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="s1", DurationSeconds=seconds)
    code, message = error_of(err.value)
    assert code == "ValidationError"
    assert message == (f"1 validation error detected: Value '{seconds}' at 'durationSeconds' failed to satisfy "
                       f"constraint: {constraint}")


def test_assume_role_bad_session_name_and_role_arn(sts):
    with pytest.raises(ClientError) as err:
        sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="has space")
    assert error_of(err.value)[0] == "ValidationError"
    assert "roleSessionName" in error_of(err.value)[1]
    with pytest.raises(ClientError) as err:
        sts.assume_role(RoleArn="arn:aws:iam::123456789012:user/bob", RoleSessionName="s1")
    assert error_of(err.value)[0] == "ValidationError"
    with pytest.raises(ClientError) as err:
        sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="s1", Policy="{not json")
    assert error_of(err.value)[0] == "MalformedPolicyDocument"


def test_temporary_credentials_act_in_the_role_account(sts, nimbus):
    creds = sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="cross")["Credentials"]
    identity = temporary_client(nimbus.endpoint, creds, "sts").get_caller_identity()
    assert identity["Account"] == ROLE_ACCOUNT
    assert identity["Arn"] == f"arn:aws:sts::{ROLE_ACCOUNT}:assumed-role/Builder/cross"
    assert identity["UserId"].endswith(":cross")

    name = unique("cross")
    url = temporary_client(nimbus.endpoint, creds).create_queue(QueueName=name)["QueueUrl"]
    assert f"/{ROLE_ACCOUNT}/{name}" in url
    own = make_client(nimbus.endpoint, access_key=ROLE_ACCOUNT).list_queues().get("QueueUrls", [])
    assert any(u.endswith(f"/{ROLE_ACCOUNT}/{name}") for u in own)
    default = make_client(nimbus.endpoint).list_queues().get("QueueUrls", [])
    assert not any(u.endswith(f"/{name}") for u in default)


def test_get_session_token_acts_as_the_caller(nimbus):
    sts = make_client(nimbus.endpoint, access_key="555566667777", service="sts")
    creds = sts.get_session_token(DurationSeconds=900)["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA")
    identity = temporary_client(nimbus.endpoint, creds, "sts").get_caller_identity()
    assert identity["Account"] == "555566667777"
    assert identity["Arn"] == "arn:aws:iam::555566667777:root"
    with pytest.raises(ClientError) as err:
        temporary_client(nimbus.endpoint, creds, "sts").get_session_token()
    assert error_of(err.value)[0] == "AccessDenied"


# --- AssumeRoleWithWebIdentity ------------------------------------------------------------

def test_web_identity_unsigned_with_a_jwt(nimbus):
    from botocore import UNSIGNED
    from botocore.config import Config
    import boto3

    sts = boto3.session.Session().client("sts", region_name="us-east-1", endpoint_url=nimbus.endpoint,
                                         config=Config(signature_version=UNSIGNED))
    token = jwt({"iss": "https://oidc.eks.us-east-1.amazonaws.com/id/ABC", "sub": "system:serviceaccount:ns:app",
                 "aud": "sts.amazonaws.com", "exp": int(time.time()) + 600})
    out = sts.assume_role_with_web_identity(RoleArn=ROLE_ARN, RoleSessionName="irsa", WebIdentityToken=token)
    assert out["Credentials"]["AccessKeyId"].startswith("ASIA")
    assert out["SubjectFromWebIdentityToken"] == "system:serviceaccount:ns:app"
    assert out["Audience"] == "sts.amazonaws.com"
    assert out["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ROLE_ACCOUNT}:assumed-role/Builder/irsa"

    with pytest.raises(ClientError) as err:
        sts.assume_role_with_web_identity(RoleArn=ROLE_ARN, RoleSessionName="irsa", WebIdentityToken="opaque-token")
    assert error_of(err.value)[0] == "InvalidIdentityToken"

    nimbus.advance_clock(700)
    with pytest.raises(ClientError) as err:
        sts.assume_role_with_web_identity(RoleArn=ROLE_ARN, RoleSessionName="irsa", WebIdentityToken=token)
    code, message = error_of(err.value)
    assert code == "ExpiredTokenException"
    assert message.startswith("Token expired: current date/time")


# --- --auth verify and restarts ------------------------------------------------------------

def test_verify_accepts_temporary_credentials_and_refuses_expired_ones(server_factory, credentials_file):
    server = server_factory(["--auth", "verify", "--credentials", str(credentials_file)])
    sts = make_client(server.endpoint, access_key=FILE_KEY, secret_key=FILE_SECRET, service="sts")
    creds = sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="verified", DurationSeconds=900)["Credentials"]
    sqs = temporary_client(server.endpoint, creds)
    name = unique("verified")
    assert f"/{ROLE_ACCOUNT}/{name}" in sqs.create_queue(QueueName=name)["QueueUrl"]

    wrong_token = dict(creds, SessionToken=creds["SessionToken"][:-4] + "AAAA")
    with pytest.raises(ClientError) as err:
        temporary_client(server.endpoint, wrong_token).list_queues()
    assert err.value.response["Error"]["Code"] == "InvalidClientTokenId"
    wrong_secret = dict(creds, SecretAccessKey="x" * 40)
    with pytest.raises(ClientError) as err:
        temporary_client(server.endpoint, wrong_secret).list_queues()
    assert err.value.response["Error"]["Code"] == "SignatureDoesNotMatch"

    server.advance_clock(901)
    with pytest.raises(ClientError) as err:
        sqs.list_queues()
    assert err.value.response["Error"]["Code"] == "ExpiredToken"
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    with pytest.raises(ClientError) as err:
        temporary_client(server.endpoint, creds, "sts").get_caller_identity()
    assert err.value.response["Error"]["Code"] == "ExpiredToken"


def test_issued_credentials_survive_a_restart(server_factory, credentials_file):
    server = server_factory(["--auth", "verify", "--credentials", str(credentials_file)])
    sts = make_client(server.endpoint, access_key=FILE_KEY, secret_key=FILE_SECRET, service="sts")
    creds = sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="durable")["Credentials"]
    server.restart(kill=True)
    identity = temporary_client(server.endpoint, creds, "sts").get_caller_identity()
    assert identity["Arn"].endswith(":assumed-role/Builder/durable")
