// Queue lifecycle and configuration: CreateQueue, DeleteQueue, GetQueueUrl, ListQueues,
// Get/SetQueueAttributes, PurgeQueue, ListDeadLetterSourceQueues.

#include <algorithm>

#include "core/crypto.h"
#include "services/sqs/input.h"
#include "services/sqs/persistence.h"
#include "services/sqs/queue_attributes.h"
#include "services/sqs/sqs_errors.h"
#include "services/sqs/sqs_service_impl.h"

namespace nimbus::sqs {

namespace {

constexpr int64_t kRecreateAfterDeleteMs = 60'000;
constexpr int64_t kPurgeIntervalMs = 60'000;
constexpr int64_t kMaxListResults = 1000;
constexpr size_t kMaxTags = 50;

std::optional<int64_t> max_results(const Json& in) {
  auto max = input::opt_int(in, "MaxResults");
  if (max && (*max < 1 || *max > kMaxListResults)) {
    throw errors::invalid_parameter("MaxResults", std::to_string(*max),
                                    "MaxResults must be an integer between 1 and 1000.");
  }
  return max;
}

// The queue name a NextToken resumes after.
std::string token_position(const Json& in) {
  auto token = input::opt_string(in, "NextToken");
  if (!token) return {};
  auto decoded = crypto::base64_decode(*token);
  if (!decoded || decoded->rfind("after:", 0) != 0) {
    throw errors::invalid_parameter_value("Invalid NextToken value.");
  }
  return decoded->substr(6);
}

// Pages queues (ordered by name) into `urls_member`, with NextToken only when MaxResults is set.
Json page(const std::vector<std::pair<std::string, std::string>>& name_urls,
          std::optional<int64_t> max, const std::string& after, const char* urls_member,
          bool always_list) {
  Json urls = Json::array();
  size_t limit = static_cast<size_t>(max.value_or(kMaxListResults));
  std::string last;
  bool more = false;
  for (const auto& [name, url] : name_urls) {
    if (!after.empty() && name <= after) continue;
    if (urls.size() == limit) {
      more = true;
      break;
    }
    urls.push_back(url);
    last = name;
  }
  Json out = Json::object();
  if (!urls.empty() || always_list) out[urls_member] = std::move(urls);
  if (more && max) out["NextToken"] = crypto::base64_encode("after:" + last);
  return out;
}

// Looks RedrivePolicy targets up in `state` (locks the target queue briefly).
DeadLetterLookup dead_letter_lookup(const SqsState& state) {
  return [&state](const std::string& arn) -> std::optional<DeadLetterTargetInfo> {
    auto target = state.find_by_arn(arn);
    if (!target) return std::nullopt;
    std::lock_guard lock(target->mutex);
    return DeadLetterTargetInfo{target->fifo, target->attribute("RedriveAllowPolicy")};
  };
}

std::map<std::string, std::string> parse_tags(const Json& tags) {
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : tags.items()) {
    out[key] = value.is_string() ? value.get<std::string>() : value.dump();
  }
  return out;
}

}  // namespace

awaitable<Json> SqsService::create_queue(RequestContext& context, const Json& in) {
  auto name = input::required_string(in, "QueueName");
  const Json& requested = input::object_or_empty(in, "Attributes");
  bool fifo = false;
  if (auto it = requested.find("FifoQueue"); it != requested.end() && it->is_string()) {
    std::string flag = *it;
    std::transform(flag.begin(), flag.end(), flag.begin(), ::tolower);
    fifo = flag == "true";
  }
  if (!valid_queue_name(name, fifo)) {
    throw errors::invalid_parameter_value(
        fifo ? "The name of a FIFO queue can only include alphanumeric characters, hyphens, or "
               "underscores, must end with .fifo suffix and be 1 to 80 in length."
             : "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in "
               "length");
  }
  auto arn = queue_arn(context.account_id, context.region, name);
  auto values = validate_attributes(requested, fifo, true, arn, dead_letter_lookup(*state_));
  auto tags = parse_tags(input::object_or_empty(in, "tags"));
  if (tags.size() > kMaxTags) {
    throw errors::invalid_parameter_value("Too many tags added for queue " + name + ".");
  }

  int64_t now = clock_.now_ms();
  std::shared_ptr<storage::PendingCommit> pending;
  QueuePtr queue;
  {
    std::unique_lock lock(state_->registry_mutex);
    auto key = SqsState::key(context.account_id, context.region, name);
    if (auto existing = state_->queues.find(key); existing != state_->queues.end()) {
      std::lock_guard queue_lock(existing->second->mutex);
      for (const auto& [attribute, value] : values) {
        if (existing->second->attribute(attribute) != value) {
          throw errors::queue_name_exists(attribute);
        }
      }
      co_return Json{{"QueueUrl", queue_url(context, *existing->second)}};
    }
    storage::WriteBatch batch;
    if (auto tomb = state_->tombstones.find(key); tomb != state_->tombstones.end()) {
      if (tomb->second + kRecreateAfterDeleteMs > now) throw errors::queue_deleted_recently();
      state_->tombstones.erase(tomb);
      persist::remove_tombstone(batch, context.account_id, context.region, name);
    }
    queue = std::make_shared<Queue>(context.account_id, context.region, name, fifo);
    queue->attributes = default_attributes(fifo);
    apply_attributes(*queue, values);
    queue->tags = std::move(tags);
    queue->created_s = queue->modified_s = now / 1000;
    persist::put_queue(batch, *queue);
    state_->queues[key] = queue;
    pending = store_.submit(std::move(batch));
  }
  co_await pending->wait();
  co_return Json{{"QueueUrl", queue_url(context, *queue)}};
}

awaitable<Json> SqsService::delete_queue(RequestContext& context, const Json& in) {
  auto queue = queue_from_url(context, in);
  int64_t now = clock_.now_ms();
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::unique_lock lock(state_->registry_mutex);
    auto key = SqsState::key(queue->account, queue->region, queue->name);
    auto it = state_->queues.find(key);
    if (it == state_->queues.end() || it->second != queue) throw errors::queue_does_not_exist();
    std::lock_guard queue_lock(queue->mutex);
    storage::WriteBatch batch;
    persist::remove_queue(batch, *queue);
    persist::put_tombstone(batch, queue->account, queue->region, queue->name, now);
    queue->deleted = true;
    queue->messages.clear();
    queue->dedup.clear();
    queue->dedup_expiry.clear();
    queue->wake_waiters();
    state_->queues.erase(it);
    state_->tombstones[key] = now;
    pending = store_.submit(std::move(batch));
  }
  co_await pending->wait();
  co_return Json::object();
}

awaitable<Json> SqsService::get_queue_url(RequestContext& context, const Json& in) {
  auto name = input::required_string(in, "QueueName");
  auto owner = input::opt_string(in, "QueueOwnerAWSAccountId").value_or(context.account_id);
  auto queue = state_->find(owner, context.region, name);
  if (!queue) throw errors::queue_does_not_exist();
  co_return Json{{"QueueUrl", queue_url(context, *queue)}};
}

awaitable<Json> SqsService::list_queues(RequestContext& context, const Json& in) {
  auto prefix = input::opt_string(in, "QueueNamePrefix").value_or("");
  auto max = max_results(in);
  auto after = token_position(in);
  std::vector<std::pair<std::string, std::string>> name_urls;
  for (const auto& queue : state_->list(context.account_id, context.region)) {
    if (queue->name.compare(0, prefix.size(), prefix) == 0) {
      name_urls.emplace_back(queue->name, queue_url(context, *queue));
    }
  }
  co_return page(name_urls, max, after, "QueueUrls", false);
}

awaitable<Json> SqsService::get_queue_attributes(RequestContext& context, const Json& in) {
  auto queue = queue_from_url(context, in);
  auto names = input::string_list(in, "AttributeNames");
  check_attribute_names(names);
  Json attributes;
  {
    std::lock_guard lock(queue->mutex);
    attributes = render_attributes(*queue, names, clock_.now_ms());
  }
  Json out = Json::object();
  if (!attributes.empty()) out["Attributes"] = std::move(attributes);
  co_return out;
}

awaitable<Json> SqsService::set_queue_attributes(RequestContext& context, const Json& in) {
  auto queue = queue_from_url(context, in);
  if (!in.contains("Attributes")) throw errors::missing_parameter("Attributes");
  auto values = validate_attributes(input::object_or_empty(in, "Attributes"), queue->fifo, false,
                                    queue->arn, dead_letter_lookup(*state_));
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(queue->mutex);
    if (queue->deleted) throw errors::queue_does_not_exist();
    apply_attributes(*queue, values);
    queue->modified_s = clock_.now_seconds();
    storage::WriteBatch batch;
    persist::put_queue(batch, *queue);
    pending = store_.submit(std::move(batch));
  }
  co_await pending->wait();
  co_return Json::object();
}

awaitable<Json> SqsService::purge_queue(RequestContext& context, const Json& in) {
  auto queue = queue_from_url(context, in);
  int64_t now = clock_.now_ms();
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(queue->mutex);
    if (queue->deleted) throw errors::queue_does_not_exist();
    if (queue->last_purge_ms != 0 && now - queue->last_purge_ms < kPurgeIntervalMs) {
      throw errors::purge_queue_in_progress(queue->name);
    }
    storage::WriteBatch batch;
    for (uint64_t seq : queue->messages.all()) persist::remove_message(batch, *queue, seq);
    queue->messages.clear();
    queue->last_purge_ms = now;
    persist::put_queue(batch, *queue);
    pending = store_.submit(std::move(batch));
  }
  co_await pending->wait();
  co_return Json::object();
}

awaitable<Json> SqsService::list_dead_letter_source_queues(RequestContext& context,
                                                           const Json& in) {
  auto queue = queue_from_url(context, in);
  auto max = max_results(in);
  auto after = token_position(in);
  std::vector<std::pair<std::string, std::string>> name_urls;
  for (const auto& source : state_->list(queue->account, queue->region)) {
    std::string policy;
    {
      std::lock_guard lock(source->mutex);
      policy = source->attribute("RedrivePolicy");
    }
    auto parsed = parse_redrive_policy(policy);
    if (parsed && parsed->first == queue->arn) {
      name_urls.emplace_back(source->name, queue_url(context, *source));
    }
  }
  co_return page(name_urls, max, after, "queueUrls", true);
}

}  // namespace nimbus::sqs
