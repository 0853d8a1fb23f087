// Directives: #set, #if/#elseif/#else, #foreach, #break, #stop, comments, unparsed blocks and
// Velocity 1.7's whitespace rules.

#include "vtl_test_support.h"

namespace nimbus::apigateway::vtl::test {

TEST(VtlDirectives, SetWithExpressions) {
  EXPECT_EQ(render_empty("#set($a = 7)#set($b = $a * 2 + 1)#set($c = ($a + 1) / 3)#set($d = $a % 4)"
                         "#set($e = -$a)#set($f = 7 / 2.0)$b $c $d $e $f"),
            "15 2 3 -7 3.5");
}

TEST(VtlDirectives, StringConcatenationWithPlus) {
  EXPECT_EQ(render_empty("#set($s = 'a' + 1 + 2)#set($t = 1 + 2 + 'a')$s $t"), "a12 3a");
}

TEST(VtlDirectives, InterpolatedStrings) {
  EXPECT_EQ(
      render_sample(
          "#set($s = \"id-$context.requestId/${context.stage}\")#set($t = 'no $interp')$s $t"),
      "id-r-1/prod no $interp");
  EXPECT_EQ(render_empty("#set($s = \"say \"\"hi\"\"\")#set($t = 'it''s')$s $t"),
            "say \"hi\" it's");
}

TEST(VtlDirectives, NullIsNotAssigned) {
  EXPECT_EQ(render_empty("#set($a = 'kept')#set($a = $undefined)$a"), "kept");
}

TEST(VtlDirectives, DivisionByZeroIsNull) {
  EXPECT_EQ(render_empty("#set($a = 1)#set($a = 1 / 0)$a"), "1");
}

TEST(VtlDirectives, LiteralsListsRangesMaps) {
  EXPECT_EQ(
      render_empty(
          "#set($l = [1, 'two', true, [3]])#set($r = [3..1])#set($m = {'k': [1, 2], \"n\": {}})"
          "$l $r $m $l.size()"),
      "[1, two, true, [3]] [3, 2, 1] {k=[1, 2], n={}} 4");
}

TEST(VtlDirectives, IfElseifElse) {
  const char* t =
      "#foreach($n in [1, 5, 10])#if($n < 3)small#elseif($n >= 10)big#{else}mid#end,#end";
  EXPECT_EQ(render_empty(t), "small,mid,big,");
}

TEST(VtlDirectives, ConditionsAndWords) {
  EXPECT_EQ(render_empty(
                "#set($a = 2)#if($a == 2 && !($a != 2) and not false)1#end"
                "#if($a > 5 || $a eq 2)2#end#if($a lt 3 and $a ge 2 and $a le 2 and $a gt 1)3#end"
                "#if($a ne 3)4#end"),
            "1234");
}

TEST(VtlDirectives, TruthinessIsVelocity17) {
  EXPECT_EQ(
      render_empty("#set($e = '')#if($e)empty-string-true#end#if($missing)no#else null-false#end"
                   "#if([])list-true#end"),
      "empty-string-true null-falselist-true");
}

TEST(VtlDirectives, EqualityAcrossTypes) {
  EXPECT_EQ(
      render_empty("#if(1 == 1.0)a#end#if('1' == 1)b#end#if($x == $y)c#end#if('a' == $x)d#end"),
      "abc");
}

TEST(VtlDirectives, ForeachVariables) {
  EXPECT_EQ(
      render_empty("#foreach($x in ['a', 'b', 'c'])$foreach.index$foreach.count$velocityCount$x"
                   "#if($foreach.hasNext),#end#if($foreach.first)F#end#if($foreach.last)L#end#end"),
      "011a,F122b,233cL");
}

TEST(VtlDirectives, ForeachOverMapValuesAndNull) {
  EXPECT_EQ(
      render_empty(
          "#set($m = {'a': 1, 'b': 2})#foreach($v in $m)$v#end|#foreach($v in $nothing)x#end|"),
      "12||");
}

TEST(VtlDirectives, ForeachRestoresTheLoopVariable) {
  EXPECT_EQ(render_empty("#set($x = 'outer')#foreach($x in [1, 2])$x#end $x"), "12 outer");
}

TEST(VtlDirectives, NestedForeach) {
  EXPECT_EQ(render_empty("#foreach($a in [1, 2])#foreach($b in ['x', 'y'])$a$b$foreach.count "
                         "#end$foreach.count|#end"),
            "1x1 1y2 1|2x1 2y2 2|");
}

TEST(VtlDirectives, BreakAndStop) {
  EXPECT_EQ(render_empty("#foreach($i in [1..5])#if($i == 3)#break#end$i#end."), "12.");
  EXPECT_EQ(render_empty("before#stop after"), "before");
  EXPECT_EQ(render_empty("#foreach($i in [1..5])$i#if($i == 2)#stop#end#end after"), "12");
}

TEST(VtlDirectives, Comments) {
  EXPECT_EQ(render_empty("a## comment\nb#* block\ncomment *#c"), "abc");
}

TEST(VtlDirectives, UnparsedBlock) {
  EXPECT_EQ(render_empty("#[[ $not #if(parsed) ]]#!"), " $not #if(parsed) !");
}

TEST(VtlDirectives, UnknownDirectiveIsText) {
  EXPECT_EQ(render_empty("color: #fff; #ifx #{nope} # alone"), "color: #fff; #ifx #{nope} # alone");
}

TEST(VtlDirectives, DirectiveLinesDoNotRenderTheirLineEnd) {
  const char* t =
      "{\n"
      "  #set($x = 1)\n"
      "  \"a\": $x,\n"
      "#if($x == 1)\n"
      "  \"b\": true\n"
      "#else\n"
      "  \"b\": false\n"
      "#end\n"
      "}";
  EXPECT_EQ(render_empty(t), "{\n  \"a\": 1,\n  \"b\": true\n}");
}

TEST(VtlDirectives, AwsPetStoreExample) {
  Inputs in;
  in.body =
      R"([{"id": 1, "type": "dog", "price": 249.99}, {"id": 2, "type": "cat", "price": 124.99},
               {"id": 3, "type": "fish", "price": 0.99}])";
  const char* t =
      "#set($inputRoot = $input.path('$'))\n"
      "[\n"
      "#foreach($elem in $inputRoot)\n"
      "  {\n"
      "    \"description\" : \"Item $elem.id is a $elem.type.\",\n"
      "    \"askingPrice\" : $elem.price\n"
      "  }#if($foreach.hasNext),#end\n"
      "\n"
      "#end\n"
      "]";
  EXPECT_EQ(render(t, in),
            "[\n"
            "  {\n    \"description\" : \"Item 1 is a dog.\",\n    \"askingPrice\" : 249.99\n  },\n"
            "  {\n    \"description\" : \"Item 2 is a cat.\",\n    \"askingPrice\" : 124.99\n  },\n"
            "  {\n    \"description\" : \"Item 3 is a fish.\",\n    \"askingPrice\" : 0.99\n  }\n"
            "]");
}

TEST(VtlDirectives, SetOnNestedPropertiesAndIndexes) {
  EXPECT_EQ(
      render_empty("#set($m = {'a': {}})#set($m.a.b = 1)#set($m['c'] = [0, 0])#set($m.c[1] = 9)$m"),
      "{a={b=1}, c=[0, 9]}");
}

TEST(VtlDirectives, UnsupportedDirectivesAreNamed) {
  for (const char* t :
       {"#macro(x)#end", "#define($x)y#end", "#parse('x')", "#include('x')", "#evaluate('x')"}) {
    try {
      render_empty(t);
      ADD_FAILURE() << t;
    } catch (const TemplateError& e) {
      EXPECT_NE(std::string(e.what()).find("not supported"), std::string::npos) << e.what();
    }
  }
}

}  // namespace nimbus::apigateway::vtl::test
