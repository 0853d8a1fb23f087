#include "services/glue/glue_names.h"

#include <regex>
#include <stdexcept>

#include "storage/key_codec.h"

namespace nimbus::glue {

namespace keys = storage::keys;

std::string normalize_name(std::string_view name) {
  std::string out(name);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 255) return false;
  for (char c : name) {
    auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\t') || byte == 0x7f) return false;
  }
  return true;
}

struct NamePattern::Compiled {
  std::regex regex;
};

namespace {

// libstdc++'s backtracking matcher is exponential on patterns like (a*)*b; its Thompson-NFA
// matcher (the __polynomial extension) is polynomial, and refuses back-references.
constexpr auto kRegexFlags = std::regex::ECMAScript | std::regex::icase | std::regex::nosubs
#ifdef __GLIBCXX__
                             | std::regex_constants::__polynomial
#endif
    ;

}  // namespace

NamePattern::NamePattern(std::string_view pattern) {
  size_t start = 0;
  while (true) {
    size_t bar = pattern.find('|', start);
    std::string_view part =
        pattern.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start);
    std::string translated;
    for (size_t i = 0; i < part.size(); ++i) {
      if (part[i] == '*' && (i == 0 || part[i - 1] != '.'))
        translated += ".*";
      else
        translated.push_back(part[i]);
    }
    try {
      alternatives_.push_back(Compiled{std::regex(translated, kRegexFlags)});
    } catch (const std::regex_error&) {
      throw std::invalid_argument("invalid pattern");
    }
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
}

NamePattern::~NamePattern() = default;
NamePattern::NamePattern(NamePattern&&) noexcept = default;

bool NamePattern::matches(std::string_view name) const {
  for (const auto& alternative : alternatives_) {
    if (std::regex_match(name.begin(), name.end(), alternative.regex)) return true;
  }
  return false;
}

std::string scope_key(std::string_view account, std::string_view region) {
  return keys::join({account, region});
}

std::string database_key(std::string_view account, std::string_view region,
                         std::string_view database) {
  return keys::join({account, region, database});
}

std::string table_key(std::string_view account, std::string_view region, std::string_view database,
                      std::string_view table) {
  return keys::join({account, region, database, table});
}

std::string partition_suffix(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& value : values) keys::append_part(out, value);
  return out;
}

std::optional<std::vector<std::string>> values_of_suffix(std::string_view suffix) {
  return keys::split(suffix);
}

std::string version_suffix(uint64_t version) { return keys::u64(version); }

std::string encode_token(std::string_view suffix) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char c : suffix) {
    auto byte = static_cast<unsigned char>(c);
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 15]);
  }
  return out;
}

std::optional<std::string> decode_token(std::string_view token) {
  if (token.size() % 2) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < token.size(); i += 2) {
    int high = nibble(token[i]), low = nibble(token[i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
  }
  return out;
}

}  // namespace nimbus::glue
