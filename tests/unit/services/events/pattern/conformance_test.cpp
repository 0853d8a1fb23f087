// The pattern language against AWS's documented examples and edge cases: (pattern, event, match?).
// Examples marked "docs" are the pattern/event pairs of the EventBridge user guide pages "Amazon
// EventBridge event patterns" and "Content filtering in Amazon EventBridge event patterns".
#include <gtest/gtest.h>

#include "services/events/pattern/pattern.h"

namespace nimbus::events::pattern {
namespace {

struct Case {
  const char* pattern;
  const char* event;
  bool match;
};

constexpr const char* kEc2Event = R"({
  "version": "0", "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
  "detail-type": "EC2 Instance State-change Notification", "source": "aws.ec2",
  "account": "111122223333", "time": "2017-12-22T18:43:48Z", "region": "us-west-1",
  "resources": ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
  "detail": {"instance-id": "i-1234567890abcdef0", "state": "terminated"}})";

const Case kCases[] = {
    // docs: the EC2 state-change example, and values as lists (any of)
    {R"({"source":["aws.ec2"],"detail-type":["EC2 Instance State-change Notification"],"detail":{"state":["terminated"]}})", kEc2Event, true},
    {R"({"source":["aws.ec2"],"detail":{"state":["running"]}})", kEc2Event, false},
    {R"({"source":["aws.ec2","aws.fargate"]})", kEc2Event, true},
    {R"({"source":["aws.s3"]})", kEc2Event, false},
    {R"({"detail":{"instance-id":["i-1234567890abcdef0"],"missing":["x"]}})", kEc2Event, false},
    // docs: an event array field matches when any element does
    {R"({"resources":["arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f","arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"]})", kEc2Event, true},
    {R"({"resources":["arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f"]})", kEc2Event, false},
    // exact values keep their JSON type; numbers compare by value
    {R"({"a":["5"]})", R"({"a":5})", false},
    {R"({"a":[5]})", R"({"a":"5"})", false},
    {R"({"a":[3]})", R"({"a":3.0})", true},
    {R"({"a":[1e2]})", R"({"a":100})", true},
    {R"({"a":[true]})", R"({"a":true})", true},
    {R"({"a":[true]})", R"({"a":"true"})", false},
    {R"({"a":[false]})", R"({"a":true})", false},
    {R"({"a":["x"]})", R"({"a":{"x":1}})", false},
    {R"({"a":[1e20]})", R"({"a":1e20})", true},
    // docs: null and empty strings
    {R"({"detail":{"eventVersion":[""],"responseElements":[null]}})", R"({"detail":{"eventVersion":"","responseElements":null}})", true},
    {R"({"detail":{"responseElements":[null]}})", R"({"detail":{}})", false},
    {R"({"a":[""]})", R"({"a":" "})", false},
    // docs: prefix, and prefix ignoring case
    {R"({"time":[{"prefix":"2017-10-02"}]})", R"({"time":"2017-10-02T18:43:48Z"})", true},
    {R"({"time":[{"prefix":"2017-10-02"}]})", R"({"time":"2017-10-03T18:43:48Z"})", false},
    {R"({"source":["aws.autoscaling"],"region":[{"prefix":"eu-"}]})", R"({"source":"aws.autoscaling","region":"eu-west-1"})", true},
    {R"({"service":[{"prefix":{"equals-ignore-case":"EventB"}}]})", R"({"service":"EVENTBRIDGE"})", true},
    {R"({"service":[{"prefix":{"equals-ignore-case":"EventB"}}]})", R"({"service":"event-bus"})", false},
    {R"({"a":[{"prefix":"1"}]})", R"({"a":12})", false},
    {R"({"a":[{"prefix":""}]})", R"({"a":"anything"})", true},
    // docs: suffix, and suffix ignoring case
    {R"({"FileName":[{"suffix":".png"}]})", R"({"FileName":"image.png"})", true},
    {R"({"FileName":[{"suffix":".png"}]})", R"({"FileName":"image.PNG"})", false},
    {R"({"FileName":[{"suffix":{"equals-ignore-case":".png"}}]})", R"({"FileName":"image.PNG"})", true},
    {R"({"FileName":[{"suffix":".png"}]})", R"({"FileName":"png"})", false},
    // docs: equals-ignore-case
    {R"({"detail-type":[{"equals-ignore-case":"ec2 instance state-change notification"}]})", kEc2Event, true},
    {R"({"detail-type":[{"equals-ignore-case":"ec2 instance"}]})", kEc2Event, false},
    // docs: anything-but with a string, a number, lists, prefix, suffix, ignore case, wildcard
    {R"({"detail":{"state":[{"anything-but":"initializing"}]}})", R"({"detail":{"state":"stopped"}})", true},
    {R"({"detail":{"state":[{"anything-but":"initializing"}]}})", R"({"detail":{"state":"initializing"}})", false},
    {R"({"detail":{"x-limit":[{"anything-but":123}]}})", R"({"detail":{"x-limit":456}})", true},
    {R"({"detail":{"x-limit":[{"anything-but":123}]}})", R"({"detail":{"x-limit":123.0}})", false},
    {R"({"detail":{"state":[{"anything-but":["stopped","overloaded"]}]}})", R"({"detail":{"state":"running"}})", true},
    {R"({"detail":{"state":[{"anything-but":["stopped","overloaded"]}]}})", R"({"detail":{"state":"overloaded"}})", false},
    {R"({"detail":{"x-limit":[{"anything-but":[100,200,300]}]}})", R"({"detail":{"x-limit":200}})", false},
    {R"({"detail":{"x-limit":[{"anything-but":[100,200,300]}]}})", R"({"detail":{"x-limit":201}})", true},
    {R"({"detail":{"state":[{"anything-but":{"prefix":"init"}}]}})", R"({"detail":{"state":"initializing"}})", false},
    {R"({"detail":{"state":[{"anything-but":{"prefix":"init"}}]}})", R"({"detail":{"state":"running"}})", true},
    {R"({"detail":{"FileName":[{"anything-but":{"suffix":".txt"}}]}})", R"({"detail":{"FileName":"notes.txt"}})", false},
    {R"({"detail":{"FileName":[{"anything-but":{"suffix":".txt"}}]}})", R"({"detail":{"FileName":"image.png"}})", true},
    {R"({"detail":{"state":[{"anything-but":{"equals-ignore-case":["Stopped","OverLoaded"]}}]}})", R"({"detail":{"state":"STOPPED"}})", false},
    {R"({"detail":{"state":[{"anything-but":{"equals-ignore-case":"Stopped"}}]}})", R"({"detail":{"state":"running"}})", true},
    {R"({"detail":{"FilePath":[{"anything-but":{"wildcard":"*/lib/*"}}]}})", R"({"detail":{"FilePath":"/usr/lib/x"}})", false},
    {R"({"detail":{"FilePath":[{"anything-but":{"wildcard":["*/lib/*","*/bin/*"]}}]}})", R"({"detail":{"FilePath":"/usr/bin/x"}})", false},
    {R"({"detail":{"FilePath":[{"anything-but":{"wildcard":["*/lib/*","*/bin/*"]}}]}})", R"({"detail":{"FilePath":"/etc/x"}})", true},
    // anything-but needs a value, matches other types, and any array element that differs
    {R"({"a":[{"anything-but":"x"}]})", R"({"b":1})", false},
    {R"({"a":[{"anything-but":"x"}]})", R"({"a":5})", true},
    {R"({"a":[{"anything-but":"x"}]})", R"({"a":null})", true},
    {R"({"a":[{"anything-but":[1,2]}]})", R"({"a":"1"})", true},
    {R"({"a":[{"anything-but":{"prefix":"x"}}]})", R"({"a":7})", true},
    {R"({"a":[{"anything-but":[100,500]}]})", R"({"a":[100,50]})", true},
    {R"({"a":[{"anything-but":[100,500]}]})", R"({"a":[100,500]})", false},
    // docs: numeric matching, ranges and equality; numbers only, within +-5e9, six decimals
    {R"({"detail":{"c-count":[{"numeric":[">",0,"<=",5]}],"d-count":[{"numeric":["<",10]}],"x-limit":[{"numeric":["=",3.018e2]}]}})", R"({"detail":{"c-count":5,"d-count":9,"x-limit":301.8}})", true},
    {R"({"detail":{"c-count":[{"numeric":[">",0,"<=",5]}]}})", R"({"detail":{"c-count":0}})", false},
    {R"({"detail":{"c-count":[{"numeric":[">",0,"<=",5]}]}})", R"({"detail":{"c-count":5.0000001}})", true},
    {R"({"a":[{"numeric":[">=",0,"<",1]}]})", R"({"a":1})", false},
    {R"({"a":[{"numeric":[">=",0,"<",1]}]})", R"({"a":0})", true},
    {R"({"a":[{"numeric":["<=",-1.5]}]})", R"({"a":-1.5})", true},
    {R"({"a":[{"numeric":[">",0]}]})", R"({"a":"5"})", false},
    {R"({"a":[{"numeric":[">",0]}]})", R"({"a":6e9})", false},
    {R"({"a":[{"numeric":["=",5]}]})", R"({"a":[1,5]})", true},
    {R"({"a":[{"numeric":["=",1.0000001]}]})", R"({"a":1})", true},
    // docs: IP address matching (IPv4 and IPv6)
    {R"({"detail":{"source-ip":[{"cidr":"10.0.0.0/24"}]}})", R"({"detail":{"source-ip":"10.0.0.255"}})", true},
    {R"({"detail":{"source-ip":[{"cidr":"10.0.0.0/24"}]}})", R"({"detail":{"source-ip":"10.0.1.0"}})", false},
    {R"({"ip":[{"cidr":"2001:db8::/32"}]})", R"({"ip":"2001:db8:ffff::1"})", true},
    {R"({"ip":[{"cidr":"2001:db8::/32"}]})", R"({"ip":"2001:db9::1"})", false},
    {R"({"ip":[{"cidr":"10.0.0.0/8"}]})", R"({"ip":"not-an-ip"})", false},
    {R"({"ip":[{"cidr":"10.0.0.0/8"}]})", R"({"ip":"::ffff:10.0.0.1"})", false},
    // docs: exists matching (leaves only; exists:false also matches a missing parent)
    {R"({"detail":{"state":[{"exists":true}]}})", R"({"detail":{"state":"x"}})", true},
    {R"({"detail":{"state":[{"exists":true}]}})", R"({"detail":{}})", false},
    {R"({"detail":{"state":[{"exists":false}]}})", R"({"detail":{}})", true},
    {R"({"detail":{"state":[{"exists":false}]}})", R"({"source":"x"})", true},
    {R"({"detail":{"state":[{"exists":false}]}})", R"({"detail":{"state":"x"}})", false},
    {R"({"detail":[{"exists":true}]})", R"({"detail":{"state":"x"}})", false},
    {R"({"a":[{"exists":true}]})", R"({"a":null})", true},
    {R"({"a":[{"exists":true}]})", R"({"a":[]})", false},
    {R"({"a":[{"exists":false}]})", R"({"a":[]})", true},
    {R"({"a":[{"exists":false},"x"]})", R"({"a":"x"})", true},
    // docs: wildcard
    {R"({"EventBusArn":[{"wildcard":"arn:aws:events:us-east-1:*:event-bus/*"}]})", R"({"EventBusArn":"arn:aws:events:us-east-1:123456789012:event-bus/prod"})", true},
    {R"({"EventBusArn":[{"wildcard":"arn:aws:events:us-east-1:*:event-bus/*"}]})", R"({"EventBusArn":"arn:aws:events:us-west-2:123456789012:event-bus/prod"})", false},
    {R"({"a":[{"wildcard":"dir/*.png"}]})", R"({"a":"dir/sub/x.png"})", true},
    {R"({"a":[{"wildcard":"*"}]})", R"({"a":""})", true},
    {R"({"a":[{"wildcard":"a*"}]})", R"({"a":"a"})", true},
    {R"({"a":[{"wildcard":"*a*b*"}]})", R"({"a":"xbxa"})", false},
    {R"({"a":[{"wildcard":"*a*b*"}]})", R"({"a":"xaxb"})", true},
    {R"({"a":[{"wildcard":"ab*ba"}]})", R"({"a":"aba"})", false},
    {R"({"a":[{"wildcard":"a\\*b"}]})", R"({"a":"a*b"})", true},
    {R"({"a":[{"wildcard":"a\\*b"}]})", R"({"a":"axb"})", false},
    {R"({"a":[{"wildcard":"a\\\\b"}]})", R"({"a":"a\\b"})", true},
    {R"({"a":[{"wildcard":"no-star"}]})", R"({"a":"no-star"})", true},
    {R"({"a":[{"wildcard":"*"}]})", R"({"a":1})", false},
    // docs: $or, also nested and next to other fields
    {R"({"$or":[{"c-count":[{"numeric":[">",0,"<=",5]}]},{"d-count":[{"numeric":["<",10]}]},{"x-limit":[{"numeric":["=",3.018e2]}]}]})", R"({"d-count":3})", true},
    {R"({"$or":[{"c-count":[{"numeric":[">",0,"<=",5]}]},{"d-count":[{"numeric":["<",10]}]}]})", R"({"d-count":30,"c-count":9})", false},
    {R"({"source":["aws.cloudwatch"],"$or":[{"metricName":["CPUUtilization","ReadLatency"]},{"namespace":["AWS/EC2","AWS/ES"]}]})", R"({"source":"aws.cloudwatch","namespace":"AWS/ES"})", true},
    {R"({"source":["aws.cloudwatch"],"$or":[{"metricName":["CPUUtilization"]},{"namespace":["AWS/EC2"]}]})", R"({"source":"aws.s3","namespace":"AWS/EC2"})", false},
    {R"({"source":["x"],"$or":[{"a":["1"]},{"b":["2"],"$or":[{"c":["3"]},{"d":["4"]}]}]})", R"({"source":"x","b":"2","d":"4"})", true},
    {R"({"source":["x"],"$or":[{"a":["1"]},{"b":["2"],"$or":[{"c":["3"]},{"d":["4"]}]}]})", R"({"source":"x","b":"2","e":"4"})", false},
    {R"({"detail":{"$or":[{"source":["aws.cloudwatch"]},{"detail-type":["Alarm"]}]},"$or":[{"a":["1"]},{"b":["2"]}]})", R"({"detail":{"detail-type":"Alarm"},"b":"2"})", true},
    // objects inside event arrays: one element must satisfy a pattern object's fields together
    {R"({"a":{"b":["1"],"c":["2"]}})", R"({"a":[{"b":"1","c":"9"},{"b":"9","c":"2"}]})", false},
    {R"({"a":{"b":["1"],"c":["2"]}})", R"({"a":[{"b":"9"},{"b":"1","c":"2"}]})", true},
    {R"({"a":{"b":{"c":["x"]}}})", R"({"a":[[{"b":[{"c":"y"},{"c":"x"}]}]]})", true},
    {R"({"a":[{"prefix":"x"}]})", R"({"a":[[1,["xy"]]]})", true},
    // a pattern only looks at the fields it names; non-object events have none
    {R"({"a":["1"]})", R"({"a":"1","b":{"c":[1,2,3]}})", true},
    {R"({"a":[{"exists":false}]})", R"([1,2])", true},
    {R"({"a":["1"]})", R"("a")", false},
    // several matchers in one list: any of them
    {R"({"a":["x",{"prefix":"y"},{"numeric":[">",10]}]})", R"({"a":"yes"})", true},
    {R"({"a":["x",{"prefix":"y"},{"numeric":[">",10]}]})", R"({"a":11})", true},
    {R"({"a":["x",{"prefix":"y"},{"numeric":[">",10]}]})", R"({"a":"no"})", false},
};

TEST(EventPatternConformance, Table) {
  for (const Case& c : kCases) {
    auto pattern = parse(c.pattern);
    EXPECT_EQ(matches(*pattern, Json::parse(c.event)), c.match) << c.pattern << "\n  vs " << c.event;
  }
}

TEST(EventPatternConformance, DuplicateKeysKeepTheLastAsEventRuler) {
  EXPECT_TRUE(matches(*parse(R"({"a":["1"],"a":["2"]})"), Json::parse(R"({"a":"2"})")));
}

TEST(EventPatternConformance, FieldNamedLikeAnOperatorOutsideOrIsAField) {
  EXPECT_TRUE(matches(*parse(R"({"prefix":["x"]})"), Json::parse(R"({"prefix":"x"})")));
}

}  // namespace
}  // namespace nimbus::events::pattern
