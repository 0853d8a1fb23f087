#include "services/athena/session_pool.h"

#include <boost/asio/post.hpp>

#include "services/athena/table_source.h"
#include "services/athena/trino_dialect.h"

namespace nimbus::athena {

std::shared_ptr<sql::DuckDbSession> SessionPool::open() const {
  auto session = std::make_shared<sql::DuckDbSession>(limits_);
  std::string macros = trino_function_macros();
  // Temporary macros: found whichever database the query uses.
  for (size_t at = macros.find("CREATE MACRO"); at != std::string::npos; at = macros.find("CREATE MACRO", at)) {
    macros.replace(at, 12, "CREATE TEMP MACRO");
    at += 17;
  }
  session->execute(macros);
  return session;
}

std::shared_ptr<sql::DuckDbSession> SessionPool::take(boost::asio::thread_pool& pool,
                                                      const std::filesystem::path& spill_dir) {
  std::shared_ptr<sql::DuckDbSession> session;
  {
    std::lock_guard lock(mutex_);
    if (!spares_.empty()) {
      session = std::move(spares_.back());
      spares_.pop_back();
    }
    if (!closed_ && spares_.size() + opening_ < kSpares) {
      ++opening_;
      boost::asio::post(pool, [this] {
        sql::run_in_background();
        std::shared_ptr<sql::DuckDbSession> spare;
        try {
          spare = open();
        } catch (const sql::EngineError&) {
        }
        std::lock_guard lock(mutex_);
        --opening_;
        if (spare && !closed_) spares_.push_back(std::move(spare));
      });
    }
  }
  if (!session) session = open();
  session->execute("SET temp_directory = " + quote_literal(spill_dir.string()));
  return session;
}

void SessionPool::clear() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  spares_.clear();
}

}  // namespace nimbus::athena
