#include "services/dynamodb/stream_records.h"

#include <algorithm>
#include <cstdio>

#include "core/ids.h"
#include "services/dynamodb/expr/value.h"
#include "services/dynamodb/item_keys.h"
#include "storage/key_codec.h"

namespace nimbus::dynamodb {

std::string stream_records_prefix(const std::string& table_id, const std::string& label) {
  return storage::keys::join({"s", table_id, label});
}

std::string stream_record_key(const std::string& table_id, const std::string& label, int64_t sequence) {
  std::string key = stream_records_prefix(table_id, label);
  storage::keys::append_u64(key, static_cast<uint64_t>(sequence));
  return key;
}

std::string sequence_text(int64_t sequence) {
  char text[32];
  std::snprintf(text, sizeof text, "%021lld", static_cast<long long>(sequence));
  return text;
}

std::optional<int64_t> parse_sequence(const Json& text) {
  if (!text.is_string()) return std::nullopt;
  const auto& digits = text.get_ref<const std::string&>();
  if (digits.empty() || digits.size() > 21 || !std::all_of(digits.begin(), digits.end(), ::isdigit)) return std::nullopt;
  size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return 0;
  if (digits.size() - first > 18) return std::nullopt;
  return std::stoll(digits.substr(first));
}

Json stream_record(const TableState& table, const ItemChange& change, int64_t sequence, int64_t now_ms) {
  const Json& any_image = change.new_item ? *change.new_item : *change.old_item;
  Json keys = key_attributes(*table.schema, any_image);
  const std::string& view = table.stream_view_type;
  Json dynamodb = {{"ApproximateCreationDateTime", static_cast<double>(now_ms / 1000)},
                   {"Keys", keys},
                   {"SequenceNumber", sequence_text(sequence)},
                   {"StreamViewType", view}};
  size_t size = expr::item_size(keys);
  if ((view == "NEW_IMAGE" || view == "NEW_AND_OLD_IMAGES") && change.new_item) {
    dynamodb["NewImage"] = *change.new_item;
    size += expr::item_size(*change.new_item);
  }
  if ((view == "OLD_IMAGE" || view == "NEW_AND_OLD_IMAGES") && change.old_item) {
    dynamodb["OldImage"] = *change.old_item;
    size += expr::item_size(*change.old_item);
  }
  dynamodb["SizeBytes"] = size;
  std::string id = ids::uuid4();
  id.erase(std::remove(id.begin(), id.end(), '-'), id.end());
  Json record = {{"eventID", id},
                 {"eventName", !change.old_item ? "INSERT" : !change.new_item ? "REMOVE" : "MODIFY"},
                 {"eventVersion", "1.1"},
                 {"eventSource", "aws:dynamodb"},
                 {"awsRegion", table.region},
                 {"dynamodb", std::move(dynamodb)}};
  if (change.by_ttl) record["userIdentity"] = {{"PrincipalId", "dynamodb.amazonaws.com"}, {"Type", "Service"}};
  return record;
}

void sync_stream(TableState& table, const Json& record) {
  const Json& description = record["Description"];
  if (description.contains("StreamSpecification") && description.contains("LatestStreamLabel")) {
    table.stream_label = description["LatestStreamLabel"];
    table.stream_view_type = description["StreamSpecification"].value("StreamViewType", "KEYS_ONLY");
  } else {
    table.stream_label.clear();
    table.stream_view_type.clear();
  }
}

}  // namespace nimbus::dynamodb
