// The version line (see version.h). HIF4_SOURCE_REVISION comes from revision.h, which
// cmake/revision.cmake rewrites at every build when the checkout's revision changed.
#include "hif4/version.h"

#include "hif4/suites.h"
#include "revision.h"

namespace hif4 {

std::string project_version() { return HIF4_PROJECT_VERSION; }

std::string source_revision() { return HIF4_SOURCE_REVISION; }

std::string version_line() {
  return "hif4 " + project_version() + " (revision " + source_revision() + "), vector generator version " +
         std::to_string(kGeneratorVersion);
}

}  // namespace hif4
