#pragma once
// Every error the Glue Data Catalog answers here, as named factories (json 1.1: the code is the
// __type; Glue answers its client errors with HTTP 400) with Glue's own texts.

#include <string>
#include <string_view>

#include "core/aws_error.h"

namespace nimbus::glue::errors {

inline AwsError invalid_input(std::string message) {
  return {400, "InvalidInputException", std::move(message)};
}
inline AwsError not_found(std::string message) {
  return {400, "EntityNotFoundException", std::move(message)};
}
inline AwsError already_exists(std::string message) {
  return {400, "AlreadyExistsException", std::move(message)};
}
inline AwsError concurrent_modification(std::string message) {
  return {400, "ConcurrentModificationException", std::move(message)};
}

inline AwsError database_not_found(std::string_view name) {
  return not_found("Database " + std::string(name) + " not found.");
}
inline AwsError table_not_found(std::string_view name) {
  return not_found("Table " + std::string(name) + " not found.");
}
inline AwsError partition_not_found() { return not_found("Cannot find partition."); }
inline AwsError version_not_found(std::string_view table, std::string_view version) {
  return not_found("Version " + std::string(version) + " of table " + std::string(table) +
                   " not found.");
}
inline AwsError database_exists() { return already_exists("Database already exists."); }
inline AwsError table_exists() { return already_exists("Table already exists."); }
inline AwsError partition_exists() { return already_exists("Partition already exists."); }

inline AwsError bad_expression() { return invalid_input("Invalid partition expression!"); }
inline AwsError bad_table_pattern(std::string_view pattern) {
  return invalid_input("Invalid table name pattern: " + std::string(pattern));
}
inline AwsError partition_value_count() {
  return invalid_input("The number of partition keys do not match the number of partition values");
}
inline AwsError invalid_token() { return invalid_input("Invalid pagination token."); }
inline AwsError invalid_name(std::string_view field) {
  return invalid_input(std::string(field) + " is not a valid name.");
}
inline AwsError current_version_undeletable() {
  return invalid_input("Cannot delete the current version of a table.");
}
inline AwsError invalid_version(std::string_view version) {
  return invalid_input("Invalid version id: " + std::string(version));
}
inline AwsError version_mismatch() {
  return concurrent_modification("Update table failed due to concurrent modifications.");
}

}  // namespace nimbus::glue::errors
