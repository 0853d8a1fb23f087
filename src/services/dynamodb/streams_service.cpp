#include "services/dynamodb/streams_service.h"

#include <cstdio>

#include "core/crypto.h"
#include "services/dynamodb/dynamodb_errors.h"
#include "services/dynamodb/stream_records.h"
#include "storage/key_codec.h"

namespace nimbus::dynamodb {
namespace {

constexpr int64_t kIteratorLifetimeMs = 15 * 60 * 1000;
constexpr int kMaxRecordsPerCall = 1000;
constexpr int kMaxStreamsPerList = 100;

std::string shard_id(const StreamInfo& stream) {
  char digits[24];
  std::snprintf(digits, sizeof digits, "%020lld",
                static_cast<long long>(stream.entry["Created"].get<double>() * 1000));
  return "shardId-" + std::string(digits) + "-" + stream.table_id.substr(0, 8);
}

bool closed(const StreamInfo& stream) { return stream.entry.contains("LastSequence"); }

AwsError stream_not_found(const std::string& arn) {
  return errors::resource_not_found("Requested resource not found: Stream: " + arn + " not found");
}

// A shard iterator: the stream, the shard, the next sequence number to read and when it was
// handed out (iterators expire after 15 minutes, as on AWS).
struct Iterator {
  std::string arn;
  std::string shard;
  int64_t position = 0;
  int64_t issued_ms = 0;

  std::string encode() const {
    return crypto::base64_encode(arn + "|" + shard + "|" + std::to_string(position) + "|" + std::to_string(issued_ms));
  }
  static std::optional<Iterator> decode(const std::string& text) {
    auto raw = crypto::base64_decode(text);
    if (!raw) return std::nullopt;
    Iterator iterator;
    size_t a = raw->find('|'), b = raw->find('|', a + 1), c = raw->find('|', b + 1);
    if (a == std::string::npos || b == std::string::npos || c == std::string::npos) return std::nullopt;
    iterator.arn = raw->substr(0, a);
    iterator.shard = raw->substr(a + 1, b - a - 1);
    try {
      iterator.position = std::stoll(raw->substr(b + 1, c - b - 1));
      iterator.issued_ms = std::stoll(raw->substr(c + 1));
    } catch (const std::exception&) {
      return std::nullopt;
    }
    return iterator;
  }
};

class StreamsService final : public Service {
 public:
  explicit StreamsService(DynamoDbService& dynamodb) : dynamodb_(dynamodb) {}

  std::string_view name() const override { return "dynamodbstreams"; }
  const model::ServiceModel& model() const override { return model::dynamodbstreams_model(); }
  bool implements(std::string_view operation) const override {
    return operation == "ListStreams" || operation == "DescribeStream" || operation == "GetShardIterator" ||
           operation == "GetRecords";
  }
  void start(boost::asio::any_io_executor) override {}
  void stop() override {}
  awaitable<void> reset() override { co_return; }  // the records are DynamoDB's, reset with it

  awaitable<Json> invoke(std::string_view operation, RequestContext& context, Json in) override {
    if (!in.is_object()) in = Json::object();
    if (operation == "ListStreams") co_return list_streams(context, in);
    if (operation == "DescribeStream") co_return describe_stream(context, in);
    if (operation == "GetShardIterator") co_return get_shard_iterator(context, in);
    if (operation == "GetRecords") co_return get_records(context, in);
    throw AwsError::unknown_operation("The requested operation " + std::string(operation) + " is not supported.");
  }

 private:
  StreamInfo find_stream(const RequestContext& context, const std::string& arn) const {
    for (auto& stream : dynamodb_.list_streams(context)) {
      if (stream.entry["StreamArn"] == arn) return stream;
    }
    throw stream_not_found(arn);
  }

  Json list_streams(const RequestContext& context, const Json& in) const {
    int limit = std::min(in.value("Limit", kMaxStreamsPerList), kMaxStreamsPerList);
    std::string table = in.value("TableName", "");
    std::string start = in.value("ExclusiveStartStreamArn", "");
    bool started = start.empty();
    Json streams = Json::array();
    std::string last;
    for (const auto& stream : dynamodb_.list_streams(context)) {
      std::string arn = stream.entry["StreamArn"];
      if (!table.empty() && stream.table_name != table) continue;
      if (!started) {
        started = arn == start;
        continue;
      }
      if (static_cast<int>(streams.size()) == limit) {
        Json out = {{"Streams", streams}, {"LastEvaluatedStreamArn", last}};
        return out;
      }
      streams.push_back({{"StreamArn", arn}, {"TableName", stream.table_name}, {"StreamLabel", stream.entry["StreamLabel"]}});
      last = arn;
    }
    return {{"Streams", streams}};
  }

  Json describe_stream(const RequestContext& context, const Json& in) const {
    std::string arn = in.value("StreamArn", "");
    StreamInfo stream = find_stream(context, arn);
    Json range = {{"StartingSequenceNumber", sequence_text(stream.entry["FirstSequence"].get<int64_t>())}};
    if (closed(stream)) range["EndingSequenceNumber"] = sequence_text(stream.entry["LastSequence"].get<int64_t>());
    Json shards = Json::array();
    if (!in.contains("ExclusiveStartShardId") || in["ExclusiveStartShardId"] != shard_id(stream)) {
      shards.push_back({{"ShardId", shard_id(stream)}, {"SequenceNumberRange", range}});
    }
    return {{"StreamDescription",
             {{"StreamArn", arn},
              {"StreamLabel", stream.entry["StreamLabel"]},
              {"StreamStatus", closed(stream) ? "DISABLED" : "ENABLED"},
              {"StreamViewType", stream.entry["StreamViewType"]},
              {"CreationRequestDateTime", stream.entry["Created"]},
              {"TableName", stream.table_name},
              {"KeySchema", stream.key_schema},
              {"Shards", shards}}}};
  }

  Json get_shard_iterator(const RequestContext& context, const Json& in) const {
    std::string arn = in.value("StreamArn", "");
    StreamInfo stream = find_stream(context, arn);
    std::string shard = in.value("ShardId", "");
    if (shard != shard_id(stream)) {
      throw errors::resource_not_found("Requested resource not found: Shard does not exist");
    }
    std::string type = in.value("ShardIteratorType", "");
    int64_t first = stream.entry["FirstSequence"].get<int64_t>();
    int64_t last = closed(stream) ? stream.entry["LastSequence"].get<int64_t>() : stream.sequence;
    Iterator iterator{arn, shard, first, dynamodb_.clock().now_ms()};
    if (type == "LATEST") {
      iterator.position = last + 1;
    } else if (type == "AT_SEQUENCE_NUMBER" || type == "AFTER_SEQUENCE_NUMBER") {
      if (!in.contains("SequenceNumber")) {
        throw errors::validation("SequenceNumber must be specified for the ShardIteratorType " + type);
      }
      auto sequence = parse_sequence(in["SequenceNumber"]);
      if (!sequence || *sequence < first || *sequence > last) {
        throw errors::validation("Invalid SequenceNumber " + in["SequenceNumber"].dump() + " for shard " + shard);
      }
      iterator.position = *sequence + (type == "AFTER_SEQUENCE_NUMBER" ? 1 : 0);
      if (oldest_retained(stream) > iterator.position) {
        throw AwsError(400, "TrimmedDataAccessException",
                       "The operation attempted to read past the oldest stream record in a shard.");
      }
    }
    return {{"ShardIterator", iterator.encode()}};
  }

  // The sequence number of the oldest record still kept (the next one to be written if none).
  int64_t oldest_retained(const StreamInfo& stream) const {
    int64_t oldest = stream.sequence + 1;
    std::string prefix = stream_records_prefix(stream.table_id, stream.entry["StreamLabel"]);
    dynamodb_.store().scan(kSpace, prefix, [&](std::string_view key, std::string_view) {
      oldest = static_cast<int64_t>(storage::keys::read_u64(key.substr(prefix.size())).value_or(0));
      return false;
    });
    return oldest;
  }

  Json get_records(const RequestContext& context, const Json& in) const {
    auto iterator = Iterator::decode(in.value("ShardIterator", ""));
    if (!iterator) throw errors::validation("Invalid ShardIterator");
    if (dynamodb_.clock().now_ms() - iterator->issued_ms > kIteratorLifetimeMs) {
      throw AwsError(400, "ExpiredIteratorException", "Iterator expired. The iterator was created at time " +
                                                         std::to_string(iterator->issued_ms) + " while right now the time is " +
                                                         std::to_string(dynamodb_.clock().now_ms()));
    }
    StreamInfo stream = find_stream(context, iterator->arn);
    int limit = std::clamp(in.value("Limit", kMaxRecordsPerCall), 1, kMaxRecordsPerCall);
    std::string prefix = stream_records_prefix(stream.table_id, stream.entry["StreamLabel"]);
    std::string start = prefix;
    storage::keys::append_u64(start, static_cast<uint64_t>(iterator->position));
    int64_t retention_start = dynamodb_.clock().now_seconds() - kStreamRetentionSeconds;
    Json records = Json::array();
    int64_t next = iterator->position;
    dynamodb_.store().scan_from(kSpace, prefix, start, [&](std::string_view key, std::string_view value) {
      int64_t sequence = static_cast<int64_t>(storage::keys::read_u64(key.substr(prefix.size())).value_or(0));
      Json record = Json::parse(value);
      next = sequence + 1;
      // Past the retention but not trimmed yet: gone as far as readers are concerned.
      if (record["dynamodb"].value("ApproximateCreationDateTime", 0.0) >= static_cast<double>(retention_start)) {
        records.push_back(std::move(record));
      }
      return static_cast<int>(records.size()) < limit;
    });
    Json out = {{"Records", records}};
    bool exhausted = closed(stream) && next > stream.entry["LastSequence"].get<int64_t>();
    if (!exhausted) {
      Iterator following{iterator->arn, iterator->shard, next, dynamodb_.clock().now_ms()};
      out["NextShardIterator"] = following.encode();
    }
    return out;
  }

  DynamoDbService& dynamodb_;
};

}  // namespace

std::unique_ptr<Service> make_streams_service(DynamoDbService& dynamodb) { return std::make_unique<StreamsService>(dynamodb); }

std::vector<StreamInfo> DynamoDbService::list_streams(const RequestContext& context) const {
  std::vector<StreamInfo> streams;
  for (const auto& [key, record] : tables_.list(scope(context))) {
    if (!record.contains("Streams")) continue;
    std::shared_ptr<TableState> table;
    {
      std::shared_lock lock(tables_mutex_);
      auto it = live_.find(key);
      if (it == live_.end()) continue;
      table = it->second;
    }
    int64_t sequence = 0;
    {
      std::lock_guard table_lock(table->mutex);  // the table's lock is never taken under tables_mutex_
      sequence = table->counters.sequence;
    }
    const Json& description = record["Description"];
    for (const auto& entry : record["Streams"]) {
      streams.push_back({entry, description["TableId"], description["TableName"], description["KeySchema"], sequence});
    }
  }
  return streams;
}

}  // namespace nimbus::dynamodb
