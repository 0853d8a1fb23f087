// References: variables, properties, methods, indexes, quiet and escaped forms.

#include "vtl_test_support.h"

namespace nimbus::apigateway::vtl::test {

TEST(VtlReferences, TextPassesThrough) {
  EXPECT_EQ(render_empty("plain {\"json\": [1, 2]} text\n"), "plain {\"json\": [1, 2]} text\n");
  EXPECT_EQ(render_empty(""), "");
}

TEST(VtlReferences, UndefinedRendersAsWritten) {
  EXPECT_EQ(render_empty("a $foo b ${foo} $foo.bar('x') $!foo c"),
            "a $foo b ${foo} $foo.bar('x')  c");
}

TEST(VtlReferences, QuietUndefinedOptionRendersNothing) {
  Inputs in;
  in.quiet_undefined = true;
  EXPECT_EQ(render("[$foo][$context.nope]", in), "[][]");
}

TEST(VtlReferences, DollarWithoutNameIsText) {
  EXPECT_EQ(render_empty("cost: $5 $ $. $$ ${ ${x"), "cost: $5 $ $. $$ ${ ${x");
}

TEST(VtlReferences, VariablesAndBraces) {
  EXPECT_EQ(render_empty("#set($x = 'v')$x ${x}s $!x $!{x}"), "v vs v v");
}

TEST(VtlReferences, PropertyChainOnMaps) {
  EXPECT_EQ(render_sample("$context.identity.sourceIp/$context.authorizer.claims.sub"),
            "192.0.2.1/user-7");
}

TEST(VtlReferences, TrailingPeriodIsText) {
  EXPECT_EQ(render_sample("Stage $context.stage."), "Stage prod.");
}

TEST(VtlReferences, HyphenBelongsToTheName) { EXPECT_EQ(render_empty("#set($a-b = 1)$a-b"), "1"); }

TEST(VtlReferences, IndexNotation) {
  EXPECT_EQ(
      render_empty("#set($l = ['x', 'y'])#set($m = {'k': 'v'})$l[0]$l[1]$l[-1] $m['k'] $m[\"k\"]"),
      "xyy v v");
}

TEST(VtlReferences, IndexThatIsNotAnExpressionEndsTheReference) {
  EXPECT_EQ(render_empty("#set($a = 'v')$a[abc]"), "v[abc]");
}

TEST(VtlReferences, IndexOutOfRangeIsAnError) {
  EXPECT_THROW(render_empty("#set($l = [1])$l[3]"), TemplateError);
}

TEST(VtlReferences, EscapedReferences) {
  EXPECT_EQ(render_empty("#set($a = 'v')\\$a \\\\$a \\$b"), "$a \\v \\$b");
}

TEST(VtlReferences, EscapedDirective) {
  EXPECT_EQ(render_empty("\\#if(true) \\#set"), "#if(true) #set");
}

TEST(VtlReferences, StringMethods) {
  EXPECT_EQ(render_empty(
                "#set($s = ' Hello World ')$s.trim().length() $s.toLowerCase() $s.toUpperCase()"),
            "11  hello world   HELLO WORLD ");
  EXPECT_EQ(
      render_empty(
          "#set($s = 'abcdef')$s.substring(1,3) $s.substring(4) $s.replace('c', 'X') "
          "$s.contains('cd') $s.startsWith('ab') $s.endsWith('x') $s.isEmpty() $s.indexOf('d') "
          "$s.charAt(0) $s.equals('abcdef') $s.equalsIgnoreCase('ABCDEF')"),
      "bc ef abXdef true true false false 3 a true true");
}

TEST(VtlReferences, SubstringOutOfRangeIsAnError) {
  EXPECT_THROW(render_empty("#set($s = 'ab')$s.substring(1, 5)"), TemplateError);
}

TEST(VtlReferences, SplitDropsTrailingEmptyStrings) {
  EXPECT_EQ(
      render_empty("#set($p = 'a=1&b=2&&')$p.split('&') $p.split('&').size() $p.split('=', 2)"),
      "[a=1, b=2] 2 [a, 1&b=2&&]");
  EXPECT_EQ(render_empty("#set($p = 'a|b')$p.split('\\|')"), "[a, b]");
}

TEST(VtlReferences, RegularExpressionsAreRefused) {
  EXPECT_THROW(render_empty("#set($p = 'a b')$p.split('\\s+')"), TemplateError);
  EXPECT_EQ(render_empty("#set($s = \"it\\'s\")$s.replaceAll(\"\\\\'\", \"'\")"), "it's");
}

TEST(VtlReferences, UnknownMethodIsNull) {
  EXPECT_EQ(render_empty("#set($s = 'x')$s.frobnicate() $!s.frobnicate()"), "$s.frobnicate() ");
}

TEST(VtlReferences, ListMethods) {
  EXPECT_EQ(render_empty(
                "#set($l = [1, 2, 3])$l.size() $l.get(0) $l.isEmpty() $l.contains(2) $l.indexOf(3) "
                "$l.add(4) $l $l.empty"),
            "3 1 false true 2 true [1, 2, 3, 4] false");
}

TEST(VtlReferences, MapMethods) {
  EXPECT_EQ(
      render_empty(
          "#set($m = {'a': 1, 'b': 'x'})$m.get('a') $m.size() $m.keySet() $m.containsKey('b') "
          "$m.values() $m $!m.put('c', true)$m.c #foreach($e in "
          "$m.entrySet())$e.key=$e.value;#end"),
      "1 2 [a, b] true [1, x] {a=1, b=x} true a=1;b=x;c=true;");
}

TEST(VtlReferences, MapPutReturnsThePreviousValue) {
  EXPECT_EQ(render_empty("#set($m = {})$m.put('k', 1)|$m.put('k', 2)|$m.remove('k')|$m.isEmpty()"),
            "$m.put('k', 1)|1|2|true");
}

TEST(VtlReferences, NumbersRenderAsJava) {
  EXPECT_EQ(render_empty("#set($a = 1.0)#set($b = 0.5)#set($c = 1.5e10)#set($d = 7)$a $b $c $d"),
            "1.0 0.5 1.5E10 7");
}

}  // namespace nimbus::apigateway::vtl::test
