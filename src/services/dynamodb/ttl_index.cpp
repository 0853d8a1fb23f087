#include "services/dynamodb/ttl_index.h"

#include "services/dynamodb/dynamodb_service.h"
#include "storage/key_codec.h"

namespace nimbus::dynamodb {
namespace {

constexpr int64_t kIgnoredAfterSeconds = 5LL * 365 * 24 * 3600;

std::string ttl_prefix(const TableSchema& table) { return storage::keys::join({"t", table.id}); }

}  // namespace

std::optional<int64_t> ttl_seconds(const Json& item, const std::string& attribute) {
  auto it = item.find(attribute);
  if (it == item.end() || !it->is_object() || !it->contains("N")) return std::nullopt;
  const auto& text = (*it)["N"].get_ref<const std::string&>();
  if (text.empty() || text[0] == '-') return std::nullopt;
  auto point = text.find('.');
  std::string whole = text.substr(0, point);
  if (whole.size() > 15) return std::nullopt;  // beyond any date
  return std::stoll(whole.empty() ? "0" : whole);
}

bool ttl_due(int64_t expiry, int64_t now) { return expiry <= now && expiry >= now - kIgnoredAfterSeconds; }

std::string ttl_entry_key(const TableSchema& table, int64_t expiry, const std::string& item_key) {
  std::string key = ttl_prefix(table);
  storage::keys::append_u64(key, static_cast<uint64_t>(expiry));
  storage::keys::append_part(key, item_key);
  return key;
}

std::vector<std::string> due_item_keys(storage::Store& store, const TableSchema& table, int64_t now, size_t limit) {
  std::vector<std::string> keys;
  std::string prefix = ttl_prefix(table);
  std::string start = prefix;
  storage::keys::append_u64(start, static_cast<uint64_t>(std::max<int64_t>(0, now - kIgnoredAfterSeconds)));
  store.scan_from(kSpace, prefix, start, [&](std::string_view key, std::string_view) {
    auto expiry = storage::keys::read_u64(key.substr(prefix.size(), 8));
    if (!expiry || static_cast<int64_t>(*expiry) > now) return false;
    auto parts = storage::keys::split(key.substr(prefix.size() + 8));
    if (parts && parts->size() == 1) keys.push_back((*parts)[0]);
    return keys.size() < limit;
  });
  return keys;
}

}  // namespace nimbus::dynamodb
