// Query executions: start (stored QUEUED, run in the background), state, listing, stop, results.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "core/crypto.h"
#include "core/ids.h"
#include "services/athena/athena_errors.h"
#include "services/athena/athena_service.h"
#include "services/athena/id_pages.h"
#include "sql/duckdb_session.h"
#include "services/athena/result_pages.h"
#include "services/athena/trino_dialect.h"

namespace nimbus::athena {

namespace {

constexpr size_t kMaxResultsPerPage = 1000;
constexpr int kMaxListResults = 50;

std::string scope(const RequestContext& context) { return context.account_id + "/" + context.region + "/"; }

// What clients see of a query record (members starting with "_" are nimbus's own).
Json visible(const Json& record) {
  Json out = Json::object();
  for (auto& [key, value] : record.items()) {
    if (!key.starts_with("_")) out[key] = value;
  }
  return out;
}

std::string output_location_for(std::string location, const std::string& id, const std::string& type) {
  if (!location.ends_with("/")) location += "/";
  return location + id + (type == "DML" ? ".csv" : ".txt");
}

// NextToken of GetQueryResults: the query and the byte offset of the next page's first row.
std::string results_token(const std::string& id, uint64_t offset) {
  return crypto::base64_encode(id + ":" + std::to_string(offset));
}

uint64_t token_offset(const std::string& id, const std::string& token) {
  auto invalid = [] { return errors::invalid_request("The NextToken provided is not valid."); };
  auto decoded_token = crypto::base64_decode(token);
  if (!decoded_token) throw invalid();
  const std::string& decoded = *decoded_token;
  auto colon = decoded.rfind(':');
  if (colon == std::string::npos || decoded.substr(0, colon) != id) throw invalid();
  try {
    size_t used = 0;
    auto offset = std::stoull(decoded.substr(colon + 1), &used);
    if (used != decoded.size() - colon - 1) throw invalid();
    return offset;
  } catch (const std::logic_error&) {
    throw invalid();
  }
}

}  // namespace

awaitable<Json> AthenaService::start_query_execution(RequestContext& context, const Json& in) {
  std::string query = in.value("QueryString", "");
  std::string group_name = in.value("WorkGroup", "primary");
  Json group = work_group(context, group_name);
  if (group.value("State", "ENABLED") != "ENABLED") {
    throw errors::invalid_request("Unable to submit query: the workgroup " + group_name + " is disabled.");
  }
  const Json& configuration = group["Configuration"];
  Json result_configuration = in.value("ResultConfiguration", Json::object());
  const Json& group_results = configuration.value("ResultConfiguration", Json::object());
  if (configuration.value("EnforceWorkGroupConfiguration", false) || !result_configuration.contains("OutputLocation")) {
    if (group_results.contains("OutputLocation")) result_configuration["OutputLocation"] = group_results["OutputLocation"];
  }
  if (!result_configuration.contains("OutputLocation")) throw errors::no_output_location();
  std::string location = result_configuration["OutputLocation"].get<std::string>();
  if (!location.starts_with("s3://") || location.size() <= 5) {
    throw errors::invalid_request("outputLocation is not a valid S3 path. Provided " + location);
  }

  // A retry carries the token of the first call (the SDKs fill it in): it answers the same query.
  std::string token = in.value("ClientRequestToken", "");
  if (!token.empty()) {
    for (auto& [key, record] : queries_.list(scope(context))) {
      if (record.value("_Token", "") != token) continue;
      if (record.value("Query", "") != query) {
        throw errors::invalid_request("Idempotent parameters do not match");
      }
      co_return Json{{"QueryExecutionId", record["QueryExecutionId"]}};
    }
  }
  std::string id = ids::uuid4();
  std::string type = statement_type(query);
  result_configuration["OutputLocation"] = output_location_for(location, id, type);
  Json query_context = in.value("QueryExecutionContext", Json::object());
  double now = static_cast<double>(clock_.now_ms()) / 1000.0;
  Json record = {{"QueryExecutionId", id},
                 {"Query", query},
                 {"StatementType", type},
                 {"ResultConfiguration", result_configuration},
                 {"ResultReuseConfiguration", {{"ResultReuseByAgeConfiguration", {{"Enabled", false}}}}},
                 {"QueryExecutionContext", query_context},
                 {"Status", {{"State", "QUEUED"}, {"SubmissionDateTime", now}}},
                 {"Statistics", {{"EngineExecutionTimeInMillis", 0}, {"DataScannedInBytes", 0},
                                 {"TotalExecutionTimeInMillis", 0}, {"QueryQueueTimeInMillis", 0},
                                 {"ServiceProcessingTimeInMillis", 0},
                                 {"ResultReuseInformation", {{"ReusedPreviousResult", false}}}}},
                 {"WorkGroup", group_name},
                 {"EngineVersion", configuration.value("EngineVersion", Json::object())},
                 {"_Submitted", clock_.now_ms()},
                 {"_Token", token}};
  if (in.contains("ExecutionParameters")) record["ExecutionParameters"] = in["ExecutionParameters"];
  if (auto cutoff = configuration.find("BytesScannedCutoffPerQuery"); cutoff != configuration.end()) {
    record["_BytesCutoff"] = *cutoff;
  }
  if (type == "DML") record["SubstatementType"] = first_keyword(query);
  auto updated = queries_.update(scope(context) + id, [&](std::optional<Json>& stored) { stored = record; });
  co_await updated.first->wait();
  queries_run_.fetch_add(1);
  boost::asio::co_spawn(executor_, run_query(context, id), boost::asio::detached);
  co_return Json{{"QueryExecutionId", id}};
}

awaitable<Json> AthenaService::get_query_execution(RequestContext& context, const Json& in) {
  Json record = query_record(context, in.value("QueryExecutionId", ""));
  // An end state is in memory a moment before its batch is durable: one being stored waits for
  // everything submitted so far, so what a client saw survives kill -9.
  if (is_settling(scope(context) + record["QueryExecutionId"].get<std::string>())) {
    auto barrier = store_.submit(storage::WriteBatch{});
    co_await barrier->wait();
  }
  co_return Json{{"QueryExecution", visible(record)}};
}

awaitable<Json> AthenaService::batch_get_query_execution(RequestContext& context, const Json& in) {
  Json found = Json::array(), missing = Json::array();
  for (const auto& id : in.value("QueryExecutionIds", Json::array())) {
    auto record = queries_.get(scope(context) + id.get<std::string>());
    if (record) {
      found.push_back(visible(*record));
    } else {
      missing.push_back({{"QueryExecutionId", id}, {"ErrorCode", "INVALID_INPUT"},
                         {"ErrorMessage", "QueryExecution " + id.get<std::string>() + " was not found"}});
    }
  }
  co_return Json{{"QueryExecutions", found}, {"UnprocessedQueryExecutionIds", missing}};
}

awaitable<Json> AthenaService::list_query_executions(RequestContext& context, const Json& in) {
  std::string group = in.value("WorkGroup", "primary");
  work_group(context, group);
  int max = in.value("MaxResults", kMaxListResults);
  // Newest first; the token is the submission order key of the next one.
  std::vector<std::pair<int64_t, std::string>> ids;
  for (auto& [key, record] : queries_.list(scope(context))) {
    if (record.value("WorkGroup", "primary") == group) {
      ids.emplace_back(record.value("_Submitted", int64_t{0}), record["QueryExecutionId"].get<std::string>());
    }
  }
  std::sort(ids.begin(), ids.end(), std::greater<>());
  std::vector<std::string> ordered;
  for (auto& entry : ids) ordered.push_back(std::move(entry.second));
  co_return id_page(ordered, in, static_cast<size_t>(max), "QueryExecutionIds");
}

awaitable<Json> AthenaService::stop_query_execution(RequestContext& context, const Json& in) {
  std::string id = in.value("QueryExecutionId", "");
  query_record(context, id);
  double now = static_cast<double>(clock_.now_ms()) / 1000.0;
  auto updated = queries_.update(scope(context) + id, [&](std::optional<Json>& record) {
    if (!record) return;
    auto& status = (*record)["Status"];
    auto state = status.value("State", "");
    if (state != "QUEUED" && state != "RUNNING") return;
    status["State"] = "CANCELLED";
    status["CompletionDateTime"] = now;
    status["StateChangeReason"] = "Query cancelled by user";
  });
  co_await updated.first->wait();
  std::lock_guard lock(running_mutex_);
  if (auto running = running_.find(scope(context) + id); running != running_.end()) running->second->interrupt();
  co_return Json::object();
}

awaitable<Json> AthenaService::get_query_results(RequestContext& context, const Json& in) {
  std::string id = in.value("QueryExecutionId", "");
  Json record = query_record(context, id);
  auto state = record["Status"].value("State", "");
  if (state == "FAILED" || state == "CANCELLED") {
    throw errors::invalid_request("Query did not finish successfully. Final query state: " + state + "\n" +
                                  record["Status"].value("StateChangeReason", ""));
  }
  if (state != "SUCCEEDED") {
    throw errors::invalid_request("Query has not yet finished. Current state: " + state);
  }
  size_t max = std::min<size_t>(in.value("MaxResults", kMaxResultsPerPage), kMaxResultsPerPage);
  uint64_t offset = in.contains("NextToken") ? token_offset(id, in["NextToken"].get<std::string>()) : 0;
  Json columns = Json::array();
  for (const auto& column : record.value("_Columns", Json::array())) {
    columns.push_back(column_info(column.at(0).get<std::string>(), column.at(1).get<std::string>()));
  }
  Json rows = Json::array();
  Json out = {{"UpdateCount", record.value("_UpdateCount", 0)}};
  if (record.contains("_ResultFile")) {
    ResultPage page;
    try {
      page = read_result_page(record["_ResultFile"].get<std::string>(), offset, max);
    } catch (const std::runtime_error&) {
      throw errors::invalid_request("The NextToken provided is not valid.");
    }
    rows = std::move(page.rows);
    if (page.next_offset) out["NextToken"] = results_token(id, *page.next_offset);
  }
  out["ResultSet"] = {{"Rows", rows}, {"ResultSetMetadata", {{"ColumnInfo", columns}}}};
  co_return out;
}

awaitable<Json> AthenaService::get_query_runtime_statistics(RequestContext& context, const Json& in) {
  Json record = query_record(context, in.value("QueryExecutionId", ""));
  const Json& statistics = record["Statistics"];
  Json timeline = {{"QueryQueueTimeInMillis", statistics.value("QueryQueueTimeInMillis", 0)},
                   {"QueryPlanningTimeInMillis", statistics.value("QueryPlanningTimeInMillis", 0)},
                   {"EngineExecutionTimeInMillis", statistics.value("EngineExecutionTimeInMillis", 0)},
                   {"ServiceProcessingTimeInMillis", statistics.value("ServiceProcessingTimeInMillis", 0)},
                   {"TotalExecutionTimeInMillis", statistics.value("TotalExecutionTimeInMillis", 0)}};
  Json rows = {{"InputBytes", statistics.value("DataScannedInBytes", 0)},
               {"OutputRows", record.value("_Rows", 0)},
               {"OutputBytes", record.value("_ResultBytes", 0)}};
  if (record.contains("_InputRows")) rows["InputRows"] = record["_InputRows"];
  co_return Json{{"QueryRuntimeStatistics", {{"Timeline", timeline}, {"Rows", rows}}}};
}

}  // namespace nimbus::athena
