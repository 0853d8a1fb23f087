// Reading and changing object versions: the current record, a named version, installing a new
// version (with "null"-version replacement), permanent version removal and delete markers.

#include "services/s3/object_http.h"
#include "services/s3/object_operations.h"
#include "services/s3/s3_errors.h"

namespace nimbus::s3 {

std::optional<ObjectRecord> ObjectOperations::current(std::string_view bucket, std::string_view key) {
  auto value = records_.get(record_keys::current(bucket, key));
  if (!value) return std::nullopt;
  return decode_object(*value);
}

std::optional<ObjectRecord> ObjectOperations::find_version(std::string_view bucket, std::string_view key,
                                                           std::string_view version_id) {
  if (auto latest = current(bucket, key); latest && latest->version_id == version_id) return latest;
  std::optional<ObjectRecord> found;
  records_.scan(record_keys::versions_of(bucket, key), [&](std::string_view, std::string_view value) {
    if (decode_listed_object(value).version_id != version_id) return true;  // headers left unparsed
    found = decode_object(value);
    return false;
  });
  return found;
}

ObjectRecord ObjectOperations::require_version(const std::string& bucket, const std::string& key,
                                               const Json& input) {
  auto version_id = input.value("VersionId", "");
  if (version_id.empty()) {
    auto record = current(bucket, key);
    if (!record) throw errors::no_such_key(key);
    if (record->delete_marker) {
      auto error = errors::no_such_key(key);
      error.headers = {{"x-amz-delete-marker", "true"}, {"x-amz-version-id", record->version_id}};
      throw error;
    }
    return *record;
  }
  auto record = find_version(bucket, key, version_id);
  if (!record) {
    if (version_id != "null" && version_id.size() < 3) {
      throw errors::invalid_argument("Invalid version id specified", "versionId", version_id);
    }
    throw errors::no_such_version(key, version_id);
  }
  if (record->delete_marker) {
    auto error = errors::method_not_allowed("GET", "DeleteMarker");
    error.headers = {{"x-amz-delete-marker", "true"}, {"x-amz-version-id", record->version_id}};
    throw error;
  }
  return *record;
}

awaitable<ObjectRecord> ObjectOperations::install(const std::string& bucket, ObjectRecord record,
                                                  const Precondition& precondition,
                                                  const std::vector<std::string>& also_remove,
                                                  std::optional<std::string> inline_body, ObjectEvent event) {
  std::vector<std::string> replaced_files;
  RecordStore::Submitted submitted;
  delivery::Outbox::Staged deliveries;
  {
    auto lock = records_.lock();
    auto latest = current(bucket, record.key);
    if (precondition) precondition(latest);
    auto versioning = environment_.buckets.find(bucket).value_or(Bucket{}).versioning;
    record.sequence = records_.next_sequence(environment_.clock.now_ms());
    storage::WriteBatch batch;
    for (const auto& key : also_remove) batch.remove(kSpace, key);
    if (versioning == "Enabled") {
      record.version_id = new_version_id();
    } else {
      record.version_id = "null";
      std::optional<ObjectRecord> null_version;
      if (latest && latest->version_id == "null") {
        null_version = latest;
      } else if (versioning == "Suspended") {
        null_version = find_version(bucket, record.key, "null");
      }
      if (null_version) {
        batch.remove(kSpace, record_keys::version(bucket, record.key, null_version->sequence));
        drop_body(null_version->file, batch, replaced_files);
      }
    }
    if (inline_body) batch.put(kSpace, record_keys::inline_body(record.file), *inline_body);
    auto value = encode_object(record);
    batch.put(kSpace, record_keys::current(bucket, record.key), value);
    batch.put(kSpace, record_keys::version(bucket, record.key, record.sequence), value);
    deliveries = stage_event(event, record, batch);
    submitted = records_.submit(std::move(batch));
  }
  co_await records_.finish(std::move(submitted));
  deliveries.release();
  for (const auto& file : replaced_files) files_.remove(file);
  co_return record;
}

delivery::Outbox::Staged ObjectOperations::stage_event(const ObjectEvent& event, const ObjectRecord& object,
                                                       storage::WriteBatch& batch) {
  if (!event.context || !event.bucket) return {};
  return environment_.outbox.stage(batch, events_.object_event(event, object.summary(event.bucket->name)));
}

void ObjectOperations::drop_body(const std::string& name, storage::WriteBatch& batch, std::vector<std::string>& files) {
  if (name.empty()) return;
  if (is_inline_body(name)) {
    batch.remove(kSpace, record_keys::inline_body(name));
  } else {
    files.push_back(name);
  }
}

awaitable<std::optional<ObjectRecord>> ObjectOperations::remove_version(const std::string& bucket,
                                                                        const std::string& key,
                                                                        const std::string& version_id,
                                                                        ObjectEvent event) {
  std::optional<ObjectRecord> removed;
  std::vector<std::string> removed_files;
  RecordStore::Submitted submitted;
  delivery::Outbox::Staged deliveries;
  {
    auto lock = records_.lock();
    removed = find_version(bucket, key, version_id);
    if (!removed) co_return std::nullopt;
    storage::WriteBatch batch;
    batch.remove(kSpace, record_keys::version(bucket, key, removed->sequence));
    drop_body(removed->file, batch, removed_files);
    auto latest = current(bucket, key);
    if (latest && latest->sequence == removed->sequence) {
      std::optional<std::string> next;
      records_.scan(record_keys::versions_of(bucket, key), [&](std::string_view, std::string_view value) {
        if (decode_listed_object(value).sequence == removed->sequence) return true;
        next = std::string(value);
        return false;
      });
      if (next) {
        batch.put(kSpace, record_keys::current(bucket, key), *next);
      } else {
        batch.remove(kSpace, record_keys::current(bucket, key));
      }
    }
    deliveries = stage_event(event, *removed, batch);
    submitted = records_.submit(std::move(batch));
  }
  co_await records_.finish(std::move(submitted));
  deliveries.release();
  for (const auto& file : removed_files) files_.remove(file);
  co_return removed;
}

awaitable<ObjectOperations::DeleteOutcome> ObjectOperations::delete_current(RequestContext& context,
                                                                            const Bucket& bucket,
                                                                            const std::string& key) {
  auto versioning = environment_.buckets.find(bucket.name).value_or(bucket).versioning;
  DeleteOutcome outcome;
  if (versioning.empty()) {
    auto latest = current(bucket.name, key);
    if (!latest) co_return outcome;
    co_await remove_version(bucket.name, key, "null", {&context, &bucket, "ObjectRemoved:Delete"});
    co_return outcome;
  }
  ObjectRecord marker;
  marker.key = key;
  marker.delete_marker = true;
  marker.owner = context.account_id;
  marker.last_modified_ms = environment_.clock.now_ms();
  marker.etag.clear();
  marker.headers = Json::object();
  marker = co_await install(bucket.name, std::move(marker), {}, {}, std::nullopt,
                            {&context, &bucket, "ObjectRemoved:DeleteMarkerCreated"});
  outcome.delete_marker = true;
  outcome.version_id = marker.version_id;
  co_return outcome;
}

awaitable<void> ObjectOperations::rewrite_version(const std::string& bucket, const ObjectRecord& record) {
  RecordStore::Submitted submitted;
  {
    auto lock = records_.lock();
    auto stored = find_version(bucket, record.key, record.version_id);
    if (!stored || stored->sequence != record.sequence) throw errors::no_such_key(record.key);
    storage::WriteBatch batch;
    auto value = encode_object(record);
    batch.put(kSpace, record_keys::version(bucket, record.key, record.sequence), value);
    auto latest = current(bucket, record.key);
    if (latest && latest->sequence == record.sequence) batch.put(kSpace, record_keys::current(bucket, record.key), value);
    submitted = records_.submit(std::move(batch));
  }
  co_await records_.finish(std::move(submitted));
}

}  // namespace nimbus::s3
