// Query and Scan: walks of the store's key order (item_keys.h) that read pages as DynamoDB does —
// Limit counts items read before the filter, a page stops at 1 MB read, and LastEvaluatedKey is
// the key of the last item read.
#include "services/dynamodb/dynamodb_errors.h"
#include "services/dynamodb/dynamodb_service.h"
#include "services/dynamodb/expr/expression.h"
#include "services/dynamodb/item_keys.h"
#include "services/dynamodb/item_request.h"
#include "storage/key_codec.h"

#include <functional>

namespace nimbus::dynamodb {
namespace {

constexpr size_t kPageBytes = 1024 * 1024;

// The request's Select, checked against the index and the projection it comes with. Query's
// texts carry Coral's "1 validation error detected: " prefix, Scan's do not (as DynamoDB answers).
std::string select_of(const Json& in, const IndexSchema* index, bool has_projection, bool is_query) {
  auto invalid = [&](const std::string& text) {
    return errors::validation((is_query ? "1 validation error detected: " : "") + text);
  };
  std::string select = in.value("Select", "");
  std::string projection_member = in.contains("AttributesToGet") ? "AttributesToGet" : "ProjectionExpression";
  if (select.empty()) {
    if (has_projection) return "SPECIFIC_ATTRIBUTES";
    return index ? "ALL_PROJECTED_ATTRIBUTES" : "ALL_ATTRIBUTES";
  }
  if (select == "SPECIFIC_ATTRIBUTES" && !has_projection) {
    throw invalid("Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES");
  }
  if (select == "COUNT" && has_projection) {
    throw invalid("Cannot specify the " + projection_member + " when choosing to get only the Count");
  }
  if (select == "ALL_ATTRIBUTES" && has_projection) {
    throw invalid("Cannot specify the " + projection_member + " when choosing to get ALL_ATTRIBUTES");
  }
  if (select == "ALL_PROJECTED_ATTRIBUTES" && has_projection) {
    throw invalid("Cannot specify the " + projection_member + " when choosing to get ALL_PROJECTED_ATTRIBUTES");
  }
  if (select == "ALL_PROJECTED_ATTRIBUTES" && !index) {
    throw invalid("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName");
  }
  if (select == "ALL_ATTRIBUTES" && index && index->global && index->projection != "ALL") {
    throw errors::validation("One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index " +
                             index->name + " because its projection type is not ALL");
  }
  return select;
}

// Query filters may not name the queried key attributes.
void check_filter_paths(const expr::Condition& condition, const KeyAttribute& hash, const std::optional<KeyAttribute>& range) {
  std::function<void(const expr::Operand&)> visit_operand = [&](const expr::Operand& operand) {
    if (operand.kind == expr::Operand::Kind::Path && !operand.path.empty() && !operand.path[0].is_index) {
      const std::string& name = operand.path[0].name;
      if (name == hash.name || (range && name == range->name)) {
        throw errors::validation("Filter Expression can only contain non-primary key attributes: Primary key attribute: " + name);
      }
    }
    for (const auto& argument : operand.args) visit_operand(argument);
  };
  for (const auto& operand : condition.operands) visit_operand(operand);
  for (const auto& child : condition.children) check_filter_paths(child, hash, range);
}

const IndexSchema* index_of(const TableSchema& schema, const Json& in) {
  if (!in.contains("IndexName")) return nullptr;
  std::string name = in["IndexName"];
  const IndexSchema* index = schema.find_index(name);
  if (!index) throw errors::validation("The table does not have the specified index: " + name);
  if (index->global && in.value("ConsistentRead", false)) {
    throw errors::validation("Consistent reads are not supported on global secondary indexes");
  }
  return index;
}

// Reads one page: each visited entry is parsed, counted, filtered and projected.
class PageReader {
 public:
  PageReader(DynamoDbService& service, const TableSchema& schema, const IndexSchema* index,
             RequestExpressions& expressions, std::string select, const Json& in)
      : service_(service), schema_(schema), index_(index), expressions_(expressions), select_(std::move(select)) {
    limit_ = in.value("Limit", 0);
    consistent_ = in.value("ConsistentRead", false);
    // A local index that does not project everything reads the table's item for the rest.
    fetch_from_table_ = index && !index->global && index->projection != "ALL" &&
                        select_ != "ALL_PROJECTED_ATTRIBUTES" && select_ != "COUNT";
  }

  // Takes one entry; false when the page is full (LastEvaluatedKey set).
  bool take(std::string_view value) {
    Json item = Json::parse(value);
    bytes_ += expr::item_size(item);
    Json key = key_attributes(schema_, item, index_);
    if (fetch_from_table_) {
      if (auto whole = service_.read_item(item_key_from_key(schema_, key_attributes(schema_, item)))) item = std::move(*whole);
    }
    ++scanned_;
    if (!expressions_.condition || expr::evaluate(*expressions_.condition, item)) {
      ++count_;
      if (select_ != "COUNT") {
        items_.push_back(expressions_.projection ? expr::project(*expressions_.projection, item) : std::move(item));
      }
    }
    if ((limit_ > 0 && scanned_ >= limit_) || bytes_ >= kPageBytes) {
      last_key_ = std::move(key);
      return false;
    }
    return true;
  }

  Json answer(const Json& in) const {
    Json out = {{"Count", count_}, {"ScannedCount", scanned_}};
    if (select_ != "COUNT") out["Items"] = items_;
    if (!last_key_.is_null()) out["LastEvaluatedKey"] = last_key_;
    Capacity capacity;
    double units = read_units(bytes_, consistent_);
    if (index_) {
      (index_->global ? capacity.global_indexes : capacity.local_indexes)[index_->name] = units;
    } else {
      capacity.table = units;
    }
    Json consumed = consumed_capacity(schema_.name, capacity, member_or_null(in, "ReturnConsumedCapacity"));
    if (!consumed.is_null()) out["ConsumedCapacity"] = std::move(consumed);
    return out;
  }

 private:
  DynamoDbService& service_;
  const TableSchema& schema_;
  const IndexSchema* index_;
  RequestExpressions& expressions_;
  std::string select_;
  int limit_ = 0;
  bool consistent_ = false;
  bool fetch_from_table_ = false;
  size_t bytes_ = 0;
  int64_t scanned_ = 0;
  int64_t count_ = 0;
  Json items_ = Json::array();
  Json last_key_;
};

// The store key ExclusiveStartKey names: the table's key, plus the index's for an index.
std::string start_key_of(const TableSchema& schema, const IndexSchema* index, const Json& start) {
  auto invalid = [] { return errors::validation("The provided starting key is invalid: The provided key element does not match the schema"); };
  size_t expected = 1 + (schema.range ? 1 : 0);
  if (index) {
    expected += (schema.is_table_key(index->hash.name) ? 0 : 1);
    if (index->range && !schema.is_table_key(index->range->name) && index->range->name != index->hash.name) expected += 1;
  }
  if (!start.is_object() || start.size() != expected) throw invalid();
  try {
    Json key = start;
    expr::validate_item(key);
    if (!index) return item_key_from_key(schema, key);
    auto entry = index_key_of_item(schema, *index, key);
    if (!entry || !key.contains(schema.hash.name) || (schema.range && !key.contains(schema.range->name))) throw invalid();
    return *entry;
  } catch (const AwsError&) {
    throw invalid();
  }
}

std::string escaped(const std::string& bytes) {
  std::string out;
  storage::keys::append_part(out, bytes);
  out.resize(out.size() - 2);  // without the part's terminator
  return out;
}

expr::KeyTerm::Op legacy_key_op(const std::string& op) {
  using Op = expr::KeyTerm::Op;
  if (op == "EQ") return Op::Eq;
  if (op == "LT") return Op::Lt;
  if (op == "LE") return Op::Le;
  if (op == "GT") return Op::Gt;
  if (op == "GE") return Op::Ge;
  if (op == "BETWEEN") return Op::Between;
  if (op == "BEGINS_WITH") return Op::BeginsWith;
  throw errors::validation("Attempted conditional constraint is not an indexable operation");
}

expr::KeyCondition key_condition_of(const Json& in, RequestExpressions& expressions) {
  if (in.contains("KeyConditionExpression")) {
    if (in.contains("KeyConditions")) {
      throw errors::validation(
          "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: "
          "{KeyConditions} Expression parameters: {KeyConditionExpression}");
    }
    return expr::parse_key_condition(in["KeyConditionExpression"].get<std::string>(), expressions.placeholders);
  }
  if (!in.contains("KeyConditions")) {
    throw errors::validation("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.");
  }
  expr::KeyCondition condition;
  for (const auto& [attribute, spec] : in["KeyConditions"].items()) {
    expr::KeyTerm term;
    term.attribute = attribute;
    term.op = legacy_key_op(spec.value("ComparisonOperator", ""));
    for (auto value : spec.value("AttributeValueList", Json::array())) {
      expr::validate_value(value);
      term.values.push_back(value);
    }
    size_t wanted = term.op == expr::KeyTerm::Op::Between ? 2 : 1;
    if (term.values.size() != wanted) {
      throw errors::validation("One or more parameter values were invalid: Invalid number of argument(s) for the " +
                               spec.value("ComparisonOperator", "") + " ComparisonOperator");
    }
    condition.terms.push_back(std::move(term));
  }
  return condition;
}

// The smallest key after every key starting with `prefix`.
std::string past(std::string prefix) {
  while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) == 0xff) prefix.pop_back();
  if (!prefix.empty()) prefix.back() = static_cast<char>(static_cast<unsigned char>(prefix.back()) + 1);
  return prefix;
}

std::string value_type(const Json& value) { return value.is_object() && !value.empty() ? value.begin().key() : ""; }

}  // namespace

awaitable<Json> DynamoDbService::query(RequestContext& context, const Json& in) {
  auto table = table_from_member(context, in["TableName"]);
  auto schema = table->current_schema();
  const IndexSchema* index = index_of(*schema, in);
  require_expressions(in, {"KeyConditionExpression", "FilterExpression"}, {"ProjectionExpression"});
  RequestExpressions expressions(in);
  expr::KeyCondition key_condition = key_condition_of(in, expressions);
  expressions.parse_filter(in);
  expressions.parse_projection(in);
  expressions.placeholders.check_all_used();
  const KeyAttribute& hash = index ? index->hash : schema->hash;
  const std::optional<KeyAttribute>& range = index ? index->range : schema->range;

  const expr::KeyTerm* hash_term = nullptr;
  const expr::KeyTerm* range_term = nullptr;
  for (const auto& term : key_condition.terms) {
    const expr::KeyTerm** slot = nullptr;
    if (term.attribute == hash.name) {
      slot = &hash_term;
    } else if (range && term.attribute == range->name) {
      slot = &range_term;
    } else {
      bool names_hash = false;
      for (const auto& other : key_condition.terms) names_hash = names_hash || other.attribute == hash.name;
      if (!names_hash) throw errors::validation("Query condition missed key schema element: " + hash.name);
      if (range) throw errors::validation("Query condition missed key schema element: " + range->name);
      throw errors::validation("Query key condition not supported");
    }
    if (*slot) throw errors::validation("KeyConditionExpressions must only contain one condition per key");
    *slot = &term;
  }
  if (!hash_term) throw errors::validation("Query condition missed key schema element: " + hash.name);
  if (hash_term->op != expr::KeyTerm::Op::Eq) throw errors::validation("Query key condition not supported");
  for (const auto* term : {hash_term, range_term}) {
    if (!term) continue;
    const std::string& type = term == hash_term ? hash.type : range->type;
    for (const auto& value : term->values) {
      if (value_type(value) != type) {
        throw errors::validation("One or more parameter values were invalid: Condition parameter type does not match schema type");
      }
    }
    if (term->op == expr::KeyTerm::Op::BeginsWith && type == "N") {
      throw errors::validation(
          "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: "
          "begins_with, operand type: N");
    }
  }
  if (hash_term->values[0].begin().value().get_ref<const std::string&>().empty()) {
    throw errors::validation(
        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty "
        "string value. Key: " + hash.name);
  }

  std::string select = select_of(in, index, expressions.projection.has_value(), true);
  if (expressions.condition) check_filter_paths(*expressions.condition, hash, range);
  PageReader page(*this, *schema, index, expressions, select, in);
  std::string partition = index ? index_prefix(*schema, *index) : items_prefix(*schema);
  append_key_value(partition, hash_term->values[0], hash.type);
  bool forward = in.value("ScanIndexForward", true);
  std::optional<std::string> exclusive_start;
  if (in.contains("ExclusiveStartKey")) exclusive_start = start_key_of(*schema, index, in["ExclusiveStartKey"]);

  using Op = expr::KeyTerm::Op;
  // Where the walk starts, and the one value whose items it passes over before matching
  // (forward `> v`, backward `< v`); it stops at the first item that does not match.
  std::string bound;
  std::optional<Json> skip_equal;
  if (range_term) {
    const Json& low = range_term->values[0];
    std::string low_bytes = escaped(key_value_bytes(low, range->type));
    const Json& high = range_term->values.back();
    std::string high_bytes = escaped(key_value_bytes(high, range->type));
    if (forward) {
      switch (range_term->op) {
        case Op::Eq: case Op::Ge: case Op::Between: case Op::BeginsWith: bound = partition + low_bytes; break;
        case Op::Gt: bound = partition + low_bytes; skip_equal = low; break;
        case Op::Lt: case Op::Le: bound = partition; break;
      }
    } else {
      switch (range_term->op) {
        case Op::Eq: case Op::Le: case Op::Between: bound = partition + high_bytes + std::string("\x00\x02", 2); break;
        case Op::Lt: bound = partition + high_bytes + std::string("\x00\x02", 2); skip_equal = high; break;
        case Op::BeginsWith: bound = past(partition + high_bytes); break;
        case Op::Gt: case Op::Ge: bound = past(partition); break;
      }
    }
  } else {
    bound = forward ? partition : past(partition);
  }
  if (exclusive_start) bound = forward ? std::max(bound, *exclusive_start) : std::min(bound, *exclusive_start);

  auto visit = [&](std::string_view key, std::string_view value) {
    if (exclusive_start && key == *exclusive_start) return true;
    if (!forward && key == bound) return true;  // a backward walk's bound may be the key just past its range
    if (range_term) {
      Json item = Json::parse(value);
      if (!expr::matches(*range_term, item)) {
        auto it = item.find(range->name);
        return skip_equal && it != item.end() && expr::equal(*it, *skip_equal);
      }
    }
    return page.take(value);
  };
  if (forward) {
    store_.scan_from(kSpace, partition, bound, visit);
  } else {
    store_.scan_reverse_from(kSpace, partition, bound, visit);
  }
  co_return page.answer(in);
}

awaitable<Json> DynamoDbService::scan(RequestContext& context, const Json& in) {
  auto table = table_from_member(context, in["TableName"]);
  auto schema = table->current_schema();
  const IndexSchema* index = index_of(*schema, in);
  require_expressions(in, {"FilterExpression"}, {"ProjectionExpression"});
  RequestExpressions expressions(in);
  expressions.parse_filter(in);
  expressions.parse_projection(in);
  expressions.placeholders.check_all_used();
  bool has_segment = in.contains("Segment"), has_total = in.contains("TotalSegments");
  if (has_segment && !has_total) {
    throw errors::validation("The TotalSegments parameter is required but was not present in the request when Segment parameter is present");
  }
  if (has_total && !has_segment) {
    throw errors::validation("The Segment parameter is required but was not present in the request when parameter TotalSegments is present");
  }
  int segment = in.value("Segment", 0), segments = in.value("TotalSegments", 1);
  if (segment >= segments) {
    throw errors::validation("The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: " +
                             std::to_string(segment) + " is not less than TotalSegments: " + std::to_string(segments));
  }
  std::string select = select_of(in, index, expressions.projection.has_value(), false);
  PageReader page(*this, *schema, index, expressions, select, in);
  std::string prefix = index ? index_prefix(*schema, *index) : items_prefix(*schema);
  std::optional<std::string> exclusive_start;
  if (in.contains("ExclusiveStartKey")) exclusive_start = start_key_of(*schema, index, in["ExclusiveStartKey"]);
  const KeyAttribute& hash = index ? index->hash : schema->hash;
  store_.scan_from(kSpace, prefix, exclusive_start.value_or(prefix), [&](std::string_view key, std::string_view value) {
    if (exclusive_start && key == *exclusive_start) return true;
    if (segments > 1) {
      // A partition belongs to one segment, by a hash of its key (FNV-1a).
      Json item = Json::parse(value);
      std::string bytes = key_value_bytes(item.at(hash.name), hash.type);
      uint32_t fnv = 2166136261u;
      for (unsigned char byte : bytes) fnv = (fnv ^ byte) * 16777619u;
      if (static_cast<int>(fnv % static_cast<uint32_t>(segments)) != segment) return true;
    }
    return page.take(value);
  });
  co_return page.answer(in);
}

}  // namespace nimbus::dynamodb
