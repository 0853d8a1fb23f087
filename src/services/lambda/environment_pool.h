#pragma once
// Warm execution environments per function version (keyed by the configuration they were started
// with): an invocation takes an idle one or starts a new one while the function's reserved
// concurrency and the account's concurrency allow, and gives it back after. Environments idle
// longer than the reap age, and those of retired configurations, are shut down.

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "services/lambda/environment.h"

namespace nimbus::lambda {

class EnvironmentPool {
 public:
  struct Limits {
    int account_concurrency = 1000;  // AWS's default ConcurrentExecutions
    int64_t idle_reap_ms = 10 * 60 * 1000;
    // Environments per key started at once for quick functions; beyond that an invocation waits
    // up to quick_wait_ms for one to come back before starting another.
    int quick_environments = 2;
    double quick_ms = 20;
  };
  explicit EnvironmentPool(Limits limits) : limits_(limits) {}

  enum class Refusal { None, Function, Account };
  struct Lease {
    std::shared_ptr<Environment> environment;
    bool fresh = false;  // started for this invocation (a cold start)
    Refusal refusal = Refusal::None;
  };
  // `function`: the unqualified ARN (reserved concurrency is per function); `key`: the
  // configuration's identity (ARN, version, revision); `reserved`: -1 = unreserved.
  // With `may_start` false and no idle environment, the lease is empty and unrefused: the caller
  // may wait for one to come back (see should_wait) instead of starting another.
  Lease acquire(const std::string& function, const std::string& key, int reserved,
                const std::function<std::shared_ptr<Environment>()>& start, bool may_start = true);
  // `duration_ms`: how long the invocation took (the pool learns which functions are quick).
  void release(const std::string& function, const std::string& key, const std::shared_ptr<Environment>& environment,
               double duration_ms = 0);
  // Whether an invocation of a quick function should wait briefly for a busy environment rather
  // than start one: on a laptop's few cores, more runtimes than cores only share them, so a
  // burst of short invocations runs faster on the warm environments it has. Slow functions (or
  // ones never measured) scale out at once, as on AWS.
  bool should_wait(const std::string& function, const std::string& key) const;
  // Fired when an environment of `key` is given back.
  std::shared_ptr<Waiter> idle_waiter(const std::string& function, const std::string& key);
  // Shuts down idle environments of `function` whose key is not `keep` ("" = all), and retires
  // the busy ones (shut down when given back).
  void retire(const std::string& function, const std::string& keep = {});
  // Shuts down environments idle since before `now_ms - idle_reap_ms`.
  void reap(int64_t now_ms);
  void shut_down_all();
  struct Counts {
    size_t idle = 0;
    size_t busy = 0;
  };
  Counts counts() const;

 private:
  struct FunctionEnvironments {
    std::map<std::string, std::vector<std::shared_ptr<Environment>>> idle;  // by key
    int busy = 0;
    std::map<std::string, int> busy_by_key;
    std::set<std::string> retired;  // keys (they embed the revision) whose environments must not return
    std::map<std::string, double> recent_ms;  // smoothed invocation time per key
    std::map<std::string, std::vector<std::shared_ptr<Waiter>>> waiters;
  };
  Limits limits_;
  mutable std::mutex mutex_;
  std::map<std::string, FunctionEnvironments> functions_;
  int busy_total_ = 0;
};

}  // namespace nimbus::lambda
