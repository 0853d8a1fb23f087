// RuleIndex: add/replace/remove, anchoring, and equality with brute-force matches() over random rules.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "services/events/pattern/rule_index.h"

namespace nimbus::events::pattern {
namespace {

using Ids = std::vector<std::string>;

TEST(RuleIndex, AddReplaceRemove) {
  RuleIndex index;
  index.add("r1", parse(R"({"source":["aws.ec2"]})"));
  index.add("r2", parse(R"({"source":[{"prefix":"aws."}]})"));
  index.add("r3", parse(R"({"detail":{"state":[{"anything-but":"x"}]}})"));
  EXPECT_EQ(index.size(), 3u);
  EXPECT_EQ(index.unanchored(), 1u);
  Json event = Json::parse(R"({"source":"aws.ec2","detail":{"state":"y"}})");
  EXPECT_EQ(index.match(event), (Ids{"r1", "r2", "r3"}));
  index.add("r1", parse(R"({"source":["aws.s3"]})"));  // replaces
  EXPECT_EQ(index.size(), 3u);
  EXPECT_EQ(index.match(event), (Ids{"r2", "r3"}));
  index.remove("r3");
  index.remove("missing");
  EXPECT_EQ(index.unanchored(), 0u);
  EXPECT_EQ(index.match(event), (Ids{"r2"}));
  index.remove("r2");
  index.remove("r1");
  EXPECT_EQ(index.size(), 0u);
  EXPECT_TRUE(index.match(event).empty());
  index.add("again", parse(R"({"source":["aws.ec2"]})"));  // slots are reused
  EXPECT_EQ(index.match(event), (Ids{"again"}));
}

TEST(RuleIndex, AnchorsThroughNestingArraysOrAndNumbers) {
  RuleIndex index;
  index.add("nested", parse(R"({"detail":{"bucket":{"name":["b1"]}}})"));
  index.add("or", parse(R"({"$or":[{"a":["1"]},{"b":[{"prefix":"x"}]}]})"));
  index.add("number", parse(R"({"n":[3]})"));
  index.add("bool", parse(R"({"flag":[false,null]})"));
  EXPECT_EQ(index.unanchored(), 0u);
  EXPECT_EQ(index.match(Json::parse(R"({"detail":[{"bucket":{"name":["b0","b1"]}}]})")), (Ids{"nested"}));
  EXPECT_EQ(index.match(Json::parse(R"({"b":"xyz"})")), (Ids{"or"}));
  EXPECT_EQ(index.match(Json::parse(R"({"a":"1","n":3.0})")), (Ids{"number", "or"}));
  EXPECT_EQ(index.match(Json::parse(R"({"flag":null})")), (Ids{"bool"}));
}

TEST(RuleIndex, CommonValuesDoNotBecomeTheAnchor) {
  // Every rule shares source=aws.ec2; each must end up anchored on its own detail-type, so an
  // event only confirms the one rule it matches (checked through the result, and the cost below).
  RuleIndex index;
  for (int i = 0; i < 10000; ++i) {
    index.add("rule-" + std::to_string(i),
              parse(R"({"source":["aws.ec2"],"detail-type":["type-)" + std::to_string(i) + R"("]})"));
  }
  EXPECT_EQ(index.size(), 10000u);
  EXPECT_EQ(index.match(Json::parse(R"({"source":"aws.ec2","detail-type":"type-4242"})")), (Ids{"rule-4242"}));
  EXPECT_TRUE(index.match(Json::parse(R"({"source":"aws.ec2","detail-type":"other"})")).empty());
  for (int i = 0; i < 10000; i += 2) index.remove("rule-" + std::to_string(i));
  EXPECT_EQ(index.size(), 5000u);
  EXPECT_TRUE(index.match(Json::parse(R"({"source":"aws.ec2","detail-type":"type-4242"})")).empty());
  EXPECT_EQ(index.match(Json::parse(R"({"source":"aws.ec2","detail-type":"type-4243"})")), (Ids{"rule-4243"}));
}

// Random patterns and events over a small vocabulary, so that matches are frequent.
class Generator {
 public:
  explicit Generator(unsigned seed) : rng_(seed) {}

  std::string pattern() { return "{" + fields(2) + "}"; }

  Json event() {
    Json e = Json::object();
    for (const char* f : {"a", "b", "c"}) {
      if (pick(4) != 0) e[f] = scalar_or_array();
    }
    Json d = Json::object();
    for (const char* f : {"a", "b"}) {
      if (pick(3) != 0) d[f] = scalar_or_array();
    }
    if (pick(2)) e["d"] = pick(3) == 0 ? Json::array({d, Json{{"a", scalar()}}}) : d;
    return e;
  }

 private:
  size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }

  Json scalar() {
    static const Json values[] = {"x", "xy", "y", "yx", "", 1, 2, 2.5, true, nullptr, "10.0.0.7", "X"};
    return values[pick(std::size(values))];
  }
  Json scalar_or_array() { return pick(4) == 0 ? Json::array({scalar(), scalar()}) : scalar(); }

  std::string matcher() {
    static const char* kinds[] = {
        R"("x")", R"("y")", R"(1)", R"(2)", R"(true)", R"(null)", R"("")", R"({"prefix":"x"})",
        R"({"prefix":"y"})", R"({"suffix":"x"})", R"({"equals-ignore-case":"x"})", R"({"wildcard":"*x"})",
        R"({"anything-but":"x"})", R"({"anything-but":[1,2]})", R"({"anything-but":{"prefix":"x"}})",
        R"({"numeric":[">",1]})", R"({"numeric":[">=",1,"<",2.5]})", R"({"exists":true})", R"({"exists":false})",
        R"({"cidr":"10.0.0.0/24"})", R"({"prefix":{"equals-ignore-case":"X"}})"};
    return kinds[pick(std::size(kinds))];
  }

  std::string leaf() {
    std::string out = "[" + matcher();
    for (size_t n = pick(3); n > 0; --n) out += "," + matcher();
    return out + "]";
  }

  std::string fields(int depth) {
    static const char* names[] = {"a", "b", "c"};
    std::string out;
    size_t first = pick(3), count = 1 + pick(2);
    for (size_t i = 0; i < count && first + i < 3; ++i) {
      if (!out.empty()) out += ",";
      out += std::string("\"") + names[first + i] + "\":" + leaf();
    }
    if (depth > 0 && pick(3) == 0) out += R"(,"d":{)" + fields(0) + "}";
    if (depth > 0 && pick(4) == 0) out += R"(,"$or":[{)" + fields(depth - 1) + "},{" + fields(depth - 1) + "}]";
    return out;
  }

  std::mt19937 rng_;
};

TEST(RuleIndex, EqualsBruteForceOverRandomRules) {
  Generator gen(20240611);
  RuleIndex index;
  std::vector<std::pair<std::string, std::shared_ptr<const Pattern>>> rules;
  for (int i = 0; i < 10000; ++i) {
    std::string text = gen.pattern();
    auto pattern = parse(text);
    std::string id = "r" + std::to_string(i);
    index.add(id, pattern);
    rules.emplace_back(id, pattern);
  }
  for (int i = 0; i < 10000; i += 7) index.remove(rules[i].first);  // and some removals
  size_t matched = 0;
  for (int n = 0; n < 300; ++n) {
    Json event = gen.event();
    Ids expected;
    for (size_t i = 0; i < rules.size(); ++i) {
      if (i % 7 != 0 && matches(*rules[i].second, event)) expected.push_back(rules[i].first);
    }
    std::sort(expected.begin(), expected.end());
    ASSERT_EQ(index.match(event), expected) << event.dump();
    matched += expected.size();
  }
  EXPECT_GT(matched, 1000u);  // the vocabulary is small enough for the comparison to mean something
  EXPECT_LT(index.unanchored(), index.size());
}

}  // namespace
}  // namespace nimbus::events::pattern
