#include "services/athena/hive_ddl_glue.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <set>

namespace nimbus::athena {

using Json = nlohmann::json;

namespace {

constexpr const char* kLazySimple = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe";
constexpr const char* kTextInput = "org.apache.hadoop.mapred.TextInputFormat";
constexpr const char* kTextOutput = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat";
constexpr size_t kAlignment = 20;  // Hive's column alignment in DESCRIBE and SHOW COLUMNS

struct Formats {
  const char* serde;
  const char* input;
  const char* output;
};

// What STORED AS <format> means (Hive's storage format descriptors).
const std::map<std::string, Formats>& stored_as_formats() {
  static const std::map<std::string, Formats> formats = {
      {"PARQUET",
       {"org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
        "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
        "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"}},
      {"TEXTFILE", {kLazySimple, kTextInput, kTextOutput}},
      {"JSON", {"org.apache.hadoop.hive.serde2.JsonSerDe", kTextInput, kTextOutput}},
      {"JSONFILE", {"org.apache.hadoop.hive.serde2.JsonSerDe", kTextInput, kTextOutput}},
      {"ORC",
       {"org.apache.hadoop.hive.ql.io.orc.OrcSerde", "org.apache.hadoop.hive.ql.io.orc.OrcInputFormat",
        "org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat"}},
      {"AVRO",
       {"org.apache.hadoop.hive.serde2.avro.AvroSerDe", "org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat",
        "org.apache.hadoop.hive.ql.io.avro.AvroContainerOutputFormat"}},
      {"SEQUENCEFILE",
       {kLazySimple, "org.apache.hadoop.mapred.SequenceFileInputFormat",
        "org.apache.hadoop.hive.ql.io.HiveSequenceFileOutputFormat"}},
      {"RCFILE",
       {"org.apache.hadoop.hive.serde2.columnar.LazyBinaryColumnarSerDe",
        "org.apache.hadoop.hive.ql.io.RCFileInputFormat", "org.apache.hadoop.hive.ql.io.RCFileOutputFormat"}},
      {"ION",
       {"com.amazon.ionhiveserde.IonHiveSerDe", "com.amazon.ionhiveserde.formats.IonInputFormat",
        "com.amazon.ionhiveserde.formats.IonOutputFormat"}},
  };
  return formats;
}

// SerDes whose columns Hive reads from the metastore; any other describes its columns itself
// ("from deserializer").
bool metastore_schema(const std::string& serde) {
  static const std::set<std::string> serdes = {kLazySimple,
                                               "org.apache.hadoop.hive.serde2.columnar.ColumnarSerDe",
                                               "org.apache.hadoop.hive.serde2.columnar.LazyBinaryColumnarSerDe",
                                               "org.apache.hadoop.hive.serde2.dynamic_type.DynamicSerDe",
                                               "org.apache.hadoop.hive.serde2.MetadataTypedColumnsetSerDe",
                                               "org.apache.hadoop.hive.ql.io.orc.OrcSerde",
                                               "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"};
  return serde.empty() || serdes.contains(serde);
}

Json column_json(const HiveColumn& column) {
  Json out = {{"Name", column.name}, {"Type", column.type}};
  if (column.comment) out["Comment"] = *column.comment;
  return out;
}

std::string pad(std::string_view text) {
  std::string out(text);
  if (out.size() < kAlignment) out.append(kAlignment - out.size(), ' ');
  return out;
}

// Java's string escapes as Hive prints property values and comments (\t, \n, \\, \uXXXX for
// other control characters), with ' and ; escaped for the command line.
std::string escape_value(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    switch (c) {
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\'':
        out += "\\'";
        break;
      case ';':
        out += "\\;";
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04X", c);
          out += buffer;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

std::string text_of(const Json& object, const char* member) {
  auto it = object.find(member);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

const Json& member_object(const Json& object, const char* member) {
  static const Json empty = Json::object();
  auto it = object.find(member);
  return it != object.end() && it->is_object() ? *it : empty;
}

const Json& member_array(const Json& object, const char* member) {
  static const Json empty = Json::array();
  auto it = object.find(member);
  return it != object.end() && it->is_array() ? *it : empty;
}

bool needs_escape(unsigned char c) {
  if (c >= 0x01 && c <= 0x1F) return true;
  switch (c) {
    case '"':
    case '#':
    case '%':
    case '\'':
    case '*':
    case '/':
    case ':':
    case '=':
    case '?':
    case '\\':
    case 0x7F:
    case '{':
    case '[':
    case ']':
    case '^':
      return true;
    default:
      return false;
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

}  // namespace

Json database_input(const HiveStatement& statement) {
  Json out = {{"Name", statement.database}, {"Parameters", Json::object()}};
  if (statement.comment) out["Description"] = *statement.comment;
  if (statement.location) out["LocationUri"] = *statement.location;
  for (const auto& [key, value] : statement.properties) out["Parameters"][key] = value;
  return out;
}

Json table_input(const HiveStatement& statement, int64_t now_seconds) {
  const HiveStorage& storage = statement.storage;
  const Formats* stored = nullptr;
  if (storage.stored_as) {
    auto found = stored_as_formats().find(*storage.stored_as);
    if (found != stored_as_formats().end()) stored = &found->second;
  }
  std::string serde = storage.serde       ? *storage.serde
                      : storage.delimited ? kLazySimple
                      : stored            ? stored->serde
                                          : kLazySimple;
  std::string input = storage.input_format ? *storage.input_format : stored ? stored->input : kTextInput;
  std::string output = storage.output_format ? *storage.output_format : stored ? stored->output : kTextOutput;

  Json serde_parameters = {{"serialization.format", "1"}};
  for (const auto& [key, value] : storage.delimiters) {
    serde_parameters[key] = value;
    if (key == "field.delim") serde_parameters["serialization.format"] = value;
  }
  for (const auto& [key, value] : storage.serde_properties) serde_parameters[key] = value;

  Json columns = Json::array();
  for (const auto& column : statement.columns) columns.push_back(column_json(column));
  Json keys = Json::array();
  for (const auto& key : statement.partition_keys) keys.push_back(column_json(key));

  Json parameters = {{"EXTERNAL", "TRUE"}};
  for (const auto& [key, value] : statement.properties) parameters[key] = value;
  if (statement.comment) parameters["comment"] = *statement.comment;
  parameters["transient_lastDdlTime"] = std::to_string(now_seconds);

  Json descriptor = {{"Columns", columns},
                     {"InputFormat", input},
                     {"OutputFormat", output},
                     {"Compressed", false},
                     {"NumberOfBuckets", -1},
                     {"SerdeInfo", {{"SerializationLibrary", serde}, {"Parameters", serde_parameters}}},
                     {"BucketColumns", Json::array()},
                     {"SortColumns", Json::array()},
                     {"Parameters", Json::object()},
                     {"SkewedInfo",
                      {{"SkewedColumnNames", Json::array()},
                       {"SkewedColumnValues", Json::array()},
                       {"SkewedColumnValueLocationMaps", Json::object()}}},
                     {"StoredAsSubDirectories", false}};
  if (statement.location) descriptor["Location"] = *statement.location;
  return {{"Name", statement.table},        {"Owner", "hadoop"},        {"Retention", 0},
          {"TableType", "EXTERNAL_TABLE"},  {"Parameters", parameters}, {"PartitionKeys", keys},
          {"StorageDescriptor", descriptor}};
}

std::string escape_path_name(std::string_view value) {
  if (value.empty()) return "__HIVE_DEFAULT_PARTITION__";
  std::string out;
  for (unsigned char c : value) {
    if (needs_escape(c)) {
      char buffer[4];
      std::snprintf(buffer, sizeof buffer, "%%%02X", c);
      out += buffer;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string unescape_path_name(std::string_view name) {
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '%' && i + 2 < name.size() + 0 && hex_value(name[i + 1]) >= 0 && hex_value(name[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(name[i + 1]) * 16 + hex_value(name[i + 2]));
      i += 2;
    } else {
      out += name[i];
    }
  }
  return out;
}

std::string partition_name(const Json& partition_keys, const std::vector<std::string>& values) {
  std::string out;
  for (size_t i = 0; i < values.size() && i < partition_keys.size(); ++i) {
    if (i) out += '/';
    out += escape_path_name(text_of(partition_keys[i], "Name")) + "=" + escape_path_name(values[i]);
  }
  return out;
}

std::optional<std::vector<std::string>> partition_values_from_key(const Json& partition_keys,
                                                                  std::string_view relative_key) {
  if (!partition_keys.is_array() || partition_keys.empty()) return std::nullopt;
  std::vector<std::string> values;
  size_t start = 0;
  for (const auto& key : partition_keys) {
    auto slash = relative_key.find('/', start);
    if (slash == std::string_view::npos) return std::nullopt;  // a file, not a folder
    auto segment = relative_key.substr(start, slash - start);
    if (segment.empty() || segment.front() == '_' || segment.front() == '.') return std::nullopt;
    auto equals = segment.find('=');
    if (equals == std::string_view::npos || equals + 1 == segment.size()) return std::nullopt;
    if (lower(unescape_path_name(segment.substr(0, equals))) != lower(text_of(key, "Name"))) return std::nullopt;
    values.push_back(unescape_path_name(segment.substr(equals + 1)));
    start = slash + 1;
  }
  return values;
}

std::string partition_location(std::string_view table_location, std::string_view partition_name) {
  std::string out(table_location);
  while (out.ends_with("/")) out.pop_back();
  return out + "/" + std::string(partition_name);
}

std::vector<std::string> describe_lines(const Json& table) {
  const Json& sd = member_object(table, "StorageDescriptor");
  bool from_deserializer = !metastore_schema(text_of(member_object(sd, "SerdeInfo"), "SerializationLibrary"));
  auto line = [&](const Json& column) {
    std::string comment = text_of(column, "Comment");
    if (comment.empty() && from_deserializer) comment = "from deserializer";
    return pad(text_of(column, "Name")) + "\t" + pad(text_of(column, "Type")) + "\t" + pad(comment);
  };
  std::vector<std::string> out;
  for (const auto& column : member_array(sd, "Columns")) out.push_back(line(column));
  const Json& keys = member_array(table, "PartitionKeys");
  if (!keys.empty()) {
    out.push_back("\t \t ");
    out.push_back("# Partition Information\t \t ");
    out.push_back("# " + pad("col_name") + "\t" + pad("data_type") + "\t" + pad("comment"));
    out.push_back("\t \t ");
    for (const auto& key : keys) out.push_back(line(key));
  }
  return out;
}

std::vector<std::string> show_columns_rows(const Json& table) {
  std::vector<std::string> out;
  for (const auto& column : member_array(member_object(table, "StorageDescriptor"), "Columns")) {
    out.push_back(pad(text_of(column, "Name")));
  }
  for (const auto& key : member_array(table, "PartitionKeys")) out.push_back(pad(text_of(key, "Name")));
  return out;
}

std::vector<std::string> show_create_table_lines(const Json& table) {
  const Json& sd = member_object(table, "StorageDescriptor");
  const Json& serde = member_object(sd, "SerdeInfo");
  Json parameters = member_object(table, "Parameters");
  bool external = text_of(table, "TableType") == "EXTERNAL_TABLE";
  std::vector<std::string> out;
  auto column_lines = [&](const Json& columns) {
    for (size_t i = 0; i < columns.size(); ++i) {
      std::string line = "  `" + text_of(columns[i], "Name") + "` " + text_of(columns[i], "Type");
      std::string comment = text_of(columns[i], "Comment");
      if (!comment.empty()) line += " COMMENT '" + escape_value(comment) + "'";
      out.push_back(line + (i + 1 < columns.size() ? ", " : ")"));
    }
  };
  out.push_back(std::string("CREATE ") + (external ? "EXTERNAL " : "") + "TABLE `" + text_of(table, "Name") + "`(");
  const Json& columns = member_array(sd, "Columns");
  if (columns.empty()) out.back() += ")";
  column_lines(columns);
  if (parameters.contains("comment") && parameters["comment"].is_string()) {
    out.push_back("COMMENT '" + escape_value(parameters["comment"].get<std::string>()) + "'");
  }
  const Json& keys = member_array(table, "PartitionKeys");
  if (!keys.empty()) {
    out.push_back("PARTITIONED BY ( ");
    column_lines(keys);
  }
  out.push_back("ROW FORMAT SERDE ");
  out.push_back("  '" + escape_value(text_of(serde, "SerializationLibrary")) + "' ");
  Json serde_parameters = member_object(serde, "Parameters");
  if (serde_parameters.contains("serialization.format") && serde_parameters["serialization.format"] == "1") {
    serde_parameters.erase("serialization.format");
  }
  if (!serde_parameters.empty()) {
    out.push_back("WITH SERDEPROPERTIES ( ");
    size_t i = 0;
    for (const auto& [key, value] : serde_parameters.items()) {
      std::string text = value.is_string() ? value.get<std::string>() : value.dump();
      out.push_back("  '" + escape_value(key) + "'='" + escape_value(text) + "'" +
                    (++i < serde_parameters.size() ? ", " : ") "));
    }
  }
  out.push_back("STORED AS INPUTFORMAT ");
  out.push_back("  '" + escape_value(text_of(sd, "InputFormat")) + "' ");
  out.push_back("OUTPUTFORMAT ");
  out.push_back("  '" + escape_value(text_of(sd, "OutputFormat")) + "'");
  if (sd.contains("Location")) {
    out.push_back("LOCATION");
    out.push_back("  '" + escape_value(text_of(sd, "Location")) + "'");
  }
  parameters.erase("EXTERNAL");
  parameters.erase("comment");
  if (!parameters.empty()) {
    out.push_back("TBLPROPERTIES (");
    size_t i = 0;
    for (const auto& [key, value] : parameters.items()) {
      std::string text = value.is_string() ? value.get<std::string>() : value.dump();
      out.push_back("  '" + escape_value(key) + "'='" + escape_value(text) + "'" +
                    (++i < parameters.size() ? ", " : ")"));
    }
  }
  return out;
}

}  // namespace nimbus::athena
