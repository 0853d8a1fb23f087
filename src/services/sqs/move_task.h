#pragma once
// A message move task (StartMessageMoveTask): redrives messages out of a dead-letter queue.

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace nimbus::sqs {

// One move task and its progress. Status: RUNNING -> COMPLETED | FAILED, or RUNNING ->
// CANCELLING (CancelMessageMoveTask) -> CANCELLED (when the background worker next observes it).
struct MoveTask {
  std::string id;
  std::string handle;  // what clients pass to CancelMessageMoveTask
  std::string account;
  std::string region;
  std::string source_arn;
  std::string destination_arn;  // "" = each message's original source queue
  int64_t rate = 0;             // MaxNumberOfMessagesPerSecond; 0 = not given
  std::string status = "RUNNING";
  int64_t moved = 0;
  int64_t to_move = 0;
  int64_t started_ms = 0;
  std::string failure_reason;  // FAILED only

  // RUNNING or CANCELLING: the one task a source queue may have at a time.
  bool active() const { return status == "RUNNING" || status == "CANCELLING"; }

  nlohmann::json to_json() const {
    return {{"id", id},         {"handle", handle},   {"account", account},
            {"region", region}, {"source", source_arn}, {"destination", destination_arn},
            {"rate", rate},     {"status", status},   {"moved", moved},
            {"to_move", to_move}, {"started", started_ms}, {"failure", failure_reason}};
  }
  static MoveTask from_json(const nlohmann::json& j) {
    MoveTask t;
    t.id = j.at("id");
    t.handle = j.at("handle");
    t.account = j.at("account");
    t.region = j.at("region");
    t.source_arn = j.at("source");
    t.destination_arn = j.value("destination", std::string());
    t.rate = j.value("rate", int64_t{0});
    t.status = j.value("status", std::string("RUNNING"));
    t.moved = j.value("moved", int64_t{0});
    t.to_move = j.value("to_move", int64_t{0});
    t.started_ms = j.value("started", int64_t{0});
    t.failure_reason = j.value("failure", std::string());
    return t;
  }
};

}  // namespace nimbus::sqs
