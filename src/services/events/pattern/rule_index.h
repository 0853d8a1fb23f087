#pragma once
// Many rules' patterns, indexed so that an event only evaluates the rules it could match.
//
// Each rule gets an *anchor*: a set of (field path, exact value | string prefix) keys one of which
// every matching event must contain, taken from one of its conjuncts (a leaf of exact values and
// prefixes, a nested object's anchor, or the union of a `$or` group's branch anchors). Among its
// candidates a rule takes the one whose keys the fewest rules share, and buckets that grow are
// re-anchored as those counts change, so a value common to all rules ("source": ["aws.ec2"]) is
// not where they end up. match() walks the event along the indexed paths only (a trie of field
// names), gathers the rules in the buckets it hits plus the rules with no anchor, and confirms
// each with matches(). Thread-safe: match() takes a shared lock, add()/remove() an exclusive one.

#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "services/events/pattern/pattern.h"

namespace nimbus::events::pattern {

class RuleIndex {
 public:
  RuleIndex();
  ~RuleIndex();
  RuleIndex(const RuleIndex&) = delete;
  RuleIndex& operator=(const RuleIndex&) = delete;

  void add(const std::string& rule_id, std::shared_ptr<const Pattern> pattern);  // replaces same id
  void remove(const std::string& rule_id);
  std::vector<std::string> match(const Json& event) const;  // ids of matching rules, sorted
  size_t size() const;
  // Rules evaluated for every event (no anchor could be derived), for tests and health counters.
  size_t unanchored() const;

  // A key of the index: the value (or prefix) a field at `path` must have.
  struct Key {
    enum class Kind : char { String = 's', Scalar = 'v', Prefix = 'p' } kind = Kind::String;
    std::vector<std::string> path;
    std::string value;  // the string, prefix, or scalar_key() of a number/bool/null
    std::string text() const;  // unique serialisation, the popularity map's key
  };

 private:
  struct PathNode;
  struct Slot {
    std::string id;
    std::shared_ptr<const Pattern> pattern;
    std::vector<Key> anchor;           // empty: evaluated for every event
    std::vector<std::string> keys;     // every candidate key's text, counted in popularity_
  };

  void drop(uint32_t slot);  // with the lock held
  void place(uint32_t slot);
  void unplace(uint32_t slot);
  void rebalance(const std::vector<uint32_t>& bucket);
  size_t cost(const std::vector<Key>& keys) const;
  std::vector<Key> best_anchor(const Node& node, const std::vector<std::string>& path, bool& found) const;
  PathNode* node_for(const std::vector<std::string>& path, bool create) const;
  std::vector<uint32_t>* bucket_for(const Key& key, bool create);

  mutable std::shared_mutex mutex_;
  std::unique_ptr<PathNode> root_;
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_;
  std::vector<uint32_t> always_;
  std::unordered_map<std::string, uint32_t> by_id_;
  std::unordered_map<std::string, size_t> popularity_;
};

}  // namespace nimbus::events::pattern
