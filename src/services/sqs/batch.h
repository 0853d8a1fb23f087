#pragma once
// Validation shared by the three *Batch operations and their per-entry Failed results.

#include <algorithm>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/aws_error.h"
#include "services/sqs/sqs_errors.h"

namespace nimbus::sqs::batch {

using Json = nlohmann::json;

constexpr size_t kMaxEntries = 10;

// The Entries array after the request-level checks AWS makes (count, Id syntax, distinct Ids).
inline const Json& entries(const Json& in, std::string_view entry_type) {
  static const Json empty = Json::array();
  auto it = in.find("Entries");
  const Json& list = it != in.end() && it->is_array() ? *it : empty;
  if (list.empty()) throw errors::empty_batch_request(entry_type);
  if (list.size() > kMaxEntries) throw errors::too_many_entries_in_batch_request(list.size());
  std::set<std::string> seen;
  for (const auto& entry : list) {
    std::string id = entry.is_object() && entry.contains("Id") && entry["Id"].is_string()
                         ? entry["Id"].get<std::string>()
                         : std::string();
    bool valid = !id.empty() && id.size() <= 80 && std::all_of(id.begin(), id.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    });
    if (!valid) throw errors::invalid_batch_entry_id();
    if (!seen.insert(id).second) throw errors::batch_entry_ids_not_distinct(id);
  }
  return list;
}

// The bytes an entry counts toward a batch's size limit: its body and its attributes' names,
// types and values.
inline size_t message_bytes(const Json& entry) {
  auto text = [](const Json& in, const char* name) -> size_t {
    auto it = in.find(name);
    if (it == in.end() || it->is_null()) return 0;
    return it->is_string() ? it->get_ref<const std::string&>().size() : it->dump().size();
  };
  size_t total = text(entry, "MessageBody");
  auto attributes = entry.find("MessageAttributes");
  if (attributes != entry.end() && attributes->is_object()) {
    for (const auto& [name, value] : attributes->items()) {
      total += name.size();
      if (!value.is_object()) continue;
      for (const char* member : {"DataType", "StringValue", "BinaryValue"}) total += text(value, member);
    }
  }
  return total;
}

inline Json failure(const std::string& id, const AwsError& error) {
  return {{"Id", id}, {"SenderFault", error.sender_fault}, {"Code", error.code},
          {"Message", error.message}};
}

}  // namespace nimbus::sqs::batch
