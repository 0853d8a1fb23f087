// Tags and permissions: TagQueue, UntagQueue, ListQueueTags, AddPermission, RemovePermission.
// Permissions live in the queue's Policy attribute, one statement per label (Sid = Label).

#include <algorithm>

#include "services/sqs/input.h"
#include "services/sqs/persistence.h"
#include "services/sqs/sqs_errors.h"
#include "services/sqs/sqs_service_impl.h"

namespace nimbus::sqs {

namespace {

constexpr size_t kMaxTags = 50;
constexpr size_t kMaxActionsPerStatement = 7;

bool valid_label(const std::string& label) {
  return !label.empty() && label.size() <= 80 &&
         std::all_of(label.begin(), label.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
         });
}

Json one_or_many(const std::vector<std::string>& values) {
  return values.size() == 1 ? Json(values.front()) : Json(values);
}

}  // namespace

awaitable<Json> SqsService::tag_queue(RequestContext& context, const Json& in) {
  auto queue = queue_from_url(context, in);
  if (!in.contains("Tags")) throw errors::missing_parameter("Tags");
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(queue->mutex);
    auto tags = queue->tags;
    for (const auto& [key, value] : input::object_or_empty(in, "Tags").items()) {
      tags[key] = value.is_string() ? value.get<std::string>() : value.dump();
    }
    if (tags.size() > kMaxTags) {
      throw errors::invalid_parameter_value("Too many tags added for queue " + queue->name + ".");
    }
    queue->tags = std::move(tags);
    storage::WriteBatch batch;
    persist::put_queue(batch, *queue);
    pending = store_.submit(std::move(batch));
  }
  co_await pending->wait();
  co_return Json::object();
}

awaitable<Json> SqsService::untag_queue(RequestContext& context, const Json& in) {
  auto queue = queue_from_url(context, in);
  auto keys = input::string_list(in, "TagKeys");
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(queue->mutex);
    for (const auto& key : keys) queue->tags.erase(key);
    storage::WriteBatch batch;
    persist::put_queue(batch, *queue);
    pending = store_.submit(std::move(batch));
  }
  co_await pending->wait();
  co_return Json::object();
}

awaitable<Json> SqsService::list_queue_tags(RequestContext& context, const Json& in) {
  auto queue = queue_from_url(context, in);
  std::lock_guard lock(queue->mutex);
  Json out = Json::object();
  if (!queue->tags.empty()) out["Tags"] = queue->tags;
  co_return out;
}

awaitable<Json> SqsService::add_permission(RequestContext& context, const Json& in) {
  auto queue = queue_from_url(context, in);
  auto label = input::required_string(in, "Label");
  auto accounts = input::string_list(in, "AWSAccountIds");
  auto actions = input::string_list(in, "Actions");
  if (!valid_label(label)) {
    throw errors::invalid_parameter(
        "Label", label,
        "Must consist of alphanumeric characters, hyphens and underscores, 1 to 80 long.");
  }
  if (accounts.empty()) throw errors::missing_parameter("AWSAccountId");
  if (actions.empty()) throw errors::missing_parameter("ActionName");
  if (actions.size() > kMaxActionsPerStatement) {
    throw errors::over_limit(std::to_string(actions.size()) +
                             " Actions were found, maximum allowed is 7.");
  }
  std::vector<std::string> qualified_actions;
  for (const auto& action : actions) {
    if (action != "*" && !handlers().count(action)) {
      throw errors::invalid_parameter("ActionName", "SQS:" + action,
                                      "Please refer to the appropriate WSDL for a list of valid "
                                      "actions.");
    }
    qualified_actions.push_back("SQS:" + action);
  }
  std::vector<std::string> principals;
  for (const auto& account : accounts) principals.push_back("arn:aws:iam::" + account + ":root");

  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(queue->mutex);
    Json policy = Json::parse(queue->attribute("Policy"), nullptr, false);
    if (!policy.is_object()) {
      policy = {{"Version", "2012-10-17"},
                {"Id", queue->arn + "/SQSDefaultPolicy"},
                {"Statement", Json::array()}};
    }
    if (!policy["Statement"].is_array()) policy["Statement"] = Json::array();
    for (const auto& statement : policy["Statement"]) {
      if (statement.value("Sid", std::string()) == label) {
        throw errors::invalid_parameter("Label", label, "Already exists.");
      }
    }
    policy["Statement"].push_back({{"Sid", label},
                                   {"Effect", "Allow"},
                                   {"Principal", {{"AWS", one_or_many(principals)}}},
                                   {"Action", one_or_many(qualified_actions)},
                                   {"Resource", queue->arn}});
    queue->attributes["Policy"] = policy.dump();
    queue->modified_s = clock_.now_seconds();
    storage::WriteBatch batch;
    persist::put_queue(batch, *queue);
    pending = store_.submit(std::move(batch));
  }
  co_await pending->wait();
  co_return Json::object();
}

awaitable<Json> SqsService::remove_permission(RequestContext& context, const Json& in) {
  auto queue = queue_from_url(context, in);
  auto label = input::required_string(in, "Label");
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(queue->mutex);
    Json policy = Json::parse(queue->attribute("Policy"), nullptr, false);
    bool found = false;
    if (policy.is_object() && policy.contains("Statement") && policy["Statement"].is_array()) {
      auto& statements = policy["Statement"];
      for (auto it = statements.begin(); it != statements.end(); ++it) {
        if (it->value("Sid", std::string()) == label) {
          statements.erase(it);
          found = true;
          break;
        }
      }
    }
    if (!found) {
      throw errors::invalid_parameter("Label", label, "can't find label.");
    }
    if (policy["Statement"].empty()) {
      queue->attributes.erase("Policy");
    } else {
      queue->attributes["Policy"] = policy.dump();
    }
    queue->modified_s = clock_.now_seconds();
    storage::WriteBatch batch;
    persist::put_queue(batch, *queue);
    pending = store_.submit(std::move(batch));
  }
  co_await pending->wait();
  co_return Json::object();
}

}  // namespace nimbus::sqs
