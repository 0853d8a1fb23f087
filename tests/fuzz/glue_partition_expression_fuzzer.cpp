// libFuzzer target for Glue's GetPartitions expression parser: the input is parsed against a
// table with int, string and date partition keys; only ExpressionError may escape, and what
// parses is evaluated on a few partitions (numeric, non-numeric and short value lists).
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "services/glue/partition_expression.h"

namespace {

using nimbus::glue::expr::KeyColumn;

const std::vector<KeyColumn>& keys() {
  static const std::vector<KeyColumn> k = {
      {"year", "int"}, {"month", "string"}, {"dt", "date"}, {"n", "decimal(10,2)"}};
  return k;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    auto expression = nimbus::glue::expr::parse(text, keys());
    static const std::vector<std::vector<std::string>> partitions = {
        {"2024", "03", "2024-03-15", "1.50"}, {"abc", "", "x", "-0"}, {"1"}, {}};
    for (const auto& values : partitions) nimbus::glue::expr::matches(expression, values);
  } catch (const nimbus::glue::expr::ExpressionError&) {
  }
  return 0;
}
