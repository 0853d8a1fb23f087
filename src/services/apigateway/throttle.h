#pragma once
// Request rate limits as API Gateway applies them: token buckets (a steady rate and a burst
// capacity) per stage, per method and per API key, and per-key quotas over a day, week or month.
// In memory: a restart forgets what was spent, as a fresh bucket would after a quiet second.

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace nimbus::apigateway {

class Throttle {
 public:
  using Clock = std::chrono::steady_clock;
  // Takes one request from bucket `key` (rate per second, burst capacity); false when it is empty.
  // A bucket whose limits change starts afresh.
  bool admit(const std::string& key, double rate, int64_t burst, Clock::time_point now = Clock::now());
  // Counts one request against quota `key` (`limit` per `period` DAY|WEEK|MONTH, periods starting
  // at `period_start_ms`); false when the quota is spent.
  bool within_quota(const std::string& key, int64_t limit, const std::string& period, int64_t wall_ms);
  void clear();

 private:
  struct Bucket {
    double rate = 0;
    int64_t burst = 0;
    double tokens = 0;
    Clock::time_point refilled;
  };
  struct Quota {
    int64_t period_start = 0;
    int64_t used = 0;
  };
  std::mutex mutex_;
  std::map<std::string, Bucket> buckets_;
  std::map<std::string, Quota> quotas_;
};

}  // namespace nimbus::apigateway
