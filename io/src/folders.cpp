#include "hif4/folders.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>

#include "hif4/files.h"

namespace hif4 {
namespace {

std::vector<std::string> entries_of(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  if (!d) throw Error("cannot read folder '" + dir + "': " + std::strerror(errno));
  while (const dirent* e = ::readdir(d)) {
    const std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(n);
  }
  ::closedir(d);
  return names;
}

// Removes a staging folder and the files in it (staging folders hold files only).
void remove_flat_folder(const std::string& dir) {
  if (DIR* d = ::opendir(dir.c_str())) {
    while (const dirent* e = ::readdir(d)) {
      const std::string n = e->d_name;
      if (n != "." && n != "..") ::unlinkat(dirfd(d), n.c_str(), 0);
    }
    ::closedir(d);
  }
  ::rmdir(dir.c_str());
}

void sync_path(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | flags);
  if (fd < 0) throw Error("cannot open '" + path + "' to sync it: " + std::strerror(errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0 && err != EINVAL && err != EROFS)
    throw Error("cannot sync '" + path + "': " + std::strerror(err));
}

}  // namespace

AtomicFolder::AtomicFolder(const std::string& option, const std::string& path, Existing existing,
                           const std::vector<std::string>& own_names,
                           const std::vector<std::string>& inputs)
    : option_(option) {
  if (path.empty()) throw Error(option + ": the output path is empty");
  // "new/" names the folder new; a symbolic link is followed to the folder it names.
  const size_t end = path.find_last_not_of('/');
  path_ = follow_symlinks(option, end == std::string::npos ? "/" : path.substr(0, end + 1));
  struct stat st;
  mode_t mode = 0777;
  if (::stat(path_.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode))
      throw Error(option + " '" + path + "' exists and is not a folder");
    if (existing == Existing::Refuse)
      throw Error(option + " '" + path + "' already exists (choose a new folder)");
    for (const std::string& n : entries_of(path_)) {
      for (const std::string& in : inputs)
        if (same_file(path_ + "/" + n, in))
          throw Error(option + " '" + path + "' holds the input '" + in + "': choose another folder");
      struct stat e;
      if (std::find(own_names.begin(), own_names.end(), n) == own_names.end() ||
          ::lstat((path_ + "/" + n).c_str(), &e) != 0 || !S_ISREG(e.st_mode))
        throw Error(option + " '" + path + "' holds '" + n +
                    "', which this command does not write; it replaces only a folder it wrote "
                    "(choose a new or empty folder)");
    }
    replace_ = true;
    mode = st.st_mode & 07777;
    // "." or "a/.." cannot be renamed: work on the folder's own name.
    char real[PATH_MAX];
    if (!::realpath(path_.c_str(), real))
      throw Error("cannot use output folder '" + path + "': " + std::strerror(errno));
    path_ = real;
  } else if (errno != ENOENT) {
    throw Error("cannot use output folder '" + path + "': " + std::strerror(errno));
  }
  const std::string parent = folder_of(path_);
  if (::access(parent.c_str(), W_OK | X_OK) != 0)
    throw Error("cannot create output folder '" + path + "' in '" + parent + "': " + std::strerror(errno));
  std::random_device rd;
  for (int attempt = 0; attempt < 16 && staging_.empty(); ++attempt) {
    char suffix[32];
    std::snprintf(suffix, sizeof suffix, ".tmp.%08x", static_cast<unsigned>(rd()));
    const std::string candidate = path_ + suffix;
    cleanup_ = CleanupEntry(candidate, CleanupEntry::Kind::Folder);
    if (::mkdir(candidate.c_str(), 0777) == 0) {
      staging_ = candidate;
    } else {
      const int err = errno;
      cleanup_.release();
      if (err != EEXIST)
        throw Error("cannot create output folder beside '" + path + "': " + std::strerror(err));
    }
  }
  if (staging_.empty()) throw Error("cannot create a staging folder beside '" + path + "'");
  if (replace_) ::chmod(staging_.c_str(), mode);  // the replacement keeps the folder's permissions
}

AtomicFolder::~AtomicFolder() {
  if (!committed_ && !staging_.empty()) remove_flat_folder(staging_);
}

void AtomicFolder::commit() {
  for (const std::string& n : entries_of(staging_)) sync_path(staging_ + "/" + n, 0);
  sync_path(staging_, O_DIRECTORY);
  if (!replace_) {
    // RENAME_NOREPLACE: a folder created at the target meanwhile is never replaced.
    if (::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, path_.c_str(), RENAME_NOREPLACE) != 0) {
      if (errno == EEXIST) throw Error(option_ + " '" + path_ + "' appeared while writing it");
      if (errno != EINVAL && errno != ENOSYS)
        throw Error("cannot rename into '" + path_ + "': " + std::strerror(errno));
      struct stat st;
      if (::lstat(path_.c_str(), &st) == 0) throw Error(option_ + " '" + path_ + "' appeared while writing it");
      if (::rename(staging_.c_str(), path_.c_str()) != 0)
        throw Error("cannot rename into '" + path_ + "': " + std::strerror(errno));
    }
    committed_ = true;
    cleanup_.release();
  } else {
    // One atomic exchange: the new folder takes the target's name, the old folder the staging
    // name, where it is removed like an unfinished staging folder (by the handler too, should
    // a signal come now).
    if (::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, path_.c_str(), RENAME_EXCHANGE) != 0)
      throw Error("cannot replace the folder '" + path_ + "': " + std::strerror(errno) +
                  " (it was left as it was)");
    committed_ = true;
    remove_flat_folder(staging_);
    cleanup_.release();
  }
  sync_parent_folder(path_);
}

}  // namespace hif4
