#include "services/sqs/queue_attributes.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

#include "services/sqs/sqs_errors.h"

namespace nimbus::sqs {

namespace {

struct IntRange {
  int64_t min;
  int64_t max;
};

const std::map<std::string, IntRange>& int_attributes() {
  static const std::map<std::string, IntRange> ranges = {
      {"DelaySeconds", {0, 900}},
      {"MaximumMessageSize", {1024, kMaxMessageSizeLimit}},
      {"MessageRetentionPeriod", {60, 1209600}},
      {"ReceiveMessageWaitTimeSeconds", {0, 20}},
      {"VisibilityTimeout", {0, 43200}},
      {"KmsDataKeyReusePeriodSeconds", {60, 86400}},
  };
  return ranges;
}

const std::set<std::string> kReadOnly = {
    "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed", "CreatedTimestamp", "LastModifiedTimestamp", "QueueArn"};
const std::set<std::string> kFifoOnly = {"FifoQueue", "ContentBasedDeduplication",
                                         "DeduplicationScope", "FifoThroughputLimit"};
const std::set<std::string> kSettable = {"DelaySeconds", "MaximumMessageSize",
                                         "MessageRetentionPeriod", "Policy",
                                         "ReceiveMessageWaitTimeSeconds", "VisibilityTimeout",
                                         "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId",
                                         "KmsDataKeyReusePeriodSeconds", "SqsManagedSseEnabled"};

std::optional<int64_t> parse_int(const std::string& text) {
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::optional<std::string> parse_bool(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), ::tolower);
  if (text == "true" || text == "false") return text;
  return std::nullopt;
}

// Whether a dead-letter queue's (normalised) RedriveAllowPolicy lets `source_arn` name it.
bool redrive_allowed(const std::string& allow_policy, const std::string& source_arn) {
  if (allow_policy.empty()) return true;
  Json policy = Json::parse(allow_policy, nullptr, false);
  std::string permission = policy.value("redrivePermission", std::string("allowAll"));
  if (permission != "byQueue") return permission == "allowAll";
  for (const auto& arn : policy.value("sourceQueueArns", Json::array())) {
    if (arn == source_arn) return true;
  }
  return false;
}

std::string normalize_redrive_policy(const std::string& value, bool fifo,
                                     const std::string& source_arn,
                                     const DeadLetterLookup& lookup) {
  auto invalid = [&](std::string_view reason) {
    return errors::invalid_parameter("RedrivePolicy", value, reason);
  };
  Json policy = Json::parse(value, nullptr, false);
  if (!policy.is_object()) throw invalid("Redrive policy is not a valid JSON map.");
  if (!policy.contains("deadLetterTargetArn") || !policy["deadLetterTargetArn"].is_string()) {
    throw invalid("Redrive policy does not contain mandatory attribute: deadLetterTargetArn.");
  }
  if (!policy.contains("maxReceiveCount")) {
    throw invalid("Redrive policy does not contain mandatory attribute: maxReceiveCount.");
  }
  const Json& count_json = policy["maxReceiveCount"];
  std::optional<int64_t> count;
  if (count_json.is_number_integer()) count = count_json.get<int64_t>();
  if (count_json.is_string()) count = parse_int(count_json.get<std::string>());
  if (!count || *count < 1 || *count > 1000) {
    throw invalid("Invalid value for maxReceiveCount: " +
                  (count_json.is_string() ? count_json.get<std::string>() : count_json.dump()) +
                  ", valid values are from 1 to 1000 both inclusive.");
  }
  std::string target = policy["deadLetterTargetArn"];
  auto target_info = lookup(target);
  if (!target_info) throw invalid("Dead letter target does not exist.");
  if (target_info->fifo != fifo) {
    throw invalid("Dead-letter target must be of the same type (standard or FIFO) as the source.");
  }
  if (!redrive_allowed(target_info->redrive_allow_policy, source_arn)) {
    throw invalid("Dead letter queue does not allow this source queue.");
  }
  return Json{{"deadLetterTargetArn", target}, {"maxReceiveCount", *count}}.dump();
}

std::string normalize_redrive_allow_policy(const std::string& value) {
  auto invalid = [&](std::string_view reason) {
    return errors::invalid_parameter("RedriveAllowPolicy", value, reason);
  };
  Json policy = Json::parse(value, nullptr, false);
  if (!policy.is_object() || !policy.contains("redrivePermission") ||
      !policy["redrivePermission"].is_string()) {
    throw invalid("Redrive allow policy must contain redrivePermission.");
  }
  std::string permission = policy["redrivePermission"];
  if (permission != "allowAll" && permission != "denyAll" && permission != "byQueue") {
    throw invalid("Invalid value for redrivePermission.");
  }
  if (permission == "byQueue") {
    const auto it = policy.find("sourceQueueArns");
    if (it == policy.end() || !it->is_array() || it->empty() || it->size() > 10 ||
        !std::all_of(it->begin(), it->end(), [](const Json& arn) {
          return arn.is_string() && parse_queue_arn(arn.get<std::string>());
        })) {
      throw invalid("sourceQueueArns must contain 1 to 10 queue ARNs when redrivePermission is "
                    "byQueue.");
    }
  } else if (policy.contains("sourceQueueArns")) {
    throw invalid("sourceQueueArns is only allowed when redrivePermission is byQueue.");
  }
  return policy.dump();
}

}  // namespace

bool valid_queue_name(const std::string& name, bool fifo) {
  std::string_view base = name;
  if (fifo) {
    if (base.size() < 5 || base.substr(base.size() - 5) != ".fifo") return false;
    base.remove_suffix(5);
  }
  if (name.empty() || name.size() > 80 || base.empty()) return false;
  return std::all_of(base.begin(), base.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

std::map<std::string, std::string> default_attributes(bool fifo) {
  std::map<std::string, std::string> attributes = {
      {"DelaySeconds", "0"},
      {"MaximumMessageSize", std::to_string(kDefaultMaxMessageSize)},
      {"MessageRetentionPeriod", "345600"},
      {"ReceiveMessageWaitTimeSeconds", "0"},
      {"VisibilityTimeout", "30"},
      {"SqsManagedSseEnabled", "true"},
  };
  if (fifo) {
    attributes["FifoQueue"] = "true";
    attributes["ContentBasedDeduplication"] = "false";
    attributes["DeduplicationScope"] = "queue";
    attributes["FifoThroughputLimit"] = "perQueue";
  }
  return attributes;
}

std::map<std::string, std::string> validate_attributes(const Json& attributes, bool fifo,
                                                       bool creating, const std::string& queue_arn,
                                                       const DeadLetterLookup& lookup) {
  std::map<std::string, std::string> out;
  if (!attributes.is_object()) return out;
  for (const auto& [name, raw] : attributes.items()) {
    std::string value = raw.is_string() ? raw.get<std::string>() : raw.dump();
    bool fifo_only = kFifoOnly.count(name) > 0;
    if (creating && !fifo && (name == "DeduplicationScope" || name == "FifoThroughputLimit")) {
      throw errors::fifo_only_attribute(name);
    }
    if (name == "FifoQueue" && !creating && fifo) {
      // A FIFO queue may be told it is one; it cannot be made a standard queue.
      if (parse_bool(value) != std::optional<std::string>("true")) throw errors::queue_type_change();
      continue;
    }
    if (kReadOnly.count(name) || (!kSettable.count(name) && !fifo_only) ||
        (name == "FifoQueue" && !creating) || (fifo_only && !fifo && name != "FifoQueue")) {
      throw errors::invalid_attribute_name(name);
    }
    if (auto range = int_attributes().find(name); range != int_attributes().end()) {
      auto number = parse_int(value);
      if (!number || *number < range->second.min || *number > range->second.max) {
        throw errors::invalid_attribute_value(name);
      }
      out[name] = std::to_string(*number);
    } else if (name == "FifoQueue" || name == "ContentBasedDeduplication" ||
               name == "SqsManagedSseEnabled") {
      auto flag = parse_bool(value);
      if (!flag) throw errors::invalid_attribute_value(name);
      out[name] = *flag;
    } else if (name == "DeduplicationScope") {
      if (value != "messageGroup" && value != "queue") throw errors::invalid_attribute_value(name);
      out[name] = value;
    } else if (name == "FifoThroughputLimit") {
      if (value != "perQueue" && value != "perMessageGroupId") {
        throw errors::invalid_attribute_value(name);
      }
      out[name] = value;
    } else if (name == "RedrivePolicy") {
      out[name] = value.empty() ? "" : normalize_redrive_policy(value, fifo, queue_arn, lookup);
    } else if (name == "RedriveAllowPolicy") {
      out[name] = value.empty() ? "" : normalize_redrive_allow_policy(value);
    } else if (name == "Policy") {
      if (value.empty()) {
        out[name] = "";
        continue;
      }
      Json policy = Json::parse(value, nullptr, false);
      if (!policy.is_object()) throw errors::invalid_attribute_value(name);
      out[name] = policy.dump();
    } else {
      out[name] = value;  // KmsMasterKeyId: any alias or key id
    }
  }
  return out;
}

void apply_attributes(Queue& queue, const std::map<std::string, std::string>& values) {
  for (const auto& [name, value] : values) {
    if (value.empty()) {
      queue.attributes.erase(name);
    } else {
      queue.attributes[name] = value;
    }
  }
  if (values.count("KmsMasterKeyId") && !values.at("KmsMasterKeyId").empty()) {
    queue.attributes["SqsManagedSseEnabled"] = "false";
    queue.attributes.try_emplace("KmsDataKeyReusePeriodSeconds", "300");
  }
  if (values.count("SqsManagedSseEnabled") && values.at("SqsManagedSseEnabled") == "true") {
    queue.attributes.erase("KmsMasterKeyId");
    queue.attributes.erase("KmsDataKeyReusePeriodSeconds");
  }
}

Json render_attributes(const Queue& queue, const std::vector<std::string>& names, int64_t now_ms) {
  bool all = std::find(names.begin(), names.end(), "All") != names.end();
  auto wanted = [&](const std::string& name) {
    return all || std::find(names.begin(), names.end(), name) != names.end();
  };
  Json out = Json::object();
  for (const auto& [name, value] : queue.attributes) {
    if (wanted(name)) out[name] = value;
  }
  if (wanted("QueueArn")) out["QueueArn"] = queue.arn;
  if (wanted("CreatedTimestamp")) out["CreatedTimestamp"] = std::to_string(queue.created_s);
  if (wanted("LastModifiedTimestamp")) {
    out["LastModifiedTimestamp"] = std::to_string(queue.modified_s);
  }
  if (wanted("ApproximateNumberOfMessages") || wanted("ApproximateNumberOfMessagesNotVisible") ||
      wanted("ApproximateNumberOfMessagesDelayed")) {
    auto counts = queue.messages.counts(now_ms);
    if (wanted("ApproximateNumberOfMessages")) {
      out["ApproximateNumberOfMessages"] = std::to_string(counts.visible);
    }
    if (wanted("ApproximateNumberOfMessagesNotVisible")) {
      out["ApproximateNumberOfMessagesNotVisible"] = std::to_string(counts.not_visible);
    }
    if (wanted("ApproximateNumberOfMessagesDelayed")) {
      out["ApproximateNumberOfMessagesDelayed"] = std::to_string(counts.delayed);
    }
  }
  return out;
}

void check_attribute_names(const std::vector<std::string>& names) {
  for (const auto& name : names) {
    if (name != "All" && !kReadOnly.count(name) && !kSettable.count(name) &&
        !kFifoOnly.count(name)) {
      throw errors::invalid_attribute_name(name);
    }
  }
}

std::optional<std::pair<std::string, int64_t>> parse_redrive_policy(const std::string& policy) {
  if (policy.empty()) return std::nullopt;
  Json parsed = Json::parse(policy, nullptr, false);
  if (!parsed.is_object()) return std::nullopt;
  return std::make_pair(parsed.value("deadLetterTargetArn", std::string()),
                        parsed.value("maxReceiveCount", int64_t{0}));
}

std::optional<std::tuple<std::string, std::string, std::string>> parse_queue_arn(
    const std::string& arn) {
  // arn:aws:sqs:<region>:<account>:<name>
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t i = 0; i <= arn.size(); ++i) {
    if (i == arn.size() || arn[i] == ':') {
      parts.push_back(arn.substr(start, i - start));
      start = i + 1;
    }
  }
  if (parts.size() != 6 || parts[0] != "arn" || parts[2] != "sqs" || parts[5].empty()) {
    return std::nullopt;
  }
  return std::make_tuple(parts[4], parts[3], parts[5]);
}

}  // namespace nimbus::sqs
