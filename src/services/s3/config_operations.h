#pragma once
// The configuration side of S3: bucket configurations (tagging, CORS, policy, lifecycle, public
// access block, ownership controls, website, notifications, ACLs, encryption...), CORS answers,
// browser POST uploads, the website endpoint, notification delivery and lifecycle expiry.

#include <boost/asio/any_io_executor.hpp>
#include <string>
#include <utility>
#include <vector>

#include "auth/credentials.h"
#include "services/s3/lifecycle_worker.h"
#include "services/s3/notification_delivery.h"
#include "services/s3/object_access.h"
#include "services/s3/s3_environment.h"

namespace nimbus::s3 {

// Bucket configuration operations and the behaviour they switch on.
class ConfigOperations final : public EventSink {
 public:
  ConfigOperations(S3Environment& environment, ObjectAccess& objects);

  void register_handlers(HandlerTable& table);
  void start(boost::asio::any_io_executor executor);
  void stop();
  boost::asio::awaitable<void> reset();

  // The access keys browser POST uploads are signed with (null = signatures not checked).
  void set_credentials(const auth::Credentials* credentials) { credentials_ = credentials; }

  // CORS preflight (OPTIONS): 200 with Access-Control-Allow-* when a rule matches, else 403.
  boost::asio::awaitable<Reply> preflight(const HttpRequest& head, const std::string& bucket,
                                                       RequestContext& context);
  // Headers for an actual request carrying Origin that a CORS rule of `bucket` allows.
  std::vector<std::pair<std::string, std::string>> cors_headers(const std::string& bucket,
                                                                const HttpRequest& head);
  // Browser POST upload: the whole reply, CORS headers included.
  boost::asio::awaitable<Reply> post_object(S3Call& call);
  // The static website endpoint.
  boost::asio::awaitable<Reply> serve_website(const HttpRequest& head,
                                                           const std::string& bucket, RequestContext& context);

  std::vector<delivery::Delivery> object_event(const ObjectEvent& event, const ObjectSummary& object) override;

 private:
  S3Environment& environment_;
  ObjectAccess& objects_;
  const auth::Credentials* credentials_ = nullptr;
  NotificationDelivery notifications_;
  LifecycleWorker lifecycle_;
};

}  // namespace nimbus::s3
