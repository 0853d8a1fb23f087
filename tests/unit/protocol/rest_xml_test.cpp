#include <gtest/gtest.h>

#include "protocol/protocol.h"
#include "test_support.h"

namespace nimbus::protocol {
namespace {

using testing::error_of;
using testing::rest_request;

const model::ServiceModel& s3() { return model::s3_model(); }

std::string matched(std::string_view method, std::string_view path, std::string_view query = {},
                    const http::fields* headers = nullptr) {
  const model::OperationDef* op = match_rest_operation(s3(), method, path, query, headers);
  return op ? std::string(op->name) : "<none>";
}

TEST(RestMatch, BucketAndServiceLevelOperations) {
  EXPECT_EQ(matched("GET", "/"), "ListBuckets");
  EXPECT_EQ(matched("PUT", "/bucket"), "CreateBucket");
  EXPECT_EQ(matched("GET", "/bucket"), "ListObjects");
  EXPECT_EQ(matched("GET", "/bucket/"), "ListObjects");
  EXPECT_EQ(matched("HEAD", "/bucket"), "HeadBucket");
  EXPECT_EQ(matched("DELETE", "/bucket"), "DeleteBucket");
}

TEST(RestMatch, QueryLiteralsAreMoreSpecific) {
  EXPECT_EQ(matched("GET", "/bucket", "list-type=2&prefix=a"), "ListObjectsV2");
  EXPECT_EQ(matched("PUT", "/bucket", "tagging"), "PutBucketTagging");
  EXPECT_EQ(matched("GET", "/bucket", "location"), "GetBucketLocation");
  EXPECT_EQ(matched("GET", "/bucket", "uploads"), "ListMultipartUploads");
  EXPECT_EQ(matched("POST", "/bucket", "delete"), "DeleteObjects");
  EXPECT_EQ(matched("POST", "/bucket/a/b", "uploads"), "CreateMultipartUpload");
  EXPECT_EQ(matched("GET", "/bucket/key", "tagging"), "GetObjectTagging");
}

TEST(RestMatch, GreedyKeyLabelSpansSlashes) {
  EXPECT_EQ(matched("PUT", "/bucket/a/b/c.txt"), "PutObject");
  EXPECT_EQ(matched("GET", "/bucket/a%20b"), "GetObject");
  EXPECT_EQ(matched("HEAD", "/bucket/k"), "HeadObject");
  EXPECT_EQ(matched("DELETE", "/bucket/k"), "DeleteObject");
}

TEST(RestMatch, RequiredQueryAndHeaderMembersDisambiguate) {
  EXPECT_EQ(matched("PUT", "/b/k", "partNumber=1&uploadId=u"), "UploadPart");
  http::fields copy;
  copy.set("x-amz-copy-source", "/src/key");
  EXPECT_EQ(matched("PUT", "/b/k", "", &copy), "CopyObject");
  EXPECT_EQ(matched("PUT", "/b/k", "partNumber=1&uploadId=u", &copy), "UploadPartCopy");
  EXPECT_EQ(matched("GET", "/b/k", "uploadId=u"), "ListParts");
  EXPECT_EQ(matched("DELETE", "/b/k", "uploadId=u"), "AbortMultipartUpload");
  EXPECT_EQ(matched("POST", "/b/k", "uploadId=u"), "CompleteMultipartUpload");
}

TEST(RestMatch, NothingMatchesUnknownMethodOrShape) {
  EXPECT_EQ(matched("PATCH", "/b/k"), "<none>");
  EXPECT_EQ(matched("POST", "/b/k"), "<none>");
}

TEST(RestDecode, PutObjectLabelsHeadersMetadataAndBody) {
  HttpRequest request = rest_request(http::verb::put, "/my-bucket/dir/a%20b%2Bc.txt", "hello");
  request.set(http::field::content_type, "text/plain");
  request.set("x-amz-meta-Color", "blue");
  request.set("X-Amz-Meta-size", "L");
  request.set("x-amz-storage-class", "STANDARD");
  OperationCall call = decode_request(s3(), Wire::RestXml, request);
  EXPECT_EQ(call.operation->name, "PutObject");
  EXPECT_EQ(call.input["Bucket"], "my-bucket");
  EXPECT_EQ(call.input["Key"], "dir/a b+c.txt");
  EXPECT_EQ(call.input["ContentType"], "text/plain");
  EXPECT_EQ(call.input["ContentLength"], 5);
  EXPECT_EQ(call.input["Metadata"], Json({{"color", "blue"}, {"size", "L"}}));
  EXPECT_EQ(call.input["StorageClass"], "STANDARD");
  EXPECT_EQ(call.input["Body"], "hello");
}

TEST(RestDecode, StreamedBodyLeavesBlobPayloadAbsent) {
  const model::OperationDef* put = s3().find_operation("PutObject");
  http::fields headers;
  OperationCall call = decode_rest_request(s3(), Wire::RestXml, *put, "/b/k", headers, std::nullopt);
  EXPECT_FALSE(call.input.contains("Body"));
  EXPECT_EQ(call.input["Key"], "k");
}

TEST(RestDecode, QueryStringMembersAreTyped) {
  OperationCall call = decode_request(
      s3(), Wire::RestXml, rest_request(http::verb::get, "/b?list-type=2&max-keys=7&prefix=a%2Fb&fetch-owner=true"));
  EXPECT_EQ(call.operation->name, "ListObjectsV2");
  EXPECT_EQ(call.input["MaxKeys"], 7);
  EXPECT_EQ(call.input["Prefix"], "a/b");
  EXPECT_EQ(call.input["FetchOwner"], true);
}

TEST(RestDecode, BadQueryIntegerIsInvalidArgument) {
  AwsError error = error_of([] {
    decode_request(s3(), Wire::RestXml, rest_request(http::verb::get, "/b?list-type=2&max-keys=x"));
  });
  EXPECT_EQ(error.code, "InvalidArgument");
}

TEST(RestDecode, DeleteObjectsXmlPayload) {
  std::string body =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
      "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Object><Key>a</Key></Object>"
      "<Object><Key>b &amp; c</Key><VersionId>v1</VersionId></Object><Quiet>true</Quiet></Delete>";
  OperationCall call = decode_request(s3(), Wire::RestXml, rest_request(http::verb::post, "/b?delete", body));
  EXPECT_EQ(call.operation->name, "DeleteObjects");
  EXPECT_EQ(call.input["Delete"], Json({{"Objects", {{{"Key", "a"}}, {{"Key", "b & c"}, {"VersionId", "v1"}}}},
                                        {"Quiet", true}}));
}

TEST(RestDecode, WhitespaceInTextMembersIsKeptExactly) {
  std::string body =
      "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\n"
      "  <Object><Key> </Key></Object>\n"
      "  <Object><Key>\t\n</Key></Object>\n"
      "  <Object><Key> lead and trail </Key></Object>\n"
      "  <Quiet>True</Quiet>\n"
      "</Delete>";
  OperationCall call = decode_request(s3(), Wire::RestXml, rest_request(http::verb::post, "/b?delete", body));
  EXPECT_EQ(call.input["Delete"], Json({{"Objects", {{{"Key", " "}}, {{"Key", "\t\n"}}, {{"Key", " lead and trail "}}}},
                                        {"Quiet", true}}));
}

TEST(RestEncode, AGranteeDeclaresTheXsiNamespaceOfItsTypeAttribute) {
  Json output = {{"Owner", {{"ID", "abc"}}},
                 {"Grants", {{{"Grantee", {{"ID", "abc"}, {"Type", "CanonicalUser"}}}, {"Permission", "FULL_CONTROL"}}}}};
  HttpResponse response =
      encode_response(s3(), Wire::RestXml, *s3().find_operation("GetBucketAcl"), output, "r", 11, true);
  EXPECT_NE(response.body().find("<Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                                 "xsi:type=\"CanonicalUser\"><ID>abc</ID></Grantee>"),
            std::string::npos)
      << response.body();
}

TEST(RestDecode, CompleteMultipartUploadParts) {
  std::string body =
      "<CompleteMultipartUpload><Part><ETag>\"e1\"</ETag><PartNumber>1</PartNumber></Part>"
      "<Part><ETag>\"e2\"</ETag><PartNumber>2</PartNumber></Part></CompleteMultipartUpload>";
  OperationCall call = decode_request(s3(), Wire::RestXml, rest_request(http::verb::post, "/b/k?uploadId=u1", body));
  EXPECT_EQ(call.input["UploadId"], "u1");
  EXPECT_EQ(call.input["MultipartUpload"]["Parts"][1], Json({{"ETag", "\"e2\""}, {"PartNumber", 2}}));
}

TEST(RestDecode, PutBucketTaggingNonFlattenedList) {
  std::string body = "<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>";
  OperationCall call = decode_request(s3(), Wire::RestXml, rest_request(http::verb::put, "/b?tagging", body));
  EXPECT_EQ(call.input["Tagging"], Json({{"TagSet", {{{"Key", "k"}, {"Value", "v"}}}}}));
}

TEST(RestDecode, MalformedXmlIsMalformedXML) {
  for (std::string body : {"<Delete><Object>", "not xml", "<Delete><Quiet>maybe</Quiet></Delete>"}) {
    AwsError error = error_of([&] { decode_request(s3(), Wire::RestXml, rest_request(http::verb::post, "/b?delete", body)); });
    EXPECT_EQ(error.code, "MalformedXML") << body;
  }
}

TEST(RestDecode, PayloadRootElementMustBeTheMembersName) {
  std::string wrong = "<Wrong><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Wrong>";
  AwsError error =
      error_of([&] { decode_request(s3(), Wire::RestXml, rest_request(http::verb::put, "/b?tagging", wrong)); });
  EXPECT_EQ(error.code, "MalformedXML");
  EXPECT_EQ(error.http_status, 400);
  // The element name comes from the member's locationName (MultipartUpload -> CompleteMultipartUpload).
  std::string parts =
      "<MultipartUpload><Part><ETag>\"e1\"</ETag><PartNumber>1</PartNumber></Part></MultipartUpload>";
  error = error_of([&] {
    decode_request(s3(), Wire::RestXml, rest_request(http::verb::post, "/b/k?uploadId=u1", parts));
  });
  EXPECT_EQ(error.code, "MalformedXML");
  // A namespace prefix on the root is not part of its name.
  std::string prefixed =
      "<s3:Tagging xmlns:s3=\"http://s3.amazonaws.com/doc/2006-03-01/\"><TagSet/></s3:Tagging>";
  OperationCall call =
      decode_request(s3(), Wire::RestXml, rest_request(http::verb::put, "/b?tagging", prefixed));
  EXPECT_EQ(call.operation->name, "PutBucketTagging");
}

TEST(RestDecode, MissingRequiredPayloadIsInvalidRequest) {
  AwsError error = error_of([] { decode_request(s3(), Wire::RestXml, rest_request(http::verb::post, "/b?delete")); });
  EXPECT_EQ(error.code, "InvalidRequest");
}

TEST(RestDecode, UnmatchedRequestIsMethodNotAllowed) {
  AwsError error = error_of([] { decode_request(s3(), Wire::RestXml, rest_request(http::verb::patch, "/b")); });
  EXPECT_EQ(error.http_status, 405);
  EXPECT_EQ(error.code, "MethodNotAllowed");
}

TEST(RestEncode, ListObjectsV2RootNamespaceAndFlattenedContents) {
  Json output = {{"Name", "b"}, {"KeyCount", 1}, {"IsTruncated", false},
                 {"Contents", {{{"Key", "a&b"}, {"Size", 3}, {"LastModified", 1672628645},
                                {"ETag", "\"abc\""}, {"StorageClass", "STANDARD"}}}},
                 {"CommonPrefixes", {{{"Prefix", "d/"}}}}};
  HttpResponse response = encode_response(s3(), Wire::RestXml, *s3().find_operation("ListObjectsV2"), output,
                                          "req-3", 11, true);
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response[http::field::content_type], "application/xml");
  EXPECT_EQ(response["x-amz-request-id"], "req-3");
  EXPECT_EQ(response.body(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><IsTruncated>false</IsTruncated>"
            "<Contents><Key>a&amp;b</Key><LastModified>2023-01-02T03:04:05Z</LastModified>"
            "<ETag>&quot;abc&quot;</ETag><Size>3</Size><StorageClass>STANDARD</StorageClass></Contents>"
            "<Name>b</Name><CommonPrefixes><Prefix>d/</Prefix></CommonPrefixes><KeyCount>1</KeyCount>"
            "</ListBucketResult>");
}

TEST(RestEncode, GetBucketLocationIsTextRoot) {
  HttpResponse response = encode_response(s3(), Wire::RestXml, *s3().find_operation("GetBucketLocation"),
                                          {{"LocationConstraint", "eu-west-1"}}, "r", 11, true);
  EXPECT_EQ(response.body(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">eu-west-1</LocationConstraint>");
}

TEST(RestEncode, HeadObjectHeadersKeepDeclaredContentLength) {
  Json output = {{"ContentLength", 1234}, {"LastModified", 1672628645}, {"ETag", "\"e\""},
                 {"ContentType", "text/plain"}, {"Metadata", {{"color", "blue"}}}};
  HttpResponse response = encode_response(s3(), Wire::RestXml, *s3().find_operation("HeadObject"), output,
                                          "r", 11, true);
  EXPECT_EQ(response[http::field::content_length], "1234");
  EXPECT_EQ(response["Last-Modified"], "Mon, 02 Jan 2023 03:04:05 GMT");
  EXPECT_EQ(response["ETag"], "\"e\"");
  EXPECT_EQ(response["x-amz-meta-color"], "blue");
  EXPECT_EQ(response[http::field::content_type], "text/plain");
  EXPECT_TRUE(response.body().empty());
}

TEST(RestEncode, GetObjectBlobPayloadIsTheBody) {
  HttpResponse response = encode_response(s3(), Wire::RestXml, *s3().find_operation("GetObject"),
                                          {{"Body", std::string("\x00\x01", 2)}}, "r", 11, true);
  EXPECT_EQ(response.body(), std::string("\x00\x01", 2));
  EXPECT_EQ(response[http::field::content_type], "application/octet-stream");
  EXPECT_EQ(response[http::field::content_length], "2");
}

TEST(RestEncode, ResponseCodeFromModel) {
  HttpResponse response = encode_response(s3(), Wire::RestXml, *s3().find_operation("DeleteObject"),
                                          Json::object(), "r", 11, true);
  EXPECT_EQ(response.result_int(), 204);
  EXPECT_TRUE(response.body().empty());
}

TEST(RestEncode, CopyObjectStructurePayloadUsesMemberName) {
  HttpResponse response = encode_response(s3(), Wire::RestXml, *s3().find_operation("CopyObject"),
                                          {{"CopyObjectResult", {{"ETag", "\"e\""}}}, {"VersionId", "v"}},
                                          "r", 11, true);
  EXPECT_EQ(response["x-amz-version-id"], "v");
  EXPECT_NE(response.body().find("<CopyObjectResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                                 "<ETag>&quot;e&quot;</ETag></CopyObjectResult>"),
            std::string::npos)
      << response.body();
}

TEST(RestXmlError, BodyWithExtraElementsAndRequestId) {
  AwsError error(404, "NoSuchKey", "The specified key does not exist.");
  error.extra = {{"Key", "a<b"}, {"BucketName", "b"}};
  HttpResponse response = encode_error(&s3(), Wire::RestXml, error, "req-4", 11, false);
  EXPECT_EQ(response.result_int(), 404);
  EXPECT_EQ(response[http::field::content_type], "application/xml");
  EXPECT_EQ(response["x-amz-request-id"], "req-4");
  EXPECT_EQ(response.body(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>"
            "<Key>a&lt;b</Key><BucketName>b</BucketName><RequestId>req-4</RequestId></Error>");
}

TEST(RestJsonError, ErrorTypeHeaderAndBody) {
  HttpResponse response = encode_error(nullptr, Wire::RestJson, AwsError::validation("bad"), "r", 11, true);
  EXPECT_EQ(response["x-amzn-ErrorType"], "ValidationError");
  EXPECT_EQ(Json::parse(response.body()), Json({{"__type", "ValidationError"}, {"message", "bad"}}));
}

}  // namespace
}  // namespace nimbus::protocol
