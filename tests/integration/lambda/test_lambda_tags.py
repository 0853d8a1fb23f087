"""Lambda tags on function ARNs through Debian's boto3: TagResource merges, UntagResource removes,
ListTags answers them (also on GetFunction), with AWS's errors for qualified ARNs, missing
functions, malformed resources and the 50-tag limit."""

from __future__ import annotations

import pytest

from conftest import unique
from lambda_control_helpers import error_of, function_arn, lambda_client, make_function


@pytest.fixture
def lam(nimbus):
    return lambda_client(nimbus)


def test_tag_untag_list(lam):
    name = unique("fn")
    make_function(lam, name, Tags={"team": "a"})
    arn = function_arn(name)
    assert lam.list_tags(Resource=arn)["Tags"] == {"team": "a"}
    assert lam.tag_resource(Resource=arn, Tags={"env": "dev", "team": "b"})["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert lam.list_tags(Resource=arn)["Tags"] == {"team": "b", "env": "dev"}
    assert lam.get_function(FunctionName=name)["Tags"] == {"team": "b", "env": "dev"}
    assert lam.untag_resource(Resource=arn, TagKeys=["team", "absent"])["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert lam.list_tags(Resource=arn)["Tags"] == {"env": "dev"}


def test_tag_errors(lam):
    name = unique("fn")
    make_function(lam, name)
    code, message, status = error_of(lam.tag_resource, Resource=function_arn(name, "1"), Tags={"a": "b"})
    assert (code, status) == ("InvalidParameterValueException", 400)
    assert message.startswith("Tagging operations are permitted on Lambda functions only.")
    code, message, status = error_of(lam.list_tags, Resource=function_arn("missing"))
    assert (code, message, status) == ("ResourceNotFoundException", f"Function not found: {function_arn('missing')}", 404)
    code, message, status = error_of(lam.list_tags, Resource=name)
    assert (code, status) == ("ValidationException", 400)
    assert "at 'resource' failed to satisfy constraint" in message
    code, message, _ = error_of(lam.tag_resource, Resource=function_arn(name), Tags={f"k{i}": "v" for i in range(51)})
    assert (code, message) == ("InvalidParameterValueException", "Number of tags exceeds function tag limit.")
    lam.tag_resource(Resource=function_arn(name), Tags={f"k{i}": "v" for i in range(50)})
    code, _, _ = error_of(lam.tag_resource, Resource=function_arn(name), Tags={"one-more": "v"})
    assert code == "InvalidParameterValueException"
    assert len(lam.list_tags(Resource=function_arn(name))["Tags"]) == 50
