"""HTTP APIs' management API (apigatewayv2) through boto3: APIs, quick create, routes,
integrations, stages, deployments, authorizers, CORS, tags, and AWS's errors."""

from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError

from apigw_helpers import clients, unique


@pytest.fixture
def apigw(nimbus):
    return clients(nimbus)[0]


def error_of(call, *args, **kwargs):
    with pytest.raises(ClientError) as info:
        call(*args, **kwargs)
    return info.value.response


def test_an_api_is_created_read_listed_updated_and_deleted(apigw):
    name = unique("api")
    api = apigw.create_api(Name=name, ProtocolType="HTTP", Description="first", Tags={"team": "a"})
    assert re.fullmatch(r"[a-z0-9]{10}", api["ApiId"])
    assert api["ApiEndpoint"] == f"https://{api['ApiId']}.execute-api.us-east-1.amazonaws.com"
    assert api["RouteSelectionExpression"] == "${request.method} ${request.path}"
    assert api["ApiKeySelectionExpression"] == "$request.header.x-api-key"
    assert api["DisableExecuteApiEndpoint"] is False and api["Tags"] == {"team": "a"}
    assert api["CreatedDate"].year >= 2024
    got = apigw.get_api(ApiId=api["ApiId"])
    assert got["Name"] == name and got["Description"] == "first"
    listed = apigw.get_apis()["Items"]
    assert [item["ApiId"] for item in listed] == [api["ApiId"]]
    updated = apigw.update_api(ApiId=api["ApiId"], Name=name + "-2", CorsConfiguration={"AllowOrigins": ["*"]})
    assert updated["Name"] == name + "-2" and updated["CorsConfiguration"] == {"AllowOrigins": ["*"]}
    apigw.delete_cors_configuration(ApiId=api["ApiId"])
    assert "CorsConfiguration" not in apigw.get_api(ApiId=api["ApiId"])
    apigw.delete_api(ApiId=api["ApiId"])
    assert apigw.get_apis()["Items"] == []


def test_a_missing_api_is_a_not_found_naming_account_and_id(apigw):
    response = error_of(apigw.get_api, ApiId="abcdef1234")
    assert response["Error"]["Code"] == "NotFoundException"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert response["Error"]["Message"] == "Invalid API identifier specified 000000000000:abcdef1234"
    assert error_of(apigw.delete_api, ApiId="abcdef1234")["Error"]["Code"] == "NotFoundException"


def test_quick_create_makes_an_integration_a_route_and_an_auto_deployed_default_stage(apigw):
    target = "arn:aws:lambda:us-east-1:000000000000:function:quick"
    api = apigw.create_api(Name=unique("api"), ProtocolType="HTTP", Target=target, RouteKey="GET /hello")
    api_id = api["ApiId"]
    integrations = apigw.get_integrations(ApiId=api_id)["Items"]
    assert len(integrations) == 1
    integration = integrations[0]
    assert integration["IntegrationType"] == "AWS_PROXY" and integration["IntegrationUri"] == target
    assert integration["PayloadFormatVersion"] == "2.0" and integration["ApiGatewayManaged"] is True
    routes = apigw.get_routes(ApiId=api_id)["Items"]
    assert [(r["RouteKey"], r["Target"]) for r in routes] == [("GET /hello", "integrations/" + integration["IntegrationId"])]
    stage = apigw.get_stage(ApiId=api_id, StageName="$default")
    assert stage["AutoDeploy"] is True and stage["ApiGatewayManaged"] is True and stage["DeploymentId"]
    deployments = apigw.get_deployments(ApiId=api_id)["Items"]
    assert [d["DeploymentId"] for d in deployments] == [stage["DeploymentId"]]
    assert deployments[0]["AutoDeployed"] is True and deployments[0]["DeploymentStatus"] == "DEPLOYED"


def test_routes_are_created_read_updated_and_deleted(apigw):
    api_id = apigw.create_api(Name=unique("api"), ProtocolType="HTTP")["ApiId"]
    route = apigw.create_route(ApiId=api_id, RouteKey="GET /users/{id}")
    assert route["AuthorizationType"] == "NONE" and route["ApiKeyRequired"] is False
    assert apigw.get_route(ApiId=api_id, RouteId=route["RouteId"])["RouteKey"] == "GET /users/{id}"
    updated = apigw.update_route(ApiId=api_id, RouteId=route["RouteId"], RouteKey="ANY /{proxy+}")
    assert updated["RouteKey"] == "ANY /{proxy+}"
    apigw.create_route(ApiId=api_id, RouteKey="$default")
    assert sorted(r["RouteKey"] for r in apigw.get_routes(ApiId=api_id)["Items"]) == ["$default", "ANY /{proxy+}"]
    apigw.delete_route(ApiId=api_id, RouteId=route["RouteId"])
    response = error_of(apigw.get_route, ApiId=api_id, RouteId=route["RouteId"])
    assert response["Error"]["Code"] == "NotFoundException"
    assert response["Error"]["Message"] == "Invalid Route identifier specified " + route["RouteId"]


def test_a_duplicate_or_malformed_route_key_is_refused(apigw):
    api_id = apigw.create_api(Name=unique("api"), ProtocolType="HTTP")["ApiId"]
    apigw.create_route(ApiId=api_id, RouteKey="GET /a")
    assert error_of(apigw.create_route, ApiId=api_id, RouteKey="GET /a")["Error"]["Code"] == "ConflictException"
    assert error_of(apigw.create_route, ApiId=api_id, RouteKey="FETCH /a")["Error"]["Code"] == "BadRequestException"
    assert error_of(apigw.create_route, ApiId=api_id, RouteKey="GET /{a+}/b")["Error"]["Code"] == "BadRequestException"


def test_integrations_are_created_read_updated_and_deleted(apigw):
    api_id = apigw.create_api(Name=unique("api"), ProtocolType="HTTP")["ApiId"]
    integration = apigw.create_integration(ApiId=api_id, IntegrationType="AWS_PROXY", PayloadFormatVersion="2.0",
                                           IntegrationUri="arn:aws:lambda:us-east-1:000000000000:function:f")
    assert integration["IntegrationMethod"] == "POST" and integration["ConnectionType"] == "INTERNET"
    assert integration["TimeoutInMillis"] == 30000
    got = apigw.get_integration(ApiId=api_id, IntegrationId=integration["IntegrationId"])
    assert got["PayloadFormatVersion"] == "2.0"
    updated = apigw.update_integration(ApiId=api_id, IntegrationId=integration["IntegrationId"],
                                       PayloadFormatVersion="1.0")
    assert updated["PayloadFormatVersion"] == "1.0"
    http = apigw.create_integration(ApiId=api_id, IntegrationType="HTTP_PROXY", IntegrationMethod="GET",
                                    IntegrationUri="http://example.com/{proxy}", PayloadFormatVersion="1.0")
    assert len(apigw.get_integrations(ApiId=api_id)["Items"]) == 2
    apigw.delete_integration(ApiId=api_id, IntegrationId=http["IntegrationId"])
    response = error_of(apigw.get_integration, ApiId=api_id, IntegrationId=http["IntegrationId"])
    assert response["Error"]["Message"] == "Invalid Integration identifier specified " + http["IntegrationId"]


def test_stages_and_deployments(apigw):
    api_id = apigw.create_api(Name=unique("api"), ProtocolType="HTTP")["ApiId"]
    stage = apigw.create_stage(ApiId=api_id, StageName="prod", StageVariables={"color": "blue"})
    assert stage["StageName"] == "prod" and stage["StageVariables"] == {"color": "blue"}
    assert "DeploymentId" not in stage
    deployment = apigw.create_deployment(ApiId=api_id, StageName="prod", Description="v1")
    assert deployment["DeploymentStatus"] == "DEPLOYED" and deployment["AutoDeployed"] is False
    assert apigw.get_stage(ApiId=api_id, StageName="prod")["DeploymentId"] == deployment["DeploymentId"]
    assert apigw.get_deployment(ApiId=api_id, DeploymentId=deployment["DeploymentId"])["Description"] == "v1"
    in_use = error_of(apigw.delete_deployment, ApiId=api_id, DeploymentId=deployment["DeploymentId"])
    assert in_use["Error"]["Code"] == "BadRequestException"
    updated = apigw.update_stage(ApiId=api_id, StageName="prod", StageVariables={"color": "red"}, AutoDeploy=True)
    assert updated["StageVariables"] == {"color": "red"} and updated["DeploymentId"] != deployment["DeploymentId"]
    apigw.delete_deployment(ApiId=api_id, DeploymentId=deployment["DeploymentId"])
    assert error_of(apigw.create_stage, ApiId=api_id, StageName="prod")["Error"]["Code"] == "ConflictException"
    assert [s["StageName"] for s in apigw.get_stages(ApiId=api_id)["Items"]] == ["prod"]
    apigw.delete_stage(ApiId=api_id, StageName="prod")
    response = error_of(apigw.get_stage, ApiId=api_id, StageName="prod")
    assert response["Error"]["Code"] == "NotFoundException"
    assert response["Error"]["Message"] == "Invalid stage identifier specified"


def test_authorizers_are_created_read_updated_and_deleted(apigw):
    api_id = apigw.create_api(Name=unique("api"), ProtocolType="HTTP")["ApiId"]
    jwt = apigw.create_authorizer(ApiId=api_id, Name="jwt", AuthorizerType="JWT",
                                  IdentitySource=["$request.header.Authorization"],
                                  JwtConfiguration={"Issuer": "https://issuer.example", "Audience": ["app"]})
    assert jwt["JwtConfiguration"] == {"Issuer": "https://issuer.example", "Audience": ["app"]}
    lam = apigw.create_authorizer(ApiId=api_id, Name="lam", AuthorizerType="REQUEST",
                                  AuthorizerUri="arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
                                                "arn:aws:lambda:us-east-1:000000000000:function:auth/invocations",
                                  AuthorizerPayloadFormatVersion="2.0", EnableSimpleResponses=True,
                                  IdentitySource=["$request.header.x-token"], AuthorizerResultTtlInSeconds=60)
    assert lam["EnableSimpleResponses"] is True and lam["AuthorizerResultTtlInSeconds"] == 60
    assert len(apigw.get_authorizers(ApiId=api_id)["Items"]) == 2
    route = apigw.create_route(ApiId=api_id, RouteKey="GET /x", AuthorizationType="JWT", AuthorizerId=jwt["AuthorizerId"],
                               AuthorizationScopes=["read"])
    assert route["AuthorizerId"] == jwt["AuthorizerId"] and route["AuthorizationScopes"] == ["read"]
    assert apigw.update_authorizer(ApiId=api_id, AuthorizerId=lam["AuthorizerId"], Name="lam2")["Name"] == "lam2"
    apigw.delete_authorizer(ApiId=api_id, AuthorizerId=lam["AuthorizerId"])
    response = error_of(apigw.get_authorizer, ApiId=api_id, AuthorizerId=lam["AuthorizerId"])
    assert response["Error"]["Message"] == "Invalid Authorizer identifier specified " + lam["AuthorizerId"]


def test_tags_on_apis_and_stages(apigw):
    api_id = apigw.create_api(Name=unique("api"), ProtocolType="HTTP", Tags={"a": "1"})["ApiId"]
    apigw.create_stage(ApiId=api_id, StageName="dev")
    arn = f"arn:aws:apigateway:us-east-1::/apis/{api_id}"
    apigw.tag_resource(ResourceArn=arn, Tags={"b": "2"})
    assert apigw.get_tags(ResourceArn=arn)["Tags"] == {"a": "1", "b": "2"}
    apigw.untag_resource(ResourceArn=arn, TagKeys=["a"])
    assert apigw.get_tags(ResourceArn=arn)["Tags"] == {"b": "2"}
    stage_arn = arn + "/stages/dev"
    apigw.tag_resource(ResourceArn=stage_arn, Tags={"s": "x"})
    assert apigw.get_stage(ApiId=api_id, StageName="dev")["Tags"] == {"s": "x"}
    assert error_of(apigw.get_tags, ResourceArn=f"arn:aws:apigateway:us-east-1::/apis/nope000000")["Error"]["Code"] == \
        "NotFoundException"


def test_the_aws_cli_creates_and_lists_apis(aws_cli):
    created = aws_cli("apigatewayv2", "create-api", "--name", "cli-api", "--protocol-type", "HTTP").json
    listed = aws_cli("apigatewayv2", "get-apis").json
    assert [item["ApiId"] for item in listed["Items"]] == [created["ApiId"]]
    missing = aws_cli("apigatewayv2", "get-api", "--api-id", "zzzzzzzzzz", check=False)
    assert missing.returncode != 0 and "NotFoundException" in missing.stderr
