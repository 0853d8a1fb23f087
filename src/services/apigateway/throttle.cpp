#include "services/apigateway/throttle.h"

#include <algorithm>
#include <ctime>

namespace nimbus::apigateway {
namespace {

// The start (ms, UTC) of the DAY / WEEK (Monday) / MONTH holding `wall_ms`.
int64_t period_start(const std::string& period, int64_t wall_ms) {
  std::time_t seconds = wall_ms / 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
  if (period == "WEEK") tm.tm_mday -= (tm.tm_wday + 6) % 7;
  if (period == "MONTH") tm.tm_mday = 1;
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

}  // namespace

bool Throttle::admit(const std::string& key, double rate, int64_t burst, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto& bucket = buckets_[key];
  if (bucket.rate != rate || bucket.burst != burst || bucket.refilled == Clock::time_point{}) {
    bucket = {rate, burst, static_cast<double>(burst), now};
  }
  double elapsed = std::chrono::duration<double>(now - bucket.refilled).count();
  bucket.tokens = std::min(static_cast<double>(burst), bucket.tokens + elapsed * rate);
  bucket.refilled = now;
  if (bucket.tokens < 1.0) return false;
  bucket.tokens -= 1.0;
  return true;
}

bool Throttle::within_quota(const std::string& key, int64_t limit, const std::string& period, int64_t wall_ms) {
  std::lock_guard lock(mutex_);
  auto& quota = quotas_[key];
  int64_t start = period_start(period, wall_ms);
  if (quota.period_start != start) quota = {start, 0};
  if (quota.used >= limit) return false;
  ++quota.used;
  return true;
}

void Throttle::clear() {
  std::lock_guard lock(mutex_);
  buckets_.clear();
  quotas_.clear();
}

}  // namespace nimbus::apigateway
