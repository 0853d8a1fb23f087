// The filter pattern language: parse errors, then matches per form.
#include <gtest/gtest.h>

#include "services/logs/filter_pattern.h"

namespace nimbus::logs::filter {
namespace {

bool match(std::string_view pattern, std::string_view message) { return matches(parse(pattern), message); }

TEST(FilterPattern, EmptyAndBlankPatternsMatchEverything) {
  EXPECT_TRUE(match("", "anything"));
  EXPECT_TRUE(match("   ", "anything"));
  EXPECT_TRUE(match("\" \"", "anything"));
  EXPECT_EQ(parse("").kind, FilterPattern::Kind::MatchAll);
}

TEST(FilterPattern, TermsAreCaseSensitiveSubstringsAndAllMustMatch) {
  EXPECT_TRUE(match("ERROR", "[ERROR] disk full"));
  EXPECT_FALSE(match("ERROR", "error: disk full"));
  EXPECT_TRUE(match("ERROR disk", "ERROR: disk full"));
  EXPECT_FALSE(match("ERROR memory", "ERROR: disk full"));
}

TEST(FilterPattern, QuotedPhraseMatchesExactly) {
  EXPECT_TRUE(match("\"disk full\"", "ERROR: disk full now"));
  EXPECT_FALSE(match("\"disk full\"", "full disk"));
  EXPECT_TRUE(match("\"say \\\"hi\\\"\"", "they say \"hi\" twice"));
}

TEST(FilterPattern, QuestionMarkTermsMatchAny) {
  EXPECT_TRUE(match("?ERROR ?WARN", "WARN low memory"));
  EXPECT_TRUE(match("?ERROR ?WARN", "ERROR boom"));
  EXPECT_FALSE(match("?ERROR ?WARN", "INFO fine"));
}

TEST(FilterPattern, MinusTermsExclude) {
  EXPECT_TRUE(match("ERROR -timeout", "ERROR disk"));
  EXPECT_FALSE(match("ERROR -timeout", "ERROR timeout reached"));
}

TEST(FilterPattern, RegexTerm) {
  EXPECT_TRUE(match("%ERR[0-9]+%", "code ERR42 seen"));
  EXPECT_FALSE(match("%ERR[0-9]+%", "code ERR seen"));
}

TEST(FilterPattern, JsonEqualityAndWildcards) {
  EXPECT_TRUE(match("{ $.level = \"ERROR\" }", R"({"level":"ERROR","msg":"x"})"));
  EXPECT_FALSE(match("{ $.level = \"ERROR\" }", R"({"level":"INFO"})"));
  EXPECT_TRUE(match("{ $.level = ERR* }", R"({"level":"ERROR"})"));
  EXPECT_TRUE(match("{ $.level != \"INFO\" }", R"({"level":"ERROR"})"));
  EXPECT_FALSE(match("{ $.level = \"ERROR\" }", "ERROR not json"));
}

TEST(FilterPattern, JsonNumbersAndLogic) {
  const char* event = R"({"latency": 120, "status": 500, "user": {"id": 7, "tags": ["a", "b"]}, "ok": false, "gone": null})";
  EXPECT_TRUE(match("{ $.latency > 100 }", event));
  EXPECT_FALSE(match("{ $.latency < 100 }", event));
  EXPECT_TRUE(match("{ $.latency >= 120 && $.status = 500 }", event));
  EXPECT_TRUE(match("{ $.latency < 10 || $.user.id = 7 }", event));
  EXPECT_TRUE(match("{ ($.latency < 10 || $.user.id = 7) && $.status != 200 }", event));
  EXPECT_TRUE(match("{ $.user.tags[1] = \"b\" }", event));
  EXPECT_TRUE(match("{ $.user.tags[*] = \"a\" }", event));
  EXPECT_TRUE(match("{ $.ok IS FALSE }", event));
  EXPECT_TRUE(match("{ $.gone IS NULL }", event));
  EXPECT_TRUE(match("{ $.missing NOT EXISTS }", event));
  EXPECT_FALSE(match("{ $.latency NOT EXISTS }", event));
}

TEST(FilterPattern, SpaceDelimitedFieldsAndConditions) {
  const char* line = "127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] \"GET /index.html HTTP/1.0\" 404 1534";
  EXPECT_TRUE(match("[ip, user, username, timestamp, request, status_code, bytes]", line));
  EXPECT_FALSE(match("[ip, user, username]", line));
  EXPECT_TRUE(match("[ip, user, username, timestamp, request, status_code = 404, bytes]", line));
  EXPECT_TRUE(match("[..., status_code = 4*, bytes]", line));
  EXPECT_TRUE(match("[ip = 127.0.0.*, ...]", line));
  EXPECT_TRUE(match("[..., status_code = 5* || status_code = 4*, bytes > 1000]", line));
  EXPECT_FALSE(match("[..., bytes < 1000]", line));
  EXPECT_TRUE(match("[ip, ..., bytes]", line));
}

TEST(FilterPattern, SplitFieldsKeepsQuotedAndBracketedRuns) {
  auto fields = split_fields("a \"b c\" [d e] f");
  ASSERT_EQ(fields.size(), 4u);
  EXPECT_EQ(fields[1], "b c");
  EXPECT_EQ(fields[2], "d e");
}

TEST(FilterPattern, MalformedPatternsAreParseErrors) {
  EXPECT_THROW(parse("{ $.level = }"), ParseError);
  EXPECT_THROW(parse("{ level = \"x\" }"), ParseError);
  EXPECT_THROW(parse("{ $.a > \"x\" }"), ParseError);
  EXPECT_THROW(parse("{ ($.a = 1 }"), ParseError);
  EXPECT_THROW(parse("[a, b"), ParseError);
  EXPECT_THROW(parse("\"unterminated"), ParseError);
  EXPECT_THROW(parse("{ $.items[377777777777777777777777777777].name = 1 }"), ParseError);
}

TEST(FilterPattern, GlobMatch) {
  EXPECT_TRUE(glob_match("a*c", "abbbc"));
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_FALSE(glob_match("a*c", "abd"));
  EXPECT_TRUE(glob_match("10.0.*.1", "10.0.255.1"));
}

TEST(PatternCache, ReturnsTheSameParsedPattern) {
  PatternCache cache(2);
  auto first = cache.get("ERROR");
  EXPECT_EQ(first, cache.get("ERROR"));
  cache.get("A");
  cache.get("B");  // full: cleared, then B added
  EXPECT_LE(cache.size(), 2u);
  EXPECT_THROW(cache.get("{ broken"), ParseError);
}

}  // namespace
}  // namespace nimbus::logs::filter
