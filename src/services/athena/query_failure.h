#pragma once
// Why a query ended FAILED, as Athena reports it: StateChangeReason and AthenaError
// (ErrorCategory 1 system / 2 user; ErrorType from Athena's error catalog: 1000 user error,
// 1001 data error, 1003 DDL task failed, 401 results not written to S3, 200 engine error).

#include <nlohmann/json.hpp>
#include <string>

#include "sql/duckdb_session.h"

namespace nimbus::athena {

using sql::EngineError;
using sql::EngineLimits;

struct QueryFailure {
  int category = 2;
  int type = 1000;
  std::string message;
  bool retryable = false;

  nlohmann::json athena_error() const {
    return {{"ErrorCategory", category}, {"ErrorType", type}, {"Retryable", retryable}, {"ErrorMessage", message}};
  }
};

// DuckDB's error as Athena's: the Trino error name first ("TABLE_NOT_FOUND: ..."), the engine's
// text after it.
QueryFailure failure_from_engine(const EngineError& error, const std::string& default_database);

}  // namespace nimbus::athena
