// CloudWatch Logs through invoke(): groups, streams, PutLogEvents rules, reads, retention,
// tags, persistence across a restart, and the calls another service (Lambda) makes.
#include "logs_fixture.h"

namespace nimbus::logs::testing {
namespace {

constexpr int64_t kHour = 3'600'000;
constexpr int64_t kDay = 24 * kHour;

TEST_F(LogsTest, CreateDescribeDeleteLogGroup) {
  call("CreateLogGroup", {{"logGroupName", "/app/web"}, {"tags", {{"team", "core"}}}});
  call("CreateLogGroup", {{"logGroupName", "/app/worker"}});
  call("CreateLogGroup", {{"logGroupName", "other"}});
  auto out = call("DescribeLogGroups", {{"logGroupNamePrefix", "/app/"}});
  ASSERT_EQ(out["logGroups"].size(), 2u);
  auto group = out["logGroups"][0];
  EXPECT_EQ(group["logGroupName"], "/app/web");
  EXPECT_EQ(group["arn"], "arn:aws:logs:us-east-1:000000000000:log-group:/app/web:*");
  EXPECT_EQ(group["logGroupArn"], "arn:aws:logs:us-east-1:000000000000:log-group:/app/web");
  EXPECT_EQ(group["storedBytes"], 0);
  EXPECT_EQ(group["metricFilterCount"], 0);
  EXPECT_FALSE(group.contains("retentionInDays"));

  auto exists = error_of("CreateLogGroup", {{"logGroupName", "/app/web"}});
  EXPECT_EQ(exists.code, "ResourceAlreadyExistsException");
  EXPECT_EQ(exists.message, "The specified log group already exists");

  call("DeleteLogGroup", {{"logGroupName", "/app/web"}});
  auto missing = error_of("DeleteLogGroup", {{"logGroupName", "/app/web"}});
  EXPECT_EQ(missing.code, "ResourceNotFoundException");
  EXPECT_EQ(missing.message, "The specified log group does not exist.");
}

TEST_F(LogsTest, DescribeLogGroupsPagesAndPattern) {
  for (int i = 0; i < 5; ++i) call("CreateLogGroup", {{"logGroupName", "g" + std::to_string(i)}});
  call("CreateLogGroup", {{"logGroupName", "Service-Alpha"}});
  auto page = call("DescribeLogGroups", {{"limit", 2}});
  ASSERT_EQ(page["logGroups"].size(), 2u);
  std::vector<std::string> names;
  while (true) {
    for (const auto& g : page["logGroups"]) names.push_back(g["logGroupName"]);
    if (!page.contains("nextToken")) break;
    page = call("DescribeLogGroups", {{"limit", 2}, {"nextToken", page["nextToken"]}});
  }
  EXPECT_EQ(names.size(), 6u);
  auto found = call("DescribeLogGroups", {{"logGroupNamePattern", "alpha"}});
  ASSERT_EQ(found["logGroups"].size(), 1u);
  EXPECT_EQ(error_of("DescribeLogGroups", {{"logGroupNamePattern", "a"}, {"logGroupNamePrefix", "a"}}).code,
            "InvalidParameterException");
  EXPECT_EQ(error_of("DescribeLogGroups", {{"limit", 51}}).code, "InvalidParameterException");
}

TEST_F(LogsTest, NamesAreValidatedAsAwsDoes) {
  auto bad = error_of("CreateLogGroup", {{"logGroupName", "has space"}});
  EXPECT_EQ(bad.code, "InvalidParameterException");
  EXPECT_EQ(bad.message,
            "1 validation error detected: Value 'has space' at 'logGroupName' failed to satisfy constraint: Member "
            "must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+");
  call("CreateLogGroup", {{"logGroupName", "g"}});
  auto stream = error_of("CreateLogStream", {{"logGroupName", "g"}, {"logStreamName", "a:b"}});
  EXPECT_EQ(stream.code, "InvalidParameterException");
  EXPECT_EQ(error_of("CreateLogGroup", {{"logGroupName", "aws/x"}}).message, "Log groups starting with AWS/ are reserved for AWS.");
}

TEST_F(LogsTest, StreamsCreateDescribeOrderAndDelete) {
  make_stream("g", "b-stream");
  make_stream("g", "a-stream");
  make_stream("g", "c-other");
  EXPECT_EQ(error_of("CreateLogStream", {{"logGroupName", "g"}, {"logStreamName", "a-stream"}}).message,
            "The specified log stream already exists");
  EXPECT_EQ(error_of("CreateLogStream", {{"logGroupName", "nope"}, {"logStreamName", "s"}}).message,
            "The specified log group does not exist.");
  put("g", "b-stream", {{now() - 1000, "old"}});
  put("g", "c-other", {{now(), "new"}});
  auto by_name = call("DescribeLogStreams", {{"logGroupName", "g"}, {"logStreamNamePrefix", "a"}});
  ASSERT_EQ(by_name["logStreams"].size(), 1u);
  EXPECT_EQ(by_name["logStreams"][0]["logStreamName"], "a-stream");
  EXPECT_FALSE(by_name["logStreams"][0].contains("lastEventTimestamp"));
  auto by_time = call("DescribeLogStreams", {{"logGroupName", "g"}, {"orderBy", "LastEventTime"}, {"descending", true}});
  ASSERT_EQ(by_time["logStreams"].size(), 3u);
  EXPECT_EQ(by_time["logStreams"][0]["logStreamName"], "c-other");
  EXPECT_EQ(by_time["logStreams"][1]["logStreamName"], "b-stream");
  EXPECT_TRUE(by_time["logStreams"][1].contains("firstEventTimestamp"));
  EXPECT_TRUE(by_time["logStreams"][1].contains("lastIngestionTime"));
  auto paged = call("DescribeLogStreams", {{"logGroupName", "g"}, {"limit", 2}});
  ASSERT_TRUE(paged.contains("nextToken"));
  auto rest = call("DescribeLogStreams", {{"logGroupName", "g"}, {"limit", 2}, {"nextToken", paged["nextToken"]}});
  ASSERT_EQ(rest["logStreams"].size(), 1u);
  EXPECT_EQ(rest["logStreams"][0]["logStreamName"], "c-other");
  EXPECT_EQ(error_of("DescribeLogStreams", {{"logGroupName", "g"}, {"orderBy", "LastEventTime"}, {"logStreamNamePrefix", "a"}}).code,
            "InvalidParameterException");
  call("DeleteLogStream", {{"logGroupName", "g"}, {"logStreamName", "b-stream"}});
  EXPECT_EQ(error_of("GetLogEvents", {{"logGroupName", "g"}, {"logStreamName", "b-stream"}}).message,
            "The specified log stream does not exist.");
}

TEST_F(LogsTest, PutAndGetEventsInOrder) {
  make_stream("g", "s");
  int64_t t = now();
  auto out = put("g", "s", {{t - 30, "one"}, {t - 20, "two"}, {t - 20, "three"}, {t, "four"}});
  EXPECT_TRUE(out.contains("nextSequenceToken"));
  EXPECT_FALSE(out.contains("rejectedLogEventsInfo"));
  auto got = call("GetLogEvents", {{"logGroupName", "g"}, {"logStreamName", "s"}});
  EXPECT_EQ(messages(got), (std::vector<std::string>{"one", "two", "three", "four"}));
  EXPECT_EQ(got["events"][0]["timestamp"], t - 30);
  EXPECT_TRUE(got["events"][0].contains("ingestionTime"));
  auto window = call("GetLogEvents", {{"logGroupName", "g"}, {"logStreamName", "s"}, {"startTime", t - 20}, {"endTime", t}});
  EXPECT_EQ(messages(window), (std::vector<std::string>{"two", "three"}));
}

TEST_F(LogsTest, GetLogEventsTokensWalkBothWaysAndRepeatAtTheEnd) {
  make_stream("g", "s");
  int64_t t = now() - 100;
  std::vector<std::pair<int64_t, std::string>> events;
  for (int i = 0; i < 5; ++i) events.emplace_back(t + i, "m" + std::to_string(i));
  put("g", "s", events);
  Json base = {{"logGroupName", "g"}, {"logStreamName", "s"}, {"limit", 2}};
  auto tail = call("GetLogEvents", base);
  EXPECT_EQ(messages(tail), (std::vector<std::string>{"m3", "m4"}));
  Json back = base;
  back["nextToken"] = tail["nextBackwardToken"];
  auto earlier = call("GetLogEvents", back);
  EXPECT_EQ(messages(earlier), (std::vector<std::string>{"m1", "m2"}));
  Json fwd = base;
  fwd["nextToken"] = tail["nextForwardToken"];
  auto end = call("GetLogEvents", fwd);
  EXPECT_TRUE(end["events"].empty());
  EXPECT_EQ(end["nextForwardToken"], tail["nextForwardToken"]);

  Json head = base;
  head["startFromHead"] = true;
  auto first = call("GetLogEvents", head);
  EXPECT_EQ(messages(first), (std::vector<std::string>{"m0", "m1"}));
  head["nextToken"] = first["nextForwardToken"];
  EXPECT_EQ(messages(call("GetLogEvents", head)), (std::vector<std::string>{"m2", "m3"}));
  // A new event shows up behind the forward token at the end.
  put("g", "s", {{t + 10, "m5"}});
  EXPECT_EQ(messages(call("GetLogEvents", fwd)), (std::vector<std::string>{"m5"}));
  EXPECT_EQ(error_of("GetLogEvents", {{"logGroupName", "g"}, {"logStreamName", "s"}, {"nextToken", "junk"}}).code,
            "InvalidParameterException");
}

TEST_F(LogsTest, PutLogEventsRejectsOutOfOrderAndLongSpans) {
  make_stream("g", "s");
  int64_t t = now();
  auto order = error_of("PutLogEvents", {{"logGroupName", "g"}, {"logStreamName", "s"},
                                         {"logEvents", {{{"timestamp", t}, {"message", "b"}}, {{"timestamp", t - 1}, {"message", "a"}}}}});
  EXPECT_EQ(order.code, "InvalidParameterException");
  EXPECT_EQ(order.message, "Log events in a single PutLogEvents request must be in chronological order.");
  auto span = error_of("PutLogEvents", {{"logGroupName", "g"}, {"logStreamName", "s"},
                                        {"logEvents", {{{"timestamp", t - 25 * kHour}, {"message", "a"}}, {{"timestamp", t}, {"message", "b"}}}}});
  EXPECT_EQ(span.message, "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.");
  std::string big(600'000, 'x');
  auto large = error_of("PutLogEvents", {{"logGroupName", "g"}, {"logStreamName", "s"},
                                         {"logEvents", {{{"timestamp", t}, {"message", big}}, {{"timestamp", t}, {"message", big}}}}});
  EXPECT_EQ(large.code, "InvalidParameterException");
  EXPECT_EQ(large.message, "Upload too large: 1200052 bytes exceeds limit of 1048576");
  EXPECT_EQ(error_of("PutLogEvents", {{"logGroupName", "g"}, {"logStreamName", "nope"}, {"logEvents", {{{"timestamp", t}, {"message", "a"}}}}}).message,
            "The specified log stream does not exist.");
  EXPECT_EQ(error_of("PutLogEvents", {{"logGroupName", "g"}, {"logStreamName", "s"}, {"logEvents", Json::array()}}).code,
            "InvalidParameterException");
}

TEST_F(LogsTest, PutLogEventsReportsTooOldTooNewAndExpired) {
  make_stream("g", "s");
  int64_t t = now();
  auto out = put("g", "s", {{t - 15 * kDay, "ancient"}, {t - 1000, "ok"}, {t + 3 * kHour, "future"}});
  EXPECT_EQ(out["rejectedLogEventsInfo"]["tooOldLogEventEndIndex"], 1);
  EXPECT_EQ(out["rejectedLogEventsInfo"]["tooNewLogEventStartIndex"], 2);
  EXPECT_EQ(messages(call("GetLogEvents", {{"logGroupName", "g"}, {"logStreamName", "s"}})), (std::vector<std::string>{"ok"}));
  call("PutRetentionPolicy", {{"logGroupName", "g"}, {"retentionInDays", 1}});
  auto expired = put("g", "s", {{t - 2 * kDay, "expired"}, {t, "fresh"}});
  EXPECT_EQ(expired["rejectedLogEventsInfo"]["expiredLogEventEndIndex"], 1);
}

TEST_F(LogsTest, RetentionHidesAndSweepsExpiredEvents) {
  make_stream("g", "s");
  int64_t t = now();
  put("g", "s", {{t - 3 * kDay, "three days"}, {t - 3 * kDay + 1, "also old"}});
  put("g", "s", {{t - 1000, "recent"}});
  EXPECT_EQ(error_of("PutRetentionPolicy", {{"logGroupName", "g"}, {"retentionInDays", 2}}).code, "InvalidParameterException");
  call("PutRetentionPolicy", {{"logGroupName", "g"}, {"retentionInDays", 1}});
  auto described = call("DescribeLogGroups", {});
  EXPECT_EQ(described["logGroups"][0]["retentionInDays"], 1);
  EXPECT_EQ(messages(call("GetLogEvents", {{"logGroupName", "g"}, {"logStreamName", "s"}})), (std::vector<std::string>{"recent"}));
  EXPECT_EQ(messages(call("FilterLogEvents", {{"logGroupName", "g"}})), (std::vector<std::string>{"recent"}));
  sweep();  // the worker may have swept first: count what both did
  EXPECT_EQ(service_->health()["events_expired"], 2);
  call("DeleteRetentionPolicy", {{"logGroupName", "g"}});
  EXPECT_FALSE(call("DescribeLogGroups", {})["logGroups"][0].contains("retentionInDays"));
  EXPECT_EQ(messages(call("GetLogEvents", {{"logGroupName", "g"}, {"logStreamName", "s"}})), (std::vector<std::string>{"recent"}));
  clock_.advance(2 * kDay);
  call("PutRetentionPolicy", {{"logGroupName", "g"}, {"retentionInDays", 1}});
  EXPECT_TRUE(call("GetLogEvents", {{"logGroupName", "g"}, {"logStreamName", "s"}})["events"].empty());
}

TEST_F(LogsTest, FilterLogEventsInterleavesMatchesAndPages) {
  make_stream("g", "web-1");
  make_stream("g", "web-2");
  make_stream("g", "db");
  int64_t t = now() - 1000;
  put("g", "web-1", {{t, "ERROR a"}, {t + 2, "INFO b"}, {t + 4, "ERROR c"}});
  put("g", "web-2", {{t + 1, "ERROR d"}, {t + 3, "WARN e"}});
  put("g", "db", {{t + 1, "{\"level\":\"ERROR\",\"ms\":80}"}, {t + 5, "{\"level\":\"INFO\",\"ms\":5}"}});
  auto all = call("FilterLogEvents", {{"logGroupName", "g"}});
  EXPECT_EQ(all["events"].size(), 7u);
  EXPECT_EQ(all["searchedLogStreams"].size(), 3u);
  EXPECT_EQ(all["events"][0]["logStreamName"], "web-1");
  EXPECT_TRUE(all["events"][0].contains("eventId"));
  auto errors = call("FilterLogEvents", {{"logGroupName", "g"}, {"filterPattern", "ERROR"}, {"logStreamNamePrefix", "web"}});
  EXPECT_EQ(messages(errors), (std::vector<std::string>{"ERROR a", "ERROR d", "ERROR c"}));
  auto json = call("FilterLogEvents", {{"logGroupName", "g"}, {"filterPattern", "{ $.ms > 10 }"}});
  EXPECT_EQ(messages(json), (std::vector<std::string>{"{\"level\":\"ERROR\",\"ms\":80}"}));
  auto named = call("FilterLogEvents", {{"logGroupName", "g"}, {"logStreamNames", {"web-2"}}, {"filterPattern", "?WARN ?INFO"}});
  EXPECT_EQ(messages(named), (std::vector<std::string>{"WARN e"}));
  // Pages of 2 walk all seven events once, in order.
  std::vector<std::string> walked;
  Json in = {{"logGroupName", "g"}, {"limit", 2}};
  while (true) {
    auto page = call("FilterLogEvents", in);
    for (const auto& text : messages(page)) walked.push_back(text);
    if (!page.contains("nextToken")) break;
    in["nextToken"] = page["nextToken"];
  }
  EXPECT_EQ(walked, messages(all));
  auto bad = error_of("FilterLogEvents", {{"logGroupName", "g"}, {"filterPattern", "{ $.x = }"}});
  EXPECT_EQ(bad.code, "InvalidParameterException");
  EXPECT_EQ(error_of("FilterLogEvents", {{"logGroupName", "g"}, {"logStreamNames", {"a"}}, {"logStreamNamePrefix", "a"}}).code,
            "InvalidParameterException");
}

TEST_F(LogsTest, TagsByNameAndByArn) {
  call("CreateLogGroup", {{"logGroupName", "g"}, {"tags", {{"a", "1"}}}});
  call("TagLogGroup", {{"logGroupName", "g"}, {"tags", {{"b", "2"}}}});
  EXPECT_EQ(call("ListTagsLogGroup", {{"logGroupName", "g"}})["tags"], (Json{{"a", "1"}, {"b", "2"}}));
  call("UntagLogGroup", {{"logGroupName", "g"}, {"tags", {"a"}}});
  std::string arn = "arn:aws:logs:us-east-1:000000000000:log-group:g";
  call("TagResource", {{"resourceArn", arn}, {"tags", {{"c", "3"}}}});
  EXPECT_EQ(call("ListTagsForResource", {{"resourceArn", arn}})["tags"], (Json{{"b", "2"}, {"c", "3"}}));
  call("UntagResource", {{"resourceArn", arn + ":*"}, {"tagKeys", {"b", "c"}}});
  EXPECT_TRUE(call("ListTagsForResource", {{"resourceArn", arn}})["tags"].empty());
  EXPECT_EQ(error_of("ListTagsForResource", {{"resourceArn", "arn:aws:logs:us-east-1:000000000000:log-group:none"}}).code,
            "ResourceNotFoundException");
}

TEST_F(LogsTest, StateSurvivesRestart) {
  make_stream("g", "s");
  int64_t t = now();
  put("g", "s", {{t - 5, "before restart"}});
  call("PutRetentionPolicy", {{"logGroupName", "g"}, {"retentionInDays", 7}});
  restart();
  put("g", "s", {{t, "after restart"}});
  EXPECT_EQ(messages(call("GetLogEvents", {{"logGroupName", "g"}, {"logStreamName", "s"}})),
            (std::vector<std::string>{"before restart", "after restart"}));
  auto groups = call("DescribeLogGroups", {});
  EXPECT_EQ(groups["logGroups"][0]["retentionInDays"], 7);
  EXPECT_EQ(groups["logGroups"][0]["storedBytes"], 27);
}

TEST_F(LogsTest, DeletedGroupsLeaveNoEvents) {
  make_stream("g", "s");
  put("g", "s", {{now(), "gone soon"}});
  call("DeleteLogGroup", {{"logGroupName", "g"}});
  size_t keys = 0;
  store_.scan(kSpace, "", [&](std::string_view, std::string_view) {
    ++keys;
    return true;
  });
  EXPECT_EQ(keys, 0u);
  make_stream("g", "s");
  EXPECT_TRUE(call("GetLogEvents", {{"logGroupName", "g"}, {"logStreamName", "s"}})["events"].empty());
}

// Lambda writes its logs by calling the operations with the input a client would send, without
// the protocol layer's validation; timestamps may arrive as unsigned JSON integers.
TEST_F(LogsTest, WritesFromAnotherServiceWithUnsignedTimestamps) {
  call("CreateLogGroup", {{"logGroupName", "/aws/lambda/fn"}});
  call("CreateLogStream", {{"logGroupName", "/aws/lambda/fn"}, {"logStreamName", "2024/01/01/[$LATEST]abc"}});
  Json events = Json::array();
  events.push_back({{"timestamp", static_cast<uint64_t>(now())}, {"message", "START RequestId: 1\n"}});
  events.push_back({{"timestamp", static_cast<uint64_t>(now())}, {"message", "END RequestId: 1\n"}});
  call("PutLogEvents", {{"logGroupName", "/aws/lambda/fn"}, {"logStreamName", "2024/01/01/[$LATEST]abc"}, {"logEvents", events}});
  auto got = call("FilterLogEvents", {{"logGroupName", "/aws/lambda/fn"}, {"filterPattern", "START"}});
  ASSERT_EQ(got["events"].size(), 1u);
  EXPECT_EQ(error_of("PutLogEvents", {{"logGroupName", "/aws/lambda/fn"}, {"logStreamName", "2024/01/01/[$LATEST]abc"},
                                      {"logEvents", {{{"message", "x"}}}}}).message,
            "1 validation error detected: Value null at 'logEvents.1.member.timestamp' failed to satisfy constraint: Member must not be null");
  auto health = service_->health();
  EXPECT_EQ(health["events_put"], 2);
  EXPECT_EQ(health["log_groups"], 1);
}

}  // namespace
}  // namespace nimbus::logs::testing
