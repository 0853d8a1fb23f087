#pragma once
// Small helpers the control-plane operation files share: list pages by Marker/MaxItems, the
// RevisionId precondition, qualifier checks with AWS's texts, and resource-policy statements
// kept in key order (AWS answers them as JSON text with Sid, Effect, Principal, ... in order).

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "services/lambda/lambda_errors.h"

namespace nimbus::lambda::control {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

// One page of `items` from input Marker (a position) and MaxItems (default `page_size`), written
// as out[member] and out["NextMarker"] when more remain.
inline void page(const Json& input, const std::vector<Json>& items, size_t page_size, const char* member, Json& out) {
  size_t max_items = page_size;
  if (input.contains("MaxItems")) max_items = std::max<int64_t>(1, input["MaxItems"].get<int64_t>());
  size_t start = 0;
  if (input.contains("Marker")) {
    const std::string marker = input["Marker"].get<std::string>();
    try {
      size_t used = 0;
      start = std::stoul(marker, &used);
      if (used != marker.size()) throw std::invalid_argument(marker);
    } catch (const std::exception&) {
      throw errors::invalid_parameter("Invalid marker: " + marker);
    }
  }
  Json list = Json::array();
  for (size_t i = start; i < items.size() && list.size() < max_items; ++i) list.push_back(items[i]);
  out[member] = list;
  if (start + list.size() < items.size()) out["NextMarker"] = std::to_string(start + list.size());
}

inline AwsError revision_mismatch() {
  return errors::precondition_failed(
      "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to "
      "retrieve the latest Revision Id");
}

inline bool is_version_number(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// "arn:aws:lambda:r:a:function:name[:qualifier]" -> "arn:aws:lambda:r:a:function:name"
inline std::string unqualified(const std::string& arn) {
  size_t colons = 0;
  for (size_t i = 0; i < arn.size(); ++i) {
    if (arn[i] == ':' && ++colons == 7) return arn.substr(0, i);
  }
  return arn;
}

// Checks that `qualifier` ("" / "$LATEST" / version / alias) names something of the function
// record, with the texts Lambda answers ("Cannot find alias arn: ...", "Function not found: ...").
inline void check_qualifier(const Json& record, const std::string& function_arn, const std::string& qualifier) {
  if (qualifier.empty() || qualifier == "$LATEST") return;
  if (is_version_number(qualifier)) {
    if (!record["versions"].contains(qualifier)) throw errors::function_not_found(function_arn + ":" + qualifier);
    return;
  }
  if (!record["aliases"].contains(qualifier)) {
    throw errors::resource_not_found("Cannot find alias arn: " + function_arn + ":" + qualifier);
  }
}

// The RevisionId a qualifier shows: the alias's, the version's, or $LATEST's.
inline std::string revision_of(const Json& record, const std::string& qualifier) {
  if (qualifier.empty() || qualifier == "$LATEST") return record["latest"].value("RevisionId", "");
  if (record["aliases"].contains(qualifier)) return record["aliases"][qualifier].value("RevisionId", "");
  if (record["versions"].contains(qualifier)) return record["versions"][qualifier].value("RevisionId", "");
  return "";
}

// Gives the qualifier a new RevisionId (AWS changes it when the qualifier's policy changes).
inline void bump_revision(Json& record, const std::string& qualifier, const std::string& revision) {
  if (qualifier.empty() || qualifier == "$LATEST") {
    record["latest"]["RevisionId"] = revision;
  } else if (record["aliases"].contains(qualifier)) {
    record["aliases"][qualifier]["RevisionId"] = revision;
  } else if (record["versions"].contains(qualifier)) {
    record["versions"][qualifier]["RevisionId"] = revision;
  }
}

// A policy document as AWS writes it: {"Version":"2012-10-17","Id":"default","Statement":[...]}
// from statements stored as JSON text.
inline std::string policy_document(const Json& statements) {
  OrderedJson document = {{"Version", "2012-10-17"}, {"Id", "default"}, {"Statement", OrderedJson::array()}};
  for (const auto& text : statements) document["Statement"].push_back(OrderedJson::parse(text.get<std::string>()));
  return document.dump();
}

// Whether `text` matches `pattern` with * (any run) and ? (one character), as ArnLike compares.
inline bool wildcard_match(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace nimbus::lambda::control
