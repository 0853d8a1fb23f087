#pragma once
// AWS Glue Data Catalog (2017-03-31, json 1.1, model-driven): databases, tables with their
// archived versions, and partitions with GetPartitions' filter expressions
// (partition_expression.h), per account and region (glue_state.h holds the state and its store
// layout). No background workers.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"
#include "services/glue/glue_state.h"
#include "services/service.h"
#include "storage/store.h"

namespace nimbus::glue {

template <typename T>
using awaitable = boost::asio::awaitable<T>;

struct GlueDeps {
  storage::Store& store;
  Clock& clock;
};

class GlueService final : public Service {
 public:
  explicit GlueService(GlueDeps deps);

  std::string_view name() const override { return "glue"; }
  const model::ServiceModel& model() const override;
  awaitable<Json> invoke(std::string_view operation, RequestContext& context, Json input) override;
  bool implements(std::string_view operation) const override;
  void start(boost::asio::any_io_executor executor) override;
  void stop() override;
  awaitable<void> reset() override;
  Json health() const override;

 private:
  using Handler = awaitable<Json> (GlueService::*)(RequestContext&, const Json&);
  static const std::unordered_map<std::string_view, Handler>& handlers();

  // database_ops.cpp
  awaitable<Json> create_database(RequestContext& context, const Json& in);
  awaitable<Json> get_database(RequestContext& context, const Json& in);
  awaitable<Json> get_databases(RequestContext& context, const Json& in);
  awaitable<Json> update_database(RequestContext& context, const Json& in);
  awaitable<Json> delete_database(RequestContext& context, const Json& in);
  // table_ops.cpp
  awaitable<Json> create_table(RequestContext& context, const Json& in);
  awaitable<Json> get_table(RequestContext& context, const Json& in);
  awaitable<Json> get_tables(RequestContext& context, const Json& in);
  awaitable<Json> update_table(RequestContext& context, const Json& in);
  awaitable<Json> delete_table(RequestContext& context, const Json& in);
  awaitable<Json> batch_delete_table(RequestContext& context, const Json& in);
  // table_version_ops.cpp
  awaitable<Json> get_table_versions(RequestContext& context, const Json& in);
  awaitable<Json> get_table_version(RequestContext& context, const Json& in);
  awaitable<Json> delete_table_version(RequestContext& context, const Json& in);
  awaitable<Json> batch_delete_table_version(RequestContext& context, const Json& in);
  // partition_ops.cpp
  awaitable<Json> create_partition(RequestContext& context, const Json& in);
  awaitable<Json> get_partition(RequestContext& context, const Json& in);
  awaitable<Json> update_partition(RequestContext& context, const Json& in);
  awaitable<Json> delete_partition(RequestContext& context, const Json& in);
  awaitable<Json> get_partitions(RequestContext& context, const Json& in);
  // partition_batch_ops.cpp
  awaitable<Json> batch_create_partition(RequestContext& context, const Json& in);
  awaitable<Json> batch_get_partition(RequestContext& context, const Json& in);
  awaitable<Json> batch_delete_partition(RequestContext& context, const Json& in);

  // Lookups; the caller holds state_->mutex. Each throws Glue's EntityNotFoundException.
  // Returns the database's key.
  std::string database_or_throw(const RequestContext& context, const std::string& database) const;
  // Returns the table's key (the database must exist too).
  std::string table_or_throw(const RequestContext& context, const std::string& database,
                             const std::string& table) const;
  double now() const;

  storage::Store& store_;
  Clock& clock_;
  std::shared_ptr<GlueState> state_;
  bool started_ = false;
};

std::unique_ptr<GlueService> make_glue_service(GlueDeps deps);

}  // namespace nimbus::glue
