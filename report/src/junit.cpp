// Results as JUnit XML (see junit.h).
#include "hif4/junit.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>

namespace hif4 {

std::string xml_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\n': out += "&#10;"; break;
      case '\t': out += "&#9;"; break;
      case '\r': out += "&#13;"; break;
      default: out += (c < 0x20 || c > 0x7E) ? '?' : ch;  // XML 1.0 allows no other C0 byte
    }
  }
  return out;
}

namespace {

struct Testcase {
  std::string classname, name;
  double seconds = 0;
  bool failed = false, skipped = false;
  std::string message, text;  // the failure's or the skip's
};

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s < 0 ? 0.0 : s);
  return buf;
}

// "hif4.cosim.gcc": a dashboard shows hif4.cosim as the package and the profile as the class.
std::string class_name(const Results& r, const std::string& profile) { return "hif4." + r.command + "." + profile; }

void add_rows(const Results& r, std::vector<Testcase>& cases) {
  for (const ResultRow& row : r.rows) {
    Testcase t;
    t.classname = class_name(r, row.profile);
    t.name = row.suite;
    t.seconds = row.seconds;
    if (!row.passed()) {
      t.failed = true;
      const std::string counts = std::to_string(row.failed) + " of " + std::to_string(row.blocks) +
                                 " blocks failed, " + std::to_string(row.mismatches) + " mismatches";
      t.message = row.first.found ? row.first.report : counts;
      t.text = counts + (row.first.found ? "\nfirst mismatch:\n" + row.first.report : std::string()) + "\nrun: " + r.run;
    }
    cases.push_back(std::move(t));
  }
}

void add_bins(const Results& r, std::vector<Testcase>& cases) {
  for (const Coverage& c : r.coverage) {
    const Profile* p = matching_profile(c.config());
    const std::string profile = p ? p->name : describe(c.config());
    for (size_t i = 0; i < coverage_bins().size(); ++i) {
      Testcase t;
      t.classname = class_name(r, profile) + ".bins";
      t.name = coverage_bins()[i].name;
      if (!c.applicable(i)) {
        t.skipped = true;
        t.message = "not applicable under these knobs";
      } else if (c.count(i) == 0) {
        t.message = "no block hit the bin (" + coverage_bins()[i].doc + ")";
        (r.require_all_bins ? t.failed : t.skipped) = true;
        if (!r.require_all_bins) t.message += "; a failure only with --require-all";
      }
      cases.push_back(std::move(t));
    }
  }
}

std::string hostname() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

std::string timestamp() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

}  // namespace

std::string results_to_junit(const std::vector<Results>& runs, const std::string& name) {
  // One testsuite per command, in the order the commands first appear.
  std::vector<std::string> commands;
  std::map<std::string, std::vector<const Results*>> by_command;
  for (const Results& r : runs) {
    if (by_command[r.command].empty()) commands.push_back(r.command);
    by_command[r.command].push_back(&r);
  }
  std::string suites;
  size_t all_tests = 0, all_failures = 0, all_skipped = 0;
  double all_seconds = 0;
  for (const std::string& command : commands) {
    std::vector<Testcase> cases;
    double seconds = 0;
    uint32_t shards = 0;
    std::string version;
    for (const Results* r : by_command[command]) {
      add_rows(*r, cases);
      if (r->command == "coverage") add_bins(*r, cases);
      seconds += r->seconds;
      shards = std::max(shards, r->shards_merged);
      if (version.empty()) version = r->hif4_version;
    }
    size_t failures = 0, skipped = 0;
    for (const Testcase& t : cases) {
      failures += t.failed;
      skipped += t.skipped;
    }
    std::string s = "  <testsuite name=\"hif4 " + xml_escape(command) + "\" tests=\"" + std::to_string(cases.size()) +
                    "\" failures=\"" + std::to_string(failures) + "\" errors=\"0\" skipped=\"" +
                    std::to_string(skipped) + "\" time=\"" + seconds_text(seconds) + "\" timestamp=\"" + timestamp() +
                    "\" hostname=\"" + xml_escape(hostname()) + "\">\n";
    s += "    <properties>\n      <property name=\"hif4\" value=\"" + xml_escape(version) + "\"/>\n" +
         "      <property name=\"runs\" value=\"" + std::to_string(by_command[command].size()) + "\"/>\n" +
         "      <property name=\"shards_per_run\" value=\"" + std::to_string(shards) + "\"/>\n    </properties>\n";
    for (const Testcase& t : cases) {
      s += "    <testcase classname=\"" + xml_escape(t.classname) + "\" name=\"" + xml_escape(t.name) + "\" time=\"" +
           seconds_text(t.seconds) + "\"";
      if (t.failed)
        s += ">\n      <failure message=\"" + xml_escape(t.message) + "\" type=\"mismatch\">" + xml_escape(t.text) +
             "</failure>\n    </testcase>\n";
      else if (t.skipped)
        s += ">\n      <skipped message=\"" + xml_escape(t.message) + "\"/>\n    </testcase>\n";
      else
        s += "/>\n";
    }
    s += "  </testsuite>\n";
    suites += s;
    all_tests += cases.size();
    all_failures += failures;
    all_skipped += skipped;
    all_seconds += seconds;
  }
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"" + xml_escape(name) + "\" tests=\"" +
         std::to_string(all_tests) + "\" failures=\"" + std::to_string(all_failures) + "\" errors=\"0\" skipped=\"" +
         std::to_string(all_skipped) + "\" time=\"" + seconds_text(all_seconds) + "\">\n" + suites + "</testsuites>\n";
}

}  // namespace hif4
