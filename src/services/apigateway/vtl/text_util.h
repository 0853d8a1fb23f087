#pragma once
// The string functions behind $util: Java's escapeJavaScript (commons-lang), URLEncoder /
// URLDecoder (UTF-8) and Base64.

#include <optional>
#include <string>
#include <string_view>

namespace nimbus::apigateway::vtl {

// ' " \ / and control characters escaped; non-ASCII as \uXXXX (UTF-16, upper-case hex).
std::string escape_javascript(std::string_view s);
// Letters, digits and . - * _ kept, space as '+', everything else %XX of its UTF-8 bytes.
std::string url_encode(std::string_view s);
// '+' as space, %XX decoded; nullopt for a malformed escape.
std::optional<std::string> url_decode(std::string_view s);
std::string base64_encode(std::string_view s);
// Standard alphabet, padding optional; nullopt for anything else.
std::optional<std::string> base64_decode(std::string_view s);

}  // namespace nimbus::apigateway::vtl
