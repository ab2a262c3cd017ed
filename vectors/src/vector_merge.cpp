// Joining a sharded run's vector files (see vector_merge.h).
#include "hif4/vector_merge.h"

#include <algorithm>

namespace hif4 {

namespace {

// The fields every shard of one run shares, in words where two differ ("" when equal).
std::string run_difference(const VectorHeader& a, const VectorHeader& b) {
  if (a.profile != b.profile) return "profile '" + a.profile + "' vs '" + b.profile + "'";
  if (a.config != b.config)  // every knob and the sr-seed
    return "knobs " + describe(a.config) + " sr-seed=" + std::to_string(a.config.sr_seed) + " vs " +
           describe(b.config) + " sr-seed=" + std::to_string(b.config.sr_seed);
  if (a.generator != b.generator || a.generator_version != b.generator_version)
    return "generator '" + a.generator + "' version " + std::to_string(a.generator_version) + " vs '" +
           b.generator + "' version " + std::to_string(b.generator_version);
  if (a.seed != b.seed) return "seed " + std::to_string(a.seed) + " vs " + std::to_string(b.seed);
  if (a.selection != b.selection) return "suite selection '" + a.selection + "' vs '" + b.selection + "'";
  if (a.level != b.level) return "level " + std::to_string(a.level) + " vs " + std::to_string(b.level);
  if (a.records_per_frame != b.records_per_frame)
    return "records per frame " + std::to_string(a.records_per_frame) + " vs " + std::to_string(b.records_per_frame);
  if (a.part.shard.count != b.part.shard.count)
    return "shard count " + std::to_string(a.part.shard.count) + " vs " + std::to_string(b.part.shard.count);
  if (a.whole_record_count() != b.whole_record_count())
    return "whole run of " + std::to_string(a.whole_record_count()) + " vs " +
           std::to_string(b.whole_record_count()) + " records";
  return "";
}

}  // namespace

VectorMerge::VectorMerge(const std::vector<std::string>& paths) {
  if (paths.empty()) throw VectorFileError("no vector files to merge");
  std::vector<std::unique_ptr<VectorReader>> opened;
  for (const std::string& p : paths) opened.push_back(std::make_unique<VectorReader>(p));
  const VectorHeader& first = opened.front()->header();
  const uint32_t n = first.part.shard.count;
  for (const auto& r : opened) {
    const std::string why = run_difference(first, r->header());
    if (!why.empty())
      throw VectorFileError("vector files '" + opened.front()->name() + "' and '" + r->name() +
                            "' are not shards of one run: " + why);
  }
  // Every shard exactly once (the reader has checked each file's own part against its K/N).
  parts_.resize(n);
  for (auto& r : opened) {
    const uint32_t k = r->header().part.shard.index;
    if (parts_[k])
      throw VectorFileError("vector files '" + parts_[k]->name() + "' and '" + r->name() + "' are both shard " +
                            shard_text(r->header().part.shard));
    parts_[k] = std::move(r);
  }
  std::string missing;
  for (uint32_t k = 0; k < n; ++k)
    if (!parts_[k]) missing += (missing.empty() ? "" : ", ") + std::to_string(k);
  if (!missing.empty())
    throw VectorFileError("shard" + std::string(missing.find(',') == std::string::npos ? " " : "s ") + missing +
                          " of " + std::to_string(n) + " missing (given: " + std::to_string(paths.size()) + " files)");

  whole_ = first;
  whole_.part = VectorPart{};
  whole_.record_count = first.whole_record_count();
  whole_.suites.clear();
  uint64_t offset = 0;
  for (const auto& r : parts_) {
    const VectorHeader& h = r->header();
    if (h.suites.empty() && h.record_count && !first.suites.empty())
      throw VectorFileError("vector file '" + r->name() + "' names no suites, unlike '" + parts_[0]->name() + "'");
    for (const SuiteRange& s : h.suites) {
      if (!whole_.suites.empty() && whole_.suites.back().name == s.name &&
          whole_.suites.back().first + whole_.suites.back().count == offset + s.first)
        whole_.suites.back().count += s.count;  // a suite continued from the shard before
      else
        whole_.suites.push_back({s.name, offset + s.first, s.count});
    }
    offset += h.record_count;
  }
}

void VectorMerge::write(const VectorWriter::Sink& sink) {
  VectorWriter writer(whole_, sink);
  std::vector<VectorRecord> records(kDefaultRecordsPerFrame);
  for (auto& r : parts_)
    while (const size_t n = r->read(records.data(), records.size())) writer.write(records.data(), n);
  writer.finish();
}

}  // namespace hif4
