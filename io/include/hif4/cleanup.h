// Temporary outputs removed when the program is interrupted.
//
// Every output is written under a temporary name beside its target (files.h, folders.h) and
// renamed into place when complete. An error unwinds and the destructors remove the
// temporaries; a signal does not unwind, so the temporaries are also listed here, in a fixed
// table that a signal handler can read without allocating. On SIGINT, SIGTERM or SIGHUP the
// handler removes every listed file and folder (a folder's files first), then dies of the same
// signal, so the shell sees the conventional status 128 + signal. SIGPIPE (a reader of standard
// output went away) is handled the same way.
//
// What cannot be cleaned: SIGKILL and power loss end the process with no handler, and leave
// `NAME.tmp.XXXXXXXX` files or folders beside the target (never a damaged target: the rename
// that replaces it happens only after the new content is complete and synced).
#pragma once
#include <string>

namespace hif4 {

// Installs the handlers (once; later calls do nothing). The `hif4` program calls it first.
void install_cleanup_handlers();

// A slot in the table, held while the temporary exists. A Folder's files are removed by the
// handler too (one level: staging folders hold files only).
class CleanupEntry {
 public:
  enum class Kind { File, Folder };
  CleanupEntry() = default;
  CleanupEntry(const std::string& path, Kind kind);  // throws Error when the table is full
  ~CleanupEntry() { release(); }
  CleanupEntry(CleanupEntry&& o) noexcept : slot_(o.slot_) { o.slot_ = -1; }
  CleanupEntry& operator=(CleanupEntry&& o) noexcept;
  CleanupEntry(const CleanupEntry&) = delete;
  CleanupEntry& operator=(const CleanupEntry&) = delete;
  // The temporary was renamed into place or removed: the handler must leave it alone.
  void release();

 private:
  int slot_ = -1;
};

}  // namespace hif4
