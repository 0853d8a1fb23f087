#pragma once
// AWS's rules for general purpose bucket names and who owns what.

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace nimbus::s3 {

// 3-63 characters of lowercase letters, digits, dots and hyphens; starts and ends with a letter
// or digit; no "..", no IPv4 form, no "xn--" / "sthree-" / "amzn-s3-demo-" prefix, no
// "-s3alias" / "--ol-s3" / ".mrap" / "--x-s3" suffix.
bool valid_bucket_name(std::string_view name);

// The canonical user an account appears as in Owner / Initiator elements.
nlohmann::json owner_json(std::string_view account_id);

}  // namespace nimbus::s3
