// EventBridge rule matching throughput on one core: RuleIndex::match() with 1, 100 and 10,000
// exact/prefix rules on ~1 KB events (already parsed), against brute-force matches() over every
// rule measured in the same run. Prints one line per rule count. Build and run: see bench/README.md.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "services/events/pattern/rule_index.h"

namespace {

using nimbus::events::pattern::Json;
using nimbus::events::pattern::Pattern;
using nimbus::events::pattern::RuleIndex;
using Clock = std::chrono::steady_clock;

// Rule i: half exact (source + detail-type), half prefix (source + detail.object.key prefix).
std::string rule(size_t i) {
  std::string n = std::to_string(i);
  std::string source = "aws.service" + std::to_string(i % 10);
  if (i % 2 == 0) return R"({"source":[")" + source + R"("],"detail-type":["Object Event )" + n + R"("]})";
  return R"({"source":[")" + source + R"("],"detail":{"object":{"key":[{"prefix":"uploads/)" + n + R"(/"}]}}})";
}

// An S3-like event of about 1 KB aimed at rule `i` (which may not exist, so some events miss).
Json event(size_t i, std::mt19937& rng) {
  std::string n = std::to_string(i);
  Json e = {{"version", "0"},
            {"id", "6a7e8feb-b491-4cf7-a9f1-bf3703467718"},
            {"detail-type", "Object Event " + n},
            {"source", "aws.service" + std::to_string(i % 10)},
            {"account", "111122223333"},
            {"time", "2017-12-22T18:43:48Z"},
            {"region", "us-west-1"},
            {"resources", {"arn:aws:s3:::example-bucket", "arn:aws:s3:::example-bucket/uploads/" + n}}};
  e["detail"] = {{"version", "0"},
                 {"bucket", {{"name", "example-bucket"}}},
                 {"object",
                  {{"key", "uploads/" + n + "/photo-" + std::to_string(rng() % 1000) + ".jpg"},
                   {"size", 5242880},
                   {"etag", "b1946ac92492d2347c6235b4d2611184"},
                   {"version-id", "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e"},
                   {"sequencer", "617f08299329d189"}}},
                 {"request-id", "N4N7GDK58NMKJ12R"},
                 {"requester", "123456789012"},
                 {"source-ip-address", "1.2.3.4"},
                 {"reason", "PutObject"},
                 {"tags", {{"team", "storage"}, {"env", "prod"}, {"owner", "someone@example.com"}}},
                 {"notes", std::string(300, 'x')}};
  return e;
}

// Runs f over the events round-robin for about `seconds`; returns events per second.
template <class F>
double rate(const std::vector<Json>& events, double seconds, F f) {
  size_t done = 0, hits = 0;
  auto start = Clock::now();
  std::chrono::duration<double> elapsed{};
  while (elapsed.count() < seconds) {
    for (size_t k = 0; k < 256; ++k) hits += f(events[(done + k) % events.size()]);
    done += 256;
    elapsed = Clock::now() - start;
  }
  if (hits == static_cast<size_t>(-1)) std::puts("");  // keeps the work observable
  return static_cast<double>(done) / elapsed.count();
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  std::mt19937 rng(42);
  std::printf("event size: %zu bytes\n", event(1, rng).dump().size());
  for (size_t count : {1u, 100u, 10000u}) {
    RuleIndex index;
    std::vector<std::shared_ptr<const Pattern>> rules;
    for (size_t i = 0; i < count; ++i) {
      rules.push_back(nimbus::events::pattern::parse(rule(i)));
      index.add("rule-" + std::to_string(i), rules.back());
    }
    std::vector<Json> events;
    for (size_t k = 0; k < 1024; ++k) events.push_back(event(rng() % (count + count / 4 + 1), rng));
    size_t matched = 0;
    for (const Json& e : events) matched += index.match(e).size();
    double indexed = rate(events, seconds, [&](const Json& e) { return index.match(e).size(); });
    double brute = rate(events, seconds, [&](const Json& e) {
      size_t n = 0;
      for (const auto& p : rules) n += nimbus::events::pattern::matches(*p, e);
      return n;
    });
    std::printf("rules=%zu indexed=%.0f events/s brute_force=%.0f events/s ratio=%.1fx matched=%.2f per event\n",
                count, indexed, brute, indexed / brute, static_cast<double>(matched) / events.size());
  }
  return 0;
}
