#include "services/sqs/persistence.h"

#include <cstdio>
#include <stdexcept>

#include "core/crypto.h"
#include "storage/record_codec.h"

namespace nimbus::sqs::persist {

namespace {

std::string seq_text(uint64_t seq) {
  char buffer[24];
  std::snprintf(buffer, sizeof buffer, "%020llu", static_cast<unsigned long long>(seq));
  return buffer;
}

std::string message_path(std::string_view prefix, const Queue& queue, uint64_t seq) {
  return queue_path(prefix, queue.account, queue.region, queue.name) + "/" + seq_text(seq);
}

Attributes decode_attributes(const Json& json) {
  Attributes out;
  for (const auto& [name, entry] : json.items()) {
    AttributeValue value{entry.at("t").get<std::string>(), entry.at("v").get<std::string>()};
    if (value.is_binary()) value.value = crypto::base64_decode(value.value).value_or("");
    out[name] = std::move(value);
  }
  return out;
}

}  // namespace

std::string queue_path(std::string_view prefix, std::string_view account, std::string_view region,
                       std::string_view name) {
  std::string out;
  out.reserve(prefix.size() + account.size() + region.size() + name.size() + 2);
  out.append(prefix).append(account).append("/").append(region).append("/").append(name);
  return out;
}

std::vector<std::string> split_path(std::string_view key, std::string_view prefix) {
  std::vector<std::string> parts;
  key.remove_prefix(prefix.size());
  size_t start = 0;
  for (size_t i = 0; i <= key.size(); ++i) {
    if (i == key.size() || key[i] == '/') {
      parts.emplace_back(key.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

Json encode_queue(const Queue& queue) {
  return {{"account", queue.account},       {"region", queue.region},
          {"name", queue.name},             {"fifo", queue.fifo},
          {"attributes", queue.attributes}, {"tags", queue.tags},
          {"created", queue.created_s},     {"modified", queue.modified_s},
          {"last_purge", queue.last_purge_ms}};
}

namespace {

// The first byte of a binary record; JSON records of earlier releases start with '{'.
constexpr uint64_t kBinaryRecordV1 = 1;  // one byte as a varint

bool is_legacy_json(std::string_view record) { return !record.empty() && record.front() == '{'; }

void decode_legacy_message(const Json& json, Message& m) {
  m.id = json.at("id");
  m.body = json.at("body");
  m.md5_body = json.at("md5");
  m.sent_ms = json.at("sent");
  m.sender_id = json.value("sender", std::string());
  if (json.contains("attrs")) {
    m.attributes = decode_attributes(json["attrs"]);
    m.md5_attributes = json.value("md5a", std::string());
  }
  m.trace_header = json.value("trace", std::string());
  m.md5_system_attributes = json.value("md5s", std::string());
  m.group_id = json.value("group", std::string());
  m.dedup_id = json.value("dedup", std::string());
  m.sequence_number = json.value("seqno", std::string());
  m.dead_letter_source_arn = json.value("dlq_source", std::string());
}

void decode_legacy_state(const Json& json, Message& m) {
  m.visible_at_ms = json.at("visible");
  m.first_receive_ms = json.value("first", int64_t{0});
  m.last_receive_ms = json.value("last", int64_t{0});
  m.receive_count = json.value("count", int64_t{0});
  m.receipt_nonce = json.value("nonce", uint64_t{0});
}

storage::RecordReader binary_reader(std::string_view record) {
  if (record.empty() || record.front() != static_cast<char>(kBinaryRecordV1)) {
    throw std::runtime_error("sqs: unknown message record format");
  }
  return storage::RecordReader(record.substr(1));
}

}  // namespace

std::string encode_message(const Message& m) {
  storage::RecordWriter out(m.body.size() + 160);
  out.u64(kBinaryRecordV1);
  out.bytes(m.id).bytes(m.body).bytes(m.md5_body).i64(m.sent_ms).bytes(m.sender_id);
  out.u64(m.attributes.size());
  for (const auto& [name, value] : m.attributes) {
    out.bytes(name).bytes(value.data_type).bytes(value.value);
  }
  out.bytes(m.md5_attributes).bytes(m.trace_header).bytes(m.md5_system_attributes);
  out.bytes(m.group_id).bytes(m.dedup_id).bytes(m.sequence_number).bytes(m.dead_letter_source_arn);
  return out.take();
}

std::string encode_state(const Message& m) {
  storage::RecordWriter out(24);
  out.u64(kBinaryRecordV1);
  out.i64(m.visible_at_ms).i64(m.first_receive_ms).i64(m.last_receive_ms).i64(m.receive_count);
  out.u64(m.receipt_nonce);
  return out.take();
}

void decode_message(std::string_view record, Message& m) {
  if (is_legacy_json(record)) {
    decode_legacy_message(Json::parse(record), m);
  } else {
    auto in = binary_reader(record);
    m.id = in.bytes();
    m.body = in.bytes();
    m.md5_body = in.bytes();
    m.sent_ms = in.i64();
    m.sender_id = in.bytes();
    for (uint64_t count = in.u64(); count > 0; --count) {
      std::string name(in.bytes());
      AttributeValue value;
      value.data_type = in.bytes();
      value.value = in.bytes();
      m.attributes[std::move(name)] = std::move(value);
    }
    m.md5_attributes = in.bytes();
    m.trace_header = in.bytes();
    m.md5_system_attributes = in.bytes();
    m.group_id = in.bytes();
    m.dedup_id = in.bytes();
    m.sequence_number = in.bytes();
    m.dead_letter_source_arn = in.bytes();
  }
  m.visible_at_ms = m.sent_ms;
}

void decode_state(std::string_view record, Message& m) {
  if (is_legacy_json(record)) {
    decode_legacy_state(Json::parse(record), m);
    return;
  }
  auto in = binary_reader(record);
  m.visible_at_ms = in.i64();
  m.first_receive_ms = in.i64();
  m.last_receive_ms = in.i64();
  m.receive_count = in.i64();
  m.receipt_nonce = in.u64();
}

void put_queue(storage::WriteBatch& batch, const Queue& queue) {
  batch.put(kSpace, queue_path(kQueuePrefix, queue.account, queue.region, queue.name),
            encode_queue(queue).dump());
}

void put_message(storage::WriteBatch& batch, const Queue& queue, Message& message) {
  batch.put(kSpace, message_path(kMessagePrefix, queue, message.seq),
            encode_message(message));
  // decode_message() makes a message visible at its send time, never received.
  bool derivable = message.visible_at_ms == message.sent_ms && message.receive_count == 0 &&
                   message.first_receive_ms == 0 && message.receipt_nonce == 0;
  if (!derivable) {
    put_state(batch, queue, message);
  } else if (message.state_stored) {
    batch.remove(kSpace, message_path(kStatePrefix, queue, message.seq));
    message.state_stored = false;
  }
}

void put_state(storage::WriteBatch& batch, const Queue& queue, Message& message) {
  batch.put(kSpace, message_path(kStatePrefix, queue, message.seq), encode_state(message));
  message.state_stored = true;
}

void remove_message(storage::WriteBatch& batch, const Queue& queue, uint64_t seq) {
  batch.remove(kSpace, message_path(kMessagePrefix, queue, seq));
  batch.remove(kSpace, message_path(kStatePrefix, queue, seq));
}

void remove_message(storage::WriteBatch& batch, const Queue& queue, const Message& message) {
  batch.remove(kSpace, message_path(kMessagePrefix, queue, message.seq));
  if (message.state_stored) batch.remove(kSpace, message_path(kStatePrefix, queue, message.seq));
}

void put_seq(storage::WriteBatch& batch, const Queue& queue) {
  batch.put(kSpace, queue_path(kSeqPrefix, queue.account, queue.region, queue.name),
            std::to_string(queue.next_seq));
}

void put_dedup(storage::WriteBatch& batch, const Queue& queue, const std::string& key,
               const DedupEntry& entry) {
  batch.put(kSpace, queue_path(kDedupPrefix, queue.account, queue.region, queue.name) + "/" + key,
            Json{{"id", entry.message_id}, {"seqno", entry.sequence_number},
                 {"expires", entry.expires_ms}}
                .dump());
}

void remove_dedup(storage::WriteBatch& batch, const Queue& queue, const std::string& key) {
  batch.remove(kSpace,
               queue_path(kDedupPrefix, queue.account, queue.region, queue.name) + "/" + key);
}

void remove_queue(storage::WriteBatch& batch, const Queue& queue) {
  batch.remove(kSpace, queue_path(kQueuePrefix, queue.account, queue.region, queue.name));
  batch.remove(kSpace, queue_path(kSeqPrefix, queue.account, queue.region, queue.name));
  for (uint64_t seq : queue.messages.all()) remove_message(batch, queue, seq);
  for (const auto& [key, entry] : queue.dedup) remove_dedup(batch, queue, key);
}

void put_tombstone(storage::WriteBatch& batch, const std::string& account,
                   const std::string& region, const std::string& name, int64_t deleted_ms) {
  batch.put(kSpace, queue_path(kTombstonePrefix, account, region, name),
            std::to_string(deleted_ms));
}

void remove_tombstone(storage::WriteBatch& batch, const std::string& account,
                      const std::string& region, const std::string& name) {
  batch.remove(kSpace, queue_path(kTombstonePrefix, account, region, name));
}

}  // namespace nimbus::sqs::persist
