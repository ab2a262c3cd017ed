#include "hif4/files.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>

namespace hif4 {

int open_regular_file(const std::string& path, const std::string& what, uint64_t* size) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw Error("cannot open " + what + "'" + path + "': " + std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw Error(what + "'" + path + "' is not a regular file");
  }
  *size = static_cast<uint64_t>(st.st_size);
  return fd;
}

InputFile::InputFile(const std::string& path) : path_(path) {
  fd_ = open_regular_file(path, "input ", &size_);
}

InputFile::~InputFile() {
  if (fd_ >= 0) ::close(fd_);
}

size_t InputFile::read_some(void* dst, size_t n) {
  size_t done = 0;
  while (done < n) {
    const ssize_t r = ::read(fd_, static_cast<char*>(dst) + done, n - done);
    if (r < 0) {
      if (errno == EINTR) continue;
      throw Error("cannot read input '" + path_ + "': " + std::strerror(errno));
    }
    if (r == 0) break;
    done += static_cast<size_t>(r);
  }
  return done;
}

void InputFile::read(void* dst, size_t n) {
  if (read_some(dst, n) != n) throw Error("input '" + path_ + "' ended early (truncated?)");
}

std::string read_small_file(const std::string& path, uint64_t max_bytes, const std::string& what) {
  InputFile in(path);
  if (in.size() > max_bytes)
    throw Error("'" + path + "' is " + std::to_string(in.size()) + " bytes, above the limit of " +
                std::to_string(max_bytes) + " for " + what);
  std::string text(static_cast<size_t>(in.size()), '\0');
  text.resize(in.read_some(&text[0], text.size()));
  return text;
}

namespace {

// Tries `create` on PATH.tmp.XXXXXXXX with random X until a name is free (at most 16 names):
// true with the name in *tmp, or false with errno set.
template <class Create>
bool create_beside(const std::string& path, std::string* tmp, const Create& create) {
  std::random_device rd;
  for (int attempt = 0; attempt < 16; ++attempt) {
    char suffix[32];
    std::snprintf(suffix, sizeof suffix, ".tmp.%08x", static_cast<unsigned>(rd()));
    *tmp = path + suffix;
    if (create(*tmp)) return true;
    if (errno != EEXIST) return false;
  }
  return false;
}

}  // namespace

int create_temp_beside(const std::string& path, std::string* tmp) {
  int fd = -1;
  create_beside(path, tmp, [&](const std::string& name) {
    fd = ::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    return fd >= 0;
  });
  return fd;
}

bool create_temp_folder_beside(const std::string& path, std::string* tmp) {
  return create_beside(path, tmp, [](const std::string& name) { return ::mkdir(name.c_str(), 0755) == 0; });
}

AtomicOutput::AtomicOutput(const std::string& path, const std::string& shown_path)
    : path_(path), shown_(shown_path) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    throw Error("output '" + shown_ + "' is a directory");
  fd_ = create_temp_beside(path, &tmp_);
  if (fd_ < 0) throw Error("cannot create output '" + shown_ + "': " + std::strerror(errno));
}

AtomicOutput::~AtomicOutput() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(tmp_.c_str());
}

void AtomicOutput::write(const void* src, size_t n) { write_at(end_, src, n); }

void AtomicOutput::write_at(uint64_t offset, const void* src, size_t n) {
  size_t done = 0;
  while (done < n) {
    const ssize_t w = ::pwrite(fd_, static_cast<const char*>(src) + done, n - done, static_cast<off_t>(offset + done));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) throw Error("cannot write output '" + shown_ + "': " + std::strerror(errno));
    done += static_cast<size_t>(w);
  }
  end_ = std::max<uint64_t>(end_, offset + n);
}

void AtomicOutput::reserve(uint64_t bytes) {
  // Not on tmpfs: there fallocate allocates and zeroes every page, which the writes then fill
  // again (10% more kernel time for `hif4 gen` to /dev/shm), and a full tmpfs still fails the
  // write with a clear error.
  struct statfs fs;
  if (::fstatfs(fd_, &fs) == 0 && fs.f_type == TMPFS_MAGIC) return;
  if (::fallocate(fd_, 0, 0, static_cast<off_t>(bytes)) == 0) {
    reserved_ = bytes;
    return;
  }
  if (errno == EOPNOTSUPP || errno == ENOSYS || errno == EINVAL) return;  // not supported here: skip
  throw Error("cannot write output '" + shown_ + "': " + std::strerror(errno) + " (allocating " +
              std::to_string(bytes) + " bytes)");
}

void AtomicOutput::commit() {
  // A reservation larger than what was written (a writer that stopped short) must not leave
  // zeros at the end of the file.
  if (reserved_ > end_ && ::ftruncate(fd_, static_cast<off_t>(end_)) != 0)
    throw Error("cannot write output '" + shown_ + "': " + std::strerror(errno));
  if (::fsync(fd_) != 0 && errno != EINVAL && errno != EROFS)
    throw Error("cannot write output '" + shown_ + "': " + std::strerror(errno));
  if (::close(fd_) != 0) {
    fd_ = -1;
    throw Error("cannot write output '" + shown_ + "': " + std::strerror(errno));
  }
  fd_ = -1;
  if (::rename(tmp_.c_str(), path_.c_str()) != 0)
    throw Error("cannot rename output into '" + shown_ + "': " + std::strerror(errno));
  committed_ = true;
}

}  // namespace hif4
