// Folder outputs that appear whole or not at all (`hif4 export`, `hif4 convert`).
//
// The files are written into a staging folder `DIR.tmp.XXXXXXXX` beside the target and the
// staging folder is renamed into place in one step when every file is complete and synced.
// Until then an error, an exception or a signal (cleanup.h) removes the staging folder, and an
// existing folder at the target is left exactly as it was. Where an existing folder may be
// replaced (Existing::ReplaceOwn), the two are exchanged in one atomic rename
// (renameat2 RENAME_EXCHANGE) and the old folder is removed afterwards; such a folder must
// hold only files this kind of output writes, so that nothing else is ever deleted.
#pragma once
#include <string>
#include <vector>

#include "hif4/cleanup.h"
#include "hif4/error.h"

namespace hif4 {

class AtomicFolder {
 public:
  enum class Existing {
    Refuse,      // the target must not exist
    ReplaceOwn,  // an existing folder is replaced if it holds only `own_names`
  };
  // Checks the target (refused when it exists and is not a folder, or when it holds any of
  // `inputs` or a file not in `own_names`) and creates the staging folder. `option` names the
  // command-line option in messages.
  AtomicFolder(const std::string& option, const std::string& path, Existing existing,
               const std::vector<std::string>& own_names = {},
               const std::vector<std::string>& inputs = {});
  ~AtomicFolder();
  AtomicFolder(const AtomicFolder&) = delete;
  AtomicFolder& operator=(const AtomicFolder&) = delete;

  // Where to write the file `name` now (inside the staging folder).
  std::string file(const std::string& name) const { return staging_ + "/" + name; }
  // What messages call that file: its name in the finished folder.
  std::string shown(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }
  // Syncs every file and moves the folder into place.
  void commit();

 private:
  std::string option_, path_, staging_;
  bool replace_ = false;
  bool committed_ = false;
  CleanupEntry cleanup_;
};

}  // namespace hif4
