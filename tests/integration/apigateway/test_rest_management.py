"""REST APIs' management API (apigateway) through boto3: APIs, resources, methods, integrations
and their responses, deployments, stages, authorizers, models, request validators, gateway
responses, tags, the account, and AWS's errors (texts and status codes)."""

from __future__ import annotations

import json
import re

import pytest

from rest_helpers import (ACCOUNT, api_arn, apigateway, assert_error, deployed_api, error_of, mock_method, new_api,
                          root_of, unique)


@pytest.fixture
def apigw(nimbus):
    return apigateway(nimbus)


# --- REST APIs ---------------------------------------------------------------------------------

def test_a_rest_api_is_created_with_aws_defaults_read_and_deleted(apigw):
    name = unique("api")
    api = apigw.create_rest_api(name=name, description="first", tags={"team": "a"})
    assert api["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert re.fullmatch(r"[a-z0-9]{10}", api["id"])
    assert api["name"] == name and api["description"] == "first" and api["tags"] == {"team": "a"}
    assert api["apiKeySource"] == "HEADER" and api["disableExecuteApiEndpoint"] is False
    assert api["endpointConfiguration"]["types"] == ["EDGE"]
    assert api["createdDate"].year >= 2024
    got = apigw.get_rest_api(restApiId=api["id"])
    assert got["name"] == name and got["id"] == api["id"]
    resources = apigw.get_resources(restApiId=api["id"])["items"]
    assert [(r["path"], "parentId" in r) for r in resources] == [("/", False)]
    deleted = apigw.delete_rest_api(restApiId=api["id"])
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert_error(error_of(apigw.get_rest_api, restApiId=api["id"]), "NotFoundException", 404,
                 f"Invalid API identifier specified {ACCOUNT}:{api['id']}")


def test_create_rest_api_refuses_bad_settings(apigw):
    assert_error(error_of(apigw.create_rest_api, name=unique("api"), description=""), "BadRequestException", 400,
                 "Description cannot be an empty string")
    assert_error(error_of(apigw.create_rest_api, name=unique("api"), minimumCompressionSize=-1),
                 "BadRequestException", 400, "Invalid minimum compression size, must be between 0 and 10485760")
    # an enum value outside the model: a ValidationException, as AWS answers
    assert_error(error_of(apigw.create_rest_api, name=unique("api"), apiKeySource="QUERY"), "ValidationException", 400)
    regional = apigw.create_rest_api(name=unique("api"), endpointConfiguration={"types": ["REGIONAL"]})
    assert regional["endpointConfiguration"]["types"] == ["REGIONAL"]


def test_missing_apis_are_not_found_naming_account_and_id(apigw):
    for call in (apigw.get_rest_api, apigw.delete_rest_api, apigw.get_resources, apigw.get_stages,
                 apigw.get_deployments, apigw.get_authorizers, apigw.get_models, apigw.get_request_validators,
                 apigw.get_gateway_responses):
        assert_error(error_of(call, restApiId="nope123456"), "NotFoundException", 404,
                     f"Invalid API identifier specified {ACCOUNT}:nope123456")
    assert_error(error_of(apigw.update_rest_api, restApiId="nope123456",
                          patchOperations=[{"op": "replace", "path": "/name", "value": "x"}]),
                 "NotFoundException", 404, f"Invalid API identifier specified {ACCOUNT}:nope123456")


def test_rest_apis_page_with_limit_and_position(apigw):
    ids = [apigw.create_rest_api(name=unique("api"))["id"] for _ in range(5)]
    first = apigw.get_rest_apis(limit=2)
    assert len(first["items"]) == 2 and "position" in first
    seen = [item["id"] for item in first["items"]]
    position = first["position"]
    while position:
        page = apigw.get_rest_apis(limit=2, position=position)
        seen += [item["id"] for item in page["items"]]
        position = page.get("position")
    assert sorted(seen) == sorted(ids) and len(seen) == 5
    assert len(apigw.get_rest_apis()["items"]) == 5
    assert_error(error_of(apigw.get_rest_apis, limit=501), "BadRequestException", 400)


def test_update_rest_api_replaces_adds_and_removes_with_typed_values(apigw):
    api_id, _ = new_api(apigw, description="before")
    updated = apigw.update_rest_api(restApiId=api_id, patchOperations=[
        {"op": "replace", "path": "/name", "value": "renamed"},
        {"op": "replace", "path": "/description", "value": "after"},
        {"op": "replace", "path": "/disableExecuteApiEndpoint", "value": "true"},
        {"op": "replace", "path": "/apiKeySource", "value": "AUTHORIZER"},
        {"op": "replace", "path": "/minimumCompressionSize", "value": "1024"},
        {"op": "add", "path": "/binaryMediaTypes/image~1png"},
        {"op": "add", "path": "/binaryMediaTypes/application~1octet-stream"},
    ])
    assert updated["name"] == "renamed" and updated["description"] == "after"
    assert updated["disableExecuteApiEndpoint"] is True and updated["apiKeySource"] == "AUTHORIZER"
    assert updated["minimumCompressionSize"] == 1024
    assert updated["binaryMediaTypes"] == ["image/png", "application/octet-stream"]
    removed = apigw.update_rest_api(restApiId=api_id, patchOperations=[
        {"op": "remove", "path": "/binaryMediaTypes/image~1png"},
        {"op": "remove", "path": "/description"},
    ])
    assert removed["binaryMediaTypes"] == ["application/octet-stream"] and "description" not in removed
    assert apigw.get_rest_api(restApiId=api_id)["disableExecuteApiEndpoint"] is True


def test_update_rest_api_errors(apigw):
    api_id, _ = new_api(apigw)
    assert_error(error_of(apigw.update_rest_api, restApiId=api_id,
                          patchOperations=[{"op": "add", "path": "/binaryMediaTypes", "value": "image/gif"}]),
                 "BadRequestException", 400, "Invalid patch path /binaryMediaTypes")
    assert_error(error_of(apigw.update_rest_api, restApiId=api_id,
                          patchOperations=[{"op": "replace", "path": "/minimumCompressionSize", "value": "-1"}]),
                 "BadRequestException", 400, "Invalid minimum compression size, must be between 0 and 10485760")
    assert_error(error_of(apigw.update_rest_api, restApiId=api_id,
                          patchOperations=[{"op": "replace", "path": "/disableExecuteApiEndpoint", "value": "maybe"}]),
                 "BadRequestException", 400)
    bad_path = error_of(apigw.update_rest_api, restApiId=api_id,
                        patchOperations=[{"op": "replace", "path": "/id", "value": "x"}])
    assert_error(bad_path, "BadRequestException", 400)
    assert bad_path["Error"]["Message"].startswith("Invalid patch path  '/id' specified for op 'replace'.")


def test_clone_from_copies_resources_methods_and_models_but_not_stages(apigw):
    source_id, root, _ = deployed_api(apigw)
    users = apigw.create_resource(restApiId=source_id, parentId=root, pathPart="users")["id"]
    mock_method(apigw, source_id, users, "POST")
    apigw.create_model(restApiId=source_id, name="User", contentType="application/json",
                       schema=json.dumps({"type": "object", "properties": {"id": {"type": "string"}}}))
    clone = apigw.create_rest_api(name=unique("clone"), cloneFrom=source_id)
    assert clone["id"] != source_id
    paths = {r["path"]: r for r in apigw.get_resources(restApiId=clone["id"], embed=["methods"])["items"]}
    assert set(paths) == {"/", "/users"}
    assert paths["/users"]["resourceMethods"]["POST"]["methodIntegration"]["type"] == "MOCK"
    assert {m["name"] for m in apigw.get_models(restApiId=clone["id"])["items"]} == {"Empty", "Error", "User"}
    assert apigw.get_stages(restApiId=clone["id"])["item"] == []
    # the clone is its own copy: changing it leaves the source alone
    apigw.delete_resource(restApiId=clone["id"], resourceId=paths["/users"]["id"])
    assert {r["path"] for r in apigw.get_resources(restApiId=source_id)["items"]} == {"/", "/users"}
    assert_error(error_of(apigw.create_rest_api, name=unique("clone"), cloneFrom="nope123456"),
                 "NotFoundException", 404)


# --- resources ---------------------------------------------------------------------------------

def test_resources_nest_and_compute_their_paths(apigw):
    api_id, root = new_api(apigw)
    users = apigw.create_resource(restApiId=api_id, parentId=root, pathPart="users")
    assert users["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert users["path"] == "/users" and users["parentId"] == root and users["pathPart"] == "users"
    user = apigw.create_resource(restApiId=api_id, parentId=users["id"], pathPart="{id}")
    assert user["path"] == "/users/{id}"
    proxy = apigw.create_resource(restApiId=api_id, parentId=user["id"], pathPart="{proxy+}")
    assert proxy["path"] == "/users/{id}/{proxy+}"
    got = apigw.get_resource(restApiId=api_id, resourceId=user["id"])
    assert got["path"] == "/users/{id}" and got["parentId"] == users["id"]
    paths = sorted(r["path"] for r in apigw.get_resources(restApiId=api_id)["items"])
    assert paths == ["/", "/users", "/users/{id}", "/users/{id}/{proxy+}"]
    page = apigw.get_resources(restApiId=api_id, limit=3)
    assert len(page["items"]) == 3 and page["position"]
    rest = apigw.get_resources(restApiId=api_id, limit=3, position=page["position"])
    assert len(rest["items"]) == 1 and "position" not in rest


def test_resource_conflicts_and_path_part_rules(apigw):
    api_id, root = new_api(apigw)
    apigw.create_resource(restApiId=api_id, parentId=root, pathPart="pets")
    assert_error(error_of(apigw.create_resource, restApiId=api_id, parentId=root, pathPart="pets"),
                 "ConflictException", 409, "Another resource with the same parent already has this name: pets")
    proxy = apigw.create_resource(restApiId=api_id, parentId=root, pathPart="{proxy+}")
    assert_error(error_of(apigw.create_resource, restApiId=api_id, parentId=root, pathPart="{id}"),
                 "BadRequestException", 400,
                 "A sibling ({proxy+}) of this resource already has a variable path part -- only one is allowed")
    assert_error(error_of(apigw.create_resource, restApiId=api_id, parentId=proxy["id"], pathPart="child"),
                 "BadRequestException", 400, "Cannot create a child of a resource with a greedy path variable: {proxy+}")
    assert_error(error_of(apigw.create_resource, restApiId=api_id, parentId="nope00", pathPart="x"),
                 "NotFoundException", 404, "Invalid Resource identifier specified")
    assert_error(error_of(apigw.create_resource, restApiId=api_id, parentId=root, pathPart="a/b"),
                 "BadRequestException", 400)
    assert_error(error_of(apigw.get_resource, restApiId=api_id, resourceId="nope00"),
                 "NotFoundException", 404, "Invalid Resource identifier specified")


def test_update_resource_moves_a_subtree_and_refuses_aws_s_cases(apigw):
    api_id, root = new_api(apigw)
    pets = apigw.create_resource(restApiId=api_id, parentId=root, pathPart="pets")["id"]
    pet = apigw.create_resource(restApiId=api_id, parentId=pets, pathPart="{petId}")["id"]
    toys = apigw.create_resource(restApiId=api_id, parentId=pet, pathPart="toys")["id"]
    animals = apigw.create_resource(restApiId=api_id, parentId=root, pathPart="animals")["id"]
    moved = apigw.update_resource(restApiId=api_id, resourceId=pets, patchOperations=[
        {"op": "replace", "path": "/parentId", "value": animals},
        {"op": "replace", "path": "/pathPart", "value": "dogs"}])
    assert moved["path"] == "/animals/dogs"
    assert apigw.get_resource(restApiId=api_id, resourceId=toys)["path"] == "/animals/dogs/{petId}/toys"
    assert_error(error_of(apigw.update_resource, restApiId=api_id, resourceId=pets,
                          patchOperations=[{"op": "replace", "path": "/parentId", "value": toys}]),
                 "BadRequestException", 400, "Resources cannot be cyclical.")
    apigw.create_resource(restApiId=api_id, parentId=animals, pathPart="cats")
    assert_error(error_of(apigw.update_resource, restApiId=api_id, resourceId=pets,
                          patchOperations=[{"op": "replace", "path": "/pathPart", "value": "cats"}]),
                 "ConflictException", 409, "Another resource with the same parent already has this name: cats")
    assert_error(error_of(apigw.update_resource, restApiId=api_id, resourceId=pets,
                          patchOperations=[{"op": "add", "path": "/pathPart", "value": "x"}]),
                 "BadRequestException", 400,
                 "Invalid patch path  '/pathPart' specified for op 'add'. Please choose supported operations")
    assert_error(error_of(apigw.update_resource, restApiId=api_id, resourceId=pets,
                          patchOperations=[{"op": "replace", "path": "/invalid", "value": "x"}]),
                 "BadRequestException", 400,
                 "Invalid patch path  '/invalid' specified for op 'replace'. Must be one of: [/parentId, /pathPart]")
    assert_error(error_of(apigw.update_resource, restApiId=api_id, resourceId=root,
                          patchOperations=[{"op": "replace", "path": "/pathPart", "value": "x"}]),
                 "BadRequestException", 400, "Root resource cannot update its pathPart.")
    assert_error(error_of(apigw.update_resource, restApiId=api_id, resourceId=root,
                          patchOperations=[{"op": "replace", "path": "/parentId", "value": pets}]),
                 "BadRequestException", 400, "Root resource cannot update its parentId.")
    assert_error(error_of(apigw.update_resource, restApiId=api_id, resourceId=pets,
                          patchOperations=[{"op": "replace", "path": "/parentId", "value": "nope00"}]),
                 "NotFoundException", 404, "Invalid Resource identifier specified")


def test_deleting_a_resource_deletes_its_subtree_but_the_root_stays(apigw):
    api_id, root = new_api(apigw)
    users = apigw.create_resource(restApiId=api_id, parentId=root, pathPart="users")["id"]
    user = apigw.create_resource(restApiId=api_id, parentId=users, pathPart="{id}")["id"]
    mock_method(apigw, api_id, user)
    deleted = apigw.delete_resource(restApiId=api_id, resourceId=users)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert [r["path"] for r in apigw.get_resources(restApiId=api_id)["items"]] == ["/"]
    for gone in (users, user):
        assert_error(error_of(apigw.get_resource, restApiId=api_id, resourceId=gone),
                     "NotFoundException", 404, "Invalid Resource identifier specified")
    assert_error(error_of(apigw.delete_resource, restApiId=api_id, resourceId=users),
                 "NotFoundException", 404, "Invalid Resource identifier specified")
    assert_error(error_of(apigw.delete_resource, restApiId=api_id, resourceId=root), "BadRequestException", 400)
    assert root_of(apigw, api_id) == root


# --- methods, integrations and their responses -------------------------------------------------

def test_methods_are_put_read_updated_and_deleted(apigw):
    api_id, root = new_api(apigw)
    method = apigw.put_method(restApiId=api_id, resourceId=root, httpMethod="get", authorizationType="NONE",
                              requestParameters={"method.request.querystring.q": False}, operationName="ListThings")
    assert method["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert method["httpMethod"] == "GET" and method["authorizationType"] == "NONE"
    assert method["apiKeyRequired"] is False and method["operationName"] == "ListThings"
    assert_error(error_of(apigw.put_method, restApiId=api_id, resourceId=root, httpMethod="GET",
                          authorizationType="NONE"),
                 "ConflictException", 409, "Method already exists for this resource")
    updated = apigw.update_method(restApiId=api_id, resourceId=root, httpMethod="GET", patchOperations=[
        {"op": "replace", "path": "/apiKeyRequired", "value": "true"},
        {"op": "add", "path": "/requestParameters/method.request.header.x-trace", "value": "true"},
        {"op": "remove", "path": "/requestParameters/method.request.querystring.q"}])
    assert updated["apiKeyRequired"] is True
    assert updated["requestParameters"] == {"method.request.header.x-trace": True}
    got = apigw.get_method(restApiId=api_id, resourceId=root, httpMethod="GET")
    assert got["apiKeyRequired"] is True
    resource = apigw.get_resources(restApiId=api_id)["items"][0]
    assert resource["resourceMethods"] == {"GET": {}}
    assert apigw.delete_method(restApiId=api_id, resourceId=root, httpMethod="GET")["ResponseMetadata"][
        "HTTPStatusCode"] == 204
    assert_error(error_of(apigw.get_method, restApiId=api_id, resourceId=root, httpMethod="GET"),
                 "NotFoundException", 404, "Invalid Method identifier specified")


def test_put_method_validation(apigw):
    api_id, root = new_api(apigw)
    assert_error(error_of(apigw.put_method, restApiId=api_id, resourceId=root, httpMethod="FETCH",
                          authorizationType="NONE"),
                 "BadRequestException", 400,
                 "Invalid HttpMethod specified. Valid options are GET,PUT,POST,DELETE,PATCH,OPTIONS,HEAD,ANY")
    assert_error(error_of(apigw.put_method, restApiId=api_id, resourceId="nope00", httpMethod="GET",
                          authorizationType="NONE"),
                 "NotFoundException", 404, "Invalid Resource identifier specified")
    assert_error(error_of(apigw.put_method, restApiId=api_id, resourceId=root, httpMethod="GET",
                          authorizationType="CUSTOM"),
                 "BadRequestException", 400,
                 "Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS "
                 "requires a valid authorizer.")
    assert_error(error_of(apigw.put_method, restApiId=api_id, resourceId=root, httpMethod="GET",
                          authorizationType="NONE", requestValidatorId="nope00"),
                 "BadRequestException", 400, "Invalid Request Validator identifier specified")
    assert_error(error_of(apigw.put_method, restApiId=api_id, resourceId=root, httpMethod="GET",
                          authorizationType="NONE", requestModels={"application/json": "petModel"}),
                 "BadRequestException", 400, "Invalid model identifier specified: petModel")
    ok = apigw.put_method(restApiId=api_id, resourceId=root, httpMethod="POST", authorizationType="AWS_IAM",
                          requestModels={"application/json": "Empty"})
    assert ok["authorizationType"] == "AWS_IAM" and ok["requestModels"] == {"application/json": "Empty"}


def test_method_responses(apigw):
    api_id, root = new_api(apigw)
    apigw.put_method(restApiId=api_id, resourceId=root, httpMethod="GET", authorizationType="NONE")
    response = apigw.put_method_response(restApiId=api_id, resourceId=root, httpMethod="GET", statusCode="200",
                                         responseParameters={"method.response.header.x-a": False},
                                         responseModels={"application/json": "Empty"})
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert response["statusCode"] == "200" and response["responseModels"] == {"application/json": "Empty"}
    updated = apigw.update_method_response(restApiId=api_id, resourceId=root, httpMethod="GET", statusCode="200",
                                           patchOperations=[
                                               {"op": "add", "path": "/responseParameters/method.response.header.x-b",
                                                "value": "true"}])
    assert updated["responseParameters"] == {"method.response.header.x-a": False, "method.response.header.x-b": True}
    got = apigw.get_method(restApiId=api_id, resourceId=root, httpMethod="GET")
    assert set(got["methodResponses"]) == {"200"}
    assert_error(error_of(apigw.get_method_response, restApiId=api_id, resourceId=root, httpMethod="GET",
                          statusCode="404"),
                 "NotFoundException", 404, "Invalid Response status code specified")
    apigw.delete_method_response(restApiId=api_id, resourceId=root, httpMethod="GET", statusCode="200")
    assert_error(error_of(apigw.get_method_response, restApiId=api_id, resourceId=root, httpMethod="GET",
                          statusCode="200"),
                 "NotFoundException", 404, "Invalid Response status code specified")
    assert_error(error_of(apigw.get_method_response, restApiId=api_id, resourceId=root, httpMethod="PUT",
                          statusCode="200"),
                 "NotFoundException", 404, "Invalid Method identifier specified")


def test_integrations_have_aws_s_defaults(apigw):
    api_id, root = new_api(apigw)
    apigw.put_method(restApiId=api_id, resourceId=root, httpMethod="GET", authorizationType="NONE")
    http = apigw.put_integration(restApiId=api_id, resourceId=root, httpMethod="GET", type="HTTP",
                                 integrationHttpMethod="get", uri="https://example.com/things")
    assert http["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert http["type"] == "HTTP" and http["httpMethod"] == "GET" and http["uri"] == "https://example.com/things"
    assert http["passthroughBehavior"] == "WHEN_NO_MATCH" and http["timeoutInMillis"] == 29000
    assert http["connectionType"] == "INTERNET" and http["cacheNamespace"] == root
    assert http["cacheKeyParameters"] == []
    lambda_uri = ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
                  "arn:aws:lambda:us-east-1:000000000000:function:f/invocations")
    proxy = apigw.put_integration(restApiId=api_id, resourceId=root, httpMethod="GET", type="AWS_PROXY",
                                  integrationHttpMethod="POST", uri=lambda_uri, timeoutInMillis=5000)
    assert proxy["type"] == "AWS_PROXY" and proxy["timeoutInMillis"] == 5000
    assert apigw.get_integration(restApiId=api_id, resourceId=root, httpMethod="GET")["uri"] == lambda_uri
    updated = apigw.update_integration(restApiId=api_id, resourceId=root, httpMethod="GET", patchOperations=[
        {"op": "replace", "path": "/timeoutInMillis", "value": "1000"},
        {"op": "add", "path": "/requestParameters/integration.request.header.x-id", "value": "context.requestId"}])
    assert updated["timeoutInMillis"] == 1000
    assert updated["requestParameters"] == {"integration.request.header.x-id": "context.requestId"}
    method = apigw.get_method(restApiId=api_id, resourceId=root, httpMethod="GET")
    assert method["methodIntegration"]["timeoutInMillis"] == 1000
    assert apigw.delete_integration(restApiId=api_id, resourceId=root, httpMethod="GET")["ResponseMetadata"][
        "HTTPStatusCode"] == 204
    assert_error(error_of(apigw.get_integration, restApiId=api_id, resourceId=root, httpMethod="GET"),
                 "NotFoundException", 404, "Invalid Integration identifier specified")


def test_integration_errors(apigw):
    api_id, root = new_api(apigw)
    apigw.put_method(restApiId=api_id, resourceId=root, httpMethod="GET", authorizationType="NONE")
    assert_error(error_of(apigw.put_integration, restApiId=api_id, resourceId=root, httpMethod="POST", type="MOCK"),
                 "NotFoundException", 404, "Invalid Method identifier specified")
    assert_error(error_of(apigw.put_integration, restApiId=api_id, resourceId="nope00", httpMethod="GET",
                          type="MOCK"),
                 "NotFoundException", 404, "Invalid Resource identifier specified")
    assert_error(error_of(apigw.put_integration, restApiId=api_id, resourceId=root, httpMethod="GET", type="HTTP",
                          integrationHttpMethod="GET", uri="ftp://example.com"), "BadRequestException", 400)
    assert_error(error_of(apigw.put_integration, restApiId=api_id, resourceId=root, httpMethod="GET", type="MOCK",
                          timeoutInMillis=30001), "BadRequestException", 400)
    assert_error(error_of(apigw.put_integration, restApiId=api_id, resourceId=root, httpMethod="GET",
                          type="AWS_PROXY", integrationHttpMethod="POST", uri="https://example.com"),
                 "BadRequestException", 400)
    # no integration yet: the integration and its responses are not found
    assert_error(error_of(apigw.get_integration, restApiId=api_id, resourceId=root, httpMethod="GET"),
                 "NotFoundException", 404, "Invalid Integration identifier specified")
    assert_error(error_of(apigw.put_integration_response, restApiId=api_id, resourceId=root, httpMethod="GET",
                          statusCode="200"),
                 "NotFoundException", 404, "Invalid Integration identifier specified")
    assert_error(error_of(apigw.delete_integration, restApiId=api_id, resourceId=root, httpMethod="GET"),
                 "NotFoundException", 404, "Invalid Integration identifier specified")


def test_integration_responses(apigw):
    api_id, root = new_api(apigw)
    apigw.put_method(restApiId=api_id, resourceId=root, httpMethod="GET", authorizationType="NONE")
    apigw.put_integration(restApiId=api_id, resourceId=root, httpMethod="GET", type="MOCK",
                          requestTemplates={"application/json": '{"statusCode": 200}'})
    integration = apigw.get_integration(restApiId=api_id, resourceId=root, httpMethod="GET")
    assert integration["type"] == "MOCK" and integration["passthroughBehavior"] == "WHEN_NO_MATCH"
    apigw.put_method_response(restApiId=api_id, resourceId=root, httpMethod="GET", statusCode="200")
    apigw.put_method_response(restApiId=api_id, resourceId=root, httpMethod="GET", statusCode="400")
    ok = apigw.put_integration_response(restApiId=api_id, resourceId=root, httpMethod="GET", statusCode="200",
                                        responseTemplates={"application/json": "{}"})
    assert ok["ResponseMetadata"]["HTTPStatusCode"] == 201 and ok["statusCode"] == "200"
    bad = apigw.put_integration_response(restApiId=api_id, resourceId=root, httpMethod="GET", statusCode="400",
                                         selectionPattern=".*error.*")
    assert bad["selectionPattern"] == ".*error.*"
    updated = apigw.update_integration_response(restApiId=api_id, resourceId=root, httpMethod="GET",
                                                statusCode="400", patchOperations=[
                                                    {"op": "replace", "path": "/selectionPattern", "value": "4\\d\\d"}])
    assert updated["selectionPattern"] == "4\\d\\d"
    got = apigw.get_integration(restApiId=api_id, resourceId=root, httpMethod="GET")
    assert set(got["integrationResponses"]) == {"200", "400"}
    apigw.delete_integration_response(restApiId=api_id, resourceId=root, httpMethod="GET", statusCode="400")
    assert_error(error_of(apigw.get_integration_response, restApiId=api_id, resourceId=root, httpMethod="GET",
                          statusCode="400"),
                 "NotFoundException", 404, "Invalid Response status code specified")
    assert_error(error_of(apigw.delete_integration_response, restApiId=api_id, resourceId=root, httpMethod="GET",
                          statusCode="400"),
                 "NotFoundException", 404, "Invalid Response status code specified")


# --- deployments and stages --------------------------------------------------------------------

def test_deployments_are_refused_until_every_method_has_an_integration(apigw):
    api_id, root = new_api(apigw)
    assert_error(error_of(apigw.create_deployment, restApiId=api_id, stageName="dev"),
                 "BadRequestException", 400, "The REST API doesn't contain any methods")
    apigw.put_method(restApiId=api_id, resourceId=root, httpMethod="GET", authorizationType="NONE")
    assert_error(error_of(apigw.create_deployment, restApiId=api_id, stageName="dev"),
                 "BadRequestException", 400, "No integration defined for method")
    apigw.put_integration(restApiId=api_id, resourceId=root, httpMethod="GET", type="MOCK")
    deployment = apigw.create_deployment(restApiId=api_id, stageName="dev", description="v1",
                                         stageDescription="the dev stage", variables={"color": "blue"})
    assert deployment["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert re.fullmatch(r"[a-z0-9]+", deployment["id"]) and deployment["description"] == "v1"
    stage = apigw.get_stage(restApiId=api_id, stageName="dev")
    assert stage["deploymentId"] == deployment["id"] and stage["description"] == "the dev stage"
    assert stage["variables"] == {"color": "blue"}


def test_deployments_are_read_updated_and_deleted_once_no_stage_uses_them(apigw):
    api_id, _, first = deployed_api(apigw)
    second = apigw.create_deployment(restApiId=api_id, description="second")["id"]
    listed = [d["id"] for d in apigw.get_deployments(restApiId=api_id)["items"]]
    assert sorted(listed) == sorted([first, second])
    assert apigw.get_deployment(restApiId=api_id, deploymentId=second)["description"] == "second"
    updated = apigw.update_deployment(restApiId=api_id, deploymentId=second, patchOperations=[
        {"op": "replace", "path": "/description", "value": "renamed"}])
    assert updated["description"] == "renamed"
    assert_error(error_of(apigw.delete_deployment, restApiId=api_id, deploymentId=first), "BadRequestException", 400,
                 "Active stages pointing to this deployment must be moved or deleted")
    apigw.update_stage(restApiId=api_id, stageName="dev", patchOperations=[
        {"op": "replace", "path": "/deploymentId", "value": second}])
    assert apigw.delete_deployment(restApiId=api_id, deploymentId=first)["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert_error(error_of(apigw.get_deployment, restApiId=api_id, deploymentId=first), "NotFoundException", 404,
                 "Invalid Deployment identifier specified")


def test_stages_are_created_listed_updated_and_deleted(apigw):
    api_id, _, deployment = deployed_api(apigw)
    stage = apigw.create_stage(restApiId=api_id, stageName="prod", deploymentId=deployment, description="p",
                               variables={"a": "1"}, tags={"env": "prod"})
    assert stage["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert stage["stageName"] == "prod" and stage["deploymentId"] == deployment and stage["tags"] == {"env": "prod"}
    assert stage["cacheClusterEnabled"] is False and stage["tracingEnabled"] is False
    assert_error(error_of(apigw.create_stage, restApiId=api_id, stageName="prod", deploymentId=deployment),
                 "ConflictException", 409)
    assert_error(error_of(apigw.create_stage, restApiId=api_id, stageName="other", deploymentId="nope00"),
                 "BadRequestException", 400)
    assert sorted(s["stageName"] for s in apigw.get_stages(restApiId=api_id)["item"]) == ["dev", "prod"]
    updated = apigw.update_stage(restApiId=api_id, stageName="prod", patchOperations=[
        {"op": "replace", "path": "/variables/b", "value": "2"},
        {"op": "remove", "path": "/variables/a"},
        {"op": "replace", "path": "/description", "value": "production"},
        {"op": "replace", "path": "/tracingEnabled", "value": "true"},
        {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "100"},
        {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": "50"},
        {"op": "replace", "path": "/~1/GET/metrics/enabled", "value": "true"}])
    assert updated["variables"] == {"b": "2"} and updated["description"] == "production"
    assert updated["tracingEnabled"] is True
    everything = updated["methodSettings"]["*/*"]
    assert everything["throttlingRateLimit"] == 100.0 and everything["throttlingBurstLimit"] == 50
    assert updated["methodSettings"]["~1/GET"]["metricsEnabled"] is True
    assert apigw.delete_stage(restApiId=api_id, stageName="prod")["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert_error(error_of(apigw.get_stage, restApiId=api_id, stageName="prod"), "NotFoundException", 404,
                 "Invalid Stage identifier specified")
    assert_error(error_of(apigw.delete_stage, restApiId=api_id, stageName="prod"), "NotFoundException", 404,
                 "Invalid Stage identifier specified")
    assert_error(error_of(apigw.update_stage, restApiId=api_id, stageName="dev", patchOperations=[
        {"op": "replace", "path": "/deploymentId", "value": "nope00"}]), "BadRequestException", 400)
    apigw.flush_stage_authorizers_cache(restApiId=api_id, stageName="dev")


# --- authorizers, models, request validators, gateway responses --------------------------------

LAMBDA_AUTH_URI = ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
                   "arn:aws:lambda:us-east-1:000000000000:function:auth/invocations")


def test_authorizers_validate_their_type(apigw):
    api_id, root = new_api(apigw)
    token = apigw.create_authorizer(restApiId=api_id, name="tok", type="TOKEN", authorizerUri=LAMBDA_AUTH_URI,
                                    identitySource="method.request.header.Authorization")
    assert token["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert token["type"] == "TOKEN" and token["authorizerResultTtlInSeconds"] == 300
    request = apigw.create_authorizer(restApiId=api_id, name="req", type="REQUEST", authorizerUri=LAMBDA_AUTH_URI,
                                      identitySource="method.request.querystring.key",
                                      authorizerResultTtlInSeconds=0)
    assert request["authorizerResultTtlInSeconds"] == 0
    pool = "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_abc"
    cognito = apigw.create_authorizer(restApiId=api_id, name="pool", type="COGNITO_USER_POOLS", providerARNs=[pool],
                                      identitySource="method.request.header.Authorization")
    assert cognito["providerARNs"] == [pool]
    assert_error(error_of(apigw.create_authorizer, restApiId=api_id, name="bad", type="COGNITO_USER_POOLS",
                          identitySource="method.request.header.Authorization"), "BadRequestException", 400)
    assert_error(error_of(apigw.create_authorizer, restApiId=api_id, name="bad", type="TOKEN",
                          identitySource="method.request.header.Authorization"), "BadRequestException", 400)
    assert_error(error_of(apigw.create_authorizer, restApiId=api_id, name="bad", type="TOKEN",
                          authorizerUri=LAMBDA_AUTH_URI, identitySource="method.request.header.A",
                          authorizerResultTtlInSeconds=3601), "BadRequestException", 400)
    assert {a["name"] for a in apigw.get_authorizers(restApiId=api_id)["items"]} == {"tok", "req", "pool"}
    updated = apigw.update_authorizer(restApiId=api_id, authorizerId=token["id"], patchOperations=[
        {"op": "replace", "path": "/authorizerResultTtlInSeconds", "value": "60"},
        {"op": "replace", "path": "/name", "value": "tok2"}])
    assert updated["authorizerResultTtlInSeconds"] == 60 and updated["name"] == "tok2"
    apigw.put_method(restApiId=api_id, resourceId=root, httpMethod="GET", authorizationType="CUSTOM",
                     authorizerId=token["id"])
    assert_error(error_of(apigw.delete_authorizer, restApiId=api_id, authorizerId=token["id"]),
                 "ConflictException", 409)
    apigw.delete_authorizer(restApiId=api_id, authorizerId=request["id"])
    assert_error(error_of(apigw.get_authorizer, restApiId=api_id, authorizerId=request["id"]),
                 "NotFoundException", 404, "Invalid Authorizer identifier specified")


def test_models_empty_and_error_exist_and_models_are_managed(apigw):
    api_id, root = new_api(apigw)
    defaults = {m["name"]: m for m in apigw.get_models(restApiId=api_id)["items"]}
    assert set(defaults) == {"Empty", "Error"}
    assert defaults["Empty"]["contentType"] == "application/json"
    assert json.loads(defaults["Error"]["schema"])["properties"] == {"message": {"type": "string"}}
    schema = json.dumps({"type": "object", "properties": {"name": {"type": "string"}}})
    model = apigw.create_model(restApiId=api_id, name="Pet", contentType="application/json", schema=schema,
                               description="a pet")
    assert model["ResponseMetadata"]["HTTPStatusCode"] == 201 and model["name"] == "Pet"
    assert apigw.get_model(restApiId=api_id, modelName="Pet")["schema"] == schema
    assert_error(error_of(apigw.create_model, restApiId=api_id, name="Pet", contentType="application/json",
                          schema=schema), "ConflictException", 409, "Model name already exists for this REST API")
    assert_error(error_of(apigw.create_model, restApiId=api_id, name="", contentType="application/json",
                          schema=schema), "BadRequestException", 400, "Model name must be non-empty")
    updated = apigw.update_model(restApiId=api_id, modelName="Pet", patchOperations=[
        {"op": "replace", "path": "/description", "value": "still a pet"}])
    assert updated["description"] == "still a pet"
    assert_error(error_of(apigw.update_model, restApiId=api_id, modelName="Pet", patchOperations=[
        {"op": "replace", "path": "/name", "value": "Dog"}]), "BadRequestException", 400,
        "Invalid patch path  '/name' specified for op 'replace'. Must be one of: [/description, /schema]")
    apigw.put_method(restApiId=api_id, resourceId=root, httpMethod="ANY", authorizationType="NONE",
                     requestModels={"application/json": "Pet"})
    assert_error(error_of(apigw.delete_model, restApiId=api_id, modelName="Pet"), "ConflictException", 409,
                 "Cannot delete model 'Pet', is referenced in method request: //ANY")
    apigw.delete_method(restApiId=api_id, resourceId=root, httpMethod="ANY")
    apigw.delete_model(restApiId=api_id, modelName="Pet")
    assert_error(error_of(apigw.get_model, restApiId=api_id, modelName="Pet"), "NotFoundException", 404,
                 "Invalid model name specified: Pet")


def test_request_validators(apigw):
    api_id, root = new_api(apigw)
    validator = apigw.create_request_validator(restApiId=api_id, name="body", validateRequestBody=True)
    assert validator["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert validator["validateRequestBody"] is True and validator["validateRequestParameters"] is False
    updated = apigw.update_request_validator(restApiId=api_id, requestValidatorId=validator["id"], patchOperations=[
        {"op": "replace", "path": "/validateRequestParameters", "value": "true"},
        {"op": "replace", "path": "/name", "value": "both"}])
    assert updated["validateRequestParameters"] is True and updated["name"] == "both"
    assert_error(error_of(apigw.update_request_validator, restApiId=api_id, requestValidatorId=validator["id"],
                          patchOperations=[{"op": "replace", "path": "/name", "value": ""}]),
                 "BadRequestException", 400, "Request Validator name cannot be blank")
    assert_error(error_of(apigw.update_request_validator, restApiId=api_id, requestValidatorId=validator["id"],
                          patchOperations=[{"op": "add", "path": "/validateRequestBody", "value": "true"}]),
                 "BadRequestException", 400,
                 "Invalid patch path  '/validateRequestBody' specified for op 'add'. Please choose supported operations")
    assert_error(error_of(apigw.update_request_validator, restApiId=api_id, requestValidatorId=validator["id"],
                          patchOperations=[{"op": "replace", "path": "/invalidPath", "value": "x"}]),
                 "BadRequestException", 400,
                 "Invalid patch path  '/invalidPath' specified for op 'replace'. Must be one of: "
                 "[/name, /validateRequestParameters, /validateRequestBody]")
    method = apigw.put_method(restApiId=api_id, resourceId=root, httpMethod="POST", authorizationType="NONE",
                              requestValidatorId=validator["id"])
    assert method["requestValidatorId"] == validator["id"]
    assert [v["id"] for v in apigw.get_request_validators(restApiId=api_id)["items"]] == [validator["id"]]
    assert_error(error_of(apigw.create_request_validator, restApiId="nope123456", name="x"),
                 "BadRequestException", 400, "Invalid REST API identifier specified")
    apigw.delete_request_validator(restApiId=api_id, requestValidatorId=validator["id"])
    for call in (apigw.get_request_validator, apigw.delete_request_validator):
        assert_error(error_of(call, restApiId=api_id, requestValidatorId=validator["id"]), "NotFoundException", 404,
                     "Invalid Request Validator identifier specified")


def test_gateway_responses_default_put_update_and_delete(apigw):
    api_id, _ = new_api(apigw)
    defaults = apigw.get_gateway_responses(restApiId=api_id, limit=500)["items"]
    types = {r["responseType"] for r in defaults}
    assert {"DEFAULT_4XX", "DEFAULT_5XX", "ACCESS_DENIED", "MISSING_AUTHENTICATION_TOKEN", "THROTTLED",
            "INTEGRATION_TIMEOUT", "UNAUTHORIZED", "EXPIRED_TOKEN"} <= types
    assert len(defaults) >= 20 and all(r["defaultResponse"] is True for r in defaults)
    missing = apigw.get_gateway_response(restApiId=api_id, responseType="MISSING_AUTHENTICATION_TOKEN")
    assert missing["statusCode"] == "403" and missing["defaultResponse"] is True
    put = apigw.put_gateway_response(restApiId=api_id, responseType="DEFAULT_4XX", statusCode="418",
                                     responseParameters={"gatewayresponse.header.x-teapot": "'yes'"},
                                     responseTemplates={"application/json": '{"teapot": true}'})
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert put["statusCode"] == "418" and put["defaultResponse"] is False
    updated = apigw.update_gateway_response(restApiId=api_id, responseType="DEFAULT_4XX", patchOperations=[
        {"op": "add", "path": "/responseParameters/gatewayresponse.header.x-more", "value": "'1'"}])
    assert updated["responseParameters"] == {"gatewayresponse.header.x-teapot": "'yes'",
                                             "gatewayresponse.header.x-more": "'1'"}
    listed = {r["responseType"]: r for r in apigw.get_gateway_responses(restApiId=api_id, limit=500)["items"]}
    assert listed["DEFAULT_4XX"]["defaultResponse"] is False and listed["DEFAULT_5XX"]["defaultResponse"] is True
    assert apigw.delete_gateway_response(restApiId=api_id, responseType="DEFAULT_4XX")["ResponseMetadata"][
        "HTTPStatusCode"] == 202
    back = apigw.get_gateway_response(restApiId=api_id, responseType="DEFAULT_4XX")
    assert back["defaultResponse"] is True and back.get("statusCode") != "418"
    assert_error(error_of(apigw.delete_gateway_response, restApiId=api_id, responseType="DEFAULT_4XX"),
                 "NotFoundException", 404, "Gateway response type not defined on api")


# --- tags and the account ----------------------------------------------------------------------

def test_tags_of_apis_and_stages_by_arn(apigw):
    api_id, _, _ = deployed_api(apigw)
    apigw.tag_resource(resourceArn=api_arn(api_id), tags={"a": "1", "b": "2"})
    assert apigw.get_tags(resourceArn=api_arn(api_id))["tags"] == {"a": "1", "b": "2"}
    assert apigw.get_rest_api(restApiId=api_id)["tags"] == {"a": "1", "b": "2"}
    apigw.untag_resource(resourceArn=api_arn(api_id), tagKeys=["a"])
    assert apigw.get_tags(resourceArn=api_arn(api_id))["tags"] == {"b": "2"}
    apigw.tag_resource(resourceArn=api_arn(api_id, "dev"), tags={"stage": "yes"})
    assert apigw.get_tags(resourceArn=api_arn(api_id, "dev"))["tags"] == {"stage": "yes"}
    assert apigw.get_stage(restApiId=api_id, stageName="dev")["tags"] == {"stage": "yes"}
    assert_error(error_of(apigw.get_tags, resourceArn=api_arn(api_id, "nope")), "NotFoundException", 404)
    assert_error(error_of(apigw.get_tags, resourceArn=api_arn("nope123456")), "NotFoundException", 404)
    assert_error(error_of(apigw.tag_resource, resourceArn="arn:aws:s3:::bucket", tags={"a": "1"}),
                 "BadRequestException", 400)


def test_account_settings(apigw):
    account = apigw.get_account()
    assert account["throttleSettings"] == {"burstLimit": 5000, "rateLimit": 10000.0}
    assert "cloudwatchRoleArn" not in account
    role = "arn:aws:iam::000000000000:role/apigw-logs"
    updated = apigw.update_account(patchOperations=[{"op": "replace", "path": "/cloudwatchRoleArn", "value": role}])
    assert updated["cloudwatchRoleArn"] == role
    assert apigw.get_account()["cloudwatchRoleArn"] == role
