// What `hif4 --version` prints, and what every results file records: the project version
// (CMake's project(VERSION)), the source revision the binary was built from (git, captured at
// build time, with "-dirty" when the tree had uncommitted changes) and the version of the
// vector generator (kGeneratorVersion: the same arguments make the same vectors only under the
// same generator version).
#pragma once
#include <string>

namespace hif4 {

std::string project_version();
// "0123456789ab" or "0123456789ab-dirty"; "unknown" when not built from a git checkout.
std::string source_revision();
// "hif4 0.1.0 (revision 0123456789ab-dirty), vector generator version 3"
std::string version_line();

}  // namespace hif4
