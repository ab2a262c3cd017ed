// `hif4 verify`'s results (see verify_results.h).
#include "hif4/verify_results.h"

#include "hif4/version.h"

namespace hif4 {

std::string vector_run(const VectorHeader& h, const std::string& path) {
  if (h.generator != "hif4 gen") return "vector file " + path;
  return "hif4 gen --suite " + h.selection + " --level " + std::to_string(h.level) + " --seed " +
         std::to_string(h.seed) + " (generator version " + std::to_string(h.generator_version) + ", " +
         std::to_string(h.whole_record_count()) + " records; profile " + h.profile + ": " + describe(h.config) +
         " sr-seed=" + std::to_string(h.config.sr_seed) + ")";
}

VerifyResults::VerifyResults(const VectorHeader& h, const std::string& vectors_path, const std::string& dut_path)
    : header_(h), start_(monotonic_seconds()) {
  Results& r = results_;
  r.command = "verify";
  r.run = "hif4 verify of " + vector_run(h, vectors_path);
  r.heading = {"verifying " + dut_path + " against " + vectors_path};
  r.shard = h.part.shard;
  r.shard_first = h.part.first_record;
  r.shard_blocks = h.record_count;
  r.hif4_version = version_line();
  const Profile* p = matching_profile(h.config);
  const std::string profile = p ? p->name : h.profile;
  const auto row = [&](const std::string& suite, uint64_t blocks) {
    ResultRow x;
    x.suite = suite;
    x.profile = profile;
    x.blocks = blocks;
    r.rows.push_back(x);
  };
  for (const SuiteRange& s : h.suites) row(s.name, s.count);
  if (h.suites.empty()) row(h.selection.empty() ? vectors_path : h.selection, h.record_count);
}

void VerifyResults::add(const BlockMismatch& m) {
  size_t row = 0;
  if (!header_.suites.empty())
    while (row + 1 < header_.suites.size() && m.record >= header_.suites[row + 1].first) ++row;
  ResultRow& r = results_.rows[row];
  ++r.failed;
  ++r.mismatches;
  if (!r.first.found) r.first = {true, header_.part.first_record + m.record, format_mismatch(m)};
}

Results VerifyResults::finish() {
  // (Suites are checked interleaved in one stream: only the whole run's time is measured.)
  results_.seconds = monotonic_seconds() - start_;
  return results_;
}

}  // namespace hif4
