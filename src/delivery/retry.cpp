#include "delivery/retry.h"

#include <algorithm>
#include <array>
#include <string_view>

namespace nimbus::delivery {

int64_t retry_delay_ms(const RetryPolicy& policy, int failures, double unit_random) {
  int64_t delay = std::max<int64_t>(policy.first_delay_ms, 1);
  for (int i = 1; i < failures && delay < policy.max_delay_ms; ++i) delay *= 2;
  delay = std::min(delay, std::max(policy.max_delay_ms, int64_t{1}));
  auto half = delay / 2;
  return half + static_cast<int64_t>(static_cast<double>(delay - half) * std::clamp(unit_random, 0.0, 1.0));
}

bool worth_retrying(const AwsError& error, bool retry_missing) {
  if (error.code == "NotImplemented") return false;  // a service nimbus does not serve
  if (error.http_status >= 500 || error.http_status == 429) return true;
  static constexpr std::array<std::string_view, 4> kBusy = {"Throttl", "TooManyRequests", "KMS",
                                                            "RequestLimitExceeded"};
  static constexpr std::array<std::string_view, 4> kMissing = {"NonExistent", "DoesNotExist", "NotFound",
                                                               "AccessDenied"};
  std::string_view code = error.wire_query_code();
  std::string_view other = error.code;
  auto named = [&](std::string_view word) {
    return code.find(word) != std::string_view::npos || other.find(word) != std::string_view::npos;
  };
  return std::any_of(kBusy.begin(), kBusy.end(), named) ||
         (retry_missing && std::any_of(kMissing.begin(), kMissing.end(), named));
}

}  // namespace nimbus::delivery
