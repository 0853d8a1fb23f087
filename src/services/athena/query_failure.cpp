#include "services/athena/query_failure.h"

#include <regex>

namespace nimbus::athena {

namespace {

// DuckDB's message without its "<Kind> Error: " prefix and its caret excerpt.
std::string engine_text(const std::string& message) {
  auto colon = message.find(": ");
  std::string text = colon == std::string::npos ? message : message.substr(colon + 2);
  auto excerpt = text.find("\n\nLINE ");
  if (excerpt != std::string::npos) text = text.substr(0, excerpt);
  return text;
}

// "line L:C: " from DuckDB's excerpt ("LINE 1: select ...\n        ^"), when it has one.
std::string line_prefix(const std::string& message) {
  static const std::regex line(R"(\nLINE (\d+): ([^\n]*)\n( *)\^)");
  std::smatch match;
  if (!std::regex_search(message, match, line)) return {};
  auto prefix_length = std::string("LINE ").size() + match[1].length() + 2;
  auto column = match[3].length() >= static_cast<long>(prefix_length) ? match[3].length() - prefix_length + 1 : 1;
  return "line " + match[1].str() + ":" + std::to_string(column) + ": ";
}

}  // namespace

QueryFailure failure_from_engine(const EngineError& error, const std::string& default_database) {
  std::string message = error.what();
  std::string text = engine_text(message);
  std::string where = line_prefix(message);
  static const std::regex missing_table(R"(Table with name ([^ ]+) does not exist)");
  static const std::regex missing_column(R"(Referenced column \"?([^ \"]+)\"? not found)");
  std::smatch match;
  switch (error.kind()) {
    case EngineError::Kind::Parser:
      return {2, 1000, "SYNTAX_ERROR: " + where + text};
    case EngineError::Kind::Catalog:
      if (std::regex_search(text, match, missing_table)) {
        return {2, 1000, "TABLE_NOT_FOUND: " + where + "Table 'awsdatacatalog." + default_database + "." +
                             match[1].str() + "' does not exist"};
      }
      return {2, 1000, "SYNTAX_ERROR: " + where + text};
    case EngineError::Kind::Binder:
      if (std::regex_search(text, match, missing_column)) {
        return {2, 1000, "COLUMN_NOT_FOUND: " + where + "Column '" + match[1].str() + "' cannot be resolved"};
      }
      return {2, 1000, "SYNTAX_ERROR: " + where + text};
    case EngineError::Kind::Conversion:
      return {2, 1001, "INVALID_CAST_ARGUMENT: " + text};
    case EngineError::Kind::Io:
      return {2, 1001, "HIVE_BAD_DATA: " + text};
    case EngineError::Kind::Interrupted:
      return {2, 1000, "Query cancelled by user"};
    case EngineError::Kind::Other:
      break;
  }
  return {1, 200, "GENERIC_INTERNAL_ERROR: " + text, false};
}

}  // namespace nimbus::athena
