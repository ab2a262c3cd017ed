// Files in and out.
//
// Inputs must be regular files, or "-" for standard input (read as a stream, in bounded
// memory). Outputs never destroy anything: an output path is checked before any work is done
// and refused (hif4::Error, exit 2) when it is empty, when it exists and is not a regular file
// (a device, a FIFO, a socket, a folder), or when it is the same file as one of the command's
// inputs (same device and inode: the same path, a hard link or a symbolic link to it). A
// symbolic link is followed: the file it names is written and the link stays. The output is
// written under a temporary name beside its target and renamed over it only when complete and
// synced, keeping an existing file's permissions; an error, an exception or a signal
// (cleanup.h) removes the temporary, so no partial file is ever left. "-" is standard output,
// written straight through (a pipe cannot be replaced atomically).
#pragma once
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "hif4/cleanup.h"
#include "hif4/error.h"

namespace hif4 {

// Opens `path` read-only and requires a regular file; returns the descriptor and, in *size,
// its size. O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever before the
// regular-file check could refuse it (it changes nothing for regular files). Messages read
// "cannot open WHAT'PATH': ..." and "WHAT'PATH' is not a regular file" (`what` may be "").
int open_regular_file(const std::string& path, const std::string& what, uint64_t* size);

// What messages call a path: 'PATH', or "standard input" / "standard output" for "-".
std::string shown_path(const std::string& path, bool output = false);

// Input: a regular file (its size known up front, for validation) or "-", standard input (a
// stream: the size is known only at its end). Sequential reads with clear errors.
class InputFile {
 public:
  explicit InputFile(const std::string& path);
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  bool is_stream() const { return stream_; }
  uint64_t size() const { return size_; }  // 0 for a stream
  const std::string& path() const { return path_; }
  // "input 'PATH'" or "standard input", for messages.
  std::string name() const;
  // Reads exactly n bytes (throws if the input ends early).
  void read(void* dst, size_t n);
  // Reads up to n bytes; returns the count (less than n only at the end).
  size_t read_some(void* dst, size_t n);

 private:
  std::string path_;
  int fd_ = -1;
  bool stream_ = false;
  uint64_t size_ = 0;
};

// A whole small regular file: one of more than `max_bytes` is refused unread, so a hostile
// path cannot fill memory ("'PATH' is N bytes, above the limit of MAX for WHAT").
std::string read_small_file(const std::string& path, uint64_t max_bytes, const std::string& what);

// How an output's target was resolved: the file to replace (symbolic links followed) and
// what stands there now.
struct OutputTarget {
  bool is_stdout = false;
  std::string path;         // as given
  std::string file;         // the file that is written (path with every symbolic link followed)
  bool exists = false;      // `file` exists (a regular file)
  mode_t mode = 0;          // its permission bits, kept by the replacement
  uid_t uid = 0;
  gid_t gid = 0;
};

// The checks of an output path without creating anything (for outputs opened later). Throws
// Error naming the option (e.g. "--out") and the path.
OutputTarget check_output_path(const std::string& option, const std::string& path,
                               const std::vector<std::string>& inputs);

// `path` with every symbolic link in its last component followed; throws Error (naming
// `option`) on a loop.
std::string follow_symlinks(const std::string& option, const std::string& path);
// The folder holding `path` ("." for a bare name), and the last component of `path`.
std::string folder_of(const std::string& path);
std::string base_of(const std::string& path);

// Whether two paths name the same file (device and inode; false when either does not exist).
bool same_file(const std::string& a, const std::string& b);

// Creates a new file `NAME.tmp.XXXXXXXX` beside `path` (exclusive; NAME shortened so that the
// name fits the file system's limit) for writing and returns its descriptor, with its name in
// *tmp; -1 with errno set when it cannot. With `cleanup`, the temporary is listed there for the
// signal handler (cleanup.h) from before it exists.
int create_temp_beside(const std::string& path, std::string* tmp, CleanupEntry* cleanup = nullptr);

// An output file (see the top of this file). Binary outputs refuse a terminal as standard
// output.
class AtomicOutput {
 public:
  enum class Content { Binary, Text };
  explicit AtomicOutput(const std::string& path, const std::vector<std::string>& inputs = {},
                        Content content = Content::Binary, const std::string& option = "--out");
  // A file inside a staging folder (folders.h), which the command made itself: nothing to
  // check; messages name the file as `shown`, its name once the folder is in place.
  struct Staged {};
  static constexpr Staged staged{};
  AtomicOutput(Staged, const std::string& path, const std::string& shown);
  ~AtomicOutput();
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;
  void write(const void* src, size_t n);
  // Writes at a byte offset (a writer that fills several regions at once).
  void write_at(uint64_t offset, const void* src, size_t n);
  // Allocates the output's final size up front where the file system can (fallocate): a full
  // disk is reported before anything is generated, and the file system allocates the blocks
  // once instead of at every write that extends the file (ext4: about half the kernel time
  // of writing a large file). Does nothing for standard output, on tmpfs, or where fallocate
  // is not supported.
  void reserve(uint64_t bytes);
  void commit();
  bool is_stdout() const { return target_.is_stdout; }
  const std::string& path() const { return target_.path; }

 private:
  OutputTarget target_;
  std::string shown_;  // what messages call the output
  std::string tmp_;
  int fd_ = -1;
  uint64_t end_ = 0;  // one past the furthest byte written
  uint64_t reserved_ = 0;
  bool committed_ = false;
  CleanupEntry cleanup_;
};

// fsync of the folder holding `path`, so that a rename into it survives a power loss.
void sync_parent_folder(const std::string& path);

}  // namespace hif4
