#include "hif4/files.h"

#include <fcntl.h>
#include <limits.h>
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
namespace {

const char* kind_of(mode_t m) {
  if (S_ISDIR(m)) return "a directory";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISFIFO(m)) return "a FIFO";
  if (S_ISSOCK(m)) return "a socket";
  return "not a regular file";
}

}  // namespace

// Trailing slashes do not count: "a/b/" is b in a.
std::string folder_of(const std::string& path) {
  const size_t end = path.find_last_not_of('/');
  if (end == std::string::npos) return "/";
  const size_t slash = path.rfind('/', end);
  if (slash == std::string::npos) return ".";
  const size_t keep = path.find_last_not_of('/', slash);  // "a//b" is b in a
  return keep == std::string::npos ? "/" : path.substr(0, keep + 1);
}

std::string base_of(const std::string& path) {
  const size_t end = path.find_last_not_of('/');
  if (end == std::string::npos) return "/";
  const size_t slash = path.rfind('/', end);
  const size_t begin = slash == std::string::npos ? 0 : slash + 1;
  return path.substr(begin, end + 1 - begin);
}

// Links in the folders above the last component need no following: a rename goes through them.
std::string follow_symlinks(const std::string& option, const std::string& path) {
  std::string p = path;
  for (int hops = 0; hops < 40; ++hops) {
    struct stat st;
    if (::lstat(p.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return p;
    char buf[PATH_MAX];
    const ssize_t n = ::readlink(p.c_str(), buf, sizeof buf - 1);
    if (n < 0) throw Error(option + " '" + path + "': cannot read the symbolic link: " + std::strerror(errno));
    const std::string link(buf, static_cast<size_t>(n));
    p = link[0] == '/' ? link : folder_of(p) + "/" + link;
  }
  throw Error(option + " '" + path + "': too many levels of symbolic links");
}

std::string printable(const std::string& text) {
  std::string s;
  s.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const bool c1 = c == 0xC2 && i + 1 < text.size() &&
                    static_cast<unsigned char>(text[i + 1]) >= 0x80 && static_cast<unsigned char>(text[i + 1]) <= 0x9F;
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F || c1) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      s += buf;
      if (c1) {
        std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned char>(text[++i]));
        s += buf;
      }
    } else {
      s += static_cast<char>(c);
    }
  }
  return s;
}

std::string shown_path(const std::string& path, bool output) {
  if (path == "-") return output ? "standard output" : "standard input";
  return "'" + path + "'";
}

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

// ---- inputs --------------------------------------------------------------------------------

InputFile::InputFile(const std::string& path) : path_(path) {
  if (path == "-") {
    stream_ = true;
    fd_ = STDIN_FILENO;
    if (::isatty(fd_)) throw Error("standard input is a terminal: pipe or redirect the input into it");
    return;
  }
  fd_ = open_regular_file(path, "input ", &size_);
  // The descriptor was opened non-blocking (see open_regular_file); reads of a regular file
  // never block, so nothing else changes.
}

InputFile::~InputFile() {
  if (fd_ >= 0 && fd_ != STDIN_FILENO) ::close(fd_);
}

std::string InputFile::name() const { return stream_ ? "standard input" : "input '" + path_ + "'"; }

size_t InputFile::read_some(void* dst, size_t n) {
  size_t done = 0;
  while (done < n) {
    const ssize_t r = ::read(fd_, static_cast<char*>(dst) + done, n - done);
    if (r < 0) {
      if (errno == EINTR) continue;
      throw Error("cannot read " + name() + ": " + std::strerror(errno));
    }
    if (r == 0) break;
    done += static_cast<size_t>(r);
  }
  return done;
}

void InputFile::read(void* dst, size_t n) {
  if (read_some(dst, n) != n) throw Error(name() + " ended early (truncated?)");
}

std::string read_small_file(const std::string& path, uint64_t max_bytes, const std::string& what) {
  InputFile in(path);
  if (in.is_stream()) throw Error(what + " cannot be read from standard input");
  if (in.size() > max_bytes)
    throw Error("'" + path + "' is " + std::to_string(in.size()) + " bytes, above the limit of " +
                std::to_string(max_bytes) + " for " + what);
  std::string text(static_cast<size_t>(in.size()), '\0');
  text.resize(in.read_some(&text[0], text.size()));
  return text;
}

// ---- outputs -------------------------------------------------------------------------------

bool same_file(const std::string& a, const std::string& b) {
  struct stat sa, sb;
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

OutputTarget check_output_path(const std::string& option, const std::string& path,
                               const std::vector<std::string>& inputs) {
  OutputTarget t;
  t.path = path;
  if (path.empty()) throw Error(option + ": the output path is empty");
  if (path == "-") {
    t.is_stdout = true;
    return t;
  }
  t.file = follow_symlinks(option, path);
  struct stat st;
  if (::stat(t.file.c_str(), &st) == 0) {
    if (!S_ISREG(st.st_mode))
      throw Error(option + " '" + path + "' exists and is " + kind_of(st.st_mode) +
                  (S_ISDIR(st.st_mode) ? "" : "; an output replaces only a regular file (use '-' for standard output)"));
    t.exists = true;
    t.mode = st.st_mode & 07777;
    t.uid = st.st_uid;
    t.gid = st.st_gid;
    for (const std::string& in : inputs)
      if (in != "-" && same_file(t.file, in))
        throw Error(option + " '" + path + "' is the same file as the input '" + in +
                    "': writing it would destroy the input");
  } else if (errno != ENOENT) {
    throw Error("cannot create output '" + path + "': " + std::strerror(errno));
  } else if (path.back() == '/') {
    throw Error(option + " '" + path + "' names a folder; give a file name");
  }
  struct stat folder;
  const std::string dir = folder_of(t.file);
  if (::stat(dir.c_str(), &folder) != 0 || !S_ISDIR(folder.st_mode))
    throw Error("cannot create output '" + path + "': folder '" + dir + "' does not exist");
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    throw Error("cannot create output '" + path + "' in folder '" + dir + "': " + std::strerror(errno));
  return t;
}

int create_temp_beside(const std::string& path, std::string* tmp, CleanupEntry* cleanup) {
  // NAME.tmp.XXXXXXXX; a long NAME is shortened so that the temporary's name fits NAME_MAX.
  constexpr size_t kSuffix = 13;
  const std::string dir = folder_of(path);
  std::string base = base_of(path);
  const long name_max = ::pathconf(dir.c_str(), _PC_NAME_MAX);
  const size_t limit = name_max > 0 ? static_cast<size_t>(name_max) : 255;
  if (base.size() + kSuffix > limit) base.resize(limit - kSuffix);
  std::random_device rd;
  int fd = -1;
  for (int attempt = 0; attempt < 16 && fd < 0; ++attempt) {
    char suffix[32];
    std::snprintf(suffix, sizeof suffix, ".tmp.%08x", static_cast<unsigned>(rd()));
    *tmp = (dir == "." && path.find('/') == std::string::npos ? "" : dir + "/") + base + suffix;
    // Listed for the signal handler before it exists, so that no moment leaves it unlisted.
    if (cleanup) *cleanup = CleanupEntry(*tmp, CleanupEntry::Kind::File);
    fd = ::open(tmp->c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) {
      const int err = errno;
      if (cleanup) cleanup->release();
      errno = err;
      if (err != EEXIST) break;
    }
  }
  return fd;
}

AtomicOutput::AtomicOutput(Staged, const std::string& path, const std::string& shown) : shown_(shown) {
  target_.path = target_.file = path;
  fd_ = create_temp_beside(path, &tmp_, &cleanup_);
  if (fd_ < 0) throw Error("cannot create output '" + shown_ + "': " + std::strerror(errno));
}

AtomicOutput::AtomicOutput(const std::string& path, const std::vector<std::string>& inputs,
                           Content content, const std::string& option)
    : target_(check_output_path(option, path, inputs)), shown_(path) {
  if (target_.is_stdout) {
    if (content == Content::Binary && ::isatty(STDOUT_FILENO))
      throw Error(option + " -: standard output is a terminal; redirect it to a file or a pipe");
    fd_ = STDOUT_FILENO;
    return;
  }
  fd_ = create_temp_beside(target_.file, &tmp_, &cleanup_);
  if (fd_ < 0) throw Error("cannot create output '" + path + "': " + std::strerror(errno));
  if (target_.exists) {
    // The replacement keeps the replaced file's permissions (and, for root, its owner).
    if (::fchmod(fd_, target_.mode) != 0 ||
        (::geteuid() == 0 && ::fchown(fd_, target_.uid, target_.gid) != 0))
      throw Error("cannot set the permissions of output '" + path + "': " + std::strerror(errno));
  }
}

AtomicOutput::~AtomicOutput() {
  if (target_.is_stdout) return;
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !tmp_.empty()) ::unlink(tmp_.c_str());
}

void AtomicOutput::write(const void* src, size_t n) {
  if (target_.is_stdout) {  // a pipe: no offsets
    for (size_t done = 0; done < n;) {
      const ssize_t w = ::write(fd_, static_cast<const char*>(src) + done, n - done);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) throw Error("cannot write to standard output: " + std::string(std::strerror(errno)));
      done += static_cast<size_t>(w);
    }
    end_ += n;
    return;
  }
  write_at(end_, src, n);
}

void AtomicOutput::write_at(uint64_t offset, const void* src, size_t n) {
  if (target_.is_stdout) throw Error("standard output cannot be written at an offset");
  for (size_t done = 0; done < n;) {
    const ssize_t w = ::pwrite(fd_, static_cast<const char*>(src) + done, n - done, static_cast<off_t>(offset + done));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) throw Error("cannot write output '" + shown_ + "': " + std::strerror(errno));
    done += static_cast<size_t>(w);
  }
  end_ = std::max<uint64_t>(end_, offset + n);
}

void AtomicOutput::reserve(uint64_t bytes) {
  if (target_.is_stdout) return;
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
  if (target_.is_stdout) {
    committed_ = true;
    return;
  }
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
  if (::rename(tmp_.c_str(), target_.file.c_str()) != 0)
    throw Error("cannot rename output into '" + shown_ + "': " + std::strerror(errno));
  committed_ = true;
  cleanup_.release();
  sync_parent_folder(target_.file);
}

void sync_parent_folder(const std::string& path) {
  const int fd = ::open(folder_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // durability only: the rename itself has happened
  ::fsync(fd);
  ::close(fd);
}

}  // namespace hif4
