#include "services/s3/object_http.h"

#include <algorithm>
#include <set>

#include "core/crypto.h"
#include "services/s3/checksums.h"
#include "services/s3/s3_errors.h"

namespace nimbus::s3 {
namespace {

constexpr const char* kContentMembers[] = {"ContentType",  "ContentEncoding", "ContentDisposition",
                                           "ContentLanguage", "CacheControl", "Expires",
                                           "WebsiteRedirectLocation"};
const std::set<std::string, std::less<>> kStorageClasses = {
    "STANDARD",    "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER",
    "DEEP_ARCHIVE", "OUTPOSTS",          "GLACIER_IR",  "SNOW",       "EXPRESS_ONEZONE"};

std::string_view strip_etag(std::string_view etag) {
  while (!etag.empty() && (etag.front() == ' ' || etag.front() == '\t')) etag.remove_prefix(1);
  while (!etag.empty() && (etag.back() == ' ' || etag.back() == '\t')) etag.remove_suffix(1);
  if (etag.substr(0, 2) == "W/") etag.remove_prefix(2);
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
  return etag;
}

std::optional<uint64_t> parse_number(std::string_view text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  return value;
}

std::optional<int64_t> seconds_member(const Json& input, const std::string& name) {
  auto it = input.find(name);
  if (it == input.end() || !it->is_number()) return std::nullopt;
  return static_cast<int64_t>(it->get<double>());
}

std::optional<std::string> string_member(const Json& input, const std::string& name) {
  auto it = input.find(name);
  if (it == input.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace

bool etag_matches(std::string_view list, std::string_view etag) {
  auto wanted = strip_etag(etag);
  while (true) {
    auto comma = list.find(',');
    auto item = strip_etag(list.substr(0, comma));
    if (item == "*" || item == wanted) return true;
    if (comma == std::string_view::npos) return false;
    list.remove_prefix(comma + 1);
  }
}

ConditionOutcome evaluate_conditions(const Conditions& c, std::string_view etag, int64_t last_modified_s) {
  if (c.if_match) {
    if (!etag_matches(*c.if_match, etag)) return ConditionOutcome::PreconditionFailed;
  } else if (c.if_unmodified_since && last_modified_s > *c.if_unmodified_since) {
    return ConditionOutcome::PreconditionFailed;
  }
  if (c.if_none_match) {
    if (etag_matches(*c.if_none_match, etag)) return ConditionOutcome::NotModified;
  } else if (c.if_modified_since && last_modified_s <= *c.if_modified_since) {
    return ConditionOutcome::NotModified;
  }
  return ConditionOutcome::Proceed;
}

Conditions conditions_from(const Json& input, std::string_view prefix) {
  std::string p(prefix);
  return {string_member(input, p + "IfMatch"), string_member(input, p + "IfNoneMatch"),
          seconds_member(input, p + "IfModifiedSince"), seconds_member(input, p + "IfUnmodifiedSince")};
}

std::optional<ByteRange> parse_range(std::string_view header, uint64_t size) {
  if (header.substr(0, 6) != "bytes=") return std::nullopt;
  auto spec = header.substr(6);
  if (spec.find(',') != std::string_view::npos) return std::nullopt;
  auto dash = spec.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto first = spec.substr(0, dash);
  auto last = spec.substr(dash + 1);
  auto unsatisfiable = [&] { return errors::invalid_range(size, std::string(header)); };
  if (first.empty()) {
    auto suffix = parse_number(last);
    if (!suffix) return std::nullopt;
    if (*suffix == 0 || size == 0) throw unsatisfiable();
    uint64_t length = std::min(*suffix, size);
    return ByteRange{size - length, length};
  }
  auto start = parse_number(first);
  if (!start) return std::nullopt;
  std::optional<uint64_t> end;
  if (!last.empty()) {
    end = parse_number(last);
    if (!end || *end < *start) return std::nullopt;
  }
  if (*start >= size) throw unsatisfiable();
  uint64_t stop = end ? std::min(*end, size - 1) : size - 1;
  return ByteRange{*start, stop - *start + 1};
}

std::string percent_decode(std::string_view text, bool plus_as_space) {
  std::string out;
  out.reserve(text.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2])));
      i += 2;
    } else if (plus_as_space && text[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::string url_encode_key(std::string_view key) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : key) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 15]);
    }
  }
  return out;
}

CopySource parse_copy_source(std::string_view header) {
  std::string_view path = header;
  std::string version_id;
  if (auto question = path.find('?'); question != std::string_view::npos) {
    auto query = path.substr(question + 1);
    path = path.substr(0, question);
    if (query.substr(0, 10) == "versionId=") version_id = percent_decode(query.substr(10), false);
  }
  auto decoded = percent_decode(path, false);
  std::string_view source(decoded);
  if (!source.empty() && source.front() == '/') source.remove_prefix(1);
  auto slash = source.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == source.size()) {
    throw errors::invalid_argument("Invalid copy source object key", "x-amz-copy-source", std::string(header));
  }
  return {std::string(source.substr(0, slash)), std::string(source.substr(slash + 1)), version_id};
}

void validate_tags(const std::vector<std::pair<std::string, std::string>>& tags) {
  if (tags.size() > 10) throw errors::invalid_tag("Object tags cannot be greater than 10");
  std::set<std::string_view> keys;
  for (const auto& [key, value] : tags) {
    if (key.empty() || key.size() > 128) throw errors::invalid_tag("The TagKey you have provided is invalid");
    if (value.size() > 256) throw errors::invalid_tag("The TagValue you have provided is invalid");
    if (!keys.insert(key).second) throw errors::invalid_tag("Cannot provide multiple Tags with the same key");
  }
}

std::vector<std::pair<std::string, std::string>> parse_tagging_header(std::string_view header) {
  std::vector<std::pair<std::string, std::string>> tags;
  while (!header.empty()) {
    auto amp = header.find('&');
    auto pair = header.substr(0, amp);
    if (!pair.empty()) {
      auto eq = pair.find('=');
      tags.emplace_back(percent_decode(pair.substr(0, eq), true),
                        eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1), true));
    }
    if (amp == std::string_view::npos) break;
    header.remove_prefix(amp + 1);
  }
  validate_tags(tags);
  return tags;
}

std::vector<std::pair<std::string, std::string>> tags_from_tagset(const Json& tag_set) {
  std::vector<std::pair<std::string, std::string>> tags;
  if (tag_set.is_array()) {
    for (const auto& tag : tag_set) tags.emplace_back(tag.value("Key", ""), tag.value("Value", ""));
  }
  // A TagSet body (PutObjectTagging) over the limit is BadRequest on AWS (the header form: InvalidTag).
  if (tags.size() > 10) throw errors::bad_request("Object tags cannot be greater than 10");
  validate_tags(tags);
  return tags;
}

Json tagset_json(const std::vector<std::pair<std::string, std::string>>& tags) {
  Json out = Json::array();
  for (const auto& [key, value] : tags) out.push_back({{"Key", key}, {"Value", value}});
  return out;
}

void apply_content_headers(ObjectRecord& record, const Json& input) {
  record.headers = Json::object();
  for (const char* member : kContentMembers) {
    if (auto it = input.find(member); it != input.end() && !it->is_null()) record.headers[member] = *it;
  }
  if (auto encoding = record.headers.find("ContentEncoding"); encoding != record.headers.end()) {
    // aws-chunked is the transfer form, not the object's encoding.
    std::string kept;
    std::string_view all = encoding->get_ref<const std::string&>();
    while (!all.empty()) {
      auto comma = all.find(',');
      auto item = all.substr(0, comma);
      while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
      if (!item.empty() && item != "aws-chunked") kept += (kept.empty() ? "" : ",") + std::string(item);
      if (comma == std::string_view::npos) break;
      all.remove_prefix(comma + 1);
    }
    if (kept.empty()) {
      record.headers.erase(encoding);
    } else {
      *encoding = kept;
    }
  }
  if (!record.headers.contains("ContentType")) record.headers["ContentType"] = "binary/octet-stream";
}

ObjectRecord record_from_input(const Json& input) {
  ObjectRecord record;
  apply_content_headers(record, input);
  record.metadata = input.value("Metadata", std::map<std::string, std::string>{});
  auto storage_class = input.value("StorageClass", "STANDARD");
  if (!kStorageClasses.contains(storage_class)) {
    throw AwsError{400, "InvalidStorageClass", "The storage class you specified is not valid"};
  }
  record.storage_class = storage_class;
  if (auto tagging = input.find("Tagging"); tagging != input.end() && tagging->is_string()) {
    record.tags = parse_tagging_header(tagging->get<std::string>());
  }
  return record;
}

void describe_object(const ObjectRecord& record, Json& output) {
  output["ETag"] = record.etag;
  output["LastModified"] = record.last_modified_ms / 1000;
  for (const auto& [name, value] : record.headers.items()) output[name] = value;
  if (!record.metadata.empty()) output["Metadata"] = record.metadata;
  if (record.storage_class != "STANDARD") output["StorageClass"] = record.storage_class;
}

void describe_checksums(const std::map<std::string, std::string>& checksums, Json& output,
                        std::vector<std::pair<std::string, std::string>>& extra_headers) {
  for (const auto& [name, value] : checksums) {
    auto algorithm = parse_checksum_algorithm(name);
    if (!algorithm) continue;
    if (*algorithm == ChecksumAlgorithm::Crc64Nvme) {
      extra_headers.emplace_back(algorithm_header(*algorithm), value);
    } else {
      output[std::string(algorithm_member(*algorithm))] = value;
    }
  }
}

void check_key_length(const std::string& key) {
  constexpr size_t kMaxKeyBytes = 1024;
  if (key.size() <= kMaxKeyBytes) return;
  AwsError error{400, "KeyTooLongError", "Your key is too long"};
  error.extra.emplace_back("Size", std::to_string(key.size()));
  error.extra.emplace_back("MaxSizeAllowed", std::to_string(kMaxKeyBytes));
  throw error;
}

std::string quoted_etag(std::string_view md5_raw) { return "\"" + crypto::hex(md5_raw) + "\""; }

std::optional<std::string> multipart_etag(const std::vector<std::string>& part_etags) {
  std::string joined;
  for (const auto& etag : part_etags) {
    auto hex = strip_etag(etag);
    if (hex.size() != 32) return std::nullopt;
    for (size_t i = 0; i < 32; i += 2) {
      auto byte = percent_decode("%" + std::string(hex.substr(i, 2)), false);
      if (byte.size() != 1) return std::nullopt;
      joined += byte;
    }
  }
  return "\"" + crypto::md5_hex(joined) + "-" + std::to_string(part_etags.size()) + "\"";
}

bool well_formed_version_id(std::string_view version_id) {
  if (version_id == "null") return true;
  if (version_id.size() != 32) return false;
  return std::all_of(version_id.begin(), version_id.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_';
  });
}

std::string new_version_id() {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._";
  auto bytes = crypto::random_bytes(32);
  std::string id;
  for (unsigned char byte : bytes) id.push_back(alphabet[byte & 63]);
  return id;
}

}  // namespace nimbus::s3
