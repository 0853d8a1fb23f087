// DDL and utility statements, run against the Glue Data Catalog through Glue's operations.
#include "services/athena/athena_service.h"
#include "services/athena/query_failure.h"
#include "services/athena/trino_dialect.h"

namespace nimbus::athena {

awaitable<StatementOutcome> AthenaService::run_catalog_statement(RequestContext&, const std::string& statement,
                                                                 const std::string&) {
  throw QueryFailure{2, 1000, "NOT_SUPPORTED: nimbus does not run " + first_keyword(statement) + " statements yet"};
  co_return StatementOutcome{};
}

}  // namespace nimbus::athena
