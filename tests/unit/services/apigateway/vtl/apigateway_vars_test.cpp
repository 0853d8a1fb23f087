// API Gateway's variables: $input, $context, $stageVariables, $util, and the overrides.

#include "vtl_test_support.h"

namespace nimbus::apigateway::vtl::test {

TEST(VtlInput, Body) {
  Inputs in;
  in.body = "raw \"text\"";
  EXPECT_EQ(render("$input.body", in), "raw \"text\"");
}

TEST(VtlInput, JsonGivesJsonText) {
  EXPECT_EQ(render_sample("$input.json('$.name') $input.json('$.tags') $input.json('$.pets[1]') "
                          "$input.json('$.nested.deep') $input.json('$.age')"),
            "\"Ada\" [\"a\",\"b\",\"c\"] {\"id\":2,\"type\":\"cat\"} {\"value\":true} 36");
}

TEST(VtlInput, JsonOfTheWholeBodyAndOfAnEmptyBody) {
  Inputs in;
  in.body = R"({"a": [1, {"b": null}]})";
  EXPECT_EQ(render("$input.json('$')", in), R"({"a":[1,{"b":null}]})");
  EXPECT_EQ(render_empty("$input.json('$')"), "{}");
}

TEST(VtlInput, JsonOfAMissingPathIsEmpty) {
  EXPECT_EQ(render_sample("[$input.json('$.missing.x')]"), "[]");
}

TEST(VtlInput, JsonPathForms) {
  EXPECT_EQ(
      render_sample("$input.json('$[\"pets\"][0].type') $input.json(\"$['pets'][*].id\") "
                    "$input.json('$.pets[-1].id') $input.json('$..type') $input.json('name')"),
      "\"dog\" [1,2] 2 [\"dog\",\"cat\"] \"Ada\"");
}

TEST(VtlInput, BadJsonPathIsAnError) {
  EXPECT_THROW(render_sample("$input.json('$.pets[?(@.id > 1)]')"), TemplateError);
  EXPECT_THROW(render_sample("$input.json('$.pets[0')"), TemplateError);
}

TEST(VtlInput, PathGivesObjects) {
  EXPECT_EQ(render_sample(
                "$input.path('$.name') $input.path('$.tags').size() $input.path('$.pets')[0].type "
                "$input.path('$.pets').get(1).id $input.path('$.nested.deep.value') "
                "$input.path('$.price')"),
            "Ada 3 dog 2 true 249.99");
  EXPECT_EQ(render_sample("$input.path('$.nested')"), "{deep={value=true}}");
  EXPECT_EQ(render_sample("$input.path('$.missing')|$!input.path('$.none')|"),
            "$input.path('$.missing')||");
}

TEST(VtlInput, PathIteratesAndSizes) {
  EXPECT_EQ(render_sample(
                "#foreach($p in $input.path('$.pets'))$p.id:$p.type#if($foreach.hasNext),#end#end"),
            "1:dog,2:cat");
}

TEST(VtlInput, PathOfANonJsonBodyIsTheText) {
  Inputs in;
  in.body = "a=1&b=two";
  EXPECT_EQ(
      render(
          "#foreach($kv in $input.path('$').split('&'))#set($p = $kv.split('='))$p[0]->$p[1];#end",
          in),
      "a->1;b->two;");
}

TEST(VtlInput, ChangingAPathResultDoesNotChangeTheBody) {
  EXPECT_EQ(
      render_sample("#set($r = $input.path('$'))#set($r.name = 'Bob')$r.name $input.path('$.name') "
                    "$!input.path('$.tags').add('z')$input.path('$.tags').size()"),
      "Bob Ada true3");
}

TEST(VtlInput, Params) {
  EXPECT_EQ(render_sample("$input.params('id') $input.params('page') $input.params('X-Trace') "
                          "$input.params('x-trace') [$input.params('absent')]"),
            "42 2 t-1 t-1 []");
  EXPECT_EQ(render_sample("$input.params().header.get('X-Trace') $input.params().querystring.page "
                          "$input.params().path $input.params().keySet()"),
            "t-1 2 {id=42} [path, querystring, header]");
}

TEST(VtlInput, ParamsLoopAsInTheConsolePassthroughTemplate) {
  Inputs in;
  in.params = Json::parse(R"({"path": {}, "querystring": {"a": "1", "b": "x'y"}, "header": {}})");
  const char* t =
      "#set($allParams = $input.params())\n"
      "{\n"
      "#foreach($type in $allParams.keySet())\n"
      "  #set($params = $allParams.get($type))\n"
      "\"$type\" : {\n"
      "  #foreach($paramName in $params.keySet())\n"
      "  \"$paramName\" : \"$util.escapeJavaScript($params.get($paramName))\"\n"
      "  #if($foreach.hasNext),#end\n"
      "  #end\n"
      "}\n"
      "#if($foreach.hasNext),#end\n"
      "#end\n"
      "}";
  // Velocity 1.7 keeps the indentation before #foreach / #if / #end lines (only #set's goes).
  EXPECT_EQ(render(t, in),
            "{\n\"path\" : {\n  }\n,\"querystring\" : {\n    \"a\" : \"1\"\n  ,    \"b\" : "
            "\"x\\'y\"\n    }\n,"
            "\"header\" : {\n  }\n}");
}

TEST(VtlContext, NestedValuesAndStageVariables) {
  EXPECT_EQ(render_sample("$context.requestId $context.httpMethod $context.authorizer.principalId "
                          "$stageVariables.env $stageVariables.get('env') $!stageVariables.none"),
            "r-1 POST p test test ");
}

TEST(VtlUtil, Functions) {
  EXPECT_EQ(render_empty("$util.escapeJavaScript(\"it's \"\"q\"\" a\\b/c\")"),
            "it\\'s \\\"q\\\" a\\\\b\\/c");
  EXPECT_EQ(render_empty("$util.urlEncode('a b&c=d/é') $util.urlDecode('a+b%26c%3Dd%2F%C3%A9')"),
            "a+b%26c%3Dd%2F%C3%A9 a b&c=d/é");
  EXPECT_EQ(render_empty("$util.base64Encode('hello') $util.base64Decode('aGVsbG8=')"),
            "aGVsbG8= hello");
  EXPECT_EQ(render_empty("#set($o = $util.parseJson('{\"a\": [1, 2], \"b\": {\"c\": "
                         "\"d\"}}'))$o.a.size() $o.b.c $o"),
            "2 d {a=[1, 2], b={c=d}}");
}

TEST(VtlUtil, EscapeJavaScriptEscapesNonAsciiAndControls) {
  EXPECT_EQ(
      render_empty("#set($s = \"tab\t\u00e9\u20ac\xf0\x9f\x98\x80\")$util.escapeJavaScript($s)"),
      "tab\\t\\u00E9\\u20AC\\uD83D\\uDE00");
}

TEST(VtlUtil, BadInputIsAnError) {
  EXPECT_THROW(render_empty("$util.parseJson('{nope')"), TemplateError);
  EXPECT_THROW(render_empty("$util.base64Decode('***')"), TemplateError);
  EXPECT_THROW(render_empty("$util.urlDecode('%zz')"), TemplateError);
}

TEST(VtlUtil, NullArgumentIsNull) {
  EXPECT_EQ(render_empty("[$!util.escapeJavaScript($missing)]"), "[]");
}

TEST(VtlOverrides, ResponseStatusAndHeaders) {
  Rendered r = render_with_overrides(
      "#set($context.responseOverride.status = 400)\n"
      "#set($context.responseOverride.header.X-Reason = \"bad $input.params('id')\")\n"
      "{\"error\": true}",
      sample_inputs());
  EXPECT_EQ(r.text, "{\"error\": true}");
  EXPECT_EQ(r.overrides.status, 400);
  EXPECT_EQ(r.overrides.response_headers.at("X-Reason"), "bad 42");
  EXPECT_TRUE(r.overrides.request_headers.empty());
}

TEST(VtlOverrides, RequestOverrides) {
  Rendered r = render_with_overrides(
      "#set($context.requestOverride.header.X-User = $context.authorizer.claims.sub)"
      "#set($context.requestOverride.querystring.page = 3)"
      "#set($context.requestOverride.path.id = 'p-1')",
      sample_inputs());
  EXPECT_EQ(r.text, "");
  EXPECT_FALSE(r.overrides.status);
  EXPECT_EQ(r.overrides.request_headers.at("X-User"), "user-7");
  EXPECT_EQ(r.overrides.request_querystring.at("page"), "3");
  EXPECT_EQ(r.overrides.request_path.at("id"), "p-1");
}

TEST(VtlOverrides, StatusAsTextAndOutOfRange) {
  EXPECT_EQ(
      render_with_overrides("#set($context.responseOverride.status = '404')", {}).overrides.status,
      404);
  EXPECT_FALSE(
      render_with_overrides("#set($context.responseOverride.status = 99)", {}).overrides.status);
  EXPECT_TRUE(render_with_overrides("plain", {}).overrides.empty());
}

TEST(VtlOverrides, OverridesCanBeReadBack) {
  EXPECT_EQ(
      render_empty("#set($context.responseOverride.status = 201)$context.responseOverride.status"),
      "201");
}

}  // namespace nimbus::apigateway::vtl::test
