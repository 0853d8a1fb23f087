#pragma once
// The temporary credentials STS issued: in memory for the authenticator's per-request lookup,
// written through to the store's "sts" space (key `session/{access key id}`, JSON) so they
// survive a restart.

#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "auth/session_credentials.h"
#include "storage/store.h"

namespace nimbus::sts {

inline constexpr std::string_view kSpace = "sts";

// One issued session: the credential and who it is for GetCallerIdentity.
struct IssuedSession {
  auth::SessionCredential credential;
  std::string arn;      // arn:aws:sts::<account>:assumed-role/<role>/<session>, or the caller's
  std::string user_id;  // "AROA…:<session>", or the caller's
  std::string issued_by;  // the operation: AssumeRole, AssumeRoleWithWebIdentity, GetSessionToken
  int64_t issued_ms = 0;
};

class SessionTable {
 public:
  std::optional<IssuedSession> find(std::string_view access_key_id) const;
  // Adds to memory and puts the record into `batch` (the caller submits it).
  void add(IssuedSession session, storage::WriteBatch& batch);
  // Replaces memory with the store's records; records expired longer than `keep_expired_ms`
  // before `now_ms` are dropped from both.
  void load(storage::Store& store, int64_t now_ms, int64_t keep_expired_ms, storage::WriteBatch& drop);
  void clear();
  size_t size() const;

  static std::string encode(const IssuedSession& session);
  static std::optional<IssuedSession> decode(std::string_view access_key_id, std::string_view record);

 private:
  mutable std::shared_mutex mutex_;
  std::map<std::string, IssuedSession, std::less<>> sessions_;
};

}  // namespace nimbus::sts
