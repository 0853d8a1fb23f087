#pragma once
// Amazon S3: serves raw HTTP (streamed bodies, virtual-hosted buckets, CORS preflight, browser
// POST uploads, website endpoints) and runs each modelled operation through one handler table
// filled by the object side (ObjectOperations) and the configuration side (ConfigOperations).

#include <memory>

#include "services/s3/s3_environment.h"
#include "services/service.h"

namespace nimbus::auth {
class Credentials;
}

namespace nimbus::s3 {

// `credentials` (may be null) verify browser POST upload signatures.
std::unique_ptr<Service> make_s3_service(storage::Store& store, Clock& clock,
                                         std::filesystem::path files_dir,
                                         const auth::Credentials* credentials,
                                         delivery::Outbox& outbox, delivery::Outbox::Invoke call_service);

}  // namespace nimbus::s3
