"""ImportRestApi / PutRestApi from OpenAPI 3 and Swagger 2 (JSON) with API Gateway's extensions,
and GetExport (oas30 and swagger, with or without extensions) round-tripping what was imported."""

from __future__ import annotations

import json

import pytest

from rest_helpers import apigateway, assert_error, error_of, unique

LAMBDA_URI = ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
              "arn:aws:lambda:us-east-1:000000000000:function:{name}/invocations")


@pytest.fixture
def apigw(nimbus):
    return apigateway(nimbus)


def oas3_document(title: str) -> dict:
    return {
        "openapi": "3.0.1",
        "info": {"title": title, "version": "1.2.3", "description": "pets"},
        "x-amazon-apigateway-binary-media-types": ["image/png"],
        "paths": {
            "/pets": {
                "get": {
                    "operationId": "ListPets",
                    "parameters": [{"name": "type", "in": "query", "required": False, "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "ok", "headers": {"x-count": {"schema": {"type": "string"}}}}},
                    "security": [{"tokenAuth": []}],
                    "x-amazon-apigateway-integration": {
                        "type": "aws_proxy", "httpMethod": "POST", "uri": LAMBDA_URI.format(name="pets"),
                        "passthroughBehavior": "when_no_match", "timeoutInMillis": 10000},
                },
                "post": {
                    "responses": {"201": {"description": "created"}},
                    "security": [{"sigv4": []}, {"api_key": []}],
                    "x-amazon-apigateway-integration": {
                        "type": "http", "httpMethod": "POST", "uri": "https://example.com/pets",
                        "responses": {"default": {"statusCode": "201"}}},
                },
            },
            "/pets/{petId}": {
                "parameters": [{"name": "petId", "in": "path", "required": True, "schema": {"type": "string"}}],
                "x-amazon-apigateway-any-method": {
                    "x-amazon-apigateway-integration": {
                        "type": "mock", "requestTemplates": {"application/json": '{"statusCode": 200}'},
                        "responses": {"default": {"statusCode": "200"}}},
                },
            },
        },
        "components": {
            "securitySchemes": {
                "tokenAuth": {
                    "type": "apiKey", "name": "Authorization", "in": "header",
                    "x-amazon-apigateway-authtype": "custom",
                    "x-amazon-apigateway-authorizer": {
                        "type": "token", "authorizerUri": LAMBDA_URI.format(name="auth"),
                        "authorizerResultTtlInSeconds": 60}},
                "sigv4": {"type": "apiKey", "name": "Authorization", "in": "header",
                          "x-amazon-apigateway-authtype": "awsSigv4"},
                "api_key": {"type": "apiKey", "name": "x-api-key", "in": "header"},
            },
            "schemas": {"Pet": {"type": "object", "properties": {"name": {"type": "string"}}}},
        },
    }


def swagger_document(title: str) -> dict:
    return {
        "swagger": "2.0",
        "info": {"title": title, "version": "1.0"},
        "basePath": "/v1",
        "paths": {
            "/": {"get": {"responses": {"200": {"description": "ok"}},
                          "x-amazon-apigateway-integration": {
                              "type": "mock", "requestTemplates": {"application/json": '{"statusCode": 200}'},
                              "responses": {"default": {"statusCode": "200"}}}}},
            "/users/{id}": {"get": {
                "parameters": [{"name": "id", "in": "path", "required": True, "type": "string"},
                               {"name": "x-trace", "in": "header", "required": False, "type": "string"}],
                "responses": {"200": {"description": "ok"}},
                "security": [{"cognito": ["email"]}],
                "x-amazon-apigateway-integration": {
                    "type": "http_proxy", "httpMethod": "GET", "uri": "https://example.com/users/{id}",
                    "requestParameters": {"integration.request.path.id": "method.request.path.id"}}}},
        },
        "securityDefinitions": {
            "cognito": {"type": "apiKey", "name": "Authorization", "in": "header",
                        "x-amazon-apigateway-authtype": "cognito_user_pools",
                        "x-amazon-apigateway-authorizer": {
                            "type": "cognito_user_pools",
                            "providerARNs": ["arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_x"]}},
        },
        "definitions": {"User": {"type": "object", "properties": {"id": {"type": "string"}}}},
    }


def methods_by_path(apigw, api_id: str) -> dict:
    items = apigw.get_resources(restApiId=api_id, embed=["methods"], limit=500)["items"]
    return {item["path"]: item.get("resourceMethods", {}) for item in items}


def test_import_of_an_openapi_3_document_builds_the_api(apigw):
    title = unique("pets")
    api = apigw.import_rest_api(body=json.dumps(oas3_document(title)).encode())
    assert api["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert api["name"] == title and api["version"] == "1.2.3" and api["description"] == "pets"
    assert api["binaryMediaTypes"] == ["image/png"]
    api_id = api["id"]
    paths = methods_by_path(apigw, api_id)
    assert set(paths) == {"/", "/pets", "/pets/{petId}"}
    assert set(paths["/pets"]) == {"GET", "POST"} and set(paths["/pets/{petId}"]) == {"ANY"}
    authorizers = {a["name"]: a for a in apigw.get_authorizers(restApiId=api_id)["items"]}
    assert set(authorizers) == {"tokenAuth"}
    token = authorizers["tokenAuth"]
    assert token["type"] == "TOKEN" and token["authorizerUri"] == LAMBDA_URI.format(name="auth")
    assert token["identitySource"] == "method.request.header.Authorization"
    assert token["authorizerResultTtlInSeconds"] == 60
    get = paths["/pets"]["GET"]
    assert get["authorizationType"] == "CUSTOM" and get["authorizerId"] == token["id"]
    assert get["operationName"] == "ListPets"
    assert get["requestParameters"] == {"method.request.querystring.type": False}
    assert get["methodResponses"]["200"]["responseParameters"] == {"method.response.header.x-count": False}
    integration = get["methodIntegration"]
    assert integration["type"] == "AWS_PROXY" and integration["httpMethod"] == "POST"
    assert integration["passthroughBehavior"] == "WHEN_NO_MATCH" and integration["timeoutInMillis"] == 10000
    post = paths["/pets"]["POST"]
    assert post["authorizationType"] == "AWS_IAM" and post["apiKeyRequired"] is True
    assert post["methodIntegration"]["integrationResponses"]["201"]["statusCode"] == "201"
    any_method = paths["/pets/{petId}"]["ANY"]
    assert any_method["requestParameters"] == {"method.request.path.petId": True}
    assert any_method["methodIntegration"]["type"] == "MOCK"
    assert "connectionType" not in any_method["methodIntegration"]
    models = {m["name"] for m in apigw.get_models(restApiId=api_id)["items"]}
    assert "Pet" in models
    # the imported API deploys
    apigw.create_deployment(restApiId=api_id, stageName="v1")


def test_import_of_a_swagger_2_document(apigw):
    title = unique("users")
    api = apigw.import_rest_api(body=json.dumps(swagger_document(title)).encode())
    api_id = api["id"]
    paths = methods_by_path(apigw, api_id)
    assert set(paths) == {"/", "/users", "/users/{id}"}
    assert set(paths["/"]) == {"GET"} and paths["/users"] == {}
    get = paths["/users/{id}"]["GET"]
    assert get["authorizationType"] == "COGNITO_USER_POOLS" and get["authorizationScopes"] == ["email"]
    assert get["requestParameters"] == {"method.request.path.id": True, "method.request.header.x-trace": False}
    assert get["methodIntegration"]["type"] == "HTTP_PROXY"
    assert get["methodIntegration"]["connectionType"] == "INTERNET"
    assert get["methodIntegration"]["requestParameters"] == {"integration.request.path.id": "method.request.path.id"}
    cognito = apigw.get_authorizer(restApiId=api_id, authorizerId=get["authorizerId"])
    assert cognito["type"] == "COGNITO_USER_POOLS" and len(cognito["providerARNs"]) == 1
    assert "User" in {m["name"] for m in apigw.get_models(restApiId=api_id)["items"]}


def test_import_refuses_documents_that_are_not_openapi(apigw):
    assert_error(error_of(apigw.import_rest_api, body=b"{'key:value}"), "BadRequestException", 400,
                 "Invalid OpenAPI input.")
    assert_error(error_of(apigw.import_rest_api, body=json.dumps({"info": {"title": "x"}}).encode()),
                 "BadRequestException", 400)
    assert_error(error_of(apigw.put_rest_api, restApiId="nope123456", body=b"{'key:value}"),
                 "BadRequestException", 400, "Invalid OpenAPI input.")
    document = oas3_document(unique("x"))
    document["paths"]["/nointegration"] = {"get": {"responses": {"200": {"description": "ok"}}}}
    assert_error(error_of(apigw.import_rest_api, body=json.dumps(document).encode(), failOnWarnings=True),
                 "BadRequestException", 400)
    lenient = apigw.import_rest_api(body=json.dumps(document).encode())
    assert lenient.get("warnings")


def test_put_rest_api_merges_or_overwrites(apigw):
    api_id = apigw.create_rest_api(name=unique("api"), binaryMediaTypes=["image/heif"])["id"]
    root = next(r["id"] for r in apigw.get_resources(restApiId=api_id)["items"] if r["path"] == "/")
    apigw.create_resource(restApiId=api_id, parentId=root, pathPart="kept")
    title = unique("merged")
    merged = apigw.put_rest_api(restApiId=api_id, mode="merge", body=json.dumps(oas3_document(title)).encode())
    assert merged["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert merged["name"] == title and merged["version"] == "1.2.3"
    assert merged["binaryMediaTypes"] == ["image/heif", "image/png"]
    assert set(methods_by_path(apigw, api_id)) == {"/", "/kept", "/pets", "/pets/{petId}"}
    replacement = swagger_document(unique("users"))
    replacement["x-amazon-apigateway-binary-media-types"] = ["image/jpg"]
    overwritten = apigw.put_rest_api(restApiId=api_id, mode="overwrite", body=json.dumps(replacement).encode())
    assert overwritten["id"] == api_id and overwritten["binaryMediaTypes"] == ["image/jpg"]
    paths = methods_by_path(apigw, api_id)
    assert set(paths) == {"/", "/users", "/users/{id}"}
    assert root == next(r["id"] for r in apigw.get_resources(restApiId=api_id)["items"] if r["path"] == "/")
    assert {a["name"] for a in apigw.get_authorizers(restApiId=api_id)["items"]} == {"cognito"}
    assert_error(error_of(apigw.put_rest_api, restApiId="nope123456", mode="merge",
                          body=json.dumps(swagger_document("x")).encode()), "NotFoundException", 404,
                 "Invalid API identifier specified 000000000000:nope123456")


def export(apigw, api_id: str, stage: str, export_type: str, extensions: str | None = None) -> tuple[dict, dict]:
    kwargs = {"parameters": {"extensions": extensions}} if extensions else {}
    response = apigw.get_export(restApiId=api_id, stageName=stage, exportType=export_type,
                                accepts="application/json", **kwargs)
    return json.loads(response["body"].read()), response


def test_export_round_trips_an_imported_openapi_3_api(apigw):
    title = unique("pets")
    api_id = apigw.import_rest_api(body=json.dumps(oas3_document(title)).encode())["id"]
    apigw.create_deployment(restApiId=api_id, stageName="prod")
    document, response = export(apigw, api_id, "prod", "oas30", "apigateway")
    assert response["contentType"].startswith("application/json")
    assert document["openapi"].startswith("3.0") and document["info"]["title"] == title
    assert document["info"]["version"] == "1.2.3"
    assert document["servers"][0]["variables"]["basePath"]["default"] == "prod"
    assert set(document["paths"]) == {"/pets", "/pets/{petId}"}
    get = document["paths"]["/pets"]["get"]
    assert get["operationId"] == "ListPets" and get["security"] == [{"tokenAuth": []}]
    assert get["x-amazon-apigateway-integration"]["type"] == "aws_proxy"
    assert get["x-amazon-apigateway-integration"]["uri"] == LAMBDA_URI.format(name="pets")
    assert "x-amazon-apigateway-any-method" in document["paths"]["/pets/{petId}"]
    schemes = document["components"]["securitySchemes"]
    assert schemes["tokenAuth"]["x-amazon-apigateway-authorizer"]["authorizerUri"] == LAMBDA_URI.format(name="auth")
    assert schemes["api_key"] == {"type": "apiKey", "name": "x-api-key", "in": "header"}
    assert document["x-amazon-apigateway-binary-media-types"] == ["image/png"]
    # re-importing the export gives the same resources and methods
    again = apigw.import_rest_api(body=json.dumps(document).encode())["id"]
    assert {p: set(m) for p, m in methods_by_path(apigw, again).items()} == \
        {p: set(m) for p, m in methods_by_path(apigw, api_id).items()}
    plain, _ = export(apigw, api_id, "prod", "oas30")
    assert "x-amazon-apigateway-integration" not in plain["paths"]["/pets"]["get"]
    integrations_only, _ = export(apigw, api_id, "prod", "oas30", "integrations")
    assert "x-amazon-apigateway-integration" in integrations_only["paths"]["/pets"]["get"]


def test_swagger_export_of_a_deployed_api(apigw):
    api_id = apigw.import_rest_api(body=json.dumps(swagger_document(unique("users"))).encode())["id"]
    apigw.create_deployment(restApiId=api_id, stageName="dev")
    document, response = export(apigw, api_id, "dev", "swagger", "integrations,authorizers")
    assert "swagger_" in response["contentDisposition"]
    assert document["swagger"] == "2.0" and document["basePath"] == "/dev"
    assert document["host"] == f"{api_id}.execute-api.us-east-1.amazonaws.com"
    users = document["paths"]["/users/{id}"]["get"]
    assert {p["name"]: p["in"] for p in users["parameters"]} == {"id": "path", "x-trace": "header"}
    assert users["x-amazon-apigateway-integration"]["type"] == "http_proxy"
    assert document["securityDefinitions"]["cognito"]["x-amazon-apigateway-authtype"] == "cognito_user_pools"
    assert_error(error_of(apigw.get_export, restApiId=api_id, stageName="nope", exportType="swagger"),
                 "NotFoundException", 404, "Invalid Stage identifier specified")
    assert_error(error_of(apigw.get_export, restApiId=api_id, stageName="dev", exportType="raml"),
                 "BadRequestException", 400)
