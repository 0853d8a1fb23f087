#include "storage/store_factory.h"

#include "storage/memory_store.h"
#include "storage/rocksdb_store.h"

namespace nimbus::storage {

std::unique_ptr<Store> open_store(const StoreOptions& options) {
  if (options.in_memory) return std::make_unique<MemoryStore>();
  return std::make_unique<RocksDbStore>(options.data_dir);
}

}  // namespace nimbus::storage
