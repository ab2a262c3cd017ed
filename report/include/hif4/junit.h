// Results as JUnit XML (`--junit FILE`), the way Jenkins, GitLab and most CI dashboards read
// test reports:
//
//   <testsuites name tests failures errors skipped time>
//     <testsuite name="hif4 COMMAND" tests failures errors skipped time timestamp hostname>
//       <properties> hif4's version line, the runs, the shards merged per run </properties>
//       <testcase classname="hif4.COMMAND.PROFILE" name="SUITE" time="SECONDS">
//         <failure message="the first mismatch report" type="mismatch">the report and counts</failure>
//       </testcase>
//
// One testsuite per command, one testcase per row (suite x profile) of every run. `hif4 coverage`
// adds a testcase per coverage bin and configuration: skipped where the bin cannot happen under
// the knobs, and where it was missed without --require-all (a failure with it).
#pragma once
#include <string>
#include <vector>

#include "hif4/results.h"

namespace hif4 {

// The XML document for these runs; `name` names the <testsuites> element.
std::string results_to_junit(const std::vector<Results>& runs, const std::string& name);

// Text safe inside an XML attribute or element: & < > " ' escaped, tab and line breaks as
// character references, other control bytes and bytes above 0x7E as '?'.
std::string xml_escape(const std::string& text);

}  // namespace hif4
