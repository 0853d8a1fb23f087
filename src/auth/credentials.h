#pragma once
// The access keys nimbus accepts (--credentials FILE) and which account each belongs to.

#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace nimbus::auth {

// One access key pair and the account it acts for.
struct Credential {
  std::string access_key_id;
  std::string secret_access_key;
  std::string account_id;  // 12 digits
};

// The parsed credentials file:
// {"credentials":[{"access_key_id":"AKIA…","secret_access_key":"…","account_id":"123456789012"}]}
class Credentials {
 public:
  // Throws std::runtime_error naming the file and what is wrong with it.
  static Credentials load_file(const std::string& path);
  // Throws std::runtime_error prefixed with `source` (used in messages only).
  static Credentials parse(std::string_view json_text, std::string_view source);

  // nullptr when the key is unknown.
  const Credential* find(std::string_view access_key_id) const;
  size_t size() const { return by_key_.size(); }

 private:
  std::map<std::string, Credential, std::less<>> by_key_;
};

// The account a request acts for: the credentials file's account for a known key; else the key
// itself when it is exactly 12 digits (LocalStack's convention); else "000000000000".
std::string resolve_account(std::string_view access_key_id, const Credentials* credentials);

}  // namespace nimbus::auth
