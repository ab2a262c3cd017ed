// Results as JSON (see results_json.h).
#include "hif4/results_json.h"

#include <nlohmann/json.hpp>

#include <limits>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "hif4/files.h"
#include "hif4/version.h"

namespace hif4 {

using nlohmann::json;

namespace {

json coverage_json(const Coverage& c) {
  json knobs_json = json::object();
  for (const Knob& k : knobs()) knobs_json[k.name] = knob_value_name(k, c.config());
  json bins = json::object();
  json missed = json::array();
  for (size_t i = 0; i < coverage_bins().size(); ++i) {
    const std::string& name = coverage_bins()[i].name;
    if (!c.applicable(i)) {
      bins[name] = nullptr;  // not applicable under these knobs
      continue;
    }
    bins[name] = c.count(i);
    if (c.count(i) == 0) missed.push_back(name);
  }
  return {{"knobs", knobs_json}, {"sr_seed", c.config().sr_seed}, {"blocks", c.blocks()},
          {"bins", bins}, {"missed", missed}};
}

json row_json(const ResultRow& r) {
  json first = nullptr;
  if (r.first.found) first = {{"block", r.first.position}, {"report", r.first.report}};
  return {{"suite", r.suite}, {"profile", r.profile}, {"blocks", r.blocks}, {"failed", r.failed},
          {"mismatches", r.mismatches}, {"passed", r.passed()}, {"seconds", r.seconds},
          {"first_mismatch", first}};
}

// The co-simulation's counts by their JSON names: one table for writing and reading.
constexpr std::pair<const char*, uint64_t CosimFigures::*> kCosimCounts[] = {
    {"blocks_in", &CosimFigures::blocks_in},
    {"blocks_out", &CosimFigures::blocks_out},
    {"total", &CosimFigures::total},
    {"cycles", &CosimFigures::cycles},
    {"port_mismatch_cycles", &CosimFigures::port_mismatch_cycles},
    {"output_mismatches", &CosimFigures::output_mismatches},
    {"lost", &CosimFigures::lost},
    {"unexpected", &CosimFigures::unexpected},
    {"design_stops", &CosimFigures::design_stops},
    {"latency_min", &CosimFigures::latency_min},
    {"latency_max", &CosimFigures::latency_max},
    {"passed", &CosimFigures::passed},
    {"failed", &CosimFigures::failed},
};

json cosim_json(const CosimFigures& c) {
  json j = {{"cpu_seconds", c.cpu_seconds}, {"transaction", c.transaction}};
  for (const auto& [name, member] : kCosimCounts) j[name] = c.*member;
  return j;
}

// A field of an object, of the type asked for; the error names the field.
template <class T>
T field(const json& j, const char* name) {
  if (!j.is_object()) throw std::runtime_error("expected an object holding '" + std::string(name) + "'");
  const auto it = j.find(name);
  if (it == j.end()) throw std::runtime_error("field '" + std::string(name) + "' is missing");
  const auto wrong = [&] {
    return std::runtime_error("field '" + std::string(name) + "' has the wrong type or range (" + it->type_name() + ")");
  };
  if constexpr (std::is_integral_v<T> && std::is_unsigned_v<T> && !std::is_same_v<T, bool>) {
    // Counts: a non-negative integer that fits (nlohmann would wrap -1 or truncate 2^40).
    if (!it->is_number_unsigned() || it->template get<uint64_t>() > std::numeric_limits<T>::max()) throw wrong();
    return static_cast<T>(it->template get<uint64_t>());
  } else {
    try {
      return it->template get<T>();
    } catch (const json::exception&) {
      throw wrong();
    }
  }
}

const json& array_field(const json& j, const char* name) {
  const json& a = j.at(name);
  if (!a.is_array()) throw std::runtime_error("field '" + std::string(name) + "' is not an array");
  return a;
}

Coverage coverage_from(const json& j) {
  Config cfg;
  const json& knobs_json = j.at("knobs");
  for (const Knob& k : knobs()) {
    try {
      apply_setting(cfg, std::string(k.name) + "=" + field<std::string>(knobs_json, k.name));
    } catch (const ConfigError& e) {
      throw std::runtime_error("coverage knobs: " + e.message);
    }
  }
  if (knobs_json.size() != knobs().size()) throw std::runtime_error("coverage knobs: unknown knobs");
  cfg.sr_seed = field<uint64_t>(j, "sr_seed");
  Coverage c(cfg);
  const json& bins = j.at("bins");
  if (!bins.is_object() || bins.size() != coverage_bins().size())
    throw std::runtime_error("coverage bins: expected " + std::to_string(coverage_bins().size()) + " named bins");
  std::vector<uint64_t> counts;
  for (size_t i = 0; i < coverage_bins().size(); ++i) {
    const std::string& name = coverage_bins()[i].name;
    const auto it = bins.find(name);
    if (it == bins.end()) throw std::runtime_error("coverage bin '" + name + "' is missing");
    if (it->is_null() && c.applicable(i))
      throw std::runtime_error("coverage bin '" + name + "' is given as n/a but applies under these knobs");
    if (!it->is_null() && !c.applicable(i))
      throw std::runtime_error("coverage bin '" + name + "' is counted but cannot happen under these knobs");
    if (!it->is_null() && !it->is_number_unsigned())
      throw std::runtime_error("coverage bin '" + name + "' is not a count");
    counts.push_back(it->is_null() ? 0 : it->get<uint64_t>());
  }
  try {
    c.add_counts(field<uint64_t>(j, "blocks"), counts);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(std::string("coverage: ") + e.what());
  }
  return c;
}

void check_schema(const json& j) {
  if (field<std::string>(j, "schema") != kResultsSchema)
    throw std::runtime_error("not a hif4 results file (schema '" + field<std::string>(j, "schema") + "')");
  if (field<int>(j, "schema_version") != kResultsSchemaVersion)
    throw std::runtime_error("schema version " + std::to_string(field<int>(j, "schema_version")) +
                             " is not supported (this hif4 reads version " + std::to_string(kResultsSchemaVersion) + ")");
}

Results parse(const json& j) {
  Results r;
  check_schema(j);
  r.hif4_version = field<std::string>(j, "hif4");
  r.command = field<std::string>(j, "command");
  if (r.command != "regress" && r.command != "cosim" && r.command != "verify" && r.command != "coverage")
    throw std::runtime_error("unknown command '" + r.command + "'");
  r.run = field<std::string>(j, "run");
  r.heading = field<std::vector<std::string>>(j, "heading");
  const json& shard = j.at("shard");
  r.shard.index = field<uint32_t>(shard, "index");
  r.shard.count = field<uint32_t>(shard, "count");
  if (r.shard.count == 0 || r.shard.count > kMaxShards || r.shard.index >= r.shard.count)
    throw std::runtime_error("shard " + std::to_string(r.shard.index) + "/" + std::to_string(r.shard.count) +
                             " is out of range");
  r.shard_first = field<uint64_t>(shard, "first_block");
  r.shard_blocks = field<uint64_t>(shard, "blocks");
  r.shards_merged = field<uint32_t>(j, "shards_merged");
  r.seconds = field<double>(j, "seconds");
  for (const json& row : array_field(j, "rows")) {
    ResultRow x;
    x.suite = field<std::string>(row, "suite");
    x.profile = field<std::string>(row, "profile");
    x.blocks = field<uint64_t>(row, "blocks");
    x.failed = field<uint64_t>(row, "failed");
    x.mismatches = field<uint64_t>(row, "mismatches");
    x.seconds = field<double>(row, "seconds");
    const json& first = row.at("first_mismatch");
    if (!first.is_null()) {
      x.first.found = true;
      x.first.position = field<uint64_t>(first, "block");
      x.first.report = field<std::string>(first, "report");
    }
    r.rows.push_back(std::move(x));
  }
  for (const json& c : array_field(j, "coverage")) {
    Coverage cov = coverage_from(c);
    coverage_for(r.coverage, cov.config()).merge(cov);
  }
  r.reports = field<std::vector<std::string>>(j, "reports");
  r.max_reports = field<uint64_t>(j, "max_reports");
  r.require_all_bins = field<bool>(j, "require_all_bins");
  if (r.command == "cosim") {
    const json& c = j.at("cosim");
    for (const auto& [name, member] : kCosimCounts) r.cosim.*member = field<uint64_t>(c, name);
    r.cosim.cpu_seconds = field<double>(c, "cpu_seconds");
    r.cosim.transaction = field<bool>(c, "transaction");
  }
  return r;
}

json run_json(const Results& r) {
  json rows = json::array();
  for (const ResultRow& row : r.rows) rows.push_back(row_json(row));
  json coverage = json::array();
  for (const Coverage& c : r.coverage) coverage.push_back(coverage_json(c));
  uint64_t mismatches = 0;
  for (const ResultRow& row : r.rows) mismatches += row.mismatches;
  json j = {
      {"schema", kResultsSchema},
      {"schema_version", kResultsSchemaVersion},
      {"hif4", r.hif4_version},
      {"command", r.command},
      {"run", r.run},
      {"heading", r.heading},
      {"shard", {{"index", r.shard.index}, {"count", r.shard.count}, {"first_block", r.shard_first},
                 {"blocks", r.shard_blocks}}},
      {"shards_merged", r.shards_merged},
      {"passed", r.passed()},
      {"seconds", r.seconds},
      {"totals", {{"blocks", r.blocks()}, {"mismatches", mismatches}, {"rows", r.rows.size()},
                  {"rows_failed", r.failed_rows()}}},
      {"rows", rows},
      {"coverage", coverage},
      {"reports", r.reports},
      {"max_reports", r.max_reports},
      {"require_all_bins", r.require_all_bins},
  };
  if (r.command == "cosim") j["cosim"] = cosim_json(r.cosim);
  return j;
}

}  // namespace

std::string results_to_json(const std::vector<Results>& runs) {
  json j;
  if (runs.size() == 1) {
    j = run_json(runs.front());
  } else {
    json all = json::array();
    uint64_t rows = 0, failed = 0, blocks = 0;
    bool passed = true;
    for (const Results& r : runs) {
      all.push_back(run_json(r));
      rows += r.rows.size();
      failed += r.failed_rows();
      blocks += r.blocks();
      passed = passed && r.passed();
    }
    j = {{"schema", kResultsSchema}, {"schema_version", kResultsSchemaVersion}, {"hif4", version_line()},
         {"passed", passed}, {"totals", {{"runs", runs.size()}, {"rows", rows}, {"rows_failed", failed}, {"blocks", blocks}}},
         {"runs", all}};
  }
  // Paths are bytes, not always UTF-8: such bytes become U+FFFD rather than an exception.
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::vector<Results> results_from_json(const std::string& text, const std::string& name) {
  try {
    const json j = json::parse(text);
    std::vector<Results> runs;
    if (j.is_object() && j.contains("runs")) {
      check_schema(j);
      for (const json& r : array_field(j, "runs")) runs.push_back(parse(r));
    } else {
      runs.push_back(parse(j));
    }
    return runs;
  } catch (const json::exception& e) {
    throw Error("results file '" + name + "': " + e.what());
  } catch (const std::runtime_error& e) {
    throw Error("results file '" + name + "': " + e.what());
  }
}

std::vector<Results> read_results_file(const std::string& path) {
  return results_from_json(read_small_file(path, kMaxResultsFileBytes, "a results file"), path);
}

}  // namespace hif4
