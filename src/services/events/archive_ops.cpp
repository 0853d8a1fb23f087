// Archives: CreateArchive, DescribeArchive, ListArchives, UpdateArchive, DeleteArchive. PutEvents
// writes each event into the archives of its bus that keep it (archive_index.h), in the batch that
// acknowledges the event.

#include "core/arn.h"
#include "storage/key_codec.h"
#include "core/ids.h"
#include "services/events/events_errors.h"
#include "services/events/events_service.h"
#include "services/events/list_page.h"

namespace nimbus::events {
namespace {

double seconds(int64_t ms) { return static_cast<double>(ms) / 1000.0; }

BusRef bus_of_arn(const std::string& text) {
  auto arn = parse_arn(text);
  if (!arn || arn->service != "events" || arn->resource.rfind("event-bus/", 0) != 0) throw errors::invalid_arn(text);
  return {arn->account, arn->region, arn->resource.substr(10)};
}

}  // namespace

std::string EventsService::archive_key(const RequestContext& context, const std::string& name) {
  return context.account_id + "/" + context.region + "/" + name;
}

Json EventsService::archive_record(const RequestContext& context, const std::string& name) const {
  auto record = archives_.get(archive_key(context, name));
  if (!record) throw errors::not_found("Archive " + name + " does not exist.");
  return *record;
}

std::pair<int64_t, int64_t> EventsService::archive_contents(const Json& archive) const {
  int64_t count = 0;
  int64_t bytes = 0;
  store_.scan(kEventsSpace, archived_prefix(archive["Uid"].get<std::string>()),
              [&](std::string_view, std::string_view value) {
                ++count;
                bytes += static_cast<int64_t>(value.size());
                return true;
              });
  return {count, bytes};
}

awaitable<Json> EventsService::create_archive(RequestContext& context, const Json& in) {
  std::string name = in.value("ArchiveName", "");
  check_name(name, "archiveName", 48);
  std::string source = in.value("EventSourceArn", "");
  BusRef bus = bus_of_arn(source);
  bus_record(bus);
  std::string pattern_text = in.value("EventPattern", "");
  if (!pattern_text.empty()) pattern::parse(pattern_text);
  int64_t now = clock_.now_ms();
  auto updated = archives_.update(
      archive_key(context, name),
      [&](std::optional<Json>& record) {
        if (record) throw errors::already_exists("Archive " + name + " already exists.");
        record = Json{{"ArchiveName", name},
                      {"ArchiveArn", "arn:aws:events:" + context.region + ":" + context.account_id + ":archive/" + name},
                      {"EventSourceArn", bus_arn(bus.account, bus.region, bus.name)},
                      {"BusKey", bus.key()},
                      {"Description", in.value("Description", "")},
                      {"EventPattern", pattern_text},
                      {"RetentionDays", in.value("RetentionDays", 0)},
                      {"State", "ENABLED"},
                      {"CreationMs", now},
                      {"Uid", ids::uuid4()}};
      },
      [&](storage::WriteBatch&, const std::optional<Json>& record) { archive_index_.put(*record); });
  co_await updated.first->wait();
  const auto& record = *updated.second;
  co_return Json{{"ArchiveArn", record["ArchiveArn"]}, {"State", "ENABLED"}, {"CreationTime", seconds(now)}};
}

awaitable<Json> EventsService::describe_archive(RequestContext& context, const Json& in) {
  Json archive = archive_record(context, in.value("ArchiveName", ""));
  auto [count, bytes] = archive_contents(archive);
  Json out = {{"ArchiveArn", archive["ArchiveArn"]}, {"ArchiveName", archive["ArchiveName"]},
              {"EventSourceArn", archive["EventSourceArn"]}, {"State", archive["State"]},
              {"RetentionDays", archive["RetentionDays"]}, {"SizeBytes", bytes}, {"EventCount", count},
              {"CreationTime", seconds(archive["CreationMs"].get<int64_t>())}};
  for (const char* field : {"Description", "EventPattern"}) {
    if (!archive.value(field, "").empty()) out[field] = archive[field];
  }
  co_return out;
}

awaitable<Json> EventsService::list_archives(RequestContext& context, const Json& in) {
  int filters = in.contains("NamePrefix") + in.contains("EventSourceArn") + in.contains("State");
  if (filters > 1) {
    throw errors::validation("At most one filter is allowed for ListArchives. Use either : State, EventSourceArn, or "
                             "NamePrefix.");
  }
  std::vector<Json> listed;
  for (const auto& [key, archive] : archives_.list(context.account_id + "/" + context.region + "/")) {
    if (archive["ArchiveName"].get<std::string>().rfind(in.value("NamePrefix", ""), 0) != 0) continue;
    if (in.contains("EventSourceArn") && archive["EventSourceArn"] != in["EventSourceArn"]) continue;
    if (in.contains("State") && archive["State"] != in["State"]) continue;
    auto [count, bytes] = archive_contents(archive);
    listed.push_back({{"ArchiveName", archive["ArchiveName"]}, {"EventSourceArn", archive["EventSourceArn"]},
                      {"State", archive["State"]}, {"RetentionDays", archive["RetentionDays"]},
                      {"SizeBytes", bytes}, {"EventCount", count},
                      {"CreationTime", seconds(archive["CreationMs"].get<int64_t>())}});
  }
  co_return list_page(listed, in, "Archives");
}

awaitable<Json> EventsService::update_archive(RequestContext& context, const Json& in) {
  std::string name = in.value("ArchiveName", "");
  if (in.contains("EventPattern") && !in["EventPattern"].get<std::string>().empty()) {
    pattern::parse(in["EventPattern"].get<std::string>());
  }
  auto updated = archives_.update(
      archive_key(context, name),
      [&](std::optional<Json>& record) {
        if (!record) throw errors::not_found("Archive " + name + " does not exist.");
        for (const char* field : {"Description", "EventPattern", "RetentionDays"}) {
          if (in.contains(field)) (*record)[field] = in[field];
        }
      },
      [&](storage::WriteBatch&, const std::optional<Json>& record) { archive_index_.put(*record); });
  co_await updated.first->wait();
  const auto& record = *updated.second;
  co_return Json{{"ArchiveArn", record["ArchiveArn"]}, {"State", record["State"]},
                 {"CreationTime", seconds(record["CreationMs"].get<int64_t>())}};
}

awaitable<Json> EventsService::delete_archive(RequestContext& context, const Json& in) {
  std::string name = in.value("ArchiveName", "");
  Json archive = archive_record(context, name);
  auto updated = archives_.update(
      archive_key(context, name), [](std::optional<Json>& record) { record.reset(); },
      [&](storage::WriteBatch& batch, const std::optional<Json>&) {
        archive_index_.remove(archive["BusKey"].get<std::string>(), name);
        store_.scan(kEventsSpace, archived_prefix(archive["Uid"].get<std::string>()),
                    [&](std::string_view key, std::string_view) {
                      batch.remove(kEventsSpace, key);
                      return true;
                    });
      });
  co_await updated.first->wait();
  co_return Json::object();
}

int64_t EventsService::expire_archived_events() {
  int64_t now = clock_.now_ms();
  int64_t expired = 0;
  storage::WriteBatch batch;
  for (const auto& [key, archive] : archives_.list("")) {
    int64_t days = archive.value("RetentionDays", int64_t{0});
    if (days <= 0) continue;  // 0: kept indefinitely
    int64_t cutoff = now - days * 86'400'000;
    auto prefix = archived_prefix(archive["Uid"].get<std::string>());
    // Keys are in event-time order: stop at the first event still within the retention.
    store_.scan(kEventsSpace, prefix, [&](std::string_view event_key, std::string_view) {
      auto time = storage::keys::read_u64(event_key.substr(prefix.size(), 8));
      if (!time || static_cast<int64_t>(*time) >= cutoff) return false;
      batch.remove(kEventsSpace, event_key);
      return ++expired < 10'000;  // the next tick takes the rest
    });
  }
  // Not awaited: an expiry lost in a crash is redone by the next sweep.
  if (expired > 0) store_.submit(std::move(batch));
  return expired;
}

}  // namespace nimbus::events
