#pragma once
// How SQS state is laid out in the store's "sqs" space (see README.md): key builders, record
// encoders/decoders, and WriteBatch helpers used by every handler.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "services/sqs/queue.h"
#include "storage/store.h"

namespace nimbus::sqs::persist {

using Json = nlohmann::json;

inline constexpr std::string_view kSpace = "sqs";
inline constexpr std::string_view kQueuePrefix = "queue/";
inline constexpr std::string_view kMessagePrefix = "msg/";
inline constexpr std::string_view kStatePrefix = "state/";
inline constexpr std::string_view kSeqPrefix = "seq/";
inline constexpr std::string_view kDedupPrefix = "dedup/";
inline constexpr std::string_view kTombstonePrefix = "gone/";
inline constexpr std::string_view kTaskPrefix = "task/";

// "{prefix}{account}/{region}/{name}"
std::string queue_path(std::string_view prefix, std::string_view account, std::string_view region,
                       std::string_view name);
// Splits a key's path after its prefix at '/'.
std::vector<std::string> split_path(std::string_view key, std::string_view prefix);

Json encode_queue(const Queue& queue);
// Message records are binary (storage/record_codec.h): the content written once at send, and
// the receive state rewritten per receive. Decoding also reads the JSON records of earlier
// releases. A malformed record throws.
std::string encode_message(const Message& message);
std::string encode_state(const Message& message);
void decode_message(std::string_view record, Message& message);
void decode_state(std::string_view record, Message& message);

void put_queue(storage::WriteBatch& batch, const Queue& queue);
// The content record, plus the receive-state record only when it differs from what loading
// derives (delayed, moved or already received messages).
void put_message(storage::WriteBatch& batch, const Queue& queue, Message& message);
void put_state(storage::WriteBatch& batch, const Queue& queue, Message& message);
// Removes both records of a message whose state is unknown here.
void remove_message(storage::WriteBatch& batch, const Queue& queue, uint64_t seq);
// Removes a message's content record, and its state record if one was written.
void remove_message(storage::WriteBatch& batch, const Queue& queue, const Message& message);
void put_seq(storage::WriteBatch& batch, const Queue& queue);
void put_dedup(storage::WriteBatch& batch, const Queue& queue, const std::string& key,
               const DedupEntry& entry);
void remove_dedup(storage::WriteBatch& batch, const Queue& queue, const std::string& key);
// Removes the queue and everything it holds; keys are those currently in memory.
void remove_queue(storage::WriteBatch& batch, const Queue& queue);
void put_tombstone(storage::WriteBatch& batch, const std::string& account,
                   const std::string& region, const std::string& name, int64_t deleted_ms);
void remove_tombstone(storage::WriteBatch& batch, const std::string& account,
                      const std::string& region, const std::string& name);

}  // namespace nimbus::sqs::persist
