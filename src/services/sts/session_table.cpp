#include "services/sts/session_table.h"

#include <mutex>

#include <nlohmann/json.hpp>

namespace nimbus::sts {
namespace {

constexpr std::string_view kPrefix = "session/";

std::string key_of(std::string_view access_key_id) { return std::string(kPrefix) + std::string(access_key_id); }

}  // namespace

std::optional<IssuedSession> SessionTable::find(std::string_view access_key_id) const {
  std::shared_lock lock(mutex_);
  auto it = sessions_.find(access_key_id);
  if (it == sessions_.end()) return std::nullopt;
  return it->second;
}

void SessionTable::add(IssuedSession session, storage::WriteBatch& batch) {
  batch.put(kSpace, key_of(session.credential.access_key_id), encode(session));
  std::unique_lock lock(mutex_);
  std::string key = session.credential.access_key_id;
  sessions_[key] = std::move(session);
}

void SessionTable::load(storage::Store& store, int64_t now_ms, int64_t keep_expired_ms,
                        storage::WriteBatch& drop) {
  std::map<std::string, IssuedSession, std::less<>> loaded;
  store.scan(kSpace, kPrefix, [&](std::string_view key, std::string_view value) {
    auto access_key_id = key.substr(kPrefix.size());
    auto session = decode(access_key_id, value);
    if (!session || session->credential.expires_ms + keep_expired_ms < now_ms) {
      drop.remove(kSpace, key);
    } else {
      loaded.emplace(std::string(access_key_id), std::move(*session));
    }
    return true;
  });
  std::unique_lock lock(mutex_);
  sessions_ = std::move(loaded);
}

void SessionTable::clear() {
  std::unique_lock lock(mutex_);
  sessions_.clear();
}

size_t SessionTable::size() const {
  std::shared_lock lock(mutex_);
  return sessions_.size();
}

std::string SessionTable::encode(const IssuedSession& session) {
  const auto& c = session.credential;
  nlohmann::json record = {{"secret", c.secret_access_key}, {"token", c.session_token},
                           {"account", c.account_id},      {"expires_ms", c.expires_ms},
                           {"arn", session.arn},           {"user_id", session.user_id},
                           {"issued_by", session.issued_by}, {"issued_ms", session.issued_ms}};
  return record.dump();
}

std::optional<IssuedSession> SessionTable::decode(std::string_view access_key_id, std::string_view record) {
  auto json = nlohmann::json::parse(record, nullptr, false);
  if (!json.is_object()) return std::nullopt;
  try {
    IssuedSession session;
    session.credential = {std::string(access_key_id), json.at("secret").get<std::string>(),
                          json.at("token").get<std::string>(), json.at("account").get<std::string>(),
                          json.at("expires_ms").get<int64_t>()};
    session.arn = json.value("arn", "");
    session.user_id = json.value("user_id", "");
    session.issued_by = json.value("issued_by", "");
    session.issued_ms = json.value("issued_ms", int64_t{0});
    return session;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

}  // namespace nimbus::sts
