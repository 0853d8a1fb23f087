#include "services/dynamodb/partiql.h"

#include <gtest/gtest.h>

#include "core/aws_error.h"

namespace nimbus::dynamodb::partiql {
namespace {

std::string error_of(std::string_view text, const Json& parameters = Json()) {
  try {
    parse(text, parameters);
  } catch (const AwsError& error) {
    return error.message;
  }
  return "";
}

TEST(Partiql, SelectReadsTableIndexProjectionAndWhere) {
  Statement s = parse(R"(SELECT name, address.city FROM "users"."by-email" WHERE email = 'a@b.c' AND age >= 21)", Json());
  EXPECT_EQ(s.kind, Statement::Kind::Select);
  EXPECT_EQ(s.table, "users");
  EXPECT_EQ(s.index, "by-email");
  ASSERT_EQ(s.projection.size(), 2u);
  EXPECT_EQ(s.projection[1].size(), 2u);
  ASSERT_TRUE(s.where);
  EXPECT_EQ(s.where->kind, expr::Condition::Kind::And);
  EXPECT_EQ(s.where->children[0].operands[1].value, Json({{"S", "a@b.c"}}));
  EXPECT_EQ(s.where->children[1].operands[1].value, Json({{"N", "21"}}));
}

TEST(Partiql, ParametersBindInOrderAndMustAllBeUsed) {
  Statement s = parse("select * from t where pk = ? and sk = ?", Json::parse(R"([{"S": "p"}, {"N": "01.50"}])"));
  EXPECT_EQ(s.where->children[1].operands[1].value, Json({{"N", "1.5"}}));
  EXPECT_EQ(error_of("SELECT * FROM t WHERE pk = ?"), "Number of parameters in request and statement don't match.");
  EXPECT_EQ(error_of("SELECT * FROM t", Json::parse(R"([{"S": "x"}])")),
            "Number of parameters in request and statement don't match.");
}

TEST(Partiql, InsertValueIsAnAttributeMapOfEveryLiteralKind) {
  Statement s = parse(R"(INSERT INTO "t" VALUE {'pk': 'a', 'n': -2.5, 'ok': true, 'none': null, 'l': [1, 'x'],
                       'm': {'k': 'v'}, 'ss': <<'a', 'b'>>, 'ns': <<1, 2>>, 'it''s': 'quoted'})",
                     Json());
  EXPECT_EQ(s.kind, Statement::Kind::Insert);
  EXPECT_EQ(s.item["n"], Json({{"N", "-2.5"}}));
  EXPECT_EQ(s.item["ok"], Json({{"BOOL", true}}));
  EXPECT_EQ(s.item["none"], Json({{"NULL", true}}));
  EXPECT_EQ(s.item["l"]["L"].size(), 2u);
  EXPECT_EQ(s.item["m"]["M"]["k"], Json({{"S", "v"}}));
  EXPECT_EQ(s.item["ss"], Json({{"SS", {"a", "b"}}}));
  EXPECT_EQ(s.item["ns"], Json({{"NS", {"1", "2"}}}));
  EXPECT_TRUE(s.item.contains("it's"));
}

TEST(Partiql, UpdateCollectsSetRemoveAndSetFunctions) {
  Statement s = parse("UPDATE t SET n = n + 1, l = list_append(l, [2]) SET tags = set_add(tags, <<'x'>>) REMOVE old WHERE pk = 'a'",
                      Json());
  ASSERT_EQ(s.actions.size(), 4u);
  EXPECT_EQ(s.actions[0].value.kind, expr::Operand::Kind::Plus);
  EXPECT_EQ(s.actions[1].value.name, "list_append");
  EXPECT_EQ(s.actions[2].kind, expr::UpdateAction::Kind::Add);
  EXPECT_EQ(s.actions[3].kind, expr::UpdateAction::Kind::Remove);
}

TEST(Partiql, ConditionsCoverMissingNullInBetweenAndFunctions) {
  Statement s = parse("DELETE FROM t WHERE pk = 'a' AND (x IS MISSING OR y IS NOT NULL) AND z IN [1, 2] "
                      "AND w BETWEEN 1 AND 5 AND begins_with(name, 'J') AND NOT contains(tags, 'q')",
                      Json());
  EXPECT_EQ(s.kind, Statement::Kind::Delete);
  ASSERT_TRUE(s.where);
}

TEST(Partiql, MalformedStatementsAreRefusedWithDynamoDBsPrefix) {
  for (const char* text : {"", "SELEKT * FROM t", "SELECT * FROM", "INSERT INTO t VALUE 'x'", "UPDATE t WHERE pk = 'a'",
                           "SELECT * FROM t WHERE", "SELECT * FROM t WHERE a = 'unterminated",
                           "SELECT * FROM \"\" WHERE zk = 1", "SELECT * FROM t WHERE \"\" = 1",
                           "UPDATE t SET l[44444444444444444444] = 1 WHERE pk = 'a'",
                           "UPDATE t SET l[1.5] = 1 WHERE pk = 'a'"}) {
    std::string message = error_of(text);
    EXPECT_TRUE(message.starts_with("Statement wasn't well formed, can't be processed: ")) << text << ": " << message;
  }
}

TEST(Partiql, DeepNestingIsRefusedNotOverflowed) {
  std::string deep = "SELECT * FROM t WHERE " + std::string(5000, '(') + "a = 1" + std::string(5000, ')');
  EXPECT_EQ(error_of(deep), "Statement wasn't well formed, can't be processed: nested too deeply");
  std::string nots = "SELECT * FROM t WHERE ";
  for (int i = 0; i < 3000; ++i) nots += "NOT ";
  EXPECT_EQ(error_of(nots + "a = 1"), "Statement wasn't well formed, can't be processed: nested too deeply");
  EXPECT_EQ(error_of("INSERT INTO t VALUE {'a': " + std::string(3000, '[') + "1" + std::string(3000, ']') + "}"),
            "Statement wasn't well formed, can't be processed: nested too deeply");
}

}  // namespace
}  // namespace nimbus::dynamodb::partiql
