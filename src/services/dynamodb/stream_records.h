#pragma once
// DynamoDB Streams records: one per item change of a table whose stream is enabled, staged in
// the change's own batch (no change without its record, no record without its change), under
// join("s", TableId, StreamLabel) + u64(sequence number).

#include <cstdint>
#include <optional>
#include <string>

#include "services/dynamodb/dynamodb_service.h"

namespace nimbus::dynamodb {

inline constexpr int64_t kStreamRetentionSeconds = 24 * 3600;

std::string stream_records_prefix(const std::string& table_id, const std::string& label);
std::string stream_record_key(const std::string& table_id, const std::string& label, int64_t sequence);
// Sequence numbers as the API writes them: 21 decimal digits, so text order is number order.
std::string sequence_text(int64_t sequence);
std::optional<int64_t> parse_sequence(const Json& text);

// The Record GetRecords answers for a change (INSERT, MODIFY or REMOVE), with the images the
// view type keeps.
Json stream_record(const TableState& table, const ItemChange& change, int64_t sequence, int64_t now_ms);

// Keeps a table's stream fields in its live state in step with its record.
void sync_stream(TableState& table, const Json& record);

}  // namespace nimbus::dynamodb
