"""Lambda layers through Debian's boto3: PublishLayerVersion (zip or S3), Get/GetByArn/List/Delete,
ListLayers with filters, layer version permissions, and layers on functions: checked when named,
merged in order under /opt when the function runs (a Node.js handler requires a module from
/opt/nodejs/node_modules, a Python handler imports one from /opt/python; a later layer's file
wins), with AWS's errors."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest

from conftest import make_client, unique
from lambda_control_helpers import ACCOUNT, REGION, error_of, invoke_json, lambda_client, make_function, zip_bytes


@pytest.fixture
def lam(nimbus):
    return lambda_client(nimbus)


def layer_arn(name: str) -> str:
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:layer:{name}"


def greeting_layer(word: str) -> bytes:
    return zip_bytes({
        "nodejs/node_modules/greet/index.js": f"module.exports = (who) => '{word} ' + who;\n",
        "python/greet.py": f"def greet(who):\n    return '{word} ' + who\n",
        f"extra-{word}.txt": word,
    })


def test_publish_and_get_layer_version(lam):
    name = unique("layer")
    content = greeting_layer("hello")
    published = lam.publish_layer_version(LayerName=name, Description="greetings", Content={"ZipFile": content},
                                          CompatibleRuntimes=["nodejs20.x", "python3.12"],
                                          CompatibleArchitectures=["x86_64"], LicenseInfo="MIT")
    assert published["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert published["LayerArn"] == layer_arn(name)
    assert published["LayerVersionArn"] == layer_arn(name) + ":1"
    assert published["Version"] == 1
    assert published["Content"]["CodeSha256"] == base64.b64encode(hashlib.sha256(content).digest()).decode()
    assert published["Content"]["CodeSize"] == len(content)
    assert published["Content"]["Location"]
    assert published["CreatedDate"].endswith("+0000")
    assert (published["CompatibleRuntimes"], published["LicenseInfo"]) == (["nodejs20.x", "python3.12"], "MIT")
    second = lam.publish_layer_version(LayerName=name, Content={"ZipFile": content})
    assert second["Version"] == 2 and second["Description"] == ""
    got = lam.get_layer_version(LayerName=name, VersionNumber=1)
    assert got["Description"] == "greetings" and got["Content"]["CodeSize"] == len(content)
    assert lam.get_layer_version(LayerName=layer_arn(name), VersionNumber=2)["Version"] == 2
    by_arn = lam.get_layer_version_by_arn(Arn=layer_arn(name) + ":1")
    assert by_arn["LayerVersionArn"] == layer_arn(name) + ":1"


def test_publish_layer_from_s3(nimbus, lam):
    s3 = make_client(nimbus.endpoint, service="s3")
    bucket = unique("layers")
    s3.create_bucket(Bucket=bucket)
    content = greeting_layer("s3")
    s3.put_object(Bucket=bucket, Key="layer.zip", Body=content)
    published = lam.publish_layer_version(LayerName=unique("layer"), Content={"S3Bucket": bucket, "S3Key": "layer.zip"})
    assert published["Content"]["CodeSize"] == len(content)


def test_layer_version_errors(nimbus, lam):
    code, message, status = error_of(lam.get_layer_version, LayerName="nothing", VersionNumber=1)
    assert (code, message, status) == ("ResourceNotFoundException", "The resource you requested does not exist.", 404)
    code, message, status = error_of(lam.get_layer_version_by_arn, Arn=layer_arn("nothing") + ":3")
    assert (code, status) == ("ResourceNotFoundException", 404)
    code, message, status = error_of(lam.get_layer_version_by_arn, Arn=layer_arn("nothing"))
    assert (code, status) == ("ValidationException", 400)
    assert "at 'arn' failed to satisfy constraint" in message
    raw = lambda_client(nimbus, validate=False)
    code, message, status = error_of(raw.get_layer_version, LayerName="x", VersionNumber=0)
    assert (code, message, status) == ("InvalidParameterValueException", "Layer Version Cannot be less than 1", 400)
    code, message, status = error_of(lam.publish_layer_version, LayerName="x", Content={"ZipFile": b"not a zip"})
    assert (code, status) == ("InvalidParameterValueException", 400)


def test_list_layer_versions_and_layers_with_filters(lam):
    name, other = unique("layer"), unique("layer")
    lam.publish_layer_version(LayerName=name, Content={"ZipFile": greeting_layer("a")}, CompatibleRuntimes=["python3.12"])
    lam.publish_layer_version(LayerName=name, Content={"ZipFile": greeting_layer("b")}, CompatibleRuntimes=["nodejs20.x"])
    lam.publish_layer_version(LayerName=other, Content={"ZipFile": greeting_layer("c")},
                              CompatibleArchitectures=["arm64"])
    versions = lam.list_layer_versions(LayerName=name)["LayerVersions"]
    assert [v["Version"] for v in versions] == [2, 1]
    assert "Content" not in versions[0] and "LayerArn" not in versions[0]
    assert [v["Version"] for v in lam.list_layer_versions(LayerName=name, CompatibleRuntime="python3.12")["LayerVersions"]] == [1]
    page = lam.list_layer_versions(LayerName=name, MaxItems=1)
    assert len(page["LayerVersions"]) == 1 and page["NextMarker"]
    assert lam.list_layer_versions(LayerName="never-published")["LayerVersions"] == []
    layers = {l["LayerName"]: l for l in lam.list_layers()["Layers"]}
    assert layers[name]["LatestMatchingVersion"]["Version"] == 2
    assert layers[name]["LayerArn"] == layer_arn(name)
    python = {l["LayerName"]: l for l in lam.list_layers(CompatibleRuntime="python3.12")["Layers"]}
    assert set(python) == {name} and python[name]["LatestMatchingVersion"]["Version"] == 1
    arm = {l["LayerName"] for l in lam.list_layers(CompatibleArchitecture="arm64")["Layers"]}
    assert arm == {other}


def test_delete_layer_version(lam):
    name = unique("layer")
    lam.publish_layer_version(LayerName=name, Content={"ZipFile": greeting_layer("a")})
    lam.publish_layer_version(LayerName=name, Content={"ZipFile": greeting_layer("b")})
    assert lam.delete_layer_version(LayerName=name, VersionNumber=1)["ResponseMetadata"]["HTTPStatusCode"] == 204
    lam.delete_layer_version(LayerName=name, VersionNumber=1)  # twice: still fine
    assert [v["Version"] for v in lam.list_layer_versions(LayerName=name)["LayerVersions"]] == [2]
    code, _, _ = error_of(lam.get_layer_version, LayerName=name, VersionNumber=1)
    assert code == "ResourceNotFoundException"
    # Version numbers are never reused.
    assert lam.publish_layer_version(LayerName=name, Content={"ZipFile": greeting_layer("c")})["Version"] == 3


def test_layer_version_permissions(lam):
    name = unique("layer")
    lam.publish_layer_version(LayerName=name, Content={"ZipFile": greeting_layer("a")})
    code, message, status = error_of(lam.get_layer_version_policy, LayerName=name, VersionNumber=1)
    assert (code, message, status) == ("ResourceNotFoundException", "No policy is associated with the given resource.", 404)
    added = lam.add_layer_version_permission(LayerName=name, VersionNumber=1, StatementId="share",
                                             Action="lambda:GetLayerVersion", Principal="111122223333")
    assert added["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert added["Statement"] == ('{"Sid":"share","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},'
                                  f'"Action":"lambda:GetLayerVersion","Resource":"{layer_arn(name)}:1"}}')
    org = lam.add_layer_version_permission(LayerName=name, VersionNumber=1, StatementId="org", Principal="*",
                                           Action="lambda:GetLayerVersion", OrganizationId="o-abcdefghij",
                                           RevisionId=added["RevisionId"])
    assert json.loads(org["Statement"])["Condition"] == {"StringEquals": {"aws:PrincipalOrgID": "o-abcdefghij"}}
    policy = lam.get_layer_version_policy(LayerName=name, VersionNumber=1)
    assert policy["RevisionId"] == org["RevisionId"]
    assert policy["Policy"] == ('{"Version":"2012-10-17","Id":"default","Statement":[' + added["Statement"] + ","
                                + org["Statement"] + "]}")
    code, message, status = error_of(lam.add_layer_version_permission, LayerName=name, VersionNumber=1,
                                     StatementId="share", Action="lambda:GetLayerVersion", Principal="*")
    assert (code, status) == ("ResourceConflictException", 409)
    code, _, status = error_of(lam.add_layer_version_permission, LayerName=name, VersionNumber=1, StatementId="x",
                               Action="lambda:GetLayerVersion", Principal="*", RevisionId=added["RevisionId"])
    assert (code, status) == ("PreconditionFailedException", 412)
    code, message, _ = error_of(lam.add_layer_version_permission, LayerName=name, VersionNumber=1, StatementId="x",
                                Action="lambda:InvokeFunction", Principal="*")
    assert code == "ValidationException" and "at 'action'" in message
    code, message, status = error_of(lam.add_layer_version_permission, LayerName=name, VersionNumber=9, StatementId="x",
                                     Action="lambda:GetLayerVersion", Principal="*")
    assert (code, message, status) == ("ResourceNotFoundException", f"Layer version {layer_arn(name)}:9 does not exist.", 404)
    lam.remove_layer_version_permission(LayerName=name, VersionNumber=1, StatementId="share")
    code, message, _ = error_of(lam.remove_layer_version_permission, LayerName=name, VersionNumber=1, StatementId="share")
    assert (code, message) == ("ResourceNotFoundException", "Statement share is not found in resource policy.")
    assert "share" not in lam.get_layer_version_policy(LayerName=name, VersionNumber=1)["Policy"]


def test_function_layers_are_checked(lam):
    name = unique("layer")
    version = lam.publish_layer_version(LayerName=name, Content={"ZipFile": greeting_layer("a")})
    function = unique("fn")
    created = make_function(lam, function, Layers=[version["LayerVersionArn"]])
    assert created["Layers"] == [{"Arn": version["LayerVersionArn"], "CodeSize": version["Content"]["CodeSize"]}]
    missing = layer_arn(name) + ":7"
    code, message, status = error_of(lam.update_function_configuration, FunctionName=function, Layers=[missing])
    assert (code, message, status) == ("InvalidParameterValueException", f"Layer version {missing} does not exist.", 400)
    second = lam.publish_layer_version(LayerName=name, Content={"ZipFile": greeting_layer("b")})
    code, message, _ = error_of(lam.update_function_configuration, FunctionName=function,
                                Layers=[version["LayerVersionArn"], second["LayerVersionArn"]])
    assert code == "InvalidParameterValueException"
    assert message.startswith("Two different versions of the same layer are not allowed")
    many = [lam.publish_layer_version(LayerName=unique("layer"), Content={"ZipFile": greeting_layer("m")})["LayerVersionArn"]
            for _ in range(6)]
    code, message, _ = error_of(lam.update_function_configuration, FunctionName=function, Layers=many)
    assert (code, message) == ("InvalidParameterValueException", "Cannot reference more than 5 layers.")
    code, message, _ = error_of(lam.update_function_configuration, FunctionName=function, Layers=[layer_arn(name)])
    assert code == "ValidationException"
    lam.update_function_configuration(FunctionName=function, Layers=[])
    assert "Layers" not in lam.get_function_configuration(FunctionName=function) or \
        lam.get_function_configuration(FunctionName=function)["Layers"] == []


NODE_USES_LAYER = """
const greet = require('greet');
const fs = require('fs');
exports.handler = async () => ({ text: greet('node'), files: fs.readdirSync('/opt').sort() });
"""

PYTHON_USES_LAYER = """
import os
from greet import greet

def handler(event, context):
    return {"text": greet("python"), "files": sorted(os.listdir("/opt"))}
"""


def test_layers_merge_in_order_under_opt_for_node_and_python(lam):
    first = lam.publish_layer_version(LayerName=unique("layer"), Content={"ZipFile": greeting_layer("hello")})
    second = lam.publish_layer_version(LayerName=unique("layer"), Content={"ZipFile": greeting_layer("howdy")})
    node = unique("fn")
    make_function(lam, node, code=NODE_USES_LAYER, Layers=[first["LayerVersionArn"]])
    assert invoke_json(lam, node)[1] == {"text": "hello node", "files": ["extra-hello.txt", "nodejs", "python"]}
    # Both layers: the later one's module replaces the earlier one's; files of both are there.
    lam.update_function_configuration(FunctionName=node, Layers=[first["LayerVersionArn"], second["LayerVersionArn"]])
    response, body = invoke_json(lam, node)
    assert body == {"text": "howdy node", "files": ["extra-hello.txt", "extra-howdy.txt", "nodejs", "python"]}, response
    lam.update_function_configuration(FunctionName=node, Layers=[second["LayerVersionArn"], first["LayerVersionArn"]])
    assert invoke_json(lam, node)[1]["text"] == "hello node"

    python = unique("fn")
    make_function(lam, python, code=PYTHON_USES_LAYER, runtime="python3.12",
                  Layers=[first["LayerVersionArn"], second["LayerVersionArn"]])
    response, body = invoke_json(lam, python)
    assert body == {"text": "howdy python", "files": ["extra-hello.txt", "extra-howdy.txt", "nodejs", "python"]}, body


def test_function_keeps_a_deleted_layer_version(lam):
    layer = lam.publish_layer_version(LayerName=unique("layer"), Content={"ZipFile": greeting_layer("kept")})
    node = unique("fn")
    make_function(lam, node, code=NODE_USES_LAYER, Layers=[layer["LayerVersionArn"]])
    lam.delete_layer_version(LayerName=layer["LayerArn"], VersionNumber=1)
    lam.update_function_configuration(FunctionName=node, Timeout=9)  # a fresh environment
    assert invoke_json(lam, node)[1]["text"] == "kept node"


def test_provided_runtime_bootstrap_from_a_layer(lam):
    bootstrap = ("#!/bin/sh\n"
                 "while true; do\n"
                 "  HEADERS=$(mktemp)\n"
                 "  curl -s -D \"$HEADERS\" -o /tmp/event \"http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/invocation/next\"\n"
                 "  ID=$(grep -i Lambda-Runtime-Aws-Request-Id \"$HEADERS\" | tr -d '[:space:]' | cut -d: -f2)\n"
                 "  curl -s -X POST -d '\"from opt\"' \"http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/invocation/$ID/response\" >/dev/null\n"
                 "done\n")
    import io
    import zipfile
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("bootstrap")
        info.external_attr = 0o755 << 16
        info.create_system = 3
        archive.writestr(info, bootstrap)
    layer = lam.publish_layer_version(LayerName=unique("layer"), Content={"ZipFile": buffer.getvalue()})
    name = unique("fn")
    lam.create_function(FunctionName=name, Runtime="provided.al2023", Role="arn:aws:iam::000000000000:role/r",
                        Handler="x", Code={"ZipFile": zip_bytes({"readme.txt": "no bootstrap here"})},
                        Layers=[layer["LayerVersionArn"]])
    response, body = invoke_json(lam, name)
    assert body == "from opt", response
