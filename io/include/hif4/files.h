// Files in and out: inputs that must be regular files, and outputs that appear whole or not
// at all (written beside the target and renamed over it).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "hif4/error.h"

namespace hif4 {

// Opens `path` read-only and requires a regular file; returns the descriptor and, in *size,
// its size. O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever before the
// regular-file check could refuse it (it changes nothing for regular files). Messages read
// "cannot open WHAT'PATH': ..." and "WHAT'PATH' is not a regular file" (`what` may be "").
int open_regular_file(const std::string& path, const std::string& what, uint64_t* size);

// Input: the whole size up front (for validation) and sequential reads with clear errors.
class InputFile {
 public:
  explicit InputFile(const std::string& path);
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }
  // Reads exactly n bytes (throws if the file ends early).
  void read(void* dst, size_t n);
  // Reads up to n bytes; returns the count (0 at the end).
  size_t read_some(void* dst, size_t n);

 private:
  std::string path_;
  int fd_ = -1;
  uint64_t size_ = 0;
};

// A whole small regular file: one of more than `max_bytes` is refused unread, so a hostile
// path cannot fill memory ("'PATH' is N bytes, above the limit of MAX for WHAT").
std::string read_small_file(const std::string& path, uint64_t max_bytes, const std::string& what);

// Creates a new file `path.tmp.XXXXXXXX` beside `path` (exclusive, mode 0644) for writing and
// returns its descriptor, with its name in *tmp; -1 with errno set when it cannot.
int create_temp_beside(const std::string& path, std::string* tmp);
// The same for a new folder (mode 0755): true, or false with errno set.
bool create_temp_folder_beside(const std::string& path, std::string* tmp);

// Output written to a temporary name beside the target and renamed over it by commit();
// destroyed without commit(), it removes the temporary, so no partial file is ever left.
class AtomicOutput {
 public:
  explicit AtomicOutput(const std::string& path) : AtomicOutput(path, path) {}
  // `shown_path`: the name messages give the file (what the user asked for, where the file is
  // built inside a staging folder that is renamed into place later).
  AtomicOutput(const std::string& path, const std::string& shown_path);
  ~AtomicOutput();
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;
  // Appends after the furthest byte written so far.
  void write(const void* src, size_t n);
  // Writes at `offset`, for a file whose layout is fixed up front (a header that says where
  // each part goes, the parts written in any order).
  void write_at(uint64_t offset, const void* src, size_t n);
  // Allocates the output's final size up front where the file system can (fallocate): a full
  // disk is reported before anything is generated, and the file system allocates the blocks
  // once instead of at every write that extends the file (ext4: about half the kernel time
  // of writing a large file). Where fallocate is not supported, and on tmpfs, it does nothing.
  void reserve(uint64_t bytes);
  void commit();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::string shown_;
  std::string tmp_;
  int fd_ = -1;
  uint64_t end_ = 0;  // one past the furthest byte written
  uint64_t reserved_ = 0;
  bool committed_ = false;
};

}  // namespace hif4
