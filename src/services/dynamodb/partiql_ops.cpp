// ExecuteStatement, BatchExecuteStatement, ExecuteTransaction: a parsed PartiQL statement
// (partiql.h) becomes the request of the operation it stands for — GetItem or Query or Scan,
// PutItem, UpdateItem, DeleteItem, TransactGetItems, TransactWriteItems — with its trees rendered
// back into expressions with placeholders, and runs through that operation's own handler (so its
// validation, conditions, indexes, streams and capacity are the same).
#include "core/crypto.h"
#include "services/dynamodb/dynamodb_errors.h"
#include "services/dynamodb/dynamodb_service.h"
#include "services/dynamodb/partiql.h"

namespace nimbus::dynamodb {
namespace {

// Renders expression trees as expression text, collecting ExpressionAttributeNames/Values.
class Renderer {
 public:
  std::string path(const expr::Path& path) {
    std::string out;
    for (const auto& element : path) {
      if (element.is_index) {
        out += "[" + std::to_string(element.index) + "]";
        continue;
      }
      auto [it, added] = name_ids_.emplace(element.name, "#n" + std::to_string(name_ids_.size()));
      if (added) names_[it->second] = element.name;
      out += (out.empty() ? "" : ".") + it->second;
    }
    return out;
  }

  std::string value(const Json& value) {
    std::string placeholder = ":v" + std::to_string(values_.size());
    values_[placeholder] = value;
    return placeholder;
  }

  std::string operand(const expr::Operand& operand) {
    switch (operand.kind) {
      case expr::Operand::Kind::Path: return path(operand.path);
      case expr::Operand::Kind::Value: return value(operand.value);
      case expr::Operand::Kind::Plus: return this->operand(operand.args[0]) + " + " + this->operand(operand.args[1]);
      case expr::Operand::Kind::Minus: return this->operand(operand.args[0]) + " - " + this->operand(operand.args[1]);
      case expr::Operand::Kind::Function: {
        std::string out = operand.name + "(";
        for (size_t i = 0; i < operand.args.size(); ++i) out += (i ? ", " : "") + this->operand(operand.args[i]);
        return out + ")";
      }
    }
    return "";
  }

  std::string condition(const expr::Condition& condition) {
    static const char* kComparators[] = {"=", "<>", "<", "<=", ">", ">="};
    switch (condition.kind) {
      case expr::Condition::Kind::Compare:
        return operand(condition.operands[0]) + " " + kComparators[static_cast<int>(condition.comparator)] + " " +
               operand(condition.operands[1]);
      case expr::Condition::Kind::Between:
        return operand(condition.operands[0]) + " BETWEEN " + operand(condition.operands[1]) + " AND " +
               operand(condition.operands[2]);
      case expr::Condition::Kind::In: {
        std::string out = operand(condition.operands[0]) + " IN (";
        for (size_t i = 1; i < condition.operands.size(); ++i) out += (i > 1 ? ", " : "") + operand(condition.operands[i]);
        return out + ")";
      }
      case expr::Condition::Kind::Function: {
        std::string out = condition.function + "(";
        for (size_t i = 0; i < condition.operands.size(); ++i) out += (i ? ", " : "") + operand(condition.operands[i]);
        return out + ")";
      }
      case expr::Condition::Kind::And:
        return "(" + this->condition(condition.children[0]) + ") AND (" + this->condition(condition.children[1]) + ")";
      case expr::Condition::Kind::Or:
        return "(" + this->condition(condition.children[0]) + ") OR (" + this->condition(condition.children[1]) + ")";
      case expr::Condition::Kind::Not:
        return "NOT (" + this->condition(condition.children[0]) + ")";
    }
    return "";
  }

  std::string update(const std::vector<expr::UpdateAction>& actions) {
    std::map<expr::UpdateAction::Kind, std::vector<std::string>> clauses;
    for (const auto& action : actions) {
      std::string target = path(action.path);
      switch (action.kind) {
        case expr::UpdateAction::Kind::Set: clauses[action.kind].push_back(target + " = " + operand(action.value)); break;
        case expr::UpdateAction::Kind::Remove: clauses[action.kind].push_back(target); break;
        default: clauses[action.kind].push_back(target + " " + operand(action.value)); break;
      }
    }
    static const std::pair<expr::UpdateAction::Kind, const char*> kKeywords[] = {
        {expr::UpdateAction::Kind::Set, "SET"}, {expr::UpdateAction::Kind::Remove, "REMOVE"},
        {expr::UpdateAction::Kind::Add, "ADD"}, {expr::UpdateAction::Kind::Delete, "DELETE"}};
    std::string out;
    for (const auto& [kind, keyword] : kKeywords) {
      if (!clauses.count(kind)) continue;
      out += (out.empty() ? "" : " ") + std::string(keyword) + " ";
      for (size_t i = 0; i < clauses[kind].size(); ++i) out += (i ? ", " : "") + clauses[kind][i];
    }
    return out;
  }

  void into(Json& request) const {
    if (!names_.empty()) request["ExpressionAttributeNames"] = names_;
    if (!values_.empty()) request["ExpressionAttributeValues"] = values_;
  }

 private:
  std::map<std::string, std::string> name_ids_;
  Json names_ = Json::object();
  Json values_ = Json::object();
};

// The terms of a top-level AND chain.
void conjuncts(const expr::Condition& condition, std::vector<const expr::Condition*>& out) {
  if (condition.kind == expr::Condition::Kind::And) {
    conjuncts(condition.children[0], out);
    conjuncts(condition.children[1], out);
  } else {
    out.push_back(&condition);
  }
}

// The attribute a term is about when it names a top-level attribute: `attribute <op> value`,
// BETWEEN, begins_with.
const std::string* term_attribute(const expr::Condition& term) {
  const auto& operands = term.operands;
  if (operands.empty() || operands[0].kind != expr::Operand::Kind::Path || operands[0].path.size() != 1 ||
      operands[0].path[0].is_index) {
    return nullptr;
  }
  for (size_t i = 1; i < operands.size(); ++i) {
    if (operands[i].kind != expr::Operand::Kind::Value) return nullptr;
  }
  return &operands[0].path[0].name;
}

bool is_equality_on(const expr::Condition& term, const std::string& attribute) {
  const std::string* name = term_attribute(term);
  return name && *name == attribute && term.kind == expr::Condition::Kind::Compare &&
         term.comparator == expr::Comparator::Eq;
}

// A condition that can bound a sort key in a key condition.
bool is_range_term_on(const expr::Condition& term, const std::string& attribute) {
  const std::string* name = term_attribute(term);
  if (!name || *name != attribute) return false;
  if (term.kind == expr::Condition::Kind::Compare) return term.comparator != expr::Comparator::Ne;
  if (term.kind == expr::Condition::Kind::Between) return true;
  return term.kind == expr::Condition::Kind::Function && term.function == "begins_with";
}

expr::Condition all_of(const std::vector<const expr::Condition*>& terms) {
  expr::Condition combined = *terms[0];
  for (size_t i = 1; i < terms.size(); ++i) {
    expr::Condition joined;
    joined.kind = expr::Condition::Kind::And;
    joined.children.push_back(std::move(combined));
    joined.children.push_back(*terms[i]);
    combined = std::move(joined);
  }
  return combined;
}

// The item key the WHERE pins with equalities on every key attribute, and the other terms.
struct PinnedKey {
  Json key = Json::object();
  std::vector<const expr::Condition*> rest;
  bool complete = false;
};

PinnedKey pinned_key(const partiql::Statement& statement, const TableSchema& schema) {
  PinnedKey out;
  if (!statement.where) return out;
  std::vector<const expr::Condition*> terms;
  conjuncts(*statement.where, terms);
  for (const auto* term : terms) {
    bool is_key = false;
    for (const KeyAttribute* key : {&schema.hash, schema.range ? &*schema.range : nullptr}) {
      if (key && !out.key.contains(key->name) && is_equality_on(*term, key->name)) {
        out.key[key->name] = term->operands[1].value;
        is_key = true;
      }
    }
    if (!is_key) out.rest.push_back(term);
  }
  out.complete = out.key.contains(schema.hash.name) && (!schema.range || out.key.contains(schema.range->name));
  return out;
}

AwsError missing_key_equality() {
  return errors::validation("Where clause does not contain a mandatory equality on all key attributes");
}

std::string encode_token(const Json& last_key) { return crypto::base64_encode(last_key.dump()); }

Json decode_token(const std::string& token) {
  auto raw = crypto::base64_decode(token);
  Json key = raw ? Json::parse(*raw, nullptr, false) : Json();
  if (!key.is_object()) throw errors::validation("Invalid NextToken");
  return key;
}

// A translated statement: the operation and its request.
struct Translated {
  std::string operation;
  Json request;
};

Translated translate(const partiql::Statement& statement, const TableSchema& schema) {
  using Kind = partiql::Statement::Kind;
  Renderer render;
  Translated out;
  out.request = {{"TableName", statement.table}};
  if (statement.kind == Kind::Insert) {
    out.operation = "PutItem";
    out.request["Item"] = statement.item;
    out.request["ConditionExpression"] = "attribute_not_exists(" + render.path({{false, schema.hash.name, 0}}) + ")";
  } else if (statement.kind == Kind::Update || statement.kind == Kind::Delete) {
    PinnedKey pinned = pinned_key(statement, schema);
    if (!pinned.complete) throw missing_key_equality();
    out.request["Key"] = pinned.key;
    std::string condition;
    if (statement.kind == Kind::Update) {
      out.operation = "UpdateItem";
      out.request["UpdateExpression"] = render.update(statement.actions);
      condition = "attribute_exists(" + render.path({{false, schema.hash.name, 0}}) + ")";  // UPDATE needs the item
    } else {
      out.operation = "DeleteItem";
    }
    if (!pinned.rest.empty()) {
      condition += (condition.empty() ? "" : " AND ") + std::string("(") + render.condition(all_of(pinned.rest)) + ")";
    }
    if (!condition.empty()) out.request["ConditionExpression"] = condition;
  } else {
    const IndexSchema* index = statement.index.empty() ? nullptr : schema.find_index(statement.index);
    if (!statement.index.empty()) {
      if (!index) throw errors::validation("The table does not have the specified index: " + statement.index);
      out.request["IndexName"] = statement.index;
    }
    const KeyAttribute& hash = index ? index->hash : schema.hash;
    const std::optional<KeyAttribute>& range = index ? index->range : schema.range;
    std::vector<const expr::Condition*> terms;
    if (statement.where) conjuncts(*statement.where, terms);
    const expr::Condition* hash_term = nullptr;
    const expr::Condition* range_term = nullptr;
    std::vector<const expr::Condition*> rest;
    for (const auto* term : terms) {
      if (!hash_term && is_equality_on(*term, hash.name)) {
        hash_term = term;
      } else if (range && !range_term && is_range_term_on(*term, range->name)) {
        range_term = term;
      } else {
        rest.push_back(term);
      }
    }
    if (hash_term) {
      // Over one partition: a Query; the key terms bound it, the others filter.
      out.operation = "Query";
      std::string key_condition = render.condition(*hash_term);
      if (range_term) key_condition += " AND " + render.condition(*range_term);
      out.request["KeyConditionExpression"] = key_condition;
      if (!rest.empty()) out.request["FilterExpression"] = render.condition(all_of(rest));
    } else {
      out.operation = "Scan";
      if (statement.where) out.request["FilterExpression"] = render.condition(*statement.where);
    }
    if (!statement.projection.empty()) {
      std::string projection;
      for (const auto& path : statement.projection) projection += (projection.empty() ? "" : ", ") + render.path(path);
      out.request["ProjectionExpression"] = projection;
    }
  }
  render.into(out.request);
  return out;
}

// BatchStatementError / a cancellation reason's code for an error a statement got.
std::string statement_error_code(const AwsError& error) {
  if (error.code == "ConditionalCheckFailedException") return "ConditionalCheckFailed";
  if (error.code == "DuplicateItemException") return "DuplicateItem";
  if (error.code == "ResourceNotFoundException") return "ResourceNotFound";
  if (error.code == "TransactionConflictException") return "TransactionConflict";
  return "ValidationError";
}

AwsError duplicate_item() { return {400, "DuplicateItemException", "Duplicate primary key exists in table"}; }

}  // namespace

awaitable<Json> DynamoDbService::run_statement(RequestContext& context, const Json& in, bool single_item_reads) {
  partiql::Statement statement = partiql::parse(in.value("Statement", ""), in.contains("Parameters") ? in["Parameters"] : Json());
  auto schema = table(context, statement.table)->current_schema();
  Translated translated = translate(statement, *schema);
  Json& request = translated.request;
  if (in.contains("ReturnConsumedCapacity")) request["ReturnConsumedCapacity"] = in["ReturnConsumedCapacity"];
  if (statement.kind == partiql::Statement::Kind::Select) {
    if (in.value("ConsistentRead", false)) request["ConsistentRead"] = true;
    PinnedKey pinned = pinned_key(statement, *schema);
    if (single_item_reads) {
      if (!pinned.complete || !statement.index.empty() || !pinned.rest.empty()) throw missing_key_equality();
      Json get = {{"TableName", statement.table}, {"Key", pinned.key}};
      for (const char* member : {"ProjectionExpression", "ExpressionAttributeNames", "ConsistentRead"}) {
        if (request.contains(member)) get[member] = request[member];
      }
      if (get.contains("ExpressionAttributeNames") && !get.contains("ProjectionExpression")) get.erase("ExpressionAttributeNames");
      auto reading = get_item(context, get);
      co_return co_await std::move(reading);
    }
    if (in.contains("Limit")) request["Limit"] = in["Limit"];
    if (in.contains("NextToken")) request["ExclusiveStartKey"] = decode_token(in["NextToken"].get<std::string>());
    auto reading = translated.operation == "Query" ? query(context, request) : scan(context, request);
    Json page = co_await std::move(reading);
    Json out = {{"Items", page.value("Items", Json::array())}};
    if (page.contains("LastEvaluatedKey")) {
      out["NextToken"] = encode_token(page["LastEvaluatedKey"]);
      out["LastEvaluatedKey"] = page["LastEvaluatedKey"];
    }
    if (page.contains("ConsumedCapacity")) out["ConsumedCapacity"] = page["ConsumedCapacity"];
    co_return out;
  }
  Json answer;
  bool duplicate = false;
  try {
    auto writing = translated.operation == "PutItem"      ? put_item(context, request)
                   : translated.operation == "UpdateItem" ? update_item(context, request)
                                                          : delete_item(context, request);
    answer = co_await std::move(writing);
  } catch (const AwsError& error) {
    if (statement.kind != partiql::Statement::Kind::Insert || error.code != "ConditionalCheckFailedException") throw;
    duplicate = true;
  }
  if (duplicate) throw duplicate_item();
  Json out = {{"Items", Json::array()}};
  if (answer.contains("ConsumedCapacity")) out["ConsumedCapacity"] = answer["ConsumedCapacity"];
  co_return out;
}

awaitable<Json> DynamoDbService::execute_statement(RequestContext& context, const Json& in) {
  auto running = run_statement(context, in, false);
  co_return co_await std::move(running);
}

awaitable<Json> DynamoDbService::batch_execute_statement(RequestContext& context, const Json& in) {
  Json responses = Json::array();
  for (const auto& entry : in["Statements"]) {
    Json response = Json::object();
    std::optional<AwsError> failure;
    try {
      Json single = entry;
      if (in.contains("ReturnConsumedCapacity")) single["ReturnConsumedCapacity"] = in["ReturnConsumedCapacity"];
      auto running = run_statement(context, single, true);
      Json answer = co_await std::move(running);
      if (answer.contains("Item")) response["Item"] = answer["Item"];
      response["TableName"] = partiql::parse(entry.value("Statement", ""), entry.contains("Parameters") ? entry["Parameters"] : Json()).table;
    } catch (const AwsError& error) {
      failure = error;
    }
    if (failure) response = {{"Error", {{"Code", statement_error_code(*failure)}, {"Message", failure->message}}}};
    responses.push_back(std::move(response));
  }
  co_return Json{{"Responses", responses}};
}

awaitable<Json> DynamoDbService::execute_transaction(RequestContext& context, const Json& in) {
  std::vector<partiql::Statement> statements;
  for (const auto& entry : in["TransactStatements"]) {
    statements.push_back(partiql::parse(entry.value("Statement", ""), entry.contains("Parameters") ? entry["Parameters"] : Json()));
  }
  bool reads = !statements.empty() && statements[0].kind == partiql::Statement::Kind::Select;
  for (const auto& statement : statements) {
    if ((statement.kind == partiql::Statement::Kind::Select) != reads) {
      throw errors::validation("Transaction must contain either all reads or all writes");
    }
  }
  Json items = Json::array();
  for (const auto& statement : statements) {
    auto schema = table(context, statement.table)->current_schema();
    if (reads) {
      PinnedKey pinned = pinned_key(statement, *schema);
      if (!pinned.complete || !statement.index.empty() || !pinned.rest.empty()) throw missing_key_equality();
      Json get = {{"TableName", statement.table}, {"Key", pinned.key}};
      Translated translated = translate(statement, *schema);
      if (translated.request.contains("ProjectionExpression")) {
        get["ProjectionExpression"] = translated.request["ProjectionExpression"];
        get["ExpressionAttributeNames"] = translated.request["ExpressionAttributeNames"];
      }
      items.push_back({{"Get", get}});
      continue;
    }
    Translated translated = translate(statement, *schema);
    const char* kind = translated.operation == "PutItem" ? "Put" : translated.operation == "UpdateItem" ? "Update" : "Delete";
    items.push_back({{kind, translated.request}});
  }
  Json request = {{"TransactItems", items}};
  if (in.contains("ReturnConsumedCapacity")) request["ReturnConsumedCapacity"] = in["ReturnConsumedCapacity"];
  if (reads) {
    auto reading = transact_get_items(context, request);
    co_return co_await std::move(reading);
  }
  if (in.contains("ClientRequestToken")) request["ClientRequestToken"] = in["ClientRequestToken"];
  std::optional<AwsError> cancelled;
  Json answer;
  try {
    auto writing = transact_write_items(context, request);
    answer = co_await std::move(writing);
  } catch (const AwsError& error) {
    if (error.code != "TransactionCanceledException") throw;
    cancelled = error;
  }
  if (cancelled) {
    // An INSERT whose key exists is a DuplicateItem, not a failed condition.
    Json reasons = cancelled->json_members.empty() ? Json::array() : Json::parse(cancelled->json_members[0].second);
    std::string codes;
    for (size_t i = 0; i < reasons.size() && i < statements.size(); ++i) {
      if (statements[i].kind == partiql::Statement::Kind::Insert && reasons[i]["Code"] == "ConditionalCheckFailed") {
        reasons[i] = {{"Code", "DuplicateItem"}, {"Message", "Duplicate primary key exists in table"}};
      }
      codes += (i ? ", " : "") + reasons[i]["Code"].get<std::string>();
    }
    AwsError error(400, "TransactionCanceledException",
                   "Transaction cancelled, please refer cancellation reasons for specific reasons [" + codes + "]");
    error.json_members.emplace_back("CancellationReasons", reasons.dump());
    throw error;
  }
  Json out = Json::object();
  if (answer.contains("ConsumedCapacity")) out["ConsumedCapacity"] = answer["ConsumedCapacity"];
  co_return out;
}

}  // namespace nimbus::dynamodb
