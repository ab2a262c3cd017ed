// The printed summaries (see summary.h).
#include "hif4/summary.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>

namespace hif4 {

namespace {

std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
std::string format(const char* fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return buf;
}

unsigned long long ull(uint64_t v) { return static_cast<unsigned long long>(v); }

std::string profile_of(const Config& cfg) {
  const Profile* p = matching_profile(cfg);
  return p ? p->name : describe(cfg);
}

// The line a shard adds under the heading: which of the run's blocks it did.
std::string shard_line(const Results& r) {
  if (r.shard.whole()) return "";
  const std::string range = "blocks " + std::to_string(r.shard_first) + ".." +
                            std::to_string(r.shard_first + r.shard_blocks - (r.shard_blocks ? 1 : 0)) +
                            (r.shard_blocks ? "" : " (none)");
  if (r.command == "cosim")
    return "  shard       " + shard_text(r.shard) + ": " + range + " of " + std::to_string(r.cosim.total) + "\n";
  return "shard " + shard_text(r.shard) + " of every suite's blocks\n";
}

}  // namespace

std::string pass_line(uint64_t passed, uint64_t failed) {
  return format("%llu passed, %llu failed\n", ull(passed), ull(failed));
}

std::string format_heading(const Results& r) {
  std::string s;
  for (const std::string& line : r.heading) s += line + "\n";
  return s + shard_line(r);
}

std::string format_regress(const Results& r) {
  std::string s = format_heading(r) + "\n";
  s += format("| %-12s | %9s | %10s |\n", "suite", "blocks", "mismatches");
  s += "|--------------|-----------|------------|\n";
  uint64_t total = 0, bad = 0;
  std::string reports;
  for (const ResultRow& row : r.rows) {
    s += format("| %-12s | %9llu | %10llu |\n", row.suite.c_str(), ull(row.blocks), ull(row.mismatches));
    total += row.blocks;
    bad += row.mismatches;
    if (row.first.found) reports += row.suite + ": first mismatch " + row.first.report + "\n";
  }
  s += format("| %-12s | %9llu | %10llu |\n\n", "total", ull(total), ull(bad));
  return s + reports + pass_line(r.rows.size() - r.failed_rows(), r.failed_rows());
}

std::string format_cosim_figures(const Results& r) {
  const CosimFigures& c = r.cosim;
  const bool merged = r.shards_merged > 1;
  std::string s = format("  blocks      %llu in, %llu out", ull(c.blocks_in), ull(c.blocks_out));
  if (!r.shard.whole())
    s += format(" (of %llu, shard %s of %llu)", ull(r.shard_blocks), shard_text(r.shard).c_str(), ull(c.total));
  else if (c.total) s += format(" (of %llu)", ull(c.total));
  s += format("\n  cycles      %llu", ull(c.cycles));
  if (merged) s += format(" (the sum of %u shards' simulations: each fills and drains the pipeline)", r.shards_merged);
  // Wall and CPU time both: on a shared machine the CPU figure is the one that means something.
  const double wall = std::max(r.seconds, 1e-9), cpu = std::max(c.cpu_seconds, 1e-9);
  const double out = static_cast<double>(c.blocks_out);
  if (merged)
    s += format("\n  blocks/s    %.0f per CPU second (%.2f CPU s and %.2f s wall over %u shards)", out / cpu,
                c.cpu_seconds, r.seconds, r.shards_merged);
  else
    s += format("\n  blocks/s    %.0f wall (%.2f s), %.0f per CPU second (%.2f s); %.0f cycles/s wall", out / wall,
                r.seconds, out / cpu, c.cpu_seconds, static_cast<double>(c.cycles) / wall);
  s += format("\n  latency     %llu..%llu edges (%s)", ull(c.latency_min), ull(c.latency_max),
              c.transaction ? "any latency is accepted" : "contract: 4 without stalls");
  if (merged) s += format(" (the range over %u shards)", r.shards_merged);
  // The transaction-level check of a user's design has no second design to compare cycles with,
  // but outputs nobody asked for; either design may stop the run itself.
  if (c.transaction)
    s += format("\n  mismatches  %llu (output blocks unequal to the expectation %llu, lost blocks %llu, "
                "unexpected outputs %llu",
                ull(c.mismatches()), ull(c.output_mismatches), ull(c.lost), ull(c.unexpected));
  else
    s += format("\n  mismatches  %llu (cycles where RTL and SystemC disagree %llu, output blocks "
                "unequal to the expectation %llu, lost blocks %llu",
                ull(c.mismatches()), ull(c.port_mismatch_cycles), ull(c.output_mismatches), ull(c.lost));
  s += c.design_stops ? format(", stopped by the design %llu)\n", ull(c.design_stops)) : std::string(")\n");
  for (const Coverage& cov : r.coverage) {
    size_t applicable = 0, hit = 0;
    std::string missed;
    for (size_t i = 0; i < coverage_bins().size(); ++i) {
      if (!cov.applicable(i)) continue;
      ++applicable;
      if (cov.count(i)) ++hit;
      else if (missed.size() < 200) missed += " " + coverage_bins()[i].name;
    }
    s += format("  coverage    %zu of %zu applicable bins hit over %llu blocks (%s)\n", hit, applicable,
                ull(cov.blocks()), describe(cov.config()).c_str());
    if (hit < applicable) s += "              missed:" + missed + (missed.size() >= 200 ? " ...\n" : "\n");
  }
  for (const std::string& rep : r.reports) s += "\n" + rep + "\n";
  return s;
}

std::string cosim_pass_line(const Results& r) { return "\n" + pass_line(r.cosim.passed, r.cosim.failed); }

std::string format_coverage(const Results& r, bool only_missed) {
  std::string s = format_heading(r);
  for (const Coverage& c : r.coverage) {
    s += "\n";
    if (r.coverage.size() > 1) s += "profile " + profile_of(c.config()) + ": " + describe(c.config()) + "\n";
    s += hif4::format_coverage(c, only_missed);
    size_t applicable = 0;
    for (size_t i = 0; i < coverage_bins().size(); ++i) applicable += c.applicable(i);
    const size_t missed = c.missed().size();
    s += format("\n%zu of %zu applicable bins hit, %zu missed, %zu not applicable under these knobs\n",
                applicable - missed, applicable, missed, coverage_bins().size() - applicable);
  }
  for (const ResultRow& row : r.rows)
    if (row.failed)
      s += format("warning: %s: %llu records' expected blocks differ from this model (first: record %llu); "
                  "the coverage above is the model's\n",
                  row.suite.c_str(), ull(row.failed), ull(row.first.position));
  return s;
}

std::string format_rows_table(const std::vector<Results>& runs) {
  size_t suite_w = 5, profile_w = 7;
  for (const Results& r : runs)
    for (const ResultRow& row : r.rows) {
      suite_w = std::max(suite_w, row.suite.size());
      profile_w = std::max(profile_w, row.profile.size());
    }
  const int sw = static_cast<int>(suite_w), pw = static_cast<int>(profile_w);
  std::string s =
      format("| %-*s | %-*s | %10s | %10s | %-6s |\n", sw, "suite", pw, "profile", "blocks", "mismatches", "result");
  s += "|" + std::string(suite_w + 2, '-') + "|" + std::string(profile_w + 2, '-') +
       "|------------|------------|--------|\n";
  uint64_t blocks = 0, mismatches = 0, passed = 0, failed = 0;
  std::string reports;
  for (const Results& r : runs)
    for (const ResultRow& row : r.rows) {
      s += format("| %-*s | %-*s | %10llu | %10llu | %-6s |\n", sw, row.suite.c_str(), pw, row.profile.c_str(),
                  ull(row.blocks), ull(row.mismatches), row.passed() ? "pass" : "FAIL");
      blocks += row.blocks;
      mismatches += row.mismatches;
      (row.passed() ? passed : failed)++;
      if (!row.passed())
        reports += "failed: " + row.suite + "/" + row.profile + ": " +
                   (row.first.found ? "first mismatch " + row.first.report
                                    : std::to_string(row.failed) + " of " + std::to_string(row.blocks) + " blocks failed") +
                   "\n";
    }
  s += format("| %-*s | %-*s | %10llu | %10llu | %-6s |\n\n", sw, "total", pw, "", ull(blocks), ull(mismatches), "");
  return s + reports + pass_line(passed, failed);
}

std::string format_merged(const std::vector<Results>& runs) {
  if (runs.size() != 1) return format_rows_table(runs);
  const Results& r = runs.front();
  if (r.command == "regress") return format_regress(r);
  if (r.command == "cosim") return format_heading(r) + format_cosim_figures(r) + cosim_pass_line(r);
  if (r.command == "coverage") return format_coverage(r, false);
  return format_heading(r) + "\n" + format_rows_table(runs);
}

}  // namespace hif4
