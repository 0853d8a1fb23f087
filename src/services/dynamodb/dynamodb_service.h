#pragma once
// Amazon DynamoDB (2012-08-10, json 1.0, model-driven): tables with local and global secondary
// indexes, items with the full expression languages (services/dynamodb/expr), Query and Scan,
// batches, transactions, TTL.
//
// State (space "dynamodb"):
// - table records in a storage::RecordTable ("table/<account>/<region>/<name>"): the
//   TableDescription DescribeTable answers, plus tags, TTL and backup settings;
// - items, index entries, the TTL index and per-table counters under the table's TableId
//   (item_keys.h), written in one batch with each change.
// Item writes of a table are serialized by the table's lock (read, evaluate, stage, submit), then
// awaited outside it; reads see every submitted batch.

#include <atomic>
#include <functional>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"
#include "services/dynamodb/table_schema.h"
#include "services/service.h"
#include "storage/record_table.h"

namespace nimbus::dynamodb {

template <typename T>
using awaitable = boost::asio::awaitable<T>;

inline constexpr std::string_view kSpace = "dynamodb";

struct DynamoDbDeps {
  storage::Store& store;
  Clock& clock;
};

// What one write consumed, in write units (reads: read units), per table and index.
struct Capacity {
  double table = 0;
  std::map<std::string, double> local_indexes;
  std::map<std::string, double> global_indexes;
  double total() const;
  void add(const Capacity& other);
};

// Item count and size of a table and of each of its indexes, kept with every write.
struct Counters {
  int64_t sequence = 0;  // the last stream record's sequence number
  int64_t items = 0;
  int64_t bytes = 0;
  std::map<std::string, std::pair<int64_t, int64_t>> indexes;  // name -> (items, bytes)
};

// A live table: its schema and the lock its item writes take.
struct TableState {
  std::mutex mutex;
  // Replaced (never changed in place) under `mutex` by UpdateTable; readers take current_schema().
  std::shared_ptr<const TableSchema> schema;
  std::string record_key;         // <account>/<region>/<name>
  std::string ttl_attribute;      // empty when TTL is off
  std::string region;
  // The enabled stream, which gets a record of every change (empty label: none).
  std::string stream_label;
  std::string stream_view_type;
  Counters counters;
  bool deleted = false;

  std::shared_ptr<const TableSchema> current_schema() {
    std::lock_guard lock(mutex);
    return schema;
  }
};

// What one item write did.
struct ItemWrite {
  std::optional<Json> old_item;
  std::optional<Json> new_item;
  Capacity capacity;
};

// One item change staged in a write batch.
struct ItemChange {
  std::string key;
  std::optional<Json> old_item;
  std::optional<Json> new_item;
  bool by_ttl = false;  // a TTL deletion: its stream record names the DynamoDB service as the actor
};

// A stream of a table, as ListStreams and DescribeStream show it.
struct StreamInfo {
  Json entry;  // {StreamArn, StreamLabel, StreamViewType, Created, FirstSequence, LastSequence?}
  std::string table_id;
  std::string table_name;
  Json key_schema;
  int64_t sequence = 0;  // the table's last sequence number
};

class DynamoDbService final : public Service {
 public:
  explicit DynamoDbService(DynamoDbDeps deps);

  std::string_view name() const override { return "dynamodb"; }
  const model::ServiceModel& model() const override;
  awaitable<Json> invoke(std::string_view operation, RequestContext& context, Json input) override;
  bool implements(std::string_view operation) const override;
  void start(boost::asio::any_io_executor executor) override;
  void stop() override;
  awaitable<void> reset() override;
  Json health() const override;

  // Deletes the items whose TTL has passed on nimbus's clock, and stream records past their
  // retention; returns how many items.
  awaitable<int64_t> expire_items();

 private:
  using Handler = awaitable<Json> (DynamoDbService::*)(RequestContext&, const Json&);
  static const std::unordered_map<std::string_view, Handler>& handlers();

  // table_ops.cpp
  awaitable<Json> create_table(RequestContext& context, const Json& in);
  awaitable<Json> describe_table(RequestContext& context, const Json& in);
  awaitable<Json> list_tables(RequestContext& context, const Json& in);
  awaitable<Json> delete_table(RequestContext& context, const Json& in);
  awaitable<Json> update_table(RequestContext& context, const Json& in);
  // table_settings_ops.cpp
  awaitable<Json> update_time_to_live(RequestContext& context, const Json& in);
  awaitable<Json> describe_time_to_live(RequestContext& context, const Json& in);
  awaitable<Json> tag_resource(RequestContext& context, const Json& in);
  awaitable<Json> untag_resource(RequestContext& context, const Json& in);
  awaitable<Json> list_tags_of_resource(RequestContext& context, const Json& in);
  awaitable<Json> describe_limits(RequestContext& context, const Json& in);
  awaitable<Json> describe_endpoints(RequestContext& context, const Json& in);
  awaitable<Json> describe_continuous_backups(RequestContext& context, const Json& in);
  awaitable<Json> update_continuous_backups(RequestContext& context, const Json& in);
  // partiql_ops.cpp
  awaitable<Json> execute_statement(RequestContext& context, const Json& in);
  awaitable<Json> batch_execute_statement(RequestContext& context, const Json& in);
  awaitable<Json> execute_transaction(RequestContext& context, const Json& in);
  // Runs one statement as the operation it stands for; `single_item_reads`: a SELECT must name one
  // item by its whole key (BatchExecuteStatement).
  awaitable<Json> run_statement(RequestContext& context, const Json& in, bool single_item_reads);
  // backup_ops.cpp
  awaitable<Json> create_backup(RequestContext& context, const Json& in);
  awaitable<Json> describe_backup(RequestContext& context, const Json& in);
  awaitable<Json> list_backups(RequestContext& context, const Json& in);
  awaitable<Json> delete_backup(RequestContext& context, const Json& in);
  awaitable<Json> restore_table_from_backup(RequestContext& context, const Json& in);
  // The backup record's key and record for a backup ARN of the caller's scope.
  std::optional<std::pair<std::string, Json>> find_backup(const RequestContext& context, const std::string& arn) const;
  // item_ops.cpp
  awaitable<Json> put_item(RequestContext& context, const Json& in);
  awaitable<Json> get_item(RequestContext& context, const Json& in);
  awaitable<Json> update_item(RequestContext& context, const Json& in);
  awaitable<Json> delete_item(RequestContext& context, const Json& in);
  // query_ops.cpp
  awaitable<Json> query(RequestContext& context, const Json& in);
  awaitable<Json> scan(RequestContext& context, const Json& in);
  // batch_ops.cpp
  awaitable<Json> batch_get_item(RequestContext& context, const Json& in);
  awaitable<Json> batch_write_item(RequestContext& context, const Json& in);
  // transact_ops.cpp
  awaitable<Json> transact_write_items(RequestContext& context, const Json& in);
  awaitable<Json> transact_get_items(RequestContext& context, const Json& in);

 public:
  // --- shared by the operation files (table_state.cpp) ---
  static std::string scope(const RequestContext& context);
  std::string table_arn(const RequestContext& context, const std::string& table) const;
  // The live table; ResourceNotFoundException ("Requested resource not found") when absent.
  std::shared_ptr<TableState> table(const RequestContext& context, const std::string& name) const;
  // The table named by a TableName member, which may also be a table ARN.
  std::shared_ptr<TableState> table_from_member(const RequestContext& context, const Json& name) const;
  // The same, answering "Requested resource not found: Table: <name> not found" (DescribeTable...).
  std::shared_ptr<TableState> named_table(const RequestContext& context, const Json& name) const;
  std::optional<Json> read_item(const std::string& key) const;
  // One item write under the table's lock: `locate` gives the item's store key for the table's
  // schema, `decide` the new item from the old one (nullopt deletes; throwing changes nothing);
  // the change is staged, submitted, and awaited after the lock is released.
  using Locate = std::function<std::string(const TableSchema&)>;
  using Decide = std::function<std::optional<Json>(const TableSchema&, const std::optional<Json>& old_item)>;
  awaitable<ItemWrite> write_item(std::shared_ptr<TableState> table, Locate locate, Decide decide);
  // Stages an item change (item, index entries, TTL entry, stream record) into `batch` and counts
  // it in the table's counters; returns the write units it consumes. Call under the table's lock,
  // then write_counters() once per batch.
  Capacity stage_change(TableState& table, storage::WriteBatch& batch, const ItemChange& change);
  // Stages the table's counters (item count and bytes, per index, the stream sequence).
  void write_counters(const TableState& table, storage::WriteBatch& batch) const;
  // The table's description with live counters, as DescribeTable answers it.
  Json live_description(const TableState& table, const Json& record) const;
  storage::Store& store() { return store_; }
  // The streams of the caller's tables, enabled or not, in table then creation order.
  std::vector<StreamInfo> list_streams(const RequestContext& context) const;
  Clock& clock() { return clock_; }

 private:
  static void check_names(const Json& input);
  void load_tables();
  // Writes every item's index entries for a new index (UpdateTable), under the table's lock.
  void backfill_index(TableState& table, const IndexSchema& index, storage::WriteBatch& batch);
  // Removes every key of a table (items, entries, counters); under the table's lock.
  void stage_table_removal(const TableState& table, storage::WriteBatch& batch);
  awaitable<void> run_ttl_worker();
  // Removes stream records older than the 24-hour retention (a bounded number per pass).
  void trim_stream_records(const TableState& table, storage::WriteBatch& batch, int64_t now);

  storage::Store& store_;
  Clock& clock_;
  storage::RecordTable tables_;   // key: <account>/<region>/<name>
  storage::RecordTable backups_;  // key: <account>/<region>/<backup id>
  mutable std::shared_mutex tables_mutex_;
  std::map<std::string, std::shared_ptr<TableState>> live_;  // by record key
  bool started_ = false;
  std::shared_ptr<std::atomic<bool>> running_;
  std::atomic<int64_t> items_expired_{0};
  // TransactWriteItems' ClientRequestToken -> (the request it came with, when it expires); each
  // stored with its transaction's batch ("txn" keys), read back at start.
  void load_transaction_tokens();
  std::mutex tokens_mutex_;
  std::map<std::string, std::pair<std::string, int64_t>> transaction_tokens_;
};

std::unique_ptr<DynamoDbService> make_dynamodb_service(DynamoDbDeps deps);

}  // namespace nimbus::dynamodb
