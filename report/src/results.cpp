// Adding up the shards of a run (see results.h).
#include "hif4/results.h"

#include <algorithm>
#include <chrono>
#include <map>

#include "hif4/error.h"

namespace hif4 {

uint64_t Results::blocks() const {
  uint64_t n = 0;
  for (const ResultRow& r : rows) n += r.blocks;
  return n;
}

uint64_t Results::failed_rows() const {
  uint64_t n = 0;
  for (const ResultRow& r : rows) n += !r.passed();
  return n;
}

bool Results::passed() const {
  if (failed_rows()) return false;
  if (require_all_bins)
    for (const Coverage& c : coverage)
      if (!c.missed().empty()) return false;
  return true;
}

double monotonic_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

Coverage& coverage_for(std::vector<Coverage>& coverage, const Config& cfg) {
  for (Coverage& c : coverage)
    if (c.config() == cfg) return c;
  coverage.emplace_back(cfg);
  return coverage.back();
}

namespace {

void add_row(ResultRow& into, const ResultRow& r) {
  into.blocks += r.blocks;
  into.failed += r.failed;
  into.mismatches += r.mismatches;
  into.seconds += r.seconds;
  // Shards come in run order, so the first one found is the run's first.
  if (!into.first.found && r.first.found) into.first = r.first;
}

void add_cosim(CosimFigures& into, const CosimFigures& c) {
  const bool had_blocks = into.blocks_out != 0;
  into.blocks_in += c.blocks_in;
  into.blocks_out += c.blocks_out;
  into.cycles += c.cycles;
  into.port_mismatch_cycles += c.port_mismatch_cycles;
  into.output_mismatches += c.output_mismatches;
  into.lost += c.lost;
  into.unexpected += c.unexpected;
  into.design_stops += c.design_stops;
  into.transaction = c.transaction;  // one run: every shard ran the same check
  into.passed += c.passed;
  into.failed += c.failed;
  into.cpu_seconds += c.cpu_seconds;
  if (c.blocks_out) {
    into.latency_min = had_blocks ? std::min(into.latency_min, c.latency_min) : c.latency_min;
    into.latency_max = std::max(into.latency_max, c.latency_max);
  }
}

// The shards of one run, in shard order, into one Results.
Results merge_run(const std::vector<const NamedResults*>& shards) {
  const NamedResults& s0 = *shards.front();
  const uint32_t n = s0.results.shard.count;
  const auto named = [](const NamedResults& r) { return "'" + r.path + "'"; };
  std::vector<const NamedResults*> by_index(n, nullptr);
  for (const NamedResults* s : shards) {
    const Results& r = s->results;
    if (r.shard.count != n)
      throw Error("results " + named(s0) + " and " + named(*s) + " split one run into " + std::to_string(n) +
                  " and " + std::to_string(r.shard.count) + " shards");
    if (by_index[r.shard.index])
      throw Error("results " + named(*by_index[r.shard.index]) + " and " + named(*s) + " are both shard " +
                  shard_text(r.shard) + " of one run");
    by_index[r.shard.index] = s;
  }
  std::string missing;
  for (uint32_t k = 0; k < n; ++k)
    if (!by_index[k]) missing += (missing.empty() ? "" : ", ") + std::to_string(k);
  if (!missing.empty())
    throw Error("run of " + named(s0) + " (" + s0.results.run + "): shard" +
                (missing.find(',') == std::string::npos ? " " : "s ") + missing + " of " + std::to_string(n) +
                " missing");

  Results m = by_index[0]->results;
  m.shard = Shard{};
  m.shards_merged = 0;
  m.shard_first = 0;
  m.shard_blocks = 0;
  m.rows.clear();
  m.coverage.clear();
  m.reports.clear();
  m.cosim = CosimFigures{};
  m.cosim.total = by_index[0]->results.cosim.total;
  m.seconds = 0;
  for (const NamedResults* s : by_index) {
    const Results& r = s->results;
    // (The headings may differ: a shard's vector file has a name of its own. Shard 0's is kept.)
    if (r.hif4_version != m.hif4_version)
      throw Error("results " + named(*by_index[0]) + " and " + named(*s) + " were made by different builds: '" +
                  m.hif4_version + "' and '" + r.hif4_version + "'");
    if (r.max_reports != m.max_reports || r.require_all_bins != m.require_all_bins || r.cosim.total != m.cosim.total)
      throw Error("results " + named(*by_index[0]) + " and " + named(*s) +
                  " are shards of one run but were made with different options");
    if (m.shards_merged == 0) {
      m.rows = r.rows;
    } else {
      if (r.rows.size() != m.rows.size())
        throw Error("results " + named(*by_index[0]) + " and " + named(*s) + " hold " +
                    std::to_string(m.rows.size()) + " and " + std::to_string(r.rows.size()) + " rows");
      for (size_t i = 0; i < r.rows.size(); ++i) {
        if (r.rows[i].suite != m.rows[i].suite || r.rows[i].profile != m.rows[i].profile)
          throw Error("results " + named(*by_index[0]) + " and " + named(*s) + ": row " + std::to_string(i + 1) +
                      " is " + m.rows[i].suite + "/" + m.rows[i].profile + " in one and " + r.rows[i].suite + "/" +
                      r.rows[i].profile + " in the other");
        add_row(m.rows[i], r.rows[i]);
      }
    }
    m.shards_merged += r.shards_merged;
    for (const Coverage& c : r.coverage) coverage_for(m.coverage, c.config()).merge(c);
    for (const std::string& rep : r.reports)
      if (m.reports.size() < m.max_reports) m.reports.push_back(rep);
    add_cosim(m.cosim, r.cosim);
    m.seconds += r.seconds;
  }
  return m;
}

}  // namespace

std::vector<Results> merge_results(const std::vector<NamedResults>& inputs) {
  std::vector<std::string> order;
  std::map<std::string, std::vector<const NamedResults*>> runs;
  for (const NamedResults& in : inputs) {
    const std::string key = in.results.command + "\n" + in.results.run;
    auto& list = runs[key];
    if (list.empty()) order.push_back(key);
    list.push_back(&in);
  }
  std::vector<Results> merged;
  for (const std::string& key : order) merged.push_back(merge_run(runs[key]));
  return merged;
}

}  // namespace hif4
