// libFuzzer target for DynamoDB's expression languages and numbers: the input is parsed as each
// kind of expression (condition, key condition, update, projection) with a few fixed placeholders,
// and what parses is evaluated, applied or projected against a fixed item. Only ExpressionError may
// escape the library; a number that parses must print and re-parse to the same value.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "services/dynamodb/expr/expression.h"
#include "services/dynamodb/expr/number.h"

namespace {

using namespace nimbus::dynamodb::expr;

const Json& names() {
  static const Json n =
      Json::parse(R"({"#a": "a", "#s": "status", "#l": "l", "#m": "m", "#d": "a.b"})");
  return n;
}

const Json& values() {
  static const Json v = Json::parse(
      R"({":s": {"S": "x"}, ":n": {"N": "1.5"}, ":b": {"B": "AQI="}, ":l": {"L": [{"N": "1"}]},
    ":ss": {"SS": ["a", "b"]}, ":ns": {"NS": ["1", "2"]}, ":bs": {"BS": ["AQ=="]}, ":m": {"M": {"k": {"S": "v"}}},
    ":t": {"BOOL": true}, ":z": {"NULL": true}, ":type": {"S": "N"}, ":big": {"N": "9.9E+125"}})");
  return v;
}

const Json& item() {
  static const Json i = Json::parse(
      R"({"a": {"N": "5"}, "s": {"S": "hello"}, "b": {"B": "AQID"}, "status": {"S": "x"},
    "l": {"L": [{"N": "0"}, {"S": "x"}, {"M": {"k": {"N": "1"}}}, {"L": [{"N": "2"}]}]},
    "m": {"M": {"k": {"S": "v"}, "n": {"M": {"d": {"N": "1"}}}}}, "ss": {"SS": ["a"]}, "ns": {"NS": ["1"]},
    "bs": {"BS": ["AQ=="]}, "t": {"BOOL": false}, "z": {"NULL": true}})");
  return i;
}

template <typename F>
void attempt(F f) {
  try {
    f();
  } catch (const ExpressionError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  attempt([&] {
    Placeholders p(names(), values());
    Condition c = parse_condition(text, p);
    evaluate(c, item());
    evaluate(c, Json::object());
  });
  attempt([&] {
    Placeholders p(names(), values());
    for (const KeyTerm& term : parse_key_condition(text, p).terms) matches(term, item());
  });
  attempt([&] {
    Placeholders p(names(), values());
    Update u = parse_update(text, p);
    attempt([&] { apply_update(u, item()); });
    attempt([&] { apply_update(u, Json::object()); });
  });
  attempt([&] {
    Placeholders p(names(), values());
    project(parse_projection(text, p), item());
  });
  attempt([&] {
    Number n = Number::parse(text);
    if (!(Number::parse(n.to_string()) == n) ||
        Number::parse(n.to_string()).to_string() != n.to_string())
      std::abort();
    attempt([&] { n.plus(Number::parse("1.5")).minus(n); });
  });
  return 0;
}
