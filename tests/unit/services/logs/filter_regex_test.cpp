// %regex% terms: AWS's character set, and no stacked quantifiers (std::regex would backtrack
// exponentially on them; found by logs_filter_fuzzer).
#include <gtest/gtest.h>

#include <chrono>

#include "services/logs/filter_pattern.h"

namespace nimbus::logs::filter {
namespace {

TEST(FilterRegex, AwsOperatorsAndSymbolsAreAccepted) {
  for (std::string_view pattern : {"%ERR[0-9]+%", "%^[hc]at$%", "%colou?r%", "%a{3,5}%", "%[Ee]rror|[Ff]ail%",
                                   "%\\d{1,3}\\.\\d{1,3}%", "%a:b_c#d=e@f/g;h,i-j%", "%.*?x%", "%a b%"}) {
    EXPECT_NO_THROW(parse(pattern)) << pattern;
  }
  EXPECT_TRUE(matches(parse("%colou?r%"), "the colour red"));
}

TEST(FilterRegex, GroupsAndOtherCharactersAreRefused) {
  for (std::string_view pattern : {"%(a)%", "%something!%", "%caf\xc3\xa9%", "%a\x01%", "%[a(]%"}) {
    EXPECT_THROW(parse(pattern), ParseError) << pattern;
  }
}

TEST(FilterRegex, StackedQuantifiersAreRefused) {
  for (std::string_view pattern : {"%a+*%", "%a**%", "%[0-9]+*%", "%a{2}*%", "%a*{2}%", "%a?+%", "%a*??%"}) {
    EXPECT_THROW(parse(pattern), ParseError) << pattern;
  }
}

TEST(FilterRegex, BackreferencesAndHugeRepeatCountsAreRefused) {
  // std::regex overflows a long reading \1111... or {1111...} (undefined behaviour; fuzzer found).
  EXPECT_THROW(parse("%a\\1%"), ParseError);
  EXPECT_THROW(parse("%a\\" + std::string(30, '1') + "%"), ParseError);
  EXPECT_THROW(parse("%a{" + std::string(30, '1') + "}%"), ParseError);
  EXPECT_THROW(parse("%a{1,1001}%"), ParseError);
  EXPECT_NO_THROW(parse("%a{1,1000}%"));
  EXPECT_NO_THROW(parse("%a{0999}%"));
}

TEST(FilterRegex, TheFuzzersTimeoutInputIsRefusedQuickly) {
  // %[...]+*<many>%, matched against a long run of NULs, took longer than 12 s before.
  std::string pattern = "%[0-9]+*" + std::string(40, 'e') + "%";
  auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(parse(pattern), ParseError);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

}  // namespace
}  // namespace nimbus::logs::filter
