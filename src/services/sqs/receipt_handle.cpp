#include "services/sqs/receipt_handle.h"

#include <charconv>
#include <vector>

#include "core/crypto.h"

namespace nimbus::sqs {

namespace {
constexpr std::string_view kVersion = "nimbus1";

std::optional<uint64_t> parse_u64(const std::string& text) {
  uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}
}  // namespace

std::string encode_receipt_handle(const ReceiptHandle& handle) {
  std::string plain = std::string(kVersion) + ' ' + handle.queue_arn + ' ' +
                      std::to_string(handle.seq) + ' ' + std::to_string(handle.nonce) + ' ' +
                      handle.message_id;
  return crypto::base64_encode(plain);
}

std::optional<ReceiptHandle> decode_receipt_handle(const std::string& text) {
  auto plain = crypto::base64_decode(text);
  if (!plain) return std::nullopt;
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t i = 0; i <= plain->size(); ++i) {
    if (i == plain->size() || (*plain)[i] == ' ') {
      parts.push_back(plain->substr(start, i - start));
      start = i + 1;
    }
  }
  if (parts.size() != 5 || parts[0] != kVersion) return std::nullopt;
  auto seq = parse_u64(parts[2]);
  auto nonce = parse_u64(parts[3]);
  if (!seq || !nonce || parts[1].empty() || parts[4].empty()) return std::nullopt;
  return ReceiptHandle{parts[1], *seq, *nonce, parts[4]};
}

}  // namespace nimbus::sqs
