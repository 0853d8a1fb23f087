#include "auth/credentials.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace nimbus::auth {
namespace {

bool twelve_digits(std::string_view text) {
  return text.size() == 12 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string required_string(const nlohmann::json& entry, const char* field, size_t index,
                            const std::string& where) {
  auto it = entry.find(field);
  if (it == entry.end() || !it->is_string() || it->get<std::string>().empty()) {
    throw std::runtime_error(where + ": credentials[" + std::to_string(index) + "]." + field +
                             " must be a non-empty string");
  }
  return it->get<std::string>();
}

}  // namespace

Credentials Credentials::load_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read credentials file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), path);
}

Credentials Credentials::parse(std::string_view json_text, std::string_view source) {
  const std::string where(source);
  nlohmann::json doc = nlohmann::json::parse(json_text, nullptr, false);
  if (doc.is_discarded()) throw std::runtime_error(where + ": not valid JSON");
  if (!doc.is_object() || !doc.contains("credentials") || !doc["credentials"].is_array()) {
    throw std::runtime_error(where + ": expected {\"credentials\": [ ... ]}");
  }
  Credentials result;
  const auto& list = doc["credentials"];
  for (size_t i = 0; i < list.size(); ++i) {
    if (!list[i].is_object()) {
      throw std::runtime_error(where + ": credentials[" + std::to_string(i) +
                               "] must be an object");
    }
    Credential credential{required_string(list[i], "access_key_id", i, where),
                          required_string(list[i], "secret_access_key", i, where),
                          required_string(list[i], "account_id", i, where)};
    if (!twelve_digits(credential.account_id)) {
      throw std::runtime_error(where + ": credentials[" + std::to_string(i) +
                               "].account_id must be 12 digits, got \"" + credential.account_id +
                               "\"");
    }
    std::string key = credential.access_key_id;
    if (!result.by_key_.emplace(key, std::move(credential)).second) {
      throw std::runtime_error(where + ": access key " + key + " is listed twice");
    }
  }
  if (result.by_key_.empty()) throw std::runtime_error(where + ": no credentials listed");
  return result;
}

const Credential* Credentials::find(std::string_view access_key_id) const {
  auto it = by_key_.find(access_key_id);
  return it == by_key_.end() ? nullptr : &it->second;
}

std::string resolve_account(std::string_view access_key_id, const Credentials* credentials) {
  if (credentials) {
    if (const Credential* credential = credentials->find(access_key_id)) {
      return credential->account_id;
    }
  }
  if (twelve_digits(access_key_id)) return std::string(access_key_id);
  return "000000000000";
}

}  // namespace nimbus::auth
