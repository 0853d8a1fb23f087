"""API keys, usage plans and usage plan keys of the REST API management API (apigateway) through
boto3: AWS's defaults (keys disabled, values only on request), conflicts and not-found errors."""

from __future__ import annotations

import pytest

from rest_helpers import apigateway, api_arn, assert_error, deployed_api, error_of, unique


@pytest.fixture
def apigw(nimbus):
    return apigateway(nimbus)


def test_api_keys_are_disabled_by_default_and_show_their_value_only_on_request(apigw):
    key = apigw.create_api_key(name=unique("key"), description="first")
    assert key["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert key["enabled"] is False and len(key["value"]) >= 20 and key["description"] == "first"
    assert key["createdDate"] and key["lastUpdatedDate"]
    got = apigw.get_api_key(apiKey=key["id"])
    assert "value" not in got and got["name"] == key["name"]
    assert apigw.get_api_key(apiKey=key["id"], includeValue=True)["value"] == key["value"]
    listed = apigw.get_api_keys()["items"]
    assert [k["id"] for k in listed] == [key["id"]] and "value" not in listed[0]
    assert apigw.get_api_keys(includeValues=True)["items"][0]["value"] == key["value"]


def test_api_keys_with_chosen_values_conflict_on_duplicates(apigw):
    value = "abcdefghijklmnopqrstuvwxyz0123"
    key = apigw.create_api_key(name=unique("key"), value=value, enabled=True, customerId="cust-1",
                               tags={"team": "a"})
    assert key["value"] == value and key["enabled"] is True and key["customerId"] == "cust-1"
    assert key["tags"] == {"team": "a"}
    assert_error(error_of(apigw.create_api_key, name=unique("key"), value=value), "ConflictException", 409)
    assert_error(error_of(apigw.create_api_key, name=unique("key"), value="short"), "BadRequestException", 400)


def test_api_keys_are_filtered_updated_and_deleted(apigw):
    alpha = apigw.create_api_key(name="alpha-" + unique("k"), customerId="c1")
    beta = apigw.create_api_key(name="beta-" + unique("k"))
    assert [k["id"] for k in apigw.get_api_keys(nameQuery="alpha")["items"]] == [alpha["id"]]
    assert [k["id"] for k in apigw.get_api_keys(customerId="c1")["items"]] == [alpha["id"]]
    first = apigw.get_api_keys(limit=1)
    assert len(first["items"]) == 1 and first["position"]
    second = apigw.get_api_keys(limit=1, position=first["position"])
    assert {first["items"][0]["id"], second["items"][0]["id"]} == {alpha["id"], beta["id"]}
    updated = apigw.update_api_key(apiKey=beta["id"], patchOperations=[
        {"op": "replace", "path": "/enabled", "value": "true"},
        {"op": "replace", "path": "/name", "value": "gamma"},
        {"op": "replace", "path": "/description", "value": "renamed"}])
    assert updated["enabled"] is True and updated["name"] == "gamma" and updated["description"] == "renamed"
    assert "value" not in updated
    assert apigw.delete_api_key(apiKey=beta["id"])["ResponseMetadata"]["HTTPStatusCode"] == 202
    for call in (apigw.get_api_key, apigw.delete_api_key):
        assert_error(error_of(call, apiKey=beta["id"]), "NotFoundException", 404,
                     "Invalid API Key identifier specified")
    assert_error(error_of(apigw.update_api_key, apiKey=beta["id"],
                          patchOperations=[{"op": "replace", "path": "/enabled", "value": "true"}]),
                 "NotFoundException", 404, "Invalid API Key identifier specified")


def test_usage_plans_cover_stages_and_are_updated(apigw):
    api_id, _, _ = deployed_api(apigw, stage="dev")
    plan = apigw.create_usage_plan(name=unique("plan"), description="basic",
                                   apiStages=[{"apiId": api_id, "stage": "dev"}],
                                   throttle={"burstLimit": 10, "rateLimit": 5.0},
                                   quota={"limit": 1000, "period": "MONTH"}, tags={"tier": "basic"})
    assert plan["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert plan["apiStages"] == [{"apiId": api_id, "stage": "dev"}]
    assert plan["throttle"] == {"burstLimit": 10, "rateLimit": 5.0}
    assert plan["quota"] == {"limit": 1000, "period": "MONTH"} and plan["tags"] == {"tier": "basic"}
    assert apigw.get_usage_plan(usagePlanId=plan["id"])["name"] == plan["name"]
    assert [p["id"] for p in apigw.get_usage_plans()["items"]] == [plan["id"]]
    updated = apigw.update_usage_plan(usagePlanId=plan["id"], patchOperations=[
        {"op": "replace", "path": "/throttle/rateLimit", "value": "20"},
        {"op": "replace", "path": "/quota/limit", "value": "50"},
        {"op": "replace", "path": "/name", "value": "premium"},
        {"op": "remove", "path": "/apiStages", "value": f"{api_id}:dev"}])
    assert updated["throttle"]["rateLimit"] == 20.0 and updated["quota"]["limit"] == 50
    assert updated["name"] == "premium" and updated["apiStages"] == []
    readded = apigw.update_usage_plan(usagePlanId=plan["id"], patchOperations=[
        {"op": "add", "path": "/apiStages", "value": f"{api_id}:dev"}])
    assert readded["apiStages"] == [{"apiId": api_id, "stage": "dev"}]
    assert_error(error_of(apigw.create_usage_plan, name=unique("plan"),
                          apiStages=[{"apiId": api_id, "stage": "nope"}]), "BadRequestException", 400)
    assert_error(error_of(apigw.create_usage_plan, name=unique("plan"),
                          apiStages=[{"apiId": "nope123456", "stage": "dev"}]), "NotFoundException", 404)
    apigw.delete_usage_plan(usagePlanId=plan["id"])
    for call in (apigw.get_usage_plan, apigw.delete_usage_plan):
        assert_error(error_of(call, usagePlanId=plan["id"]), "NotFoundException", 404,
                     "Invalid Usage Plan ID specified")


def test_usage_plan_keys(apigw):
    plan = apigw.create_usage_plan(name=unique("plan"))
    key = apigw.create_api_key(name="k-" + unique("k"), enabled=True)
    other = apigw.create_api_key(name="other-" + unique("k"))
    added = apigw.create_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"], keyType="API_KEY")
    assert added["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert added["id"] == key["id"] and added["type"] == "API_KEY" and added["name"] == key["name"]
    assert added["value"] == key["value"]
    apigw.create_usage_plan_key(usagePlanId=plan["id"], keyId=other["id"], keyType="API_KEY")
    assert_error(error_of(apigw.create_usage_plan_key, usagePlanId=plan["id"], keyId=key["id"], keyType="API_KEY"),
                 "ConflictException", 409)
    assert_error(error_of(apigw.create_usage_plan_key, usagePlanId=plan["id"], keyId="nope", keyType="API_KEY"),
                 "NotFoundException", 404)
    assert_error(error_of(apigw.create_usage_plan_key, usagePlanId="nope00", keyId=key["id"], keyType="API_KEY"),
                 "NotFoundException", 404, "Invalid Usage Plan ID specified")
    assert apigw.get_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"])["name"] == key["name"]
    keys = apigw.get_usage_plan_keys(usagePlanId=plan["id"])["items"]
    assert sorted(k["id"] for k in keys) == sorted([key["id"], other["id"]])
    assert [k["id"] for k in apigw.get_usage_plan_keys(usagePlanId=plan["id"], nameQuery="other")["items"]] == [
        other["id"]]
    assert [p["id"] for p in apigw.get_usage_plans(keyId=key["id"])["items"]] == [plan["id"]]
    assert apigw.delete_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"])["ResponseMetadata"][
        "HTTPStatusCode"] == 202
    assert_error(error_of(apigw.get_usage_plan_key, usagePlanId=plan["id"], keyId=key["id"]),
                 "NotFoundException", 404)
    assert_error(error_of(apigw.delete_usage_plan_key, usagePlanId=plan["id"], keyId=key["id"]),
                 "NotFoundException", 404)
    assert apigw.get_usage_plans(keyId=key["id"])["items"] == []


def test_tags_of_api_keys_and_usage_plans(apigw):
    key = apigw.create_api_key(name=unique("key"))
    plan = apigw.create_usage_plan(name=unique("plan"))
    key_arn = f"arn:aws:apigateway:us-east-1::/apikeys/{key['id']}"
    plan_arn = f"arn:aws:apigateway:us-east-1::/usageplans/{plan['id']}"
    for arn in (key_arn, plan_arn):
        apigw.tag_resource(resourceArn=arn, tags={"a": "1", "b": "2"})
        apigw.untag_resource(resourceArn=arn, tagKeys=["a"])
        assert apigw.get_tags(resourceArn=arn)["tags"] == {"b": "2"}
    assert apigw.get_api_key(apiKey=key["id"])["tags"] == {"b": "2"}
    assert_error(error_of(apigw.get_tags, resourceArn="arn:aws:apigateway:us-east-1::/apikeys/nope"),
                 "NotFoundException", 404)
    assert api_arn("x") == "arn:aws:apigateway:us-east-1::/restapis/x"
