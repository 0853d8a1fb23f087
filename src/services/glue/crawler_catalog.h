#pragma once
// What a crawl found and how it goes into the Data Catalog: each table's definition as Glue's
// crawler writes it (EXTERNAL_TABLE, string partition keys, the format's SerDe and input/output
// formats, and the crawler's table properties: classification, compressionType, recordCount,
// averageRecordSize, objectCount, sizeKey, typeOfData, UPDATED_BY_CRAWLER,
// CrawlerSchemaSerializerVersion / CrawlerSchemaDeserializerVersion, and for CSV its delimiter
// and header), its partitions with their own statistics, and the counts GetCrawlerMetrics shows.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "services/glue/crawler_layout.h"
#include "services/glue/crawler_schema.h"

namespace nimbus::glue::crawler {

struct TableFound {
  std::string bucket;
  TablePlan plan;
  Schema schema;
  std::string compression = "none";
};

struct CrawlResult {
  std::vector<TableFound> tables;
  // s3://bucket/prefix/ of every S3 target: tables the crawler made under them that it no longer
  // finds follow the DeleteBehavior.
  std::vector<std::string> target_locations;
};

struct CrawlCounts {
  int64_t tables_created = 0;
  int64_t tables_updated = 0;
  int64_t tables_deleted = 0;
  int64_t partitions_created = 0;
};

// The location of a folder of a bucket ("s3://bucket/folder/").
std::string location(const std::string& bucket, const std::string& folder);

// The StorageDescriptor and Parameters a partition (or, with every file, the table) gets.
nlohmann::json storage_descriptor(const TableFound& table, const std::string& folder, const nlohmann::json& parameters);
nlohmann::json statistics(const TableFound& table, const std::vector<ObjectInfo>& files, const std::string& crawler);
// CreateTable's TableInput for the table.
nlohmann::json table_input(const TableFound& table, const std::string& crawler);

}  // namespace nimbus::glue::crawler
