// The outbox: staged deliveries reach their destination once released, survive a restart, keep
// staging order in ordered lanes, retry on nimbus's clock, and end in a dead-letter delivery or
// a visible drop when given up.

#include "delivery/outbox.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <vector>

#include "core/aws_error.h"
#include "storage/memory_store.h"

namespace nimbus::delivery {
namespace {

// A destination that records calls and fails as told.
struct FakeDestinations {
  std::vector<std::pair<std::string, int>> calls;  // lane, body
  std::map<std::string, int> failures_left;        // lane -> failures before success (-1: always)
  std::string failure_code = "AWS.SimpleQueueService.NonExistentQueue";

  std::vector<size_t> batch_sizes;             // entries of each combined call
  std::map<int, int> entry_failures_left;      // n -> times its entry of a combined call fails

  Outbox::Invoke invoker() {
    return [this](const Target& target, RequestContext&) -> boost::asio::awaitable<Json> {
      if (target.operation == "SendMessageBatch") co_return combined_call(target);
      auto lane = target.input.value("lane", "");
      calls.emplace_back(lane, target.input.value("n", 0));
      auto failing = failures_left.find(lane);
      if (failing != failures_left.end() && failing->second != 0) {
        if (failing->second > 0) --failing->second;
        throw AwsError(400, failure_code, "The specified queue does not exist.");
      }
      co_return Json::object();
    };
  }
  Json combined_call(const Target& target) {
    auto lane = target.input.value("lane", "");
    auto failing = failures_left.find(lane);
    if (failing != failures_left.end() && failing->second != 0) {
      if (failing->second > 0) --failing->second;
      throw AwsError(500, failure_code, "The whole call failed.", {}, false);
    }
    batch_sizes.push_back(target.input["Entries"].size());
    Json successful = Json::array(), failed = Json::array();
    for (const auto& entry : target.input["Entries"]) {
      int n = entry.value("n", 0);
      calls.emplace_back(lane, n);
      if (auto left = entry_failures_left.find(n); left != entry_failures_left.end() && left->second > 0) {
        --left->second;
        failed.push_back({{"Id", entry["Id"]}, {"SenderFault", false}, {"Code", "InternalError"}, {"Message", "busy"}});
      } else {
        successful.push_back({{"Id", entry["Id"]}});
      }
    }
    return {{"Successful", successful}, {"Failed", failed}};
  }
  std::vector<int> delivered_to(const std::string& lane) const {
    std::vector<int> out;
    for (const auto& [name, n] : calls) {
      if (name == lane) out.push_back(n);
    }
    return out;
  }
};

Delivery delivery_to(const std::string& lane, int n, bool ordered = false) {
  Delivery delivery;
  delivery.source = "s3";
  delivery.lane = lane;
  delivery.ordered = ordered;
  delivery.target = {"sqs", "SendMessage", "000000000000", "us-east-1", {{"lane", lane}, {"n", n}}};
  delivery.retry.first_delay_ms = 60'000;
  delivery.retry.max_delay_ms = 60'000;
  return delivery;
}

class OutboxTest : public ::testing::Test {
 protected:
  void run_until(const std::function<bool()>& done, int timeout_ms = 2000) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io_.restart();
      io_.run_for(std::chrono::milliseconds(5));
    }
  }
  void run_for(int ms) { run_until([] { return false; }, ms); }

  std::unique_ptr<Outbox> make_outbox() { return std::make_unique<Outbox>(store_, clock_, destinations_.invoker()); }

  // SendMessage deliveries to one lane combine into SendMessageBatch, at most `max_entries`.
  static Combining batching(size_t max_entries = 10, size_t max_bytes = SIZE_MAX) {
    Combining combining;
    combining.operation = "SendMessageBatch";
    combining.max_entries = max_entries;
    combining.max_bytes = max_bytes;
    combining.key = [](const Json& input) { return input.value("lane", ""); };
    combining.size = [](const Json& input) { return input.value("bytes", size_t{1}); };
    combining.combine = [](const std::vector<const Json*>& inputs) {
      Json entries = Json::array();
      for (size_t i = 0; i < inputs.size(); ++i) {
        Json entry = *inputs[i];
        entry["Id"] = std::to_string(i);
        entries.push_back(std::move(entry));
      }
      return Json{{"lane", inputs.front()->value("lane", "")}, {"Entries", std::move(entries)}};
    };
    combining.split = [](const Json& output, size_t inputs) {
      std::vector<std::optional<AwsError>> outcomes(inputs);
      for (const auto& failed : output["Failed"]) {
        outcomes[std::stoul(failed["Id"].get<std::string>())] =
            AwsError(500, failed["Code"], failed["Message"], {}, false);
      }
      return outcomes;
    };
    return combining;
  }

  // Stages in one batch, commits it, releases.
  void send(Outbox& outbox, std::vector<Delivery> deliveries) {
    storage::WriteBatch batch;
    auto staged = outbox.stage(batch, std::move(deliveries));
    store_.submit(std::move(batch));
    staged.release();
  }

  size_t stored(std::string_view prefix) {
    size_t count = 0;
    store_.scan("outbox", prefix, [&](std::string_view, std::string_view) { return ++count, true; });
    return count;
  }

  boost::asio::io_context io_;
  storage::MemoryStore store_;
  Clock clock_;
  FakeDestinations destinations_;
};

TEST_F(OutboxTest, ReleasedDeliveriesReachTheirDestinationAndLeaveTheStore) {
  auto outbox = make_outbox();
  outbox->start(io_.get_executor());
  send(*outbox, {delivery_to("a", 1), delivery_to("b", 2)});
  run_until([&] { return destinations_.calls.size() == 2 && stored("q/") == 0; });
  EXPECT_EQ(destinations_.delivered_to("a"), std::vector<int>{1});
  EXPECT_EQ(destinations_.delivered_to("b"), std::vector<int>{2});
  EXPECT_EQ(stored("q/"), 0u);
  EXPECT_EQ(outbox->report()["delivered"], 2);
}

TEST_F(OutboxTest, DeliveriesOfABatchThatFailedAreNeverMade) {
  auto outbox = make_outbox();
  outbox->start(io_.get_executor());
  {
    storage::WriteBatch batch;
    auto staged = outbox->stage(batch, {delivery_to("a", 1, true)});
    // the batch is never committed: `staged` goes out of scope unreleased
  }
  send(*outbox, {delivery_to("a", 2, true)});
  run_until([&] { return !destinations_.calls.empty(); });
  run_for(50);
  EXPECT_EQ(destinations_.delivered_to("a"), std::vector<int>{2});
}

TEST_F(OutboxTest, StagedDeliveriesReplacedByAnotherStageAreForgotten) {
  auto outbox = make_outbox();
  outbox->start(io_.get_executor());
  storage::WriteBatch failed_batch, batch;
  auto staged = outbox->stage(failed_batch, {delivery_to("fifo", 1, true)});
  staged = outbox->stage(batch, {delivery_to("fifo", 2, true)});  // the first batch never commits
  store_.submit(std::move(batch));
  staged.release();
  run_until([&] { return !destinations_.calls.empty(); });
  EXPECT_EQ(destinations_.delivered_to("fifo"), std::vector<int>{2}) << "1's reservation must not hold the lane";
}

TEST_F(OutboxTest, StoredDeliveriesAreMadeAfterARestart) {
  {
    auto before_crash = make_outbox();  // never started: as if the process died after the commit
    send(*before_crash, {delivery_to("a", 1), delivery_to("a", 2)});
  }
  EXPECT_EQ(stored("q/"), 2u);
  auto after_restart = make_outbox();
  after_restart->start(io_.get_executor());
  run_until([&] { return destinations_.calls.size() == 2 && stored("q/") == 0; });
  EXPECT_EQ(destinations_.calls.size(), 2u);
  EXPECT_EQ(stored("q/"), 0u);
}

TEST_F(OutboxTest, AnOrderedLaneKeepsStagingOrderEvenWhenReleasedOutOfOrder) {
  auto outbox = make_outbox();
  outbox->start(io_.get_executor());
  storage::WriteBatch first_batch, second_batch;
  auto first = outbox->stage(first_batch, {delivery_to("fifo", 1, true)});
  auto second = outbox->stage(second_batch, {delivery_to("fifo", 2, true), delivery_to("fifo", 3, true)});
  second.release();
  run_for(50);
  EXPECT_TRUE(destinations_.calls.empty()) << "2 and 3 wait for 1, staged before them";
  first.release();
  run_until([&] { return destinations_.calls.size() == 3; });
  EXPECT_EQ(destinations_.delivered_to("fifo"), (std::vector<int>{1, 2, 3}));
}

TEST_F(OutboxTest, AFailedHeadHoldsBackItsOrderedLaneUntilItIsDelivered) {
  destinations_.failures_left["fifo"] = 1;
  auto outbox = make_outbox();
  outbox->start(io_.get_executor());
  send(*outbox, {delivery_to("fifo", 1, true), delivery_to("fifo", 2, true)});
  run_until([&] { return destinations_.calls.size() == 1; });
  run_for(100);
  EXPECT_EQ(destinations_.delivered_to("fifo"), std::vector<int>{1});
  clock_.advance(60'000);
  run_until([&] { return destinations_.calls.size() == 3; });
  EXPECT_EQ(destinations_.delivered_to("fifo"), (std::vector<int>{1, 1, 2}));
}

TEST_F(OutboxTest, RetriesWaitForTheBackoffOnNimbusClock) {
  destinations_.failures_left["a"] = 2;
  auto outbox = make_outbox();
  outbox->start(io_.get_executor());
  send(*outbox, {delivery_to("a", 1)});
  run_until([&] { return destinations_.calls.size() == 1; });
  run_for(200);
  EXPECT_EQ(destinations_.calls.size(), 1u) << "the first retry is due 30-60 s later on nimbus's clock";
  auto report = outbox->report();
  EXPECT_EQ(report["retrying"], 1);
  EXPECT_EQ(report["destinations"][0]["last_error"],
            "AWS.SimpleQueueService.NonExistentQueue: The specified queue does not exist.");
  clock_.advance(60'000);
  run_until([&] { return destinations_.calls.size() == 2; });
  EXPECT_EQ(destinations_.calls.size(), 2u);
  clock_.advance(60'000);
  run_until([&] { return destinations_.calls.size() == 3 && stored("q/") == 0; });
  EXPECT_EQ(outbox->report()["delivered"], 1);
  EXPECT_EQ(stored("q/"), 0u);
}

TEST_F(OutboxTest, ADeadDestinationDoesNotDelayOtherLanes) {
  destinations_.failures_left["dead"] = -1;
  auto outbox = make_outbox();
  outbox->start(io_.get_executor());
  std::vector<Delivery> many;
  for (int i = 0; i < 50; ++i) many.push_back(delivery_to("dead", i));
  send(*outbox, std::move(many));
  send(*outbox, {delivery_to("alive", 1)});
  run_until([&] { return !destinations_.delivered_to("alive").empty(); }, 500);
  EXPECT_EQ(destinations_.delivered_to("alive"), std::vector<int>{1});
  EXPECT_EQ(outbox->report()["pending"], 50);
}

TEST_F(OutboxTest, ALaneThatKeepsFailingOpensItsCircuitAndOnlyAProbeCallsItUntilItRecovers) {
  destinations_.failure_code = "ThrottlingException";
  destinations_.failures_left["dead"] = -1;
  auto outbox = make_outbox();
  outbox->start(io_.get_executor());
  std::vector<Delivery> many;
  for (int i = 0; i < 20; ++i) many.push_back(delivery_to("dead", i));
  send(*outbox, std::move(many));
  run_until([&] { return outbox->report()["retrying"] == 20; });
  // 16 calls were in flight when the fifth failure opened the circuit; the other 4 never called.
  EXPECT_EQ(destinations_.calls.size(), 16u);
  auto circuit = outbox->report()["destinations"][0]["circuit"];
  EXPECT_EQ(circuit["state"], "open");
  EXPECT_EQ(circuit["opened"], 1);

  clock_.advance(60'000);  // every delivery due again, the cool-down over: one probe only
  run_until([&] { return outbox->report()["destinations"][0]["circuit"]["opened"] == 2; });
  run_for(50);
  EXPECT_EQ(destinations_.calls.size(), 17u);
  EXPECT_EQ(outbox->report()["destinations"][0]["circuit"]["state"], "open");
  EXPECT_EQ(outbox->report()["pending"], 20) << "short-circuited deliveries wait for their retries";

  destinations_.failures_left["dead"] = 0;
  for (int i = 0; i < 4 && outbox->report()["delivered"] != 20; ++i) {
    clock_.advance(60'000);
    run_until([&] { return outbox->report()["delivered"] == 20; }, 500);
  }
  EXPECT_EQ(outbox->report()["delivered"], 20);
  EXPECT_EQ(outbox->report()["destinations"][0]["circuit"]["state"], "closed");
}

TEST_F(OutboxTest, AMissingDestinationIsWaitedForWithoutOpeningItsCircuit) {
  destinations_.failures_left["a"] = 6;  // NonExistentQueue six times, then created
  auto outbox = make_outbox();
  outbox->start(io_.get_executor());
  send(*outbox, {delivery_to("a", 1)});
  for (int i = 0; i < 8 && outbox->report()["delivered"] != 1; ++i) {
    run_until([&] { return destinations_.calls.size() > static_cast<size_t>(i); }, 200);
    clock_.advance(60'000);
  }
  run_until([&] { return outbox->report()["delivered"] == 1; });
  EXPECT_EQ(outbox->report()["delivered"], 1);
  EXPECT_EQ(destinations_.calls.size(), 7u) << "every retry called the destination";
  EXPECT_EQ(outbox->report()["destinations"][0]["circuit"]["opened"], 0);
}

TEST_F(OutboxTest, ErrorsTheDestinationAnswersDeliberatelyDoNotOpenItsCircuit) {
  destinations_.failure_code = "InvalidParameterValue";  // answered, never worth retrying
  destinations_.failures_left["a"] = -1;
  auto outbox = make_outbox();
  outbox->start(io_.get_executor());
  std::vector<Delivery> many;
  for (int i = 0; i < 10; ++i) many.push_back(delivery_to("a", i));
  send(*outbox, std::move(many));
  run_until([&] { return outbox->report()["dropped"] == 10; });
  EXPECT_EQ(destinations_.calls.size(), 10u);
  EXPECT_EQ(outbox->report()["destinations"][0]["circuit"]["state"], "closed");
}

TEST_F(OutboxTest, AGivenUpDeliveryGoesToTheSourcesDeadLetterHandler) {
  destinations_.failure_code = "InvalidParameterValue";  // never worth retrying
  destinations_.failures_left["a"] = -1;
  auto outbox = make_outbox();
  std::vector<std::string> reasons;
  outbox->on_exhausted("s3", [&](const Delivery& failed, const Failure& failure) -> std::optional<Delivery> {
    reasons.push_back(failure.code);
    return delivery_to("dlq", failed.target.input.value("n", 0));
  });
  outbox->start(io_.get_executor());
  send(*outbox, {delivery_to("a", 7)});
  run_until([&] { return !destinations_.delivered_to("dlq").empty() && stored("q/") == 0; });
  EXPECT_EQ(destinations_.delivered_to("dlq"), std::vector<int>{7});
  EXPECT_EQ(reasons, std::vector<std::string>{"InvalidParameterValue"});
  EXPECT_EQ(outbox->report()["dead_lettered"], 1);
  EXPECT_EQ(stored("q/"), 0u);
}

TEST_F(OutboxTest, AGivenUpDeliveryWithoutADeadLetterPathIsRecordedAsDroppedWithItsReason) {
  destinations_.failures_left["a"] = -1;
  auto outbox = make_outbox();
  outbox->start(io_.get_executor());
  auto delivery = delivery_to("a", 1);
  delivery.retry.max_attempts = 2;
  send(*outbox, {delivery});
  run_until([&] { return destinations_.calls.size() == 1; });
  clock_.advance(60'000);
  run_until([&] { return outbox->report()["dropped"] == 1; });
  auto report = outbox->report();
  EXPECT_EQ(report["dropped"], 1);
  ASSERT_EQ(report["recently_dropped"].size(), 1u);
  EXPECT_EQ(report["recently_dropped"][0]["error_code"], "AWS.SimpleQueueService.NonExistentQueue");
  EXPECT_EQ(report["recently_dropped"][0]["attempts"], 2);
  EXPECT_EQ(stored("q/"), 0u);
  EXPECT_EQ(stored("x/"), 1u) << "the drop is kept for GET /_nimbus/deliveries after a restart";
}

TEST_F(OutboxTest, DeliveriesDueTogetherInALaneGoAsCombinedCallsOfAtMostTheirLimit) {
  auto outbox = make_outbox();
  outbox->combine("sqs", "SendMessage", batching(4));
  outbox->start(io_.get_executor());
  std::vector<Delivery> many;
  for (int i = 0; i < 10; ++i) many.push_back(delivery_to("a", i));
  send(*outbox, std::move(many));
  send(*outbox, {delivery_to("b", 100)});
  run_until([&] { return destinations_.calls.size() == 11 && stored("q/") == 0; });
  EXPECT_EQ(destinations_.batch_sizes, (std::vector<size_t>{4, 4, 2})) << "lane b's single delivery goes alone";
  EXPECT_EQ(destinations_.delivered_to("a"), (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(destinations_.delivered_to("b"), std::vector<int>{100});
  EXPECT_EQ(outbox->report()["delivered"], 11);
  EXPECT_EQ(stored("q/"), 0u);
}

TEST_F(OutboxTest, CombinedCallsStayWithinTheirByteLimit) {
  auto outbox = make_outbox();
  outbox->combine("sqs", "SendMessage", batching(10, 1000));
  outbox->start(io_.get_executor());
  std::vector<Delivery> many;
  for (int i = 0; i < 5; ++i) {
    many.push_back(delivery_to("a", i));
    many.back().target.input["bytes"] = 400;
  }
  send(*outbox, std::move(many));
  run_until([&] { return destinations_.calls.size() == 5; });
  EXPECT_EQ(destinations_.batch_sizes, (std::vector<size_t>{2, 2})) << "the fifth goes alone";
  EXPECT_EQ(destinations_.delivered_to("a"), (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST_F(OutboxTest, AnEntryThatFailsInACombinedCallIsRetriedAloneWhileTheOthersAreDone) {
  destinations_.entry_failures_left[2] = 1;
  auto outbox = make_outbox();
  outbox->combine("sqs", "SendMessage", batching());
  outbox->start(io_.get_executor());
  send(*outbox, {delivery_to("a", 1), delivery_to("a", 2), delivery_to("a", 3)});
  run_until([&] { return outbox->report()["delivered"] == 2; });
  run_for(50);
  auto report = outbox->report();
  EXPECT_EQ(report["delivered"], 2);
  EXPECT_EQ(report["retrying"], 1);
  EXPECT_EQ(report["destinations"][0]["last_error"], "InternalError: busy");
  EXPECT_EQ(stored("q/"), 1u);
  clock_.advance(60'000);
  run_until([&] { return outbox->report()["delivered"] == 3 && stored("q/") == 0; });
  EXPECT_EQ(destinations_.delivered_to("a"), (std::vector<int>{1, 2, 3, 2}));
  EXPECT_EQ(stored("q/"), 0u);
}

TEST_F(OutboxTest, AFailedCombinedCallCountsOnceTowardItsLanesCircuit) {
  destinations_.failure_code = "InternalError";
  destinations_.failures_left["a"] = 1;
  auto outbox = make_outbox();
  outbox->combine("sqs", "SendMessage", batching());
  outbox->start(io_.get_executor());
  std::vector<Delivery> many;
  for (int i = 0; i < 8; ++i) many.push_back(delivery_to("a", i));
  send(*outbox, std::move(many));
  run_until([&] { return outbox->report()["retrying"] == 8; });
  auto line = outbox->report()["destinations"][0];
  EXPECT_EQ(line["circuit"]["state"], "closed");
  EXPECT_EQ(line["circuit"]["consecutive_failures"], 1);
  EXPECT_EQ(line["failed_attempts"], 8);
  clock_.advance(60'000);
  run_until([&] { return outbox->report()["delivered"] == 8; });
  EXPECT_EQ(destinations_.batch_sizes, std::vector<size_t>{8});
}

TEST_F(OutboxTest, OrderedDeliveriesAndOnesFromOtherSourcesAreNotCombined) {
  auto outbox = make_outbox();
  outbox->combine("sqs", "SendMessage", batching());
  outbox->start(io_.get_executor());
  auto other_rule = delivery_to("a", 3);
  other_rule.source_arn = "arn:aws:events:us-east-1:000000000000:rule/other";
  send(*outbox, {delivery_to("fifo", 1, true), delivery_to("fifo", 2, true), delivery_to("a", 1), delivery_to("a", 2),
                 other_rule});
  run_until([&] { return destinations_.calls.size() == 5; });
  EXPECT_EQ(destinations_.batch_sizes, std::vector<size_t>{2}) << "only a's two from the same source combine";
  EXPECT_EQ(destinations_.delivered_to("fifo"), (std::vector<int>{1, 2}));
}

TEST_F(OutboxTest, ResetForgetsEverything) {
  destinations_.failures_left["a"] = -1;
  auto outbox = make_outbox();
  outbox->start(io_.get_executor());
  send(*outbox, {delivery_to("a", 1)});
  run_until([&] { return destinations_.calls.size() == 1; });
  boost::asio::co_spawn(io_, outbox->reset(), boost::asio::detached);
  run_until([&] { return stored("q/") == 0; });
  EXPECT_EQ(outbox->report()["pending"], 0);
  EXPECT_EQ(stored("q/"), 0u);
}

}  // namespace
}  // namespace nimbus::delivery
