// Bad syntax is a TemplateError naming the problem and where it is; limits stop runaway templates.

#include <string>

#include "vtl_test_support.h"

namespace nimbus::apigateway::vtl::test {

namespace {

std::string error_of(std::string_view text) {
  try {
    render_empty(text);
  } catch (const TemplateError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST(VtlErrors, NameTheProblemAndPosition) {
  EXPECT_EQ(error_of("a\n  #if($x)b"), "#if without #end at line 2, column 3");
  EXPECT_EQ(error_of("#end"), "#end without #if or #foreach at line 1, column 1");
  EXPECT_EQ(error_of("#set($x 1)"), "expected '=' in #set at line 1, column 9");
  EXPECT_EQ(error_of("#if($x == )#end"), "unexpected ')' in an expression at line 1, column 11");
  EXPECT_EQ(error_of("#set($x = 'abc)"), "unterminated string at line 1, column 11");
  EXPECT_EQ(error_of("x #* open"), "unterminated #* comment at line 1, column 3");
  EXPECT_EQ(error_of("#foreach($x [1])#end"), "expected 'in' in #foreach at line 1, column 13");
  EXPECT_EQ(error_of("#else"), "#else / #elseif without #if at line 1, column 1");
  EXPECT_EQ(error_of("#if"), "#if needs '(' after its name at line 1, column 1");
}

TEST(VtlErrors, MoreSyntaxErrors) {
  for (const char* t : {"#set(x = 1)", "#set($a.b() = 1)", "#if(true)#else#else#end",
                        "#foreach($a in [1])#else#end", "$a.b(1", "#set($x = [1, 2)",
                        "#set($x = {'a' 1})", "#[[ open", "#set($x = 99999999999999999999)",
                        "#set($x = foo)", "#if(true) #elseif #end"}) {
    EXPECT_THROW(render_empty(t), TemplateError) << t;
  }
}

TEST(VtlErrors, ErrorsInsideStringsPointAtTheString) {
  EXPECT_EQ(error_of("\n#set($x = \"a #if(\")"),
            "unexpected end of template in an expression at line 2, column 11");
}

TEST(VtlLimits, Nesting) {
  std::string deep;
  for (int k = 0; k < 100; ++k) deep += "#if(true)";
  EXPECT_NE(error_of(deep).find("nests deeper than 64"), std::string::npos);
  EXPECT_THROW(render_empty("#if" + std::string(10000, '(')), TemplateError);
  EXPECT_THROW(render_empty("#set($x = " + std::string(5000, '[')), TemplateError);
  EXPECT_THROW(render_empty("#set($x = " + std::string(5000, '!') + "true)"), TemplateError);
  EXPECT_THROW(render_empty("#set($x = " + std::string(5000, '-') + "1)"), TemplateError);
  std::string sum = "#set($x = 1";
  for (int k = 0; k < 5000; ++k) sum += " + 1";
  EXPECT_THROW(render_empty(sum + ")"), TemplateError);
  std::string short_sum = "#set($x = 1";
  for (int k = 0; k < 40; ++k) short_sum += " + 1";
  EXPECT_EQ(render_empty(short_sum + ")$x"), "41");
}

TEST(VtlLimits, ForeachIterations) {
  EXPECT_NO_THROW(render_empty("#foreach($i in [1..1000])#end"));
  EXPECT_NE(error_of("#foreach($i in [1..1001])#end").find("limit is 1000"), std::string::npos);
}

TEST(VtlLimits, WorkBudgetStopsNestedLoops) {
  EXPECT_NE(
      error_of(
          "#foreach($a in [1..1000])#foreach($b in [1..1000])#foreach($c in [1..1000])#end#end#end")
          .find("too much work"),
      std::string::npos);
  EXPECT_THROW(render_empty("#set($r = [1..100000000])"), TemplateError);
}

TEST(VtlLimits, OutputSize) {
  EXPECT_NE(error_of("#set($s = "
                     "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx')"
                     "#foreach($a in [1..1000])#foreach($b in [1..1000])$s#end#end")
                .find("longer than"),
            std::string::npos);
}

TEST(VtlLimits, GrowingStringsAndValues) {
  EXPECT_THROW(render_empty("#set($s = 'ab')#foreach($i in [1..100])#set($s = $s + $s)#end"),
               TemplateError);
  EXPECT_THROW(render_empty("#set($l = [])#foreach($i in [1..300])#set($l = [$l])#end"),
               TemplateError);
  EXPECT_THROW(render_empty("#set($l = [1])#foreach($i in [1..100])#set($l = [$l, $l])#end"),
               TemplateError);
  EXPECT_THROW(render_empty("#set($m = {})#foreach($i in [1..300])#set($d = $m.put('x', $m))#end"),
               TemplateError);
  EXPECT_THROW(
      render_empty("#set($s = 'ab')#foreach($i in [1..40])#set($s = $s.replace('a', $s))#end"),
      TemplateError);
}

TEST(VtlLimits, DeepJsonIsRefused) {
  EXPECT_THROW(
      render_empty("$util.parseJson('" + std::string(1000, '[') + std::string(1000, ']') + "')"),
      TemplateError);
  Inputs in;
  in.body = std::string(1000, '[') + std::string(1000, ']');
  EXPECT_EQ(render("$input.path('$').length()", in), "2000");  // read as text
}

}  // namespace nimbus::apigateway::vtl::test
