#pragma once
// Queue attribute rules: names, validation and normalisation of values, defaults, and rendering
// of GetQueueAttributes (including the computed attributes).

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "services/sqs/queue.h"

namespace nimbus::sqs {

using Json = nlohmann::json;

constexpr int64_t kMaxMessageSizeLimit = 1048576;  // 1 MiB: the service-wide hard limit
constexpr int64_t kDefaultMaxMessageSize = kMaxMessageSizeLimit;  // AWS's default since 2025

// What a RedrivePolicy needs to know about its dead-letter target.
struct DeadLetterTargetInfo {
  bool fifo = false;
  std::string redrive_allow_policy;  // normalised, "" = none (allowAll)
};
// The target queue an ARN names, if it exists.
using DeadLetterLookup = std::function<std::optional<DeadLetterTargetInfo>(const std::string& arn)>;

// 1-80 of [A-Za-z0-9_-], FIFO names ending in ".fifo" (counted in the 80).
bool valid_queue_name(const std::string& name, bool fifo);

// The attributes a new queue starts with.
std::map<std::string, std::string> default_attributes(bool fifo);

// Validates and normalises attributes given to CreateQueue (`creating`) or SetQueueAttributes of
// the queue `queue_arn`. A RedrivePolicy's target must exist, be of the same type and allow
// `queue_arn` by its RedriveAllowPolicy.
// Returns name -> normalised value; "" means "remove" (Policy, RedrivePolicy, ...).
std::map<std::string, std::string> validate_attributes(const Json& attributes, bool fifo,
                                                       bool creating, const std::string& queue_arn,
                                                       const DeadLetterLookup& lookup);

// Applies validated values: sets, removes "" values, keeps SSE settings consistent.
void apply_attributes(Queue& queue, const std::map<std::string, std::string>& values);

// Throws InvalidAttributeName for a name GetQueueAttributes does not know.
void check_attribute_names(const std::vector<std::string>& names);

// The requested attributes of GetQueueAttributes ("All" or names). Caller holds queue.mutex.
Json render_attributes(const Queue& queue, const std::vector<std::string>& names, int64_t now_ms);

// Parses a normalised RedrivePolicy: (deadLetterTargetArn, maxReceiveCount).
std::optional<std::pair<std::string, int64_t>> parse_redrive_policy(const std::string& policy);

// Splits "arn:aws:sqs:region:account:name" into (account, region, name).
std::optional<std::tuple<std::string, std::string, std::string>> parse_queue_arn(
    const std::string& arn);

}  // namespace nimbus::sqs
