#pragma once
// Picks the store the server runs on: in memory (--memory) or RocksDB under the data dir.

#include <memory>
#include <string>

#include "storage/store.h"

namespace nimbus::storage {

struct StoreOptions {
  bool in_memory = false;
  std::string data_dir;  // the database lives in <data_dir>/db
};

std::unique_ptr<Store> open_store(const StoreOptions& options);

}  // namespace nimbus::storage
