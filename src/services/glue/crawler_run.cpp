// One crawl from RUNNING to READY: list each S3 target through S3's ListObjectsV2, group the
// objects into tables and partitions (crawler_layout.h), locate a few sample files of each table
// through S3's GetObject (_InPlace), infer their schema with DuckDB on the crawl pool
// (crawler_schema.h), write the catalog (crawler_catalog.cpp), then STOPPING and READY with the
// LastCrawl and the metrics.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fstream>
#include <functional>

#include "core/log.h"
#include "services/glue/crawler_catalog.h"
#include "services/glue/crawler_records.h"
#include "services/glue/glue_service.h"
#include "sql/duckdb_session.h"

namespace nimbus::glue {

namespace asio = boost::asio;
using namespace crawler;

namespace {

constexpr size_t kSamplesPerTable = 3;
constexpr size_t kSignatureLeaves = 64;
constexpr size_t kMaxRuntimes = 50;

// A crawl's failure as LastCrawl.ErrorMessage shows it.
struct CrawlFailure {
  std::string message;
};

struct CrawlCancelled {};

// Where S3 keeps one object: its body file, or its bytes when S3 keeps them in the record.
struct Located {
  std::string key;
  int64_t size = 0;
  std::string body_file;
  std::optional<std::string> bytes;
};

// The file DuckDB reads for an object: a link named with the key's extension (which tells
// DuckDB its compression), or the bytes written out.
SampleFile link_sample(const Located& object, const std::filesystem::path& dir, size_t index) {
  std::filesystem::create_directories(dir);
  std::string name = object.key.substr(object.key.rfind('/') + 1);
  auto path = dir / (std::to_string(index) + "-" + name);
  if (object.bytes) {
    std::ofstream(path, std::ios::binary) << *object.bytes;
  } else {
    std::error_code error;
    std::filesystem::create_symlink(object.body_file, path, error);
    if (error) throw std::runtime_error("cannot link a sample file");
  }
  return {path.string(), object.size};
}

std::string head_of(const Located& object) {
  if (object.bytes) return object.bytes->substr(0, 512);
  std::ifstream in(object.body_file, std::ios::binary);
  std::string head(512, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  return head;
}

awaitable<std::shared_ptr<sql::DuckDbSession>> open_session(sql::EngineLimits limits) {
  co_return std::make_shared<sql::DuckDbSession>(limits);
}

// The signature of each leaf folder from its first file.
awaitable<std::map<std::string, Signature>> leaf_signatures(std::shared_ptr<sql::DuckDbSession> session,
                                                            std::vector<std::pair<std::string, Located>> leaves,
                                                            std::filesystem::path dir) {
  std::map<std::string, Signature> out;
  size_t index = 0;
  for (const auto& [folder, object] : leaves) {
    Signature signature;
    signature.format = detect_format(object.key, head_of(object));
    try {
      auto schema = infer_schema(*session, signature.format, {link_sample(object, dir, index++)});
      for (const auto& column : schema.columns) signature.columns.insert(column.name);
    } catch (const sql::EngineError& error) {
      if (error.kind() == sql::EngineError::Kind::Interrupted) throw;
      // An unreadable file still has its format.
    }
    out[folder] = std::move(signature);
  }
  co_return out;
}

// The schema of one table from its samples (those of the first sample's format).
awaitable<std::pair<Schema, std::string>> table_schema(std::shared_ptr<sql::DuckDbSession> session,
                                                        std::vector<Located> samples, std::filesystem::path dir) {
  DataFormat format = detect_format(samples.front().key, head_of(samples.front()));
  std::vector<SampleFile> files;
  size_t index = 0;
  for (const auto& sample : samples) {
    if (detect_format(sample.key, head_of(sample)) != format) continue;
    files.push_back(link_sample(sample, dir, index++));
  }
  Schema schema = infer_schema(*session, format, files);
  co_return std::make_pair(std::move(schema), compression_type(samples.front().key));
}

// Up to kSamplesPerTable files from different partitions: the first, the last, the middle.
std::vector<ObjectInfo> pick_samples(const TablePlan& plan) {
  std::vector<ObjectInfo> out;
  const auto& partitions = plan.partitions;
  if (partitions.empty()) return out;
  std::vector<size_t> order = {0, partitions.size() - 1, partitions.size() / 2};
  std::set<size_t> used;
  for (size_t index : order) {
    if (!used.insert(index).second || partitions[index].files.empty()) continue;
    out.push_back(partitions[index].files.front());
  }
  for (size_t i = 1; out.size() < kSamplesPerTable && !partitions[0].files.empty() && i < partitions[0].files.size(); ++i) {
    out.push_back(partitions[0].files[i]);
  }
  return out;
}

std::string crawl_error(const AwsError& error, const std::string& bucket) {
  if (error.code == "NoSuchBucket") {
    return "Internal Service Exception: The specified bucket does not exist (Service: Amazon S3; Status Code: 404; "
           "Error Code: NoSuchBucket; Bucket: " + bucket + ")";
  }
  return "Internal Service Exception: " + error.code + ": " + error.message;
}

}  // namespace

awaitable<void> GlueService::run_crawl(RequestContext context, std::string key, std::string crawl_id) {
  std::shared_ptr<CrawlerState> crawlers = crawlers_;
  Json crawler_record;
  {
    std::lock_guard lock(crawlers->mutex);
    const Json* found = crawlers->find(key);
    if (!found || found->value("_CrawlId", "") != crawl_id) co_return;
    crawler_record = *found;
  }
  int64_t started_ms = crawler_record.value("_CrawlStartMs", clock_.now_ms());
  std::string name = crawler_record.value("Name", "");
  std::string table_prefix = crawler_record.value("TablePrefix", "");
  auto scratch = crawl_files_ / crawl_id;
  auto is_cancelled = [&] {
    std::lock_guard running(crawlers->running_mutex);
    return crawlers->cancelled.count(crawl_id) > 0 || crawlers->stopping;
  };

  std::optional<std::string> failure;
  bool cancelled = false;
  CrawlResult result;
  CrawlCounts counts;
  std::shared_ptr<sql::DuckDbSession> session;
  try {
    auto opening = asio::co_spawn(*crawlers->pool, open_session({"512MB", 1, scratch / "spill"}), asio::use_awaitable);
    session = co_await std::move(opening);
    {
      std::lock_guard running(crawlers->running_mutex);
      crawlers->sessions[crawl_id] = session;
    }
    auto targets = s3_targets(crawler_record);
    if (targets.empty()) throw CrawlFailure{"nimbus crawls S3 targets only: the crawler has no S3 target"};
    size_t link_index = 0;
    std::set<std::string> names;
    for (const auto& target : targets) {
      S3Path path = parse_s3_path(target.path);
      result.target_locations.push_back(location(path.bucket, path.prefix));
      // 1. The objects under the target, as ListObjectsV2 pages them.
      std::vector<ObjectInfo> objects;
      std::optional<std::string> token;
      do {
        Json request = {{"Bucket", path.bucket}, {"Prefix", path.prefix}};
        if (token) request["ContinuationToken"] = *token;
        delivery::Target list{"s3", "ListObjectsV2", context.account_id, context.region, request};
        std::optional<AwsError> list_error;
        Json page;
        try {
          page = co_await call_(list, context);
        } catch (const AwsError& error) {
          list_error = error;
        }
        if (list_error) throw CrawlFailure{crawl_error(*list_error, path.bucket)};
        for (const auto& object : page.value("Contents", Json::array())) {
          std::string object_key = object.value("Key", "");
          if (skipped(std::string_view(object_key).substr(path.prefix.size()), target.exclusions)) continue;
          if (object.value("Size", int64_t{0}) == 0) continue;
          objects.push_back({object_key, object.value("Size", int64_t{0})});
        }
        token.reset();
        if (page.value("IsTruncated", false) && page.contains("NextContinuationToken")) {
          token = page["NextContinuationToken"].get<std::string>();
        }
      } while (token);
      if (is_cancelled()) throw CrawlCancelled{};

      // 2. Folders' signatures where the layout has to tell tables apart.
      auto leaves = leaf_folders(objects);
      bool all_hive = true;
      for (const auto& [folder, files] : leaves) {
        std::string_view relative = std::string_view(folder).substr(path.prefix.size());
        size_t start = 0;
        while (start < relative.size()) {
          auto slash = relative.find('/', start);
          if (relative.substr(start, slash - start).find('=') == std::string_view::npos) all_hive = false;
          if (slash == std::string_view::npos) break;
          start = slash + 1;
        }
      }
      std::map<std::string, Signature> signatures;
      if (leaves.size() > 1 && !all_hive) {
        std::vector<std::pair<std::string, Located>> located;
        for (const auto& leaf : leaves) {
          if (located.size() == kSignatureLeaves) break;
          const ObjectInfo& first = leaf.second.front();
          delivery::Target get{"s3", "GetObject", context.account_id, context.region,
                               {{"Bucket", path.bucket}, {"Key", first.key}, {"_InPlace", true}}};
          Json found = co_await call_(get, context);
          Located object{first.key, first.size, found.value("_BodyFile", ""), std::nullopt};
          if (!found.contains("_BodyFile")) object.bytes = found.value("Body", "");
          located.emplace_back(leaf.first, std::move(object));
        }
        auto signing = asio::co_spawn(*crawlers->pool,
                                      leaf_signatures(session, std::move(located), scratch / std::to_string(link_index++)),
                                      asio::use_awaitable);
        signatures = co_await std::move(signing);
      }

      // 3. Tables, their samples and schemas.
      auto plans = plan_tables(path.bucket, path.prefix, objects, signatures, table_prefix);
      for (auto& plan : plans) {
        if (is_cancelled()) throw CrawlCancelled{};
        std::vector<Located> samples;
        for (const auto& sample : pick_samples(plan)) {
          delivery::Target get{"s3", "GetObject", context.account_id, context.region,
                               {{"Bucket", path.bucket}, {"Key", sample.key}, {"_InPlace", true}}};
          Json found = co_await call_(get, context);
          Located object{sample.key, sample.size, found.value("_BodyFile", ""), std::nullopt};
          if (!found.contains("_BodyFile")) object.bytes = found.value("Body", "");
          samples.push_back(std::move(object));
        }
        if (samples.empty()) continue;
        auto inferring = asio::co_spawn(*crawlers->pool,
                                        table_schema(session, std::move(samples), scratch / std::to_string(link_index++)),
                                        asio::use_awaitable);
        auto inferred = co_await std::move(inferring);
        if (inferred.first.columns.empty()) continue;
        // Two folders of one name: Glue tells their tables apart with a hash of the location.
        if (!names.insert(plan.name).second) {
          plan.name += "_" + std::to_string(std::hash<std::string>{}(location(path.bucket, plan.folder)) % 0xfffffff);
          names.insert(plan.name);
        }
        result.tables.push_back({path.bucket, std::move(plan), std::move(inferred.first), std::move(inferred.second)});
      }
    }
    if (is_cancelled()) throw CrawlCancelled{};
  } catch (const CrawlFailure& error) {
    failure = error.message;
  } catch (const CrawlCancelled&) {
    cancelled = true;
  } catch (const sql::EngineError& error) {
    if (error.kind() == sql::EngineError::Kind::Interrupted) {
      cancelled = true;
    } else {
      failure = std::string("Internal Service Exception: the data could not be classified: ") + error.what();
    }
  } catch (const AwsError& error) {
    failure = crawl_error(error, "");
  } catch (const std::exception& error) {
    failure = std::string("Internal Service Exception: ") + error.what();
  }
  {
    std::lock_guard running(crawlers->running_mutex);
    crawlers->sessions.erase(crawl_id);
    crawlers->cancelled.erase(crawl_id);
  }
  session.reset();
  std::error_code ignored;
  std::filesystem::remove_all(scratch, ignored);

  // 4. The catalog, then STOPPING, then READY with the LastCrawl.
  if (!failure && !cancelled) {
    std::shared_ptr<storage::PendingCommit> written;
    try {
      counts = write_crawl(context, crawler_record, result, written);
    } catch (const std::exception& error) {
      failure = std::string("Internal Service Exception: ") + error.what();
    }
    if (written) co_await written->wait();
  }
  std::shared_ptr<storage::PendingCommit> stopping;
  {
    std::lock_guard lock(crawlers->mutex);
    const Json* found = crawlers->find(key);
    if (found && found->value("_CrawlId", "") == crawl_id) {
      Json record = *found;
      record["State"] = "STOPPING";
      storage::WriteBatch batch;
      crawlers->put(batch, key, std::move(record));
      stopping = store_.submit(std::move(batch));
    }
  }
  if (!stopping) co_return;
  co_await stopping->wait();
  std::shared_ptr<storage::PendingCommit> ready;
  {
    std::lock_guard lock(crawlers->mutex);
    const Json* found = crawlers->find(key);
    if (!found || found->value("_CrawlId", "") != crawl_id) co_return;
    Json record = *found;
    cancelled = cancelled || record.value("_Cancelled", false);
    Json last = {{"Status", failure ? "FAILED" : cancelled ? "CANCELLED" : "SUCCEEDED"},
                 {"LogGroup", "/aws-glue/crawlers"},
                 {"LogStream", name},
                 {"MessagePrefix", crawl_id},
                 {"StartTime", record.value("_CrawlStart", now())}};
    if (failure) last["ErrorMessage"] = *failure;
    record["LastCrawl"] = last;
    record["State"] = "READY";
    double runtime = static_cast<double>(clock_.now_ms() - started_ms) / 1000.0;
    Json metrics = record.value("_Metrics", Json::object());
    Json runtimes = metrics.value("Runtimes", Json::array());
    runtimes.push_back(runtime);
    if (runtimes.size() > kMaxRuntimes) runtimes.erase(runtimes.begin());
    metrics["Runtimes"] = runtimes;
    metrics["LastRuntimeSeconds"] = runtime;
    metrics["TablesCreated"] = counts.tables_created;
    metrics["TablesUpdated"] = counts.tables_updated;
    metrics["TablesDeleted"] = counts.tables_deleted;
    record["_Metrics"] = metrics;
    for (const char* member : {"_CrawlId", "_CrawlStart", "_CrawlStartMs", "_Cancelled"}) record.erase(member);
    storage::WriteBatch batch;
    crawlers->put(batch, key, std::move(record));
    ready = store_.submit(std::move(batch));
  }
  co_await ready->wait();
  NIMBUS_LOG(Info, "glue: crawler " + name + " crawl " + crawl_id + " ended " +
                       (failure ? "FAILED: " + *failure : cancelled ? std::string("CANCELLED") : std::string("SUCCEEDED")));
}

}  // namespace nimbus::glue
