#pragma once
// Athena's DDL and utility statements (Hive's DDL dialect): a lexer and parser from the
// statement's text to a HiveStatement, the catalog change or read it asks for. Pure (std and
// nlohmann::json only; the fuzz build compiles it standalone): catalog_statements.cpp runs the
// result through Glue's operations. Names are lowercased as Hive stores them; types are
// normalised ("ARRAY<STRUCT<a: INT>>" -> "array<struct<a:int>>", "DECIMAL" -> "decimal(10,0)").

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nimbus::athena {

// A statement that cannot run, with Athena's AthenaError category and type: syntax errors
// (category 2, type 1000, "FAILED: ParseException line 1:7 ..."), statements nimbus does not
// run yet (2, 1000, "NOT_SUPPORTED: ..."), semantic errors found while parsing (2, 1003).
class DdlError : public std::runtime_error {
 public:
  DdlError(int category, int type, const std::string& message)
      : std::runtime_error(message), category_(category), type_(type) {}
  int category() const { return category_; }
  int type() const { return type_; }

 private:
  int category_;
  int type_;
};

enum class HiveStatementKind {
  CreateDatabase,
  DropDatabase,
  CreateTable,
  DropTable,
  RepairTable,     // MSCK REPAIR TABLE
  AddPartitions,   // ALTER TABLE ... ADD PARTITION
  DropPartitions,  // ALTER TABLE ... DROP PARTITION
  ShowDatabases,
  ShowTables,
  ShowPartitions,
  ShowColumns,
  ShowCreateTable,
  ShowTblProperties,
  Describe,
};

struct HiveColumn {
  std::string name;  // lowercased
  std::string type;  // normalised Hive type
  std::optional<std::string> comment;
};

using Properties = std::vector<std::pair<std::string, std::string>>;

// PARTITION (k='v', ...) [LOCATION '...']: values as written (numbers as their text).
struct PartitionSpec {
  Properties values;  // key lowercased
  std::optional<std::string> location;
};

// A table's storage from ROW FORMAT / STORED AS, before defaults (hive_ddl_glue.h applies them).
struct HiveStorage {
  std::optional<std::string> serde;          // ROW FORMAT SERDE 'class'
  Properties serde_properties;               // WITH SERDEPROPERTIES (...)
  bool delimited = false;                    // ROW FORMAT DELIMITED
  Properties delimiters;                     // field.delim, escape.delim, ... in the order given
  std::optional<std::string> stored_as;      // PARQUET, TEXTFILE, ... (upper-cased)
  std::optional<std::string> input_format;   // STORED AS INPUTFORMAT '...'
  std::optional<std::string> output_format;  //           OUTPUTFORMAT '...'
};

struct HiveStatement {
  HiveStatementKind kind = HiveStatementKind::ShowDatabases;
  bool if_exists = false;               // IF EXISTS (drops) or IF NOT EXISTS (creates, ADD PARTITION)
  bool cascade = false;                 // DROP DATABASE ... CASCADE
  std::string database;                 // the statement's database (CREATE/DROP DATABASE, SHOW TABLES IN,
                                        // a qualified table name); "" for the query's database
  std::string table;                    // lowercased table name
  std::optional<std::string> pattern;   // SHOW DATABASES LIKE / SHOW TABLES pattern
  std::optional<std::string> comment;   // COMMENT '...'
  std::optional<std::string> location;  // LOCATION '...'
  std::optional<std::string> property;  // SHOW TBLPROPERTIES t ('name')
  Properties properties;                // DBPROPERTIES or TBLPROPERTIES
  std::vector<HiveColumn> columns;
  std::vector<HiveColumn> partition_keys;
  HiveStorage storage;
  std::vector<PartitionSpec> partitions;
};

// Parses one statement (a trailing ';' allowed). Throws DdlError.
HiveStatement parse_hive_ddl(std::string_view sql);

// A Hive type normalised ("Array< INT >" -> "array<int>"). Throws DdlError.
std::string normalize_hive_type(std::string_view type);

// Hive's SHOW TABLES / SHOW DATABASES pattern: alternatives split by '|', '*' any run, '.' any
// character, others literal; case-insensitive, whole name.
bool hive_pattern_match(std::string_view pattern, std::string_view name);

}  // namespace nimbus::athena
