// libFuzzer target for DynamoDB's PartiQL parser: the input is parsed as a statement with three
// bound parameters; only AwsError (DynamoDB's ValidationException) may escape, and what parses
// names a table.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/aws_error.h"
#include "services/dynamodb/partiql.h"

namespace {

using nimbus::dynamodb::partiql::Json;

const Json& parameters() {
  static const Json p = Json::parse(R"([{"S": "x"}, {"N": "1.5"}, {"L": [{"BOOL": true}]}])");
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const Json* bound : {&parameters(), static_cast<const Json*>(nullptr)}) {
    try {
      auto statement = nimbus::dynamodb::partiql::parse(text, bound ? *bound : Json());
      if (statement.table.empty()) std::abort();
    } catch (const nimbus::AwsError&) {
    }
  }
  return 0;
}
