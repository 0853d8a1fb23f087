#pragma once
// Who is asking and where: what every handler gets besides its decoded input.

#include <string>

#include "core/clock.h"

namespace nimbus {

struct RequestContext {
  std::string account_id = "000000000000";
  std::string region = "us-east-1";
  std::string request_id;
  std::string access_key_id;
  // The request's Host header as sent ("localhost:4566", "sqs.us-east-1.localhost.localstack.cloud:4566"):
  // URLs returned to the client (queue URLs, locations) are built on it.
  std::string host;
  Clock* clock = nullptr;
  // Set by services that route operations themselves (S3), for the request log line.
  std::string operation;
  // The TCP peer's address ("127.0.0.1"): aws:SourceIp in S3 bucket policies.
  std::string source_ip;
  // --auth verify: signatures are checked, so access policies (S3 bucket policies) apply and an
  // unsigned request is anonymous (access_key_id "").
  bool access_checked = false;
  // Set by S3's access stage when a bucket policy's Allow lets a caller from outside the bucket
  // owner's account act on it: ownership checks then defer to the policy.
  bool granted_by_policy = false;
  // The verified SigV4 signature (--auth verify only): S3 chains aws-chunked chunk signatures
  // from it. Empty when not verified.
  struct Signature {
    std::string signing_key;  // raw derived key
    std::string seed;         // the request's signature
    std::string amz_date;
    std::string scope;
  } signature;
  // Set on calls one service makes to another through the outbox (src/delivery): the calling
  // service's principal ("s3.amazonaws.com") and the resource and account the call comes from,
  // so resource policies (queue policies, function permissions) can check aws:SourceArn and
  // aws:SourceAccount. Empty for a client's request.
  struct ServiceCaller {
    std::string principal;
    std::string source_arn;
    std::string source_account;
  } invoked_by;
};

}  // namespace nimbus
