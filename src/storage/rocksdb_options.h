#pragma once
// RocksDB settings for a local emulator: fast open, small idle memory, no stats threads.

#include <rocksdb/options.h>

namespace nimbus::storage {

// Database options; their ColumnFamilyOptions part is what every space is created with.
rocksdb::Options emulator_options();

}  // namespace nimbus::storage
