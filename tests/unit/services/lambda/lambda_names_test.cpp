// FunctionName forms Lambda accepts and the ones it refuses; LastModified's timestamp format.
#include <gtest/gtest.h>

#include "core/aws_error.h"
#include "services/lambda/lambda_names.h"

namespace nimbus::lambda {
namespace {

TEST(FunctionRef, PlainNameIsUnqualified) {
  auto ref = parse_function_ref("my-function_1");
  EXPECT_EQ(ref.name, "my-function_1");
  EXPECT_EQ(ref.qualifier, "");
  EXPECT_EQ(ref.account, "");
  EXPECT_EQ(ref.region, "");
}

TEST(FunctionRef, NameWithQualifier) {
  EXPECT_EQ(parse_function_ref("f:prod").qualifier, "prod");
  EXPECT_EQ(parse_function_ref("f:$LATEST").qualifier, "$LATEST");
  EXPECT_EQ(parse_function_ref("f:7").name, "f");
}

TEST(FunctionRef, PartialArnNamesTheAccount) {
  auto ref = parse_function_ref("123456789012:function:f");
  EXPECT_EQ(ref.account, "123456789012");
  EXPECT_EQ(ref.name, "f");
  EXPECT_EQ(ref.qualifier, "");
  auto qualified = parse_function_ref("123456789012:function:f:live");
  EXPECT_EQ(qualified.name, "f");
  EXPECT_EQ(qualified.qualifier, "live");
}

TEST(FunctionRef, FullArnWithAndWithoutQualifier) {
  auto ref = parse_function_ref("arn:aws:lambda:us-east-1:123456789012:function:f");
  EXPECT_EQ(ref.region, "us-east-1");
  EXPECT_EQ(ref.account, "123456789012");
  EXPECT_EQ(ref.name, "f");
  EXPECT_EQ(ref.qualifier, "");
  auto qualified = parse_function_ref("arn:aws:lambda:eu-west-2:210987654321:function:f:$LATEST");
  EXPECT_EQ(qualified.region, "eu-west-2");
  EXPECT_EQ(qualified.account, "210987654321");
  EXPECT_EQ(qualified.qualifier, "$LATEST");
}

TEST(FunctionRef, InvalidFormsAreValidationExceptionsNamingTheMember) {
  for (std::string_view text : {"", "has space", "f:", "f:a:b", "f/x", "arn:aws:lambda:us-east-1:123456789012:layer:f",
                                "arn:aws:sqs:us-east-1:123456789012:function:f", "f:bad.qualifier", ":f"}) {
    try {
      parse_function_ref(text, "FunctionName");
      ADD_FAILURE() << "accepted '" << text << "'";
    } catch (const AwsError& error) {
      EXPECT_EQ(error.code, "ValidationException") << text;
      EXPECT_EQ(error.http_status, 400);
      EXPECT_NE(error.message.find("Value '" + std::string(text) + "' at 'FunctionName'"), std::string::npos)
          << error.message;
    }
  }
}

TEST(FunctionRef, OverLongTextIsRefused) {
  EXPECT_THROW(parse_function_ref(std::string(171, 'a')), AwsError);
  EXPECT_NO_THROW(parse_function_ref(std::string(64, 'a')));
}

TEST(FunctionRef, ArnsAreBuiltInLambdasForm) {
  EXPECT_EQ(function_arn("us-east-1", "123456789012", "f"), "arn:aws:lambda:us-east-1:123456789012:function:f");
  EXPECT_EQ(layer_arn("us-east-1", "123456789012", "l"), "arn:aws:lambda:us-east-1:123456789012:layer:l");
}

TEST(FunctionRef, CheckFunctionNameAllowsOneToSixtyFourWordCharacters) {
  EXPECT_NO_THROW(check_function_name("a"));
  EXPECT_NO_THROW(check_function_name(std::string(64, 'z')));
  EXPECT_THROW(check_function_name(""), AwsError);
  EXPECT_THROW(check_function_name(std::string(65, 'z')), AwsError);
  EXPECT_THROW(check_function_name("a.b"), AwsError);
}

TEST(LambdaTimestamp, MillisecondsAndPlusZeroZeroZeroZero) {
  EXPECT_EQ(lambda_timestamp(0), "1970-01-01T00:00:00.000+0000");
  EXPECT_EQ(lambda_timestamp(1'706'704'496'789), "2024-01-31T12:34:56.789+0000");
  EXPECT_EQ(lambda_timestamp(951'782'400'005), "2000-02-29T00:00:00.005+0000");
}

}  // namespace
}  // namespace nimbus::lambda
