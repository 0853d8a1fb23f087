// Target input shaping: AWS's documented examples and recorded answers, then every PutTargets error.
#include <gtest/gtest.h>

#include "core/aws_error.h"
#include "services/events/transform/input_transform.h"
#include "services/events/transform/json_path.h"

namespace nimbus::events::transform {
namespace {

// The EC2 event of AWS's "Amazon EventBridge input transformation" page.
const Json kEc2Event = Json::parse(R"({
  "version": "0", "id": "7bf73129-1428-4cd3-a780-95db273d1602",
  "detail-type": "EC2 Instance State-change Notification", "source": "aws.ec2",
  "account": "123456789012", "time": "2015-11-11T21:29:54Z", "region": "us-east-1",
  "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
  "detail": {"instance-id": "i-0123456789", "state": "RUNNING"}})");

const RuleInfo kRule{"arn:aws:events:us-east-2:123456789012:rule/example", "example", "2015-11-11T21:29:55Z"};

Transformer ec2_transformer(std::string input_template) {
  return {{{"timestamp", "$.time"}, {"instance", "$.detail.instance-id"}, {"state", "$.detail.state"}},
          std::move(input_template)};
}

std::optional<std::string> shape(const Transformer& transformer, const Json& event = kEc2Event) {
  TargetInput spec;
  spec.transformer = transformer;
  return shape_input(spec, event, kRule);
}

std::string error_message(const Json& target) {
  try {
    validate_target_input(target, 1);
  } catch (const AwsError& error) {
    EXPECT_EQ(error.http_status, 400);
    return error.code + ": " + error.message;
  }
  return "accepted";
}

Json target_with_template(std::string input_template, Json paths = {{"instance", "$.detail.instance-id"}}) {
  return {{"Id", "t1"},
          {"Arn", "arn:aws:sqs:us-east-1:123456789012:q"},
          {"InputTransformer", {{"InputPathsMap", std::move(paths)}, {"InputTemplate", std::move(input_template)}}}};
}

TEST(InputTransform, NothingConfiguredDeliversTheEvent) {
  EXPECT_EQ(shape_input({}, kEc2Event, kRule), kEc2Event.dump());
}

TEST(InputTransform, ConstantInputIsDeliveredVerbatim) {
  TargetInput spec;
  spec.input = R"({"a": [1, 2]})";
  EXPECT_EQ(shape_input(spec, kEc2Event, kRule), R"({"a": [1, 2]})");
}

TEST(InputTransform, InputPathSelectsPartOfTheEvent) {
  TargetInput spec;
  spec.input_path = "$.detail";
  EXPECT_EQ(shape_input(spec, kEc2Event, kRule), R"({"instance-id":"i-0123456789","state":"RUNNING"})");
  spec.input_path = "$.detail.state";  // a string arrives as a JSON string
  EXPECT_EQ(shape_input(spec, kEc2Event, kRule), R"("RUNNING")");
  spec.input_path = "$.resources[0]";
  EXPECT_EQ(shape_input(spec, kEc2Event, kRule), R"("arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111")");
  spec.input_path = "$";
  EXPECT_EQ(shape_input(spec, kEc2Event, kRule), kEc2Event.dump());
  spec.input_path = "$.detail.missing";
  EXPECT_EQ(shape_input(spec, kEc2Event, kRule), std::nullopt);
}

// The table of examples on AWS's input transformation page.
TEST(InputTransform, DocumentedSimpleString) {
  EXPECT_EQ(shape(ec2_transformer(R"("instance <instance> is in <state>")")),
            R"("instance i-0123456789 is in RUNNING")");
}

TEST(InputTransform, DocumentedStringWithEscapedQuotes) {
  EXPECT_EQ(shape(ec2_transformer(R"("instance \"<instance>\" is in <state>")")),
            R"("instance \"i-0123456789\" is in RUNNING")");
}

TEST(InputTransform, DocumentedSimpleJson) {
  EXPECT_EQ(shape(ec2_transformer("{\n  \"instance\" : <instance>,\n  \"state\": <state>\n}")),
            "{\n  \"instance\" : \"i-0123456789\",\n  \"state\": \"RUNNING\"\n}");
}

TEST(InputTransform, DocumentedJsonWithStringsAndVariables) {
  auto out = shape(ec2_transformer(
      R"({"instance" : <instance>, "state": "<state>", "instanceStatus": "instance \"<instance>\" is in <state>"})"));
  ASSERT_TRUE(out);
  EXPECT_EQ(Json::parse(*out), Json::parse(R"({"instance": "i-0123456789", "state": "RUNNING",
                                               "instanceStatus": "instance \"i-0123456789\" is in RUNNING"})"));
}

TEST(InputTransform, DocumentedJsonWithStaticInformation) {
  auto out = shape(ec2_transformer(R"({"instance" : <instance>, "state": [ 9, <state>, true ], "Transformed" : "Yes"})"));
  ASSERT_TRUE(out);
  EXPECT_EQ(Json::parse(*out)["state"], Json::parse(R"([9, "RUNNING", true])"));
}

TEST(InputTransform, DocumentedReservedVariables) {
  auto out = shape(ec2_transformer(
      R"({"instance": <instance>, "ruleArn": <aws.events.rule-arn>, "ruleName": <aws.events.rule-name>,
          "originalEvent": <aws.events.event>, "full": <aws.events.event.json>, "at": <aws.events.event.ingestion-time>})"));
  ASSERT_TRUE(out);
  Json body = Json::parse(*out);
  EXPECT_EQ(body["ruleArn"], kRule.arn);
  EXPECT_EQ(body["ruleName"], "example");
  EXPECT_EQ(body["at"], "2015-11-11T21:29:55Z");
  EXPECT_EQ(body["full"], kEc2Event);
  EXPECT_FALSE(body["originalEvent"].contains("detail"));
  EXPECT_FALSE(body["originalEvent"].contains("detail-type"));
  EXPECT_EQ(body["originalEvent"]["detailType"], "EC2 Instance State-change Notification");
  EXPECT_EQ(shape(ec2_transformer(R"("<aws.events.rule-name> triggered")")), R"("example triggered")");
}

TEST(InputTransform, ApiReferenceUnquotedTextTemplate) {
  EXPECT_EQ(shape(ec2_transformer("<instance> is in state <state>")), "i-0123456789 is in state RUNNING");
}

// As recorded against AWS (LocalStack's validated snapshots).
const Json kSpecialEvent = Json::parse(R"({"detail-type": "core.update-account-command", "time": "date",
  "detail": {"payload": {"acc_id": "0a787ecb-4015", "sf_id": "baz"}, "listsingle": ["HIGH"],
             "listmulti": ["ACTIVE", "INACTIVE"], "valid": true}})");
const std::vector<std::pair<std::string, std::string>> kSpecialPaths = {
    {"userId", "$.detail.payload.acc_id"}, {"payload", "$.detail.payload"}, {"systemstring", "$.detail.awsAccountId"},
    {"listsingle", "$.detail.listsingle"}, {"listmulti", "$.detail.listmulti"}, {"valid", "$.detail.valid"}};

TEST(InputTransform, TextTemplateFlattensObjectsAndArrays) {
  EXPECT_EQ(shape({kSpecialPaths, R"("Payload of <payload> with path users/<userId> and <userId>")"}, kSpecialEvent),
            R"("Payload of {acc_id:0a787ecb-4015,sf_id:baz} with path users/0a787ecb-4015 and 0a787ecb-4015")");
  EXPECT_EQ(shape({kSpecialPaths, R"("<listsingle> single <listmulti> multi <systemstring> none")"}, kSpecialEvent),
            R"("[HIGH] single [ACTIVE,INACTIVE] multi  none")");
  EXPECT_EQ(shape({kSpecialPaths, R"("Command is <valid>!")"}, kSpecialEvent), R"("Command is true!")");
  EXPECT_EQ(shape({kSpecialPaths, R"("{[/Check <userId>")"}, kSpecialEvent), R"("{[/Check 0a787ecb-4015")");
}

TEST(InputTransform, JsonTemplateValuesInAndOutOfStrings) {
  EXPECT_EQ(shape({kSpecialPaths, R"({"id" : <userId>})"}, kSpecialEvent), R"({"id" : "0a787ecb-4015"})");
  EXPECT_EQ(shape({kSpecialPaths, R"({"id" : "<userId>"})"}, kSpecialEvent), R"({"id" : "0a787ecb-4015"})");
  EXPECT_EQ(shape({kSpecialPaths, R"({"l": <listsingle>, "b": <payload>})"}, kSpecialEvent),
            R"({"l": ["HIGH"], "b": {"acc_id":"0a787ecb-4015","sf_id":"baz"}})");
  EXPECT_EQ(shape({kSpecialPaths, R"({"m": "users/<userId>/second/<userId>"})"}, kSpecialEvent),
            R"({"m": "users/0a787ecb-4015/second/0a787ecb-4015"})");
  EXPECT_EQ(shape({kSpecialPaths, R"({"v": <valid>, "s": "<valid>"})"}, kSpecialEvent), R"({"v": true, "s": "true"})");
}

TEST(InputTransform, MissingValuesAreEmpty) {
  EXPECT_EQ(shape({kSpecialPaths, R"({"c": <systemstring>, "d": "x<systemstring>y"})"}, kSpecialEvent),
            R"({"c": "", "d": "xy"})");
}

TEST(InputTransform, JsonTemplateThatBreaksIsNotDelivered) {
  EXPECT_EQ(shape({kSpecialPaths, R"({"payload": "<payload>"})"}, kSpecialEvent), std::nullopt);
  EXPECT_EQ(shape({kSpecialPaths, R"({"l": "<listsingle>"})"}, kSpecialEvent), std::nullopt);
  // AWS does not escape values: a quote inside a string value breaks the JSON.
  Json quoting = {{"detail", {{"text", "say \"hi\""}}}};
  EXPECT_EQ(shape({{{"t", "$.detail.text"}}, R"({"t": "<t>"})"}, quoting), std::nullopt);
  EXPECT_EQ(shape({{{"t", "$.detail.text"}}, R"("<t>")"}, quoting), R"("say "hi"")");
}

TEST(InputTransform, AngleBracketsThatAreNotPlaceholdersStayText) {
  EXPECT_EQ(shape(ec2_transformer(R"("a < b <br/> <instance>")")), R"("a < b <br/> i-0123456789")");
}

TEST(InputTransform, WildcardPathsSelectEveryMatch) {
  EXPECT_EQ(shape({{{"all", "$.detail.*"}}, R"({"all": <all>})"}), R"({"all": ["i-0123456789","RUNNING"]})");
  EXPECT_EQ(shape({{{"r", "$.resources[*]"}}, R"({"r": <r>})"}),
            R"({"r": ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"]})");
}

TEST(InputTransform, FromTargetReadsTheThreeMembers) {
  TargetInput spec = TargetInput::from_target(target_with_template("<instance>"));
  ASSERT_TRUE(spec.transformer);
  EXPECT_EQ(spec.transformer->input_template, "<instance>");
  EXPECT_EQ(spec.transformer->paths.size(), 1u);
  EXPECT_FALSE(spec.input);
  EXPECT_EQ(TargetInput::from_target({{"InputPath", "$.detail"}}).input_path, "$.detail");
  EXPECT_EQ(TargetInput::from_target({{"Input", "{}"}}).input, "{}");
}

TEST(InputTransformValidation, AcceptsDocumentedShapes) {
  EXPECT_EQ(error_message(target_with_template(R"({"i": <instance>, "e": <aws.events.event.json>})")), "accepted");
  EXPECT_EQ(error_message(target_with_template(R"("<aws.events.rule-name> <instance>")")), "accepted");
  EXPECT_EQ(error_message({{"Id", "t1"}, {"InputPath", "$.detail.items[0]"}}), "accepted");
  EXPECT_EQ(error_message({{"Id", "t1"}, {"Input", "\"text\""}}), "accepted");
  EXPECT_EQ(error_message({{"Id", "t1"}, {"InputTransformer", {{"InputTemplate", "\"<aws.events.rule-arn>\""}}}}),
            "accepted");
}

TEST(InputTransformValidation, OnlyOneKindOfInput) {
  Json target = target_with_template("<instance>");
  target["InputPath"] = "$.detail";
  EXPECT_EQ(error_message(target),
            "ValidationException: Only one of Input, InputPath, or InputTransformer must be provided for target t1.");
}

TEST(InputTransformValidation, InputMustBeJson) {
  EXPECT_EQ(error_message({{"Id", "t1"}, {"Input", "not json"}}),
            "ValidationException: Input for target t1 is not a valid JSON text.");
}

TEST(InputTransformValidation, InvalidPaths) {
  for (const char* path : {"detail", "$detail", "$.detail['a']", "$.a..b", "$.a[", "$.a[x]", "$.a b", ""}) {
    EXPECT_EQ(error_message({{"Id", "t1"}, {"InputPath", path}}), "ValidationException: InputPath for target t1 is invalid.")
        << path;
    EXPECT_EQ(error_message(target_with_template("<v>", {{"v", path}})),
              "ValidationException: InputPath for target t1 is invalid.")
        << path;
  }
}

TEST(InputTransformValidation, UndefinedPlaceholder) {
  EXPECT_EQ(error_message(target_with_template(R"("Event with not defined key <notdefinedkey>")")),
            "ValidationException: InputTemplate for target t1 contains invalid placeholder notdefinedkey.");
}

TEST(InputTransformValidation, EventVariablesOnlyAsJsonValues) {
  for (const char* bad : {R"("x <aws.events.event.json>")", R"([<aws.events.event.json>])",
                          R"({"e": "<aws.events.event.json>"})"}) {
    EXPECT_EQ(error_message(target_with_template(bad)),
              "ValidationException: InputTemplate for target t1 contains placeholder aws.events.event.json valid only "
              "for JSON template.")
        << bad;
  }
  EXPECT_EQ(error_message(target_with_template("<aws.events.event>")),
            "ValidationException: InputTemplate for target t1 contains placeholder aws.events.event valid only for "
            "JSON template.");
}

TEST(InputTransformValidation, JsonTemplateMustBeJson) {
  std::string message = error_message(target_with_template(R"({"i": <instance>)"));
  EXPECT_EQ(message.rfind("ValidationException: Invalid InputTemplate for target t1 : ", 0), 0u) << message;
}

TEST(InputTransformValidation, ModelConstraints) {
  EXPECT_EQ(error_message({{"Id", "t1"}, {"InputTransformer", {{"InputPathsMap", Json::object()}}}}),
            "ValidationException: 1 validation error detected: Value null at "
            "'targets.1.member.inputTransformer.inputTemplate' failed to satisfy constraint: Member must not be null");
  EXPECT_NE(error_message(target_with_template("")).find("Member must have length greater than or equal to 1"),
            std::string::npos);
  EXPECT_NE(error_message(target_with_template(std::string(8193, 'x')))
                .find("'targets.1.member.inputTransformer.inputTemplate' failed to satisfy constraint: Member must "
                      "have length less than or equal to 8192"),
            std::string::npos);
  EXPECT_EQ(error_message(target_with_template(std::string(8192, 'x'))), "accepted");
  Json many = Json::object();
  for (int i = 0; i <= 100; ++i) many["v" + std::to_string(i)] = "$.a";
  EXPECT_NE(error_message(target_with_template("x", many)).find("Member must have length less than or equal to 100"),
            std::string::npos);
  many.erase("v100");
  EXPECT_EQ(error_message(target_with_template("x", many)), "accepted");
  // Reserved names (and anything else outside [A-Za-z0-9_-]) cannot be keys.
  EXPECT_NE(error_message(target_with_template("x", {{"aws.events.rule-name", "$.a"}})).find("Map keys must satisfy"),
            std::string::npos);
  EXPECT_NE(error_message(target_with_template("x", {{"v", "$." + std::string(300, 'a')}})).find("Map value must"),
            std::string::npos);
  EXPECT_NE(error_message({{"Id", "t1"}, {"Input", std::string(8193, ' ')}}).find("'targets.1.member.input'"),
            std::string::npos);
}

TEST(JsonPath, ParsesTheSupportedForms) {
  auto path = parse_path("$.detail.items[2].a-b_c/d");
  ASSERT_TRUE(path);
  ASSERT_EQ(path->steps.size(), 4u);
  EXPECT_EQ(path->steps[1].key, "items");
  EXPECT_EQ(path->steps[2].kind, PathStep::Kind::Index);
  EXPECT_EQ(path->steps[2].index, 2u);
  EXPECT_EQ(path->steps[3].key, "a-b_c/d");
  EXPECT_TRUE(parse_path("$")->steps.empty());
  EXPECT_TRUE(parse_path("$.a[*].b")->has_wildcard);
  EXPECT_FALSE(parse_path("$.a[1234567890]"));
}

}  // namespace
}  // namespace nimbus::events::transform
