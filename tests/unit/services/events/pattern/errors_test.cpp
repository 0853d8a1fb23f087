// Malformed patterns and the reasons AWS (event-ruler) gives for them.
#include <gtest/gtest.h>

#include <string>

#include "core/aws_error.h"
#include "services/events/pattern/pattern.h"

namespace nimbus::events::pattern {
namespace {

struct Bad {
  std::string pattern;
  std::string reason;
};

const Bad kBad[] = {
    {"nope", "Filter is not valid JSON"},
    {R"(["a"])", "Filter is not an object"},
    {R"("a")", "Filter is not an object"},
    {"{}", "Empty objects are not allowed"},
    {R"({"a":{}})", "Empty objects are not allowed"},
    {R"({"a":[]})", "Empty arrays are not allowed"},
    {R"({"source":"aws.ec2"})", R"("source" must be an object or an array)"},
    {R"({"a":5})", R"("a" must be an object or an array)"},
    {R"({"a":[["x"]]})", "Match value must be String, number, true, false, or null"},
    {R"({"a":[{}]})", "Match expression name not found"},
    {R"({"a":[{"regex":"x"}]})", "Unrecognized match type regex"},
    {R"({"a":[{"exactly":"x"}]})", "Unrecognized match type exactly"},
    {R"({"a":[{"prefix":"x","suffix":"y"}]})", "Only one key allowed in match expression"},
    {R"({"a":[{"prefix":5}]})", "prefix match pattern must be a string"},
    {R"({"a":[{"prefix":{}}]})", "Prefix expression name not found"},
    {R"({"a":[{"prefix":{"wildcard":"x"}}]})", "Unsupported prefix pattern: wildcard"},
    {R"({"a":[{"prefix":{"equals-ignore-case":1}}]})", "equals-ignore-case match pattern must be a string"},
    {R"({"a":[{"prefix":{"equals-ignore-case":"x","b":1}}]})", "Only one key allowed in match expression"},
    {R"({"a":[{"suffix":[".png"]}]})", "suffix match pattern must be a string"},
    {R"({"a":[{"suffix":{}}]})", "Suffix expression name not found"},
    {R"({"a":[{"suffix":{"prefix":"x"}}]})", "Unsupported suffix pattern: prefix"},
    {R"({"a":[{"equals-ignore-case":["x"]}]})", "equals-ignore-case match pattern must be a string"},
    {R"({"a":[{"wildcard":7}]})", "wildcard match pattern must be a string"},
    {R"({"a":[{"wildcard":"a**b"}]})", "Consecutive wildcard characters at pos 2"},
    {R"({"a":[{"wildcard":"a\\b"}]})", "Invalid escape character at pos 2"},
    {R"({"a":[{"wildcard":"ab\\"}]})", "Invalid escape character at pos 3"},
    {R"({"a":[{"exists":"true"}]})", "exists match pattern must be either true or false."},
    {R"({"a":[{"exists":true,"prefix":"x"}]})", "Only one key allowed in match expression"},
    {R"({"a":[{"anything-but":true}]})", "Value of anything-but must be an array or single string/number value."},
    {R"({"a":[{"anything-but":null}]})", "Value of anything-but must be an array or single string/number value."},
    {R"({"a":[{"anything-but":["x",null]}]})", "Inside anything but list, start|null|boolean is not supported."},
    {R"({"a":[{"anything-but":["x",1]}]})", "Inside anything but list, either all values are number or string, mixed type is not supported"},
    {R"({"a":[{"anything-but":[]}]})", "Inside anything but list, either all values are number or string, mixed type is not supported"},
    {R"({"a":[{"anything-but":{}}]})", "Anything-But expression name not found"},
    {R"({"a":[{"anything-but":{"numeric":[">",1]}}]})", "Unsupported anything-but pattern: numeric"},
    {R"({"a":[{"anything-but":{"prefix":""}}]})", "Null prefix/suffix not allowed"},
    {R"({"a":[{"anything-but":{"suffix":[""]}}]})", "Null prefix/suffix not allowed"},
    {R"({"a":[{"anything-but":{"prefix":5}}]})", "prefix/suffix match pattern must be a string"},
    {R"({"a":[{"anything-but":{"prefix":true}}]})", "Value of anything-but must be an array or single string/number value."},
    {R"({"a":[{"anything-but":{"equals-ignore-case":[1]}}]})", "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported."},
    {R"({"a":[{"anything-but":{"wildcard":[1]}}]})", "wildcard match pattern must be a string"},
    {R"({"a":[{"anything-but":{"wildcard":"x**"}}]})", "Consecutive wildcard characters at pos 2"},
    {R"({"a":[{"anything-but":{"prefix":"x","suffix":"y"}}]})", "Too many elements in numeric expression"},
    {R"({"a":[{"anything-but":"x","prefix":"y"}]})", "Too many elements in numeric expression"},
    {R"({"a":[{"anything-but":6e9}]})", "Value must be between -5.0E9 and 5.0E9, inclusive"},
    {R"({"a":[{"numeric":5}]})", "Value of numeric must be an array."},
    {R"({"a":[{"numeric":[]}]})", "Invalid member in numeric match: ]"},
    {R"({"a":[{"numeric":[5]}]})", "Invalid member in numeric match: 5"},
    {R"({"a":[{"numeric":["!=",5]}]})", "Unrecognized numeric range operator: !="},
    {R"({"a":[{"numeric":[">"]}]})", "Value of > must be numeric"},
    {R"({"a":[{"numeric":["=","5"]}]})", "Value of = must be numeric"},
    {R"({"a":[{"numeric":["=",5,"<",6]}]})", "Too many elements in numeric expression"},
    {R"({"a":[{"numeric":["<",5,">",1]}]})", "Too many elements in numeric expression"},
    {R"({"a":[{"numeric":[">",0,5]}]})", "Bad value in numeric range: 5"},
    {R"({"a":[{"numeric":[">",0,">",5]}]})", "Bad numeric range operator: >"},
    {R"({"a":[{"numeric":[">",0,"<"]}]})", "Value of < must be numeric"},
    {R"({"a":[{"numeric":[">",0,"<",5,6]}]})", "Too many terms in numeric range expression"},
    {R"({"a":[{"numeric":[">",5,"<",5]}]})", "Bottom must be less than top"},
    {R"({"a":[{"numeric":[">",9,"<=",1]}]})", "Bottom must be less than top"},
    {R"({"a":[{"numeric":["<",5000000001]}]})", "Value must be between -5.0E9 and 5.0E9, inclusive"},
    {R"({"a":[{"numeric":[">",0]},"x"],"b":[{"numeric":[">",0],"c":1}]})", "Too many elements in numeric expression"},
    {R"({"a":[{"cidr":5}]})", "prefix match pattern must be a string"},
    {R"({"a":[{"cidr":"10.0.0.0"}]})", "Malformed CIDR, one '/' required"},
    {R"({"a":[{"cidr":"10.0.0.0/"}]})", "Malformed CIDR, one '/' required"},
    {R"({"a":[{"cidr":"10.0.0.0/8/8"}]})", "Malformed CIDR, one '/' required"},
    {R"({"a":[{"cidr":"10.0.0.0/x"}]})", "Malformed CIDR, mask bits must be an integer"},
    {R"({"a":[{"cidr":"10.0.0.0/-1"}]})", "Malformed CIDR, mask bits must not be negative"},
    {R"({"a":[{"cidr":"host.example/8"}]})", "Nonstandard IP address: host.example"},
    {R"({"a":[{"cidr":"300.0.0.0/8"}]})", "Invalid IP address: 300.0.0.0"},
    {R"({"a":[{"cidr":"1:2:3:4:5:6:7:8:9/64"}]})", "Invalid IP address: 1:2:3:4:5:6:7:8:9"},
    {R"({"a":[{"cidr":"10.0.0.0/32"}]})", "IPv4 mask bits must be < 32"},
    {R"({"a":[{"cidr":"2001:db8::/128"}]})", "IPv6 mask bits must be < 128"},
    {R"({"$or":{"a":["1"]}})", "It must be an Array followed with $or."},
    {R"({"$or":[{"a":["1"]},"b"]})", "Only JSON object is allowed in array of $or relationship."},
    {R"({"$or":[{"a":["1"]}]})", "There must have at least 2 Objects in $or relationship."},
    {R"({"$or":[]})", "There must have at least 2 Objects in $or relationship."},
    {R"({"$or":[{"a":["1"]},{}]})", "Empty objects are not allowed"},
    {R"({"$or":[{"numeric":[1]},{"prefix":["abc"]}]})", "numeric is Ruler reserved fieldName which cannot be used inside $or."},
    {R"({"$or":[{"a":{"prefix":["x"]}},{"b":["1"]}]})", "prefix is Ruler reserved fieldName which cannot be used inside $or."},
    // errors come in document order
    {R"({"b":[],"a":5})", "Empty arrays are not allowed"},
    {R"({"a":5,"b":[]})", R"("a" must be an object or an array)"},
};

TEST(EventPatternErrors, Table) {
  for (const Bad& bad : kBad) {
    try {
      parse(bad.pattern);
      ADD_FAILURE() << "accepted: " << bad.pattern;
    } catch (const AwsError& e) {
      EXPECT_EQ(e.http_status, 400);
      EXPECT_EQ(e.code, "InvalidEventPatternException");
      EXPECT_EQ(e.message, "Event pattern is not valid. Reason: " + bad.reason) << bad.pattern;
    }
  }
}

TEST(EventPatternErrors, SizeLimitCountsCharactersNotBytes) {
  std::string value(2048 - 10, 'x');
  std::string at_limit = R"({"a":[")" + value + R"("]})";
  ASSERT_EQ(at_limit.size(), 2048u);
  EXPECT_NO_THROW(parse(at_limit));
  EXPECT_THROW(parse(R"({"a":[")" + value + R"(x"]})"), AwsError);
  std::string accented;
  for (size_t i = 0; i < 1000; ++i) accented += "\xc3\xa9";  // 1,000 characters, 2,000 bytes
  EXPECT_NO_THROW(parse(R"({"a":[")" + accented + R"("]})"));
  EXPECT_THROW(parse(R"({"a":["x"]})", 5), AwsError);
}

TEST(EventPatternErrors, ValidEdgeCasesAreAccepted) {
  for (const char* ok : {R"({"a":[{"numeric":["=",5e9]}]})", R"({"a":[{"numeric":[">=",-5e9,"<=",5e9]}]})",
                         R"({"a":[{"cidr":"0.0.0.0/0"}]})", R"({"a":[{"cidr":"::/0"}]})",
                         R"({"a":[{"prefix":""}]})", R"({"a":[{"wildcard":"a*b*c"}]})",
                         R"({"a":[{"anything-but":{"prefix":[]}}]})", R"({"a":[null,true,1.5,"x"]})",
                         R"({"$or":[{"a":["1"]},{"$or":[{"b":["1"]},{"c":["1"]}]}]})", R"({"x":{"$or":[{"a":["1"]},{"b":["2"]}]}})"}) {
    EXPECT_NO_THROW(parse(ok)) << ok;
  }
}

}  // namespace
}  // namespace nimbus::events::pattern
