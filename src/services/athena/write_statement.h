#pragma once
// The Athena statements that write through a query: CREATE [OR REPLACE] VIEW, DROP VIEW,
// CREATE TABLE ... [WITH (...)] AS <query> [WITH [NO] DATA] (CTAS) and INSERT INTO ... <query>.
// Only their frame is parsed here (names, properties, where the query starts); the query itself
// is the engine's. Pure: the fuzz build compiles it.

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace nimbus::athena {

struct WriteStatement {
  enum class Kind { CreateView, DropView, CreateTableAs, InsertInto };
  Kind kind = Kind::CreateView;
  std::string database;  // "" = the query's database
  std::string name;      // lower-cased, as the catalog names it
  bool or_replace = false;
  bool if_exists = false;      // DROP VIEW IF EXISTS
  bool if_not_exists = false;  // CREATE TABLE IF NOT EXISTS
  bool with_data = true;       // CTAS ... WITH NO DATA
  // CTAS properties: format, external_location, field_delimiter, write_compression (strings), and
  // partitioned_by / bucketed_by (ARRAY['a', 'b'], lower-cased names).
  std::map<std::string, std::string> properties;
  std::vector<std::string> partitioned_by;
  std::vector<std::string> columns;  // INSERT INTO t (a, b)
  std::string query;                 // the SELECT (or VALUES) the statement runs
};

// A malformed frame; what() is Athena's message ("line 1:8: mismatched input ...").
class WriteSyntaxError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The statement when it is one of the four; nullopt for anything else.
std::optional<WriteStatement> parse_write_statement(std::string_view sql);

}  // namespace nimbus::athena
