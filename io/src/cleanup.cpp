// The table of temporaries and the signal handler that removes them (see cleanup.h). The
// handler only calls async-signal-safe functions: open, getdents64, unlinkat, unlink, rmdir,
// close, sigaction, raise.
#include "hif4/cleanup.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstring>

#include "hif4/error.h"

namespace hif4 {
namespace {

// Enough for every temporary one command holds at once (an export folder and its files, a
// converted checkpoint's staging folder): files inside a registered folder need no slot.
constexpr int kSlots = 64;
enum : int { kFree = 0, kFilling = 1, kActive = 2 };

struct Slot {
  std::atomic<int> state{kFree};
  CleanupEntry::Kind kind = CleanupEntry::Kind::File;
  char path[PATH_MAX] = {};
};
Slot g_slots[kSlots];

void remove_folder(const char* path) {
  const int fd = ::open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd >= 0) {
    alignas(8) static char buf[8192];  // only the handler uses it, and it runs once
    // Read the folder from the start until a pass finds nothing left to remove (a buffer
    // may not hold every entry at once).
    for (bool removed = true; removed;) {
      removed = false;
      ::lseek(fd, 0, SEEK_SET);
      for (long n; (n = ::syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0;) {
        for (long off = 0; off < n;) {
          const auto* d = reinterpret_cast<const struct dirent64*>(buf + off);
          const char* name = d->d_name;
          if (!(name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))))
            removed |= ::unlinkat(fd, name, 0) == 0;
          off += d->d_reclen;
        }
      }
    }
    ::close(fd);
  }
  ::rmdir(path);
}

extern "C" void on_fatal_signal(int sig) {
  // Folders last: a file registered inside a folder goes first.
  for (int pass = 0; pass < 2; ++pass)
    for (int i = kSlots - 1; i >= 0; --i) {
      Slot& s = g_slots[i];
      if (s.state.load(std::memory_order_acquire) != kActive) continue;
      const bool folder = s.kind == CleanupEntry::Kind::Folder;
      if (pass == 0 && !folder) ::unlink(s.path);
      if (pass == 1 && folder) remove_folder(s.path);
    }
  struct sigaction dfl;
  std::memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  ::sigaction(sig, &dfl, nullptr);
  ::raise(sig);  // delivered when this handler returns: the process ends by `sig`
}

}  // namespace

void install_cleanup_handlers() {
  static std::atomic<bool> installed{false};
  if (installed.exchange(true)) return;
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_fatal_signal;
  sigfillset(&sa.sa_mask);  // no second signal runs the handler while it works
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) ::sigaction(sig, &sa, nullptr);
}

CleanupEntry::CleanupEntry(const std::string& path, Kind kind) {
  if (path.size() >= PATH_MAX) throw Error("path too long: '" + path + "'");
  for (int i = 0; i < kSlots; ++i) {
    int expected = kFree;
    if (!g_slots[i].state.compare_exchange_strong(expected, kFilling)) continue;
    g_slots[i].kind = kind;
    std::memcpy(g_slots[i].path, path.c_str(), path.size() + 1);
    g_slots[i].state.store(kActive, std::memory_order_release);
    slot_ = i;
    return;
  }
  throw Error("too many temporary outputs at once (" + std::to_string(kSlots) + ")");
}

CleanupEntry& CleanupEntry::operator=(CleanupEntry&& o) noexcept {
  if (this != &o) {
    release();
    slot_ = o.slot_;
    o.slot_ = -1;
  }
  return *this;
}

void CleanupEntry::release() {
  if (slot_ >= 0) g_slots[slot_].state.store(kFree, std::memory_order_release);
  slot_ = -1;
}

}  // namespace hif4
