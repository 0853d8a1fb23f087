#include "storage/clock_keeper.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include "core/log.h"

namespace nimbus::storage {
namespace asio = boost::asio;
namespace {

constexpr std::string_view kSpace = "nimbus";
constexpr std::string_view kKey = "clock";

}  // namespace

void ClockKeeper::restore() {
  auto stored = store_.get(kSpace, kKey);
  if (!stored) return;
  auto record = nlohmann::json::parse(*stored, nullptr, false);
  if (!record.is_object()) {
    NIMBUS_LOG(Warn, "clock: unreadable stored clock ignored");
    return;
  }
  clock_.resume(record.value("offset_ms", int64_t{0}), record.value("latest_ms", int64_t{0}));
}

void ClockKeeper::start(asio::any_io_executor executor) {
  stopping_ = false;
  timer_ = std::make_unique<asio::steady_timer>(executor);
  asio::co_spawn(executor, run(), asio::detached);
}

void ClockKeeper::stop() {
  stopping_ = true;
  if (timer_) asio::post(timer_->get_executor(), [this] { timer_->cancel(); });
}

asio::awaitable<void> ClockKeeper::save() {
  auto now = clock_.now_ms();
  nlohmann::json record = {{"offset_ms", now - Clock::wall_ms()}, {"latest_ms", now}};
  WriteBatch batch;
  batch.put(kSpace, kKey, record.dump());
  co_await store_.commit(std::move(batch));
}

asio::awaitable<void> ClockKeeper::run() {
  while (!stopping_) {
    timer_->expires_after(std::chrono::seconds(1));
    boost::system::error_code ignored;
    co_await timer_->async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    if (stopping_) break;
    try {
      co_await save();
    } catch (const std::exception& error) {
      NIMBUS_LOG(Warn, std::string("clock: not saved: ") + error.what());
    }
  }
}

}  // namespace nimbus::storage
