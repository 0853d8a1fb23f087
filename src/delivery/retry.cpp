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

namespace {

constexpr std::array<std::string_view, 4> kBusy = {"Throttl", "TooManyRequests", "KMS", "RequestLimitExceeded"};
constexpr std::array<std::string_view, 4> kMissing = {"NonExistent", "DoesNotExist", "NotFound", "AccessDenied"};

template <size_t N>
bool named_any(const AwsError& error, const std::array<std::string_view, N>& words) {
  std::string_view code = error.wire_query_code();
  std::string_view other = error.code;
  return std::any_of(words.begin(), words.end(), [&](std::string_view word) {
    return code.find(word) != std::string_view::npos || other.find(word) != std::string_view::npos;
  });
}

}  // namespace

bool worth_retrying(const AwsError& error, bool retry_missing) {
  if (error.code == "NotImplemented") return false;  // a service nimbus does not serve
  if (error.http_status >= 500 || error.http_status == 429) return true;
  return named_any(error, kBusy) || (retry_missing && named_any(error, kMissing));
}

bool destination_failing(const AwsError& error) {
  if (error.code == "NotImplemented") return false;
  return error.http_status >= 500 || error.http_status == 429 || named_any(error, kBusy);
}

}  // namespace nimbus::delivery
