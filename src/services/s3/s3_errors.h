#pragma once
// S3's errors as named factories: code, status and AWS's message, with the extra XML elements
// (<BucketName>, <Key>, <Resource>...) S3 adds to <Error>.

#include <cstdint>
#include <string>

#include "core/aws_error.h"

namespace nimbus::s3::errors {

inline AwsError with(AwsError error, std::string element, std::string value) {
  error.extra.emplace_back(std::move(element), std::move(value));
  return error;
}

inline AwsError no_such_bucket(const std::string& bucket) {
  return with({404, "NoSuchBucket", "The specified bucket does not exist"}, "BucketName", bucket);
}
inline AwsError no_such_key(const std::string& key) {
  return with({404, "NoSuchKey", "The specified key does not exist."}, "Key", key);
}
inline AwsError no_such_version(const std::string& key, const std::string& version) {
  auto error = with({404, "NoSuchVersion", "The specified version does not exist."}, "Key", key);
  return with(std::move(error), "VersionId", version);
}
inline AwsError no_such_upload(const std::string& upload_id) {
  return with({404, "NoSuchUpload",
               "The specified upload does not exist. The upload ID may be invalid, or the upload "
               "may have been aborted or completed."},
              "UploadId", upload_id);
}
inline AwsError bucket_already_exists(const std::string& bucket) {
  return with({409, "BucketAlreadyExists",
               "The requested bucket name is not available. The bucket namespace is shared by all "
               "users of the system. Please select a different name and try again."},
              "BucketName", bucket);
}
inline AwsError bucket_already_owned_by_you(const std::string& bucket) {
  return with({409, "BucketAlreadyOwnedByYou",
               "Your previous request to create the named bucket succeeded and you already own it."},
              "BucketName", bucket);
}
inline AwsError bucket_not_empty(const std::string& bucket) {
  return with({409, "BucketNotEmpty", "The bucket you tried to delete is not empty"}, "BucketName",
              bucket);
}
inline AwsError invalid_bucket_name(const std::string& bucket) {
  return with({400, "InvalidBucketName", "The specified bucket is not valid."}, "BucketName", bucket);
}
inline AwsError illegal_location_constraint(const std::string& location) {
  return with({400, "IllegalLocationConstraintException",
               "The " + location + " location constraint is incompatible for the region specific "
               "endpoint this request was sent to."},
              "LocationConstraint", location);
}
inline AwsError invalid_location_constraint(const std::string& location) {
  return with({400, "InvalidLocationConstraint", "The specified location-constraint is not valid"},
              "LocationConstraint", location);
}
inline AwsError precondition_failed(const std::string& condition) {
  return with({412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold"},
              "Condition", condition);
}
inline AwsError invalid_range(uint64_t object_size, const std::string& range) {
  auto error = with({416, "InvalidRange", "The requested range is not satisfiable"},
                    "RangeRequested", range);
  return with(std::move(error), "ActualObjectSize", std::to_string(object_size));
}
inline AwsError invalid_argument(const std::string& message, const std::string& name = {},
                                 const std::string& value = {}) {
  AwsError error{400, "InvalidArgument", message};
  if (!name.empty()) {
    error.extra.emplace_back("ArgumentName", name);
    error.extra.emplace_back("ArgumentValue", value);
  }
  return error;
}
inline AwsError invalid_request(const std::string& message) {
  return {400, "InvalidRequest", message};
}
inline AwsError malformed_xml() {
  return {400, "MalformedXML",
          "The XML you provided was not well-formed or did not validate against our published schema"};
}
inline AwsError bad_digest() {
  return {400, "BadDigest", "The Content-MD5 you specified did not match what we received."};
}
inline AwsError invalid_digest() {
  return {400, "InvalidDigest", "The Content-MD5 you specified is not valid."};
}
inline AwsError checksum_mismatch(const std::string& algorithm) {
  return {400, "BadDigest",
          "The " + algorithm + " you specified did not match the calculated checksum."};
}
inline AwsError content_sha256_mismatch(const std::string& client, const std::string& computed) {
  auto error = with({400, "XAmzContentSHA256Mismatch",
                     "The provided 'x-amz-content-sha256' header does not match what was computed."},
                    "ClientComputedContentSHA256", client);
  return with(std::move(error), "S3ComputedContentSHA256", computed);
}
inline AwsError incomplete_body() {
  return {400, "IncompleteBody",
          "You did not provide the number of bytes specified by the Content-Length HTTP header"};
}
inline AwsError entity_too_small() {
  return {400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed object size."};
}
inline AwsError entity_too_large() {
  return {400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size"};
}
inline AwsError invalid_part() {
  return {400, "InvalidPart",
          "One or more of the specified parts could not be found.  The part may not have been "
          "uploaded, or the specified entity tag may not match the part's entity tag."};
}
inline AwsError invalid_part_order() {
  return {400, "InvalidPartOrder",
          "The list of parts was not in ascending order. Parts must be ordered by part number."};
}
inline AwsError method_not_allowed(const std::string& method, const std::string& resource_type) {
  auto error = with({405, "MethodNotAllowed", "The specified method is not allowed against this resource."},
                    "Method", method);
  return with(std::move(error), "ResourceType", resource_type);
}
inline AwsError access_denied() { return {403, "AccessDenied", "Access Denied"}; }
inline AwsError not_implemented(const std::string& what) {
  return {501, "NotImplemented", "A header you provided implies functionality that is not implemented"};
}
inline AwsError no_such_configuration(const std::string& code, const std::string& message,
                                      const std::string& bucket) {
  return with({404, code, message}, "BucketName", bucket);
}
inline AwsError invalid_object_state() {
  return {403, "InvalidObjectState", "The operation is not valid for the object's storage class"};
}

// --- configuration side: CORS, policies, notifications, browser POST uploads -------------------
inline AwsError malformed_policy(const std::string& message) {
  return {400, "MalformedPolicy", message};
}
inline AwsError cors_forbidden(const std::string& method, const std::string& resource_type) {
  auto error = with({403, "AccessForbidden",
                     "CORSResponse: This CORS request is not allowed. This is usually because the "
                     "evalution of Origin, request method / Access-Control-Request-Method or "
                     "Access-Control-Request-Headers are not whitelisted by the resource's CORS spec."},
                    "Method", method);
  return with(std::move(error), "ResourceType", resource_type);
}
inline AwsError cors_not_enabled(const std::string& method, const std::string& resource_type) {
  auto error = with({403, "AccessForbidden", "CORSResponse: CORS is not enabled for this bucket."},
                    "Method", method);
  return with(std::move(error), "ResourceType", resource_type);
}
inline AwsError bad_request(const std::string& message) { return {400, "BadRequest", message}; }
inline AwsError post_policy_denied(const std::string& reason) {
  return {403, "AccessDenied", "Invalid according to Policy: " + reason};
}
inline AwsError invalid_policy_document(const std::string& reason) {
  return {400, "InvalidPolicyDocument", "Invalid Policy: " + reason};
}
inline AwsError malformed_post_request() {
  return {400, "MalformedPOSTRequest",
          "The body of your POST request is not well-formed multipart/form-data."};
}
inline AwsError post_fields_too_large() {
  return {400, "MaxPostPreDataLengthExceeded",
          "Your POST request fields preceeding the upload file was too large."};
}
inline AwsError post_entity_too_large(uint64_t proposed, uint64_t max_allowed) {
  auto error = with(entity_too_large(), "ProposedSize", std::to_string(proposed));
  return with(std::move(error), "MaxSizeAllowed", std::to_string(max_allowed));
}
inline AwsError post_entity_too_small(uint64_t proposed, uint64_t min_allowed) {
  auto error = with({400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size"},
                    "ProposedSize", std::to_string(proposed));
  return with(std::move(error), "MinSizeAllowed", std::to_string(min_allowed));
}
inline AwsError invalid_access_key_id(const std::string& access_key_id) {
  return with({403, "InvalidAccessKeyId",
               "The AWS Access Key Id you provided does not exist in our records."},
              "AWSAccessKeyId", access_key_id);
}
// PutBucketNotificationConfiguration naming the destination that could not be validated.
inline AwsError unvalidated_destination(const std::string& arn, const std::string& reason) {
  auto error = with({400, "InvalidArgument", "Unable to validate the following destination configurations"},
                    "ArgumentName1", arn);
  return with(std::move(error), "ArgumentValue1", reason);
}

inline AwsError signature_does_not_match() {
  return {403, "SignatureDoesNotMatch",
          "The request signature we calculated does not match the signature you provided. Check your "
          "key and signing method."};
}
inline AwsError malformed_chunked_body() {
  return {400, "IncompleteBody", "The request body is not in the aws-chunked encoding it declares."};
}
inline AwsError missing_content_length() {
  return {411, "MissingContentLength", "You must provide the Content-Length HTTP header."};
}
inline AwsError invalid_checksum_value(const std::string& algorithm) {
  return {400, "InvalidRequest", "Value for x-amz-checksum-" + algorithm + " header is invalid."};
}
inline AwsError not_modified() { return {304, "NotModified", "Not Modified"}; }
inline AwsError invalid_tag(const std::string& message) { return {400, "InvalidTag", message}; }
inline AwsError max_message_length_exceeded() {
  return {400, "MaxMessageLengthExceeded", "Your request was too big."};
}
inline AwsError invalid_copy_source(const std::string& message) { return {400, "InvalidArgument", message}; }

}  // namespace nimbus::s3::errors
