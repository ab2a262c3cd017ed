// The --report page of `hif4 compare`: one self-contained HTML file (no scripts, no network:
// the figures are embedded as data: URIs) with the exact command, the configuration, the
// project version, a summary of every variant against the reference, the figures and every
// table, for a design review.
#pragma once
#include <string>
#include <vector>

#include "hif4/compare.h"
#include "hif4/compare_figures.h"
#include "hif4/compare_tables.h"

namespace hif4::compare {

struct ReportPage {
  std::string command;    // the command line, as a shell would take it back
  std::string version;    // the project version and the source revision (hif4/version.h)
  std::string generated;  // when (UTC)
  unsigned threads = 1;
};

// The page. pngs[i] holds the PNG bytes of figures[i].
std::string html_report(const Report& report, const ReportPage& page,
                        const std::vector<FigureSpec>& figures,
                        const std::vector<std::string>& pngs);

// RFC 4648 base64 of `bytes`.
std::string base64(const std::string& bytes);

// `args` as one line a POSIX shell reads back as the same words.
std::string shell_command(const std::vector<std::string>& args);

}  // namespace hif4::compare
