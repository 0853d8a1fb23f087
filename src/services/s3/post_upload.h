#pragma once
// Browser-based uploads (POST of multipart/form-data to a bucket): reads the fields, checks the
// SigV4 signature of the policy (when credentials are known) and the policy's conditions, streams
// the file part into ObjectAccess::put, and answers as S3 does (204, 200, 201 + PostResponse, or
// 303 to success_action_redirect).

#include "auth/credentials.h"
#include "services/s3/object_access.h"
#include "services/s3/s3_environment.h"

namespace nimbus::s3 {

// `credentials` null: signatures are not checked (--auth off without a credentials file).
awaitable<Reply> post_upload(S3Call& call, S3Environment& environment, ObjectAccess& objects,
                                          const auth::Credentials* credentials);

}  // namespace nimbus::s3
