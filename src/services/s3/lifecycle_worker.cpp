#include "services/s3/lifecycle_worker.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <vector>

#include "async/worker_exit.h"
#include "core/ids.h"
#include "core/log.h"
#include "services/s3/lifecycle.h"

namespace nimbus::s3 {
namespace {

constexpr auto kTick = std::chrono::milliseconds(200);
constexpr int64_t kSweepEveryMs = 5000;
constexpr std::string_view kKind = "lifecycle";

}  // namespace

LifecycleWorker::LifecycleWorker(S3Environment& environment, ObjectAccess& objects)
    : environment_(environment), objects_(objects) {
  environment_.clock.on_advance([weak = std::weak_ptr<std::atomic<bool>>(advanced_)] {
    if (auto flag = weak.lock()) *flag = true;
  });
}

LifecycleWorker::~LifecycleWorker() {
  stop();
  async::wait_for_worker_exit(running_, executor_);
}

void LifecycleWorker::start(boost::asio::any_io_executor executor) {
  if (running_.exchange(true)) return;
  executor_ = executor;
  stopping_ = false;
  {
    std::lock_guard lock(mutex_);
    environment_.store.scan("s3", "bucket/", [&](std::string_view, std::string_view value) {
      auto bucket = bucket_from_json(Json::parse(value));
      if (bucket.configs.contains(kKind)) buckets_.insert(bucket.name);
      return true;
    });
  }
  boost::asio::co_spawn(executor, run(), boost::asio::detached);
}

void LifecycleWorker::stop() { stopping_ = true; }

void LifecycleWorker::clear() {
  std::lock_guard lock(mutex_);
  buckets_.clear();
}

void LifecycleWorker::watch(const std::string& bucket) {
  std::lock_guard lock(mutex_);
  buckets_.insert(bucket);
}

awaitable<void> LifecycleWorker::run() {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  auto last_sweep = std::chrono::steady_clock::now();
  while (!stopping_) {
    timer.expires_after(kTick);
    boost::system::error_code ignored;
    co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
    if (stopping_) break;
    auto now = std::chrono::steady_clock::now();
    bool due = now - last_sweep >= std::chrono::milliseconds(kSweepEveryMs);
    if (!advanced_->exchange(false) && !due) continue;
    last_sweep = now;
    try {
      co_await sweep();
    } catch (const std::exception& error) {
      NIMBUS_LOG(Warn, std::string("s3 lifecycle sweep failed: ") + error.what());
    }
  }
  running_ = false;
}

awaitable<void> LifecycleWorker::sweep() {
  std::vector<std::string> names;
  {
    std::lock_guard lock(mutex_);
    names.assign(buckets_.begin(), buckets_.end());
  }
  for (const auto& name : names) {
    auto bucket = environment_.buckets.find(name);
    if (!bucket || !bucket->configs.contains(kKind)) {
      std::lock_guard lock(mutex_);
      buckets_.erase(name);
      continue;
    }
    const auto& configuration = bucket->configs[std::string(kKind)];
    auto now_ms = environment_.clock.now_ms();
    std::vector<std::string> expired;
    objects_.scan(*bucket, "", [&](const ObjectSummary& object) {
      if (lifecycle_expires(configuration, object, now_ms)) expired.push_back(object.key);
      return !stopping_;
    });
    RequestContext context;
    context.account_id = bucket->account_id;
    context.region = bucket->region;
    context.clock = &environment_.clock;
    for (auto& key : expired) {
      if (stopping_) co_return;
      context.request_id = ids::uuid4();
      co_await objects_.remove(context, *bucket, key);
    }
  }
}

}  // namespace nimbus::s3
