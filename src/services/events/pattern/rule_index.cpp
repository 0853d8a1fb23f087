// RuleIndex: anchors per rule, a trie of field paths with exact and prefix buckets, re-anchoring.
#include "services/events/pattern/rule_index.h"

#include <algorithm>
#include <functional>
#include <map>
#include <mutex>
#include <set>

namespace nimbus::events::pattern {
namespace {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <class T>
using StringMap = std::unordered_map<std::string, T, StringHash, std::equal_to<>>;
using Bucket = std::vector<uint32_t>;

// Arrays nested deeper than this are not walked (matches() treats them as empty too).
constexpr int kMaxArrayDepth = 64;
// Buckets are re-anchored when they reach a power of two at least this large.
constexpr size_t kRebalanceFrom = 16;

// A leaf's keys, when every matcher is an exact value or a non-empty prefix (anything else, such as
// anything-but or exists:false, can match events that carry none of the leaf's values).
bool leaf_keys(const std::vector<Matcher>& matchers, const std::vector<std::string>& path,
               std::vector<RuleIndex::Key>& out) {
  for (const Matcher& m : matchers) {
    RuleIndex::Key key;
    key.path = path;
    if (m.kind == Matcher::Kind::Exact && m.value.is_string()) {
      key.value = m.value.get<std::string>();
    } else if (m.kind == Matcher::Kind::Exact) {
      key.kind = RuleIndex::Key::Kind::Scalar;
      key.value = scalar_key(m.value);
    } else if (m.kind == Matcher::Kind::Prefix && !m.strings[0].empty()) {
      key.kind = RuleIndex::Key::Kind::Prefix;
      key.value = m.strings[0];
    } else {
      return false;
    }
    out.push_back(std::move(key));
  }
  return true;
}

// Every key any anchor of the rule could use, for the popularity counts.
void candidate_keys(const Node& node, std::vector<std::string>& path, std::set<std::string>& out) {
  for (const Field& field : node.fields) {
    path.push_back(field.name);
    std::vector<RuleIndex::Key> keys;
    if (field.object) {
      candidate_keys(*field.object, path, out);
    } else if (leaf_keys(field.matchers, path, keys)) {
      for (const RuleIndex::Key& key : keys) out.insert(key.text());
    }
    path.pop_back();
  }
  for (const auto& group : node.any_of) {
    for (const Node& branch : group) candidate_keys(branch, path, out);
  }
}

}  // namespace

std::string RuleIndex::Key::text() const {
  std::string out;
  for (const std::string& step : path) out += std::to_string(step.size()) + ':' + step;
  out += static_cast<char>(kind);
  return out + value;
}

struct RuleIndex::PathNode {
  StringMap<std::unique_ptr<PathNode>> children;
  StringMap<Bucket> strings, scalars, prefixes;
  std::map<size_t, size_t> prefix_lengths;  // length -> number of prefix buckets of that length

  StringMap<Bucket>& buckets(Key::Kind kind) {
    return kind == Key::Kind::String ? strings : kind == Key::Kind::Scalar ? scalars : prefixes;
  }

  static void take(const StringMap<Bucket>& map, std::string_view key, std::vector<uint32_t>& out) {
    auto it = map.find(key);
    if (it != map.end()) out.insert(out.end(), it->second.begin(), it->second.end());
  }

  // Gathers the rules whose keys the event carries at or below this path.
  void collect(const Json& v, std::vector<uint32_t>& out, int depth) const {
    if (v.is_array()) {
      if (depth >= kMaxArrayDepth) return;
      for (const Json& e : v) collect(e, out, depth + 1);
    } else if (v.is_object()) {
      if (children.size() <= v.size()) {
        for (const auto& [name, child] : children) {
          auto it = v.find(name);
          if (it != v.end()) child->collect(*it, out, 0);
        }
      } else {
        for (auto it = v.begin(); it != v.end(); ++it) {
          auto child = children.find(std::string_view(it.key()));
          if (child != children.end()) child->second->collect(*it, out, 0);
        }
      }
    } else if (v.is_string()) {
      std::string_view s = v.get_ref<const std::string&>();
      take(strings, s, out);
      for (const auto& [length, count] : prefix_lengths) {
        if (length > s.size()) break;
        take(prefixes, s.substr(0, length), out);
      }
    } else if (!scalars.empty()) {
      take(scalars, scalar_key(v), out);
    }
  }
};

RuleIndex::RuleIndex() : root_(std::make_unique<PathNode>()) {}
RuleIndex::~RuleIndex() = default;

size_t RuleIndex::cost(const std::vector<Key>& keys) const {
  size_t total = 0;
  for (const Key& key : keys) {
    auto it = popularity_.find(key.text());
    total += it == popularity_.end() ? 0 : it->second;
  }
  return total;
}

std::vector<RuleIndex::Key> RuleIndex::best_anchor(const Node& node, const std::vector<std::string>& path,
                                                   bool& found) const {
  found = false;
  std::vector<Key> best;
  size_t best_cost = 0;
  auto consider = [&](std::vector<Key>&& keys) {
    size_t c = cost(keys);
    if (!found || c < best_cost || (c == best_cost && keys.size() < best.size())) {
      found = true;
      best_cost = c;
      best = std::move(keys);
    }
  };
  for (const Field& field : node.fields) {
    std::vector<std::string> child_path = path;
    child_path.push_back(field.name);
    std::vector<Key> keys;
    bool ok = false;
    if (field.object) {
      keys = best_anchor(*field.object, child_path, ok);
    } else {
      ok = leaf_keys(field.matchers, child_path, keys);
    }
    if (ok) consider(std::move(keys));
  }
  for (const auto& group : node.any_of) {
    std::vector<Key> keys;  // every branch must contribute, since any one of them may be the match
    bool ok = true;
    for (const Node& branch : group) {
      std::vector<Key> branch_keys = best_anchor(branch, path, ok);
      if (!ok) break;
      keys.insert(keys.end(), branch_keys.begin(), branch_keys.end());
    }
    if (ok) consider(std::move(keys));
  }
  return best;
}

RuleIndex::PathNode* RuleIndex::node_for(const std::vector<std::string>& path, bool create) const {
  PathNode* node = root_.get();
  for (const std::string& step : path) {
    auto it = node->children.find(step);
    if (it == node->children.end()) {
      if (!create) return nullptr;
      it = node->children.emplace(step, std::make_unique<PathNode>()).first;
    }
    node = it->second.get();
  }
  return node;
}

Bucket* RuleIndex::bucket_for(const Key& key, bool create) {
  PathNode* node = node_for(key.path, create);
  if (!node) return nullptr;
  StringMap<Bucket>& map = node->buckets(key.kind);
  if (!create) {
    auto it = map.find(key.value);
    return it == map.end() ? nullptr : &it->second;
  }
  auto [it, inserted] = map.try_emplace(key.value);
  if (inserted && key.kind == Key::Kind::Prefix) ++node->prefix_lengths[key.value.size()];
  return &it->second;
}

void RuleIndex::place(uint32_t slot) {
  bool found = false;
  slots_[slot].anchor = best_anchor(slots_[slot].pattern->root(), {}, found);
  if (!found) {
    always_.push_back(slot);
    return;
  }
  for (const Key& key : slots_[slot].anchor) {
    Bucket* bucket = bucket_for(key, true);
    if (std::find(bucket->begin(), bucket->end(), slot) == bucket->end()) bucket->push_back(slot);
  }
}

void RuleIndex::unplace(uint32_t slot) {
  std::vector<Key>& anchor = slots_[slot].anchor;
  if (anchor.empty()) std::erase(always_, slot);
  for (const Key& key : anchor) {
    PathNode* node = node_for(key.path, false);
    StringMap<Bucket>& map = node->buckets(key.kind);
    auto it = map.find(key.value);
    if (it == map.end()) continue;  // an anchor naming the same key twice
    std::erase(it->second, slot);
    if (!it->second.empty()) continue;
    map.erase(it);
    if (key.kind == Key::Kind::Prefix && --node->prefix_lengths[key.value.size()] == 0) {
      node->prefix_lengths.erase(key.value.size());
    }
  }
  anchor.clear();
}

// Moves the bucket's rules to anchors other rules share less, when such an anchor now exists.
void RuleIndex::rebalance(const std::vector<uint32_t>& bucket) {
  for (uint32_t slot : bucket) {
    bool found = false;
    std::vector<Key> better = best_anchor(slots_[slot].pattern->root(), {}, found);
    if (found && cost(better) < cost(slots_[slot].anchor)) {
      unplace(slot);
      place(slot);
    }
  }
}

void RuleIndex::add(const std::string& rule_id, std::shared_ptr<const Pattern> pattern) {
  std::unique_lock lock(mutex_);
  if (auto it = by_id_.find(rule_id); it != by_id_.end()) drop(it->second);
  uint32_t slot;
  if (free_.empty()) {
    slot = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  } else {
    slot = free_.back();
    free_.pop_back();
  }
  Slot& s = slots_[slot];
  s.id = rule_id;
  s.pattern = std::move(pattern);
  std::set<std::string> keys;
  std::vector<std::string> path;
  candidate_keys(s.pattern->root(), path, keys);
  s.keys.assign(keys.begin(), keys.end());
  for (const std::string& key : s.keys) ++popularity_[key];
  by_id_.emplace(rule_id, slot);
  place(slot);
  for (const Key& key : std::vector<Key>(slots_[slot].anchor)) {
    Bucket* bucket = bucket_for(key, false);
    size_t n = bucket ? bucket->size() : 0;
    if (n >= kRebalanceFrom && (n & (n - 1)) == 0) rebalance(Bucket(*bucket));
  }
}

void RuleIndex::remove(const std::string& rule_id) {
  std::unique_lock lock(mutex_);
  auto it = by_id_.find(rule_id);
  if (it != by_id_.end()) drop(it->second);
}

void RuleIndex::drop(uint32_t slot) {
  unplace(slot);
  Slot& s = slots_[slot];
  by_id_.erase(s.id);
  for (const std::string& key : s.keys) {
    if (--popularity_[key] == 0) popularity_.erase(key);
  }
  s = Slot{};
  free_.push_back(slot);
}

std::vector<std::string> RuleIndex::match(const Json& event) const {
  std::shared_lock lock(mutex_);
  std::vector<uint32_t> candidates(always_);
  root_->collect(event, candidates, 0);
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  std::vector<std::string> ids;
  for (uint32_t slot : candidates) {
    if (matches(*slots_[slot].pattern, event)) ids.push_back(slots_[slot].id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

size_t RuleIndex::size() const {
  std::shared_lock lock(mutex_);
  return by_id_.size();
}

size_t RuleIndex::unanchored() const {
  std::shared_lock lock(mutex_);
  return always_.size();
}

}  // namespace nimbus::events::pattern
