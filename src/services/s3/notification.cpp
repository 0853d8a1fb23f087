#include "services/s3/notification.h"

#include <algorithm>

#include "core/text.h"
#include "services/s3/config_common.h"
#include "services/s3/s3_errors.h"

namespace nimbus::s3 {
namespace {

// Configuration list member, kind, and the member naming the destination ARN.
struct ListKind {
  const char* member;
  const char* kind;
  const char* arn_member;
};
constexpr ListKind kLists[] = {{"QueueConfigurations", "queue", "QueueArn"},
                               {"TopicConfigurations", "topic", "TopicArn"},
                               {"LambdaFunctionConfigurations", "lambda", "LambdaFunctionArn"}};

constexpr std::string_view kEvents[] = {
    "s3:ObjectCreated:*", "s3:ObjectCreated:Put", "s3:ObjectCreated:Post", "s3:ObjectCreated:Copy",
    "s3:ObjectCreated:CompleteMultipartUpload", "s3:ObjectRemoved:*", "s3:ObjectRemoved:Delete",
    "s3:ObjectRemoved:DeleteMarkerCreated", "s3:ObjectRestore:*", "s3:ObjectRestore:Post",
    "s3:ObjectRestore:Completed", "s3:ObjectRestore:Delete", "s3:ReducedRedundancyLostObject",
    "s3:Replication:*", "s3:Replication:OperationFailedReplication",
    "s3:Replication:OperationNotTracked", "s3:Replication:OperationMissedThreshold",
    "s3:Replication:OperationReplicatedAfterThreshold", "s3:LifecycleExpiration:*",
    "s3:LifecycleExpiration:Delete", "s3:LifecycleExpiration:DeleteMarkerCreated",
    "s3:LifecycleTransition", "s3:IntelligentTiering", "s3:ObjectTagging:*", "s3:ObjectTagging:Put",
    "s3:ObjectTagging:Delete", "s3:ObjectAcl:Put"};

const Json& filter_rules(const Json& entry) {
  static const Json kNone = Json::array();
  auto filter = entry.find("Filter");
  if (filter == entry.end() || !filter->contains("Key")) return kNone;
  const auto& key = filter->at("Key");
  auto rules = key.find("FilterRules");
  return rules == key.end() ? kNone : *rules;
}

void validate_entry(Json& entry, const char* arn_member) {
  if (!entry.contains(arn_member)) throw errors::malformed_xml();
  if (!entry.contains("Id") || entry["Id"].get<std::string>().empty()) entry["Id"] = generated_config_id();
  auto events = entry.value("Events", Json::array());
  if (events.empty()) throw errors::malformed_xml();
  for (const auto& event : events) {
    auto name = event.get<std::string>();
    if (std::find(std::begin(kEvents), std::end(kEvents), name) == std::end(kEvents)) {
      throw errors::invalid_argument("The event is not supported for notifications", "Event", name);
    }
  }
  int prefixes = 0, suffixes = 0;
  for (auto& rule : filter_rules(entry)) {
    auto name = lower(rule.value("Name", ""));
    if (name != "prefix" && name != "suffix") {
      throw errors::invalid_argument("filter rule name must be either prefix or suffix", "FilterRule.Name",
                                     rule.value("Name", ""));
    }
    (name == "prefix" ? prefixes : suffixes)++;
  }
  if (prefixes > 1 || suffixes > 1) {
    throw errors::invalid_argument("Cannot specify more than one " + std::string(prefixes > 1 ? "prefix" : "suffix") +
                                       " rule in a filter.", "FilterRule.Name", prefixes > 1 ? "prefix" : "suffix");
  }
}

}  // namespace

std::optional<Arn> parse_arn(std::string_view text) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    auto colon = text.find(':', start);
    if (colon == std::string_view::npos) return std::nullopt;
    parts.push_back(text.substr(start, colon - start));
    start = colon + 1;
  }
  if (parts[0] != "arn") return std::nullopt;
  return Arn{std::string(parts[2]), std::string(parts[3]), std::string(parts[4]),
             std::string(text.substr(start))};
}

namespace {

std::string filter_value(const Json& entry, std::string_view wanted) {
  for (const auto& rule : filter_rules(entry)) {
    if (lower(rule.value("Name", "")) == wanted) return rule.value("Value", "");
  }
  return "";
}

bool events_overlap(const Json& a, const Json& b) {
  for (const auto& x : a.value("Events", Json::array())) {
    for (const auto& y : b.value("Events", Json::array())) {
      auto first = x.get<std::string>(), second = y.get<std::string>();
      auto bare = [](std::string text) { return text.starts_with("s3:") ? text.substr(3) : text; };
      if (event_matches(first, bare(second)) || event_matches(second, bare(first))) return true;
    }
  }
  return false;
}

// Two entries overlap when they share an event type and some key could pass both filters.
bool entries_overlap(const Json& a, const Json& b) {
  if (!events_overlap(a, b)) return false;
  auto pa = filter_value(a, "prefix"), pb = filter_value(b, "prefix");
  auto sa = filter_value(a, "suffix"), sb = filter_value(b, "suffix");
  bool prefixes = pa.starts_with(pb) || pb.starts_with(pa);
  bool suffixes = sa.ends_with(sb) || sb.ends_with(sa);
  return prefixes && suffixes;
}

}  // namespace

void validate_notification(Json& configuration) {
  std::vector<const Json*> entries;
  for (const auto& list : kLists) {
    if (!configuration.contains(list.member)) continue;
    for (auto& entry : configuration[list.member]) {
      validate_entry(entry, list.arn_member);
      entries.push_back(&entry);
    }
  }
  for (size_t i = 0; i < entries.size(); ++i) {
    for (size_t j = i + 1; j < entries.size(); ++j) {
      if (entries_overlap(*entries[i], *entries[j])) {
        throw errors::invalid_argument(
            "Configurations overlap. Configurations on the same bucket cannot share a common event type.");
      }
    }
  }
}

bool event_matches(std::string_view pattern, std::string_view event_name) {
  if (pattern.starts_with("s3:")) pattern.remove_prefix(3);
  if (pattern.ends_with(":*")) return event_name.starts_with(pattern.substr(0, pattern.size() - 1));
  return pattern == event_name;
}

bool key_filter_matches(const Json& entry, std::string_view key) {
  for (const auto& rule : filter_rules(entry)) {
    auto name = lower(rule.value("Name", ""));
    auto value = rule.value("Value", "");
    if (name == "prefix" && !key.starts_with(value)) return false;
    if (name == "suffix" && !key.ends_with(value)) return false;
  }
  return true;
}

std::vector<Destination> all_destinations(const Json& configuration) {
  std::vector<Destination> out;
  for (const auto& list : kLists) {
    auto entries = configuration.find(list.member);
    if (entries == configuration.end()) continue;
    for (const auto& entry : *entries) out.push_back({list.kind, entry.value(list.arn_member, ""), entry.value("Id", "")});
  }
  return out;
}

std::vector<Destination> matching_destinations(const Json& configuration, std::string_view event_name,
                                               std::string_view key) {
  std::vector<Destination> out;
  for (const auto& list : kLists) {
    auto entries = configuration.find(list.member);
    if (entries == configuration.end()) continue;
    for (const auto& entry : *entries) {
      const auto& events = entry.value("Events", Json::array());
      bool wanted = std::any_of(events.begin(), events.end(), [&](const Json& pattern) {
        return event_matches(pattern.get<std::string>(), event_name);
      });
      if (!wanted || !key_filter_matches(entry, key)) continue;
      out.push_back({list.kind, entry.value(list.arn_member, ""), entry.value("Id", "")});
    }
  }
  return out;
}

std::string event_key(std::string_view key) {
  auto encoded = text::percent_encode(key, true);
  std::string out;
  for (size_t i = 0; i < encoded.size(); ++i) {
    if (encoded.compare(i, 3, "%20") == 0) {
      out += '+';
      i += 2;
    } else {
      out += encoded[i];
    }
  }
  return out;
}

nlohmann::ordered_json event_message(const EventContext& event, const ObjectSummary& object, bool versioned) {
  nlohmann::ordered_json s3_object = {{"key", event_key(object.key)}};
  if (event.event_name.starts_with("ObjectCreated:")) {
    auto etag = object.etag;
    if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
    s3_object["size"] = object.size;
    s3_object["eTag"] = etag;
  }
  if (versioned && !object.version_id.empty() && object.version_id != "null") {
    s3_object["versionId"] = object.version_id;
  }
  s3_object["sequencer"] = event.sequencer;
  nlohmann::ordered_json record = {
      {"eventVersion", "2.1"},
      {"eventSource", "aws:s3"},
      {"awsRegion", event.region},
      {"eventTime", iso8601_millis(event.time_ms)},
      {"eventName", event.event_name},
      {"userIdentity", {{"principalId", event.principal_id}}},
      {"requestParameters", {{"sourceIPAddress", event.source_ip}}},
      {"responseElements", {{"x-amz-request-id", event.request_id}, {"x-amz-id-2", event.host_id}}},
      {"s3",
       {{"s3SchemaVersion", "1.0"},
        {"configurationId", event.configuration_id},
        {"bucket",
         {{"name", object.bucket},
          {"ownerIdentity", {{"principalId", event.bucket_owner}}},
          {"arn", "arn:aws:s3:::" + object.bucket}}},
        {"object", std::move(s3_object)}}}};
  return {{"Records", nlohmann::ordered_json::array({std::move(record)})}};
}

nlohmann::ordered_json test_event_message(const std::string& bucket, int64_t time_ms, const std::string& request_id,
                        const std::string& host_id) {
  return {{"Service", "Amazon S3"}, {"Event", "s3:TestEvent"}, {"Time", iso8601_millis(time_ms)},
          {"Bucket", bucket},       {"RequestId", request_id}, {"HostId", host_id}};
}

}  // namespace nimbus::s3
