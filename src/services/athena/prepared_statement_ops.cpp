// Prepared statements: SQL with `?` placeholders saved under a name in a work group, through the
// API (CreatePreparedStatement...) or SQL (`PREPARE name FROM ...`, `DEALLOCATE PREPARE name`, both
// DDL statements run by catalog_statements.cpp), and run by `EXECUTE name [USING v1, ...]`: the
// stored text with the values (SQL literals, or the query's ExecutionParameters without USING) in
// place of its `?`, as query_run.cpp asks expand_prepared.
#include <algorithm>
#include <cctype>
#include <regex>

#include "services/athena/athena_errors.h"
#include "services/athena/athena_service.h"
#include "services/athena/query_failure.h"

namespace nimbus::athena {

namespace {

constexpr int kMaxListResults = 50;
constexpr size_t kMaxPerWorkGroup = 1000;
constexpr const char* kNamePattern = "[a-zA-Z_][a-zA-Z0-9_@:]{1,256}";

std::string group_scope(const RequestContext& context, const std::string& group) {
  return context.account_id + "/" + context.region + "/" + group + "/";
}

bool valid_name(const std::string& name) {
  static const std::regex pattern(kNamePattern);
  return std::regex_match(name, pattern);
}

void check_name(const std::string& name) {
  if (valid_name(name)) return;
  throw errors::invalid_request("1 validation error detected: Value '" + name +
                                "' at 'statementName' failed to satisfy constraint: Member must satisfy regular "
                                "expression pattern: " + kNamePattern);
}

AwsError statement_not_found(const std::string& name, const std::string& group) {
  return errors::not_found("Prepared statement " + name + " was not found in workgroup " + group + ".");
}

// The API's PreparedStatement (members starting with "_" are nimbus's own).
Json visible(const Json& record) {
  Json out = Json::object();
  for (auto& [key, value] : record.items()) {
    if (!key.starts_with("_")) out[key] = value;
  }
  return out;
}

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::toupper(c); });
  return text;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// --- the SQL forms ---------------------------------------------------------------------------

QueryFailure syntax_error(const std::string& message) { return QueryFailure{2, 1000, "SYNTAX_ERROR: " + message}; }

QueryFailure sql_statement_not_found(const std::string& name) {
  return QueryFailure{2, 1000, "NOT_FOUND: Prepared statement not found: " + name};
}

// Reads PREPARE / EXECUTE / DEALLOCATE statements: words, names (plain or "quoted") and the
// rest of the text, skipping whitespace and comments between them.
class Reader {
 public:
  explicit Reader(std::string_view sql) : sql_(sql) {}

  void skip_space() {
    while (at_ < sql_.size()) {
      if (std::isspace(static_cast<unsigned char>(sql_[at_]))) {
        ++at_;
      } else if (sql_.substr(at_, 2) == "--") {
        auto end = sql_.find('\n', at_);
        at_ = end == std::string_view::npos ? sql_.size() : end + 1;
      } else if (sql_.substr(at_, 2) == "/*") {
        auto end = sql_.find("*/", at_ + 2);
        at_ = end == std::string_view::npos ? sql_.size() : end + 2;
      } else {
        break;
      }
    }
  }

  // The next word, upper-cased ("" at the end or before a non-word character); not consumed
  // unless `take`.
  std::string word(bool take = true) {
    skip_space();
    size_t end = at_;
    while (end < sql_.size() && (std::isalnum(static_cast<unsigned char>(sql_[end])) || sql_[end] == '_')) ++end;
    std::string found = upper(std::string(sql_.substr(at_, end - at_)));
    if (take) at_ = end;
    return found;
  }

  bool expect(const char* keyword) { return word() == keyword; }

  // A statement name: letters, digits, _ @ : (starting with a letter or _), or "double quoted".
  std::optional<std::string> name() {
    skip_space();
    if (at_ < sql_.size() && sql_[at_] == '"') {
      std::string out;
      size_t i = at_ + 1;
      while (i < sql_.size()) {
        if (sql_[i] == '"') {
          if (i + 1 < sql_.size() && sql_[i + 1] == '"') {
            out += '"';
            i += 2;
            continue;
          }
          at_ = i + 1;
          return out;
        }
        out += sql_[i++];
      }
      return std::nullopt;
    }
    size_t end = at_;
    auto name_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '@' || c == ':'; };
    while (end < sql_.size() && name_char(sql_[end])) ++end;
    if (end == at_ || std::isdigit(static_cast<unsigned char>(sql_[at_]))) return std::nullopt;
    std::string out(sql_.substr(at_, end - at_));
    at_ = end;
    return out;
  }

  // What is left, without surrounding whitespace and a trailing `;`.
  std::string rest() {
    skip_space();
    std::string_view left = sql_.substr(at_);
    while (!left.empty() && (std::isspace(static_cast<unsigned char>(left.back())) || left.back() == ';')) {
      left.remove_suffix(1);
    }
    at_ = sql_.size();
    return std::string(left);
  }

  // "line 1:C" of the reading position, for messages.
  std::string where() const {
    size_t line = 1, column = 1;
    for (size_t i = 0; i < at_ && i < sql_.size(); ++i) {
      if (sql_[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    return "line " + std::to_string(line) + ":" + std::to_string(column);
  }

 private:
  std::string_view sql_;
  size_t at_ = 0;
};

// Calls `on` for each character of `sql` outside strings, quoted names and comments, with its
// offset; the others are passed to `copy` as runs.
template <typename Code, typename Copy>
void walk_code(std::string_view sql, Code on, Copy copy) {
  size_t i = 0;
  while (i < sql.size()) {
    char c = sql[i];
    size_t end = i;
    if (c == '\'' || c == '"') {
      end = i + 1;
      while (end < sql.size()) {
        if (sql[end] == c) {
          if (end + 1 < sql.size() && sql[end + 1] == c) {
            end += 2;
            continue;
          }
          ++end;
          break;
        }
        ++end;
      }
    } else if (sql.substr(i, 2) == "--") {
      end = sql.find('\n', i);
      if (end == std::string_view::npos) end = sql.size();
    } else if (sql.substr(i, 2) == "/*") {
      end = sql.find("*/", i + 2);
      end = end == std::string_view::npos ? sql.size() : end + 2;
    }
    if (end > i) {
      copy(sql.substr(i, end - i));
      i = end;
    } else {
      on(c, i);
      ++i;
    }
  }
}

// USING's values: the expressions between top-level commas.
std::vector<std::string> split_values(std::string_view text) {
  std::vector<std::string> values(1);
  int depth = 0;
  walk_code(
      text,
      [&](char c, size_t) {
        if (c == '(' || c == '[') ++depth;
        if (c == ')' || c == ']') --depth;
        if (c == ',' && depth == 0) {
          values.emplace_back();
        } else {
          values.back() += c;
        }
      },
      [&](std::string_view run) { values.back().append(run); });
  for (auto& value : values) {
    auto first = value.find_first_not_of(" \t\r\n");
    auto last = value.find_last_not_of(" \t\r\n");
    value = first == std::string::npos ? "" : value.substr(first, last - first + 1);
  }
  return values;
}

size_t count_placeholders(std::string_view sql) {
  size_t count = 0;
  walk_code(sql, [&](char c, size_t) { count += c == '?'; }, [](std::string_view) {});
  return count;
}

std::string substitute(std::string_view sql, const std::vector<std::string>& values) {
  std::string out;
  size_t used = 0;
  walk_code(
      sql, [&](char c, size_t) { out += c == '?' ? values.at(used++) : std::string(1, c); },
      [&](std::string_view run) { out.append(run); });
  return out;
}

}  // namespace

// --- the API ---------------------------------------------------------------------------------

awaitable<Json> AthenaService::create_prepared_statement(RequestContext& context, const Json& in) {
  std::string name = in.value("StatementName", "");
  std::string group = in.value("WorkGroup", "");
  check_name(name);
  work_group(context, group);
  Json record = {{"StatementName", name},
                 {"WorkGroupName", group},
                 {"QueryStatement", in.value("QueryStatement", "")},
                 {"LastModifiedTime", static_cast<double>(clock_.now_ms()) / 1000.0}};
  if (in.contains("Description")) record["Description"] = in["Description"];
  size_t stored = prepared_.list(group_scope(context, group)).size();
  auto updated = prepared_.update(group_scope(context, group) + name, [&](std::optional<Json>& current) {
    if (current) {
      throw errors::invalid_request("Prepared statement " + name + " already exists in workgroup " + group + ".");
    }
    if (stored >= kMaxPerWorkGroup) {
      throw errors::invalid_request("The workgroup " + group + " already has the maximum of " +
                                    std::to_string(kMaxPerWorkGroup) + " prepared statements.");
    }
    current = record;
  });
  co_await updated.first->wait();
  co_return Json::object();
}

awaitable<Json> AthenaService::get_prepared_statement(RequestContext& context, const Json& in) {
  std::string name = in.value("StatementName", "");
  std::string group = in.value("WorkGroup", "");
  check_name(name);
  work_group(context, group);
  auto record = prepared_.get(group_scope(context, group) + name);
  if (!record) throw statement_not_found(name, group);
  co_return Json{{"PreparedStatement", visible(*record)}};
}

awaitable<Json> AthenaService::batch_get_prepared_statement(RequestContext& context, const Json& in) {
  std::string group = in.value("WorkGroup", "");
  work_group(context, group);
  Json found = Json::array(), missing = Json::array();
  for (const auto& item : in.value("PreparedStatementNames", Json::array())) {
    std::string name = item.is_string() ? item.get<std::string>() : item.dump();
    if (!valid_name(name)) {
      missing.push_back({{"StatementName", name}, {"ErrorCode", "INVALID_INPUT"},
                         {"ErrorMessage", "The prepared statement name " + name + " is not valid."}});
    } else if (auto record = prepared_.get(group_scope(context, group) + name)) {
      found.push_back(visible(*record));
    } else {
      missing.push_back({{"StatementName", name}, {"ErrorCode", "STATEMENT_NOT_FOUND"},
                         {"ErrorMessage", "Prepared statement " + name + " was not found in workgroup " + group + "."}});
    }
  }
  co_return Json{{"PreparedStatements", found}, {"UnprocessedPreparedStatementNames", missing}};
}

awaitable<Json> AthenaService::list_prepared_statements(RequestContext& context, const Json& in) {
  std::string group = in.value("WorkGroup", "");
  work_group(context, group);
  int max = in.value("MaxResults", kMaxListResults);
  if (max <= 0) max = kMaxListResults;
  // In name order; the token is the name of the next one.
  std::string token;
  if (in.contains("NextToken")) {
    token = in["NextToken"].get<std::string>();
    if (token.empty() || !valid_name(token)) throw errors::invalid_request("The NextToken provided is not valid.");
  }
  Json page = Json::array();
  Json out = Json::object();
  for (auto& [key, record] : prepared_.list(group_scope(context, group))) {
    std::string name = record.value("StatementName", "");
    if (name < token) continue;
    if (page.size() == static_cast<size_t>(max)) {
      out["NextToken"] = name;
      break;
    }
    page.push_back({{"StatementName", name}, {"LastModifiedTime", record["LastModifiedTime"]}});
  }
  out["PreparedStatements"] = page;
  co_return out;
}

awaitable<Json> AthenaService::update_prepared_statement(RequestContext& context, const Json& in) {
  std::string name = in.value("StatementName", "");
  std::string group = in.value("WorkGroup", "");
  check_name(name);
  work_group(context, group);
  double now = static_cast<double>(clock_.now_ms()) / 1000.0;
  auto updated = prepared_.update(group_scope(context, group) + name, [&](std::optional<Json>& record) {
    if (!record) throw statement_not_found(name, group);
    (*record)["QueryStatement"] = in.value("QueryStatement", "");
    if (in.contains("Description")) (*record)["Description"] = in["Description"];
    (*record)["LastModifiedTime"] = now;
  });
  co_await updated.first->wait();
  co_return Json::object();
}

awaitable<Json> AthenaService::delete_prepared_statement(RequestContext& context, const Json& in) {
  std::string name = in.value("StatementName", "");
  std::string group = in.value("WorkGroup", "");
  check_name(name);
  work_group(context, group);
  auto updated = prepared_.update(group_scope(context, group) + name, [&](std::optional<Json>& record) {
    if (!record) throw statement_not_found(name, group);
    record.reset();
  });
  co_await updated.first->wait();
  co_return Json::object();
}

// --- PREPARE, DEALLOCATE PREPARE, EXECUTE ------------------------------------------------------

awaitable<StatementOutcome> AthenaService::run_prepare_statement(const RequestContext& context,
                                                                 const std::string& statement,
                                                                 const std::string& work_group) {
  Reader reader(statement);
  std::string keyword = reader.word();
  std::string scope = group_scope(context, work_group);
  std::optional<std::string> name;
  std::optional<storage::RecordTable::Change> change;
  if (keyword == "PREPARE") {
    name = reader.name();
    if (!name) throw syntax_error(reader.where() + ": PREPARE needs a statement name");
    if (!valid_name(*name)) {
      throw syntax_error(reader.where() + ": the statement name " + *name + " must match " + kNamePattern);
    }
    if (!reader.expect("FROM")) throw syntax_error(reader.where() + ": mismatched input, expecting FROM");
    std::string body = reader.rest();
    if (body.empty()) throw syntax_error(reader.where() + ": PREPARE needs a statement after FROM");
    auto first = upper(Reader(body).word());
    if (first == "PREPARE" || first == "EXECUTE" || first == "DEALLOCATE") {
      throw syntax_error("line 1:1: Invalid statement type for prepared statement: " + first);
    }
    size_t stored = prepared_.list(scope).size();
    double now = static_cast<double>(clock_.now_ms()) / 1000.0;
    // PREPARE replaces a statement of the same name (its description stays).
    change = [name, body, work_group, stored, now](std::optional<Json>& record) {
      if (!record) {
        if (stored >= kMaxPerWorkGroup) {
          throw errors::invalid_request("The workgroup " + work_group + " already has the maximum of " +
                                        std::to_string(kMaxPerWorkGroup) + " prepared statements.");
        }
        record = Json{{"StatementName", *name}, {"WorkGroupName", work_group}};
      }
      (*record)["QueryStatement"] = body;
      (*record)["LastModifiedTime"] = now;
    };
  } else {
    if (!reader.expect("PREPARE")) throw syntax_error(reader.where() + ": mismatched input, expecting PREPARE");
    name = reader.name();
    if (!name) throw syntax_error(reader.where() + ": DEALLOCATE PREPARE needs a statement name");
    if (!reader.rest().empty()) throw syntax_error(reader.where() + ": extraneous input after the statement name");
    std::string key = *name;
    if (!prepared_.get(scope + key)) {
      // Names are matched as written first, then regardless of case (SQL identifiers).
      bool found = false;
      for (auto& [stored_key, record] : prepared_.list(scope)) {
        std::string stored_name = record.value("StatementName", "");
        if (lower(stored_name) == lower(key)) {
          name = stored_name;
          found = true;
          break;
        }
      }
      if (!found) throw sql_statement_not_found(key);
    }
    change = [](std::optional<Json>& record) { record.reset(); };
  }
  std::optional<AwsError> refused;
  std::shared_ptr<storage::PendingCommit> commit;
  try {
    commit = prepared_.update(scope + *name, *change).first;
  } catch (const AwsError& error) {
    refused = error;
  }
  if (refused) throw QueryFailure{2, 1000, refused->message};
  co_await commit->wait();
  co_return StatementOutcome{};
}

std::optional<std::string> AthenaService::expand_prepared(const RequestContext& context, const std::string& work_group,
                                                          const std::string& query,
                                                          const std::vector<std::string>& parameters) const {
  Reader reader(query);
  if (reader.word() != "EXECUTE") return std::nullopt;
  auto name = reader.name();
  if (!name) throw syntax_error(reader.where() + ": EXECUTE needs a statement name");
  std::vector<std::string> values = parameters;
  std::string next = reader.word();
  if (next == "USING") {
    std::string text = reader.rest();
    values = split_values(text);
    if (std::any_of(values.begin(), values.end(), [](const std::string& value) { return value.empty(); })) {
      throw syntax_error(reader.where() + ": USING needs values separated by commas");
    }
  } else if (!next.empty() || !reader.rest().empty()) {
    throw syntax_error(reader.where() + ": mismatched input, expecting USING");
  }
  std::string scope = group_scope(context, work_group);
  auto record = prepared_.get(scope + *name);
  if (!record) {
    for (auto& [key, stored] : prepared_.list(scope)) {
      if (lower(stored.value("StatementName", "")) == lower(*name)) {
        record = stored;
        break;
      }
    }
  }
  if (!record) throw sql_statement_not_found(*name);
  std::string statement = record->value("QueryStatement", "");
  size_t expected = count_placeholders(statement);
  if (expected != values.size()) {
    throw syntax_error("line 1:1: Incorrect number of parameters: expected " + std::to_string(expected) +
                       " but found " + std::to_string(values.size()));
  }
  return substitute(statement, values);
}

}  // namespace nimbus::athena
