#pragma once
// Running a parsed template: variables, output, limits, and the lookup of references through
// properties, indexes and methods (eval.cpp, eval_expr.cpp, methods.cpp, apigateway_vars.cpp).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "services/apigateway/vtl/ast.h"
#include "services/apigateway/vtl/vtl.h"

namespace nimbus::apigateway::vtl {

// What a reference resolves to: a stored value that may be changed in place (a variable or a
// part of one), a stored value that may only be read ($input's data), a computed value, or
// nothing (Java's null).
class Slot {
 public:
  static Slot of(Value v) {
    Slot s;
    s.temp_ = std::move(v);
    s.has_temp_ = true;
    return s;
  }
  static Slot mutable_ref(Value* v) {
    Slot s;
    s.mut_ = v;
    return s;
  }
  static Slot readonly_ref(const Value* v) {
    Slot s;
    s.ro_ = v;
    return s;
  }
  const Value* get() const {
    if (mut_) return mut_;
    if (ro_) return ro_;
    return has_temp_ ? &temp_ : nullptr;
  }
  bool is_null() const { return !get() || get()->is_null(); }
  bool is_stored_mutable() const { return mut_ != nullptr; }
  // Somewhere to apply a change: the stored value, or a private copy of a read-only one.
  Value* writable() {
    if (mut_) return mut_;
    if (ro_) {
      temp_ = *ro_;
      ro_ = nullptr;
      has_temp_ = true;
    }
    return has_temp_ ? &temp_ : nullptr;
  }
  // A part of this value (`item` lies inside it), keeping its mutability; a part of a computed
  // value is copied out, as the computed value does not outlive this slot.
  Slot child(const Value& item) const {
    if (mut_) return mutable_ref(const_cast<Value*>(&item));
    if (ro_) return readonly_ref(&item);
    return of(item);
  }

 private:
  Value* mut_ = nullptr;
  const Value* ro_ = nullptr;
  Value temp_;
  bool has_temp_ = false;
};

class Interp {
 public:
  enum class Flow { Normal, Break, Stop };

  Interp(std::string_view source, const Inputs& inputs);

  Flow render(const std::vector<Node>& nodes, std::string& out);
  Value eval(const Expr& e);
  bool test(const Expr& e);
  // The reference with its first `count` segments applied (all when count is npos).
  Slot resolve(const Reference& ref, size_t count = std::string::npos);

  [[noreturn]] void fail(size_t pos, const std::string& message) const;
  void charge(size_t units, size_t pos);
  void append(std::string& out, std::string_view s, size_t pos);
  // A value about to be stored (assigned, or put in a list or map) nesting too deeply fails.
  void check_storable(const Value& v, size_t pos);
  void check_string(size_t length, size_t pos);

  std::unordered_map<std::string, Value> vars;
  const Inputs& inputs;

  // $input and $util (apigateway_vars.cpp).
  Slot input_member(const Segment& segment, std::vector<Value>& args, size_t pos);
  Slot util_method(const Segment& segment, std::vector<Value>& args, size_t pos);

 private:
  Flow render_node(const Node& node, std::string& out);
  Flow foreach (const Node& node, std::string & out);
  void assign(const Node& node);
  void render_reference(const Reference& ref, std::string& out, bool escaped, size_t slashes);
  Slot apply(Slot base, const Segment& segment, std::vector<Value>& args, size_t pos);
  const Value& body();

  std::string_view source_;
  size_t work_ = 0;
  std::optional<Value> body_;
  Value params_;
};

// String, List and Map methods (methods.cpp); nullopt when there is no such method, which
// Velocity treats as null.
std::optional<Slot> call_method(Interp& in, Slot& self, const std::string& name,
                                std::vector<Value>& args, size_t pos);

}  // namespace nimbus::apigateway::vtl
