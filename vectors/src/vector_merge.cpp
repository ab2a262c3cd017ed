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
  std::vector<VectorHeader> headers;
  for (const std::string& p : paths) headers.push_back(VectorReader(p).header());  // each checked, then closed
  const VectorHeader& first = headers.front();
  const uint32_t n = first.part.shard.count;
  for (size_t i = 0; i < paths.size(); ++i) {
    const std::string why = run_difference(first, headers[i]);
    if (!why.empty())
      throw VectorFileError("vector files '" + paths.front() + "' and '" + paths[i] + "' are not shards of one run: " + why);
  }
  // Every shard exactly once (the reader has checked each file's own part against its K/N).
  paths_.resize(n);
  headers_.resize(n);
  for (size_t i = 0; i < paths.size(); ++i) {
    const uint32_t k = headers[i].part.shard.index;
    if (!paths_[k].empty())
      throw VectorFileError("vector files '" + paths_[k] + "' and '" + paths[i] + "' are both shard " +
                            shard_text(headers[i].part.shard));
    paths_[k] = paths[i];
    headers_[k] = headers[i];
  }
  std::string missing;
  for (uint32_t k = 0; k < n; ++k)
    if (paths_[k].empty()) missing += (missing.empty() ? "" : ", ") + std::to_string(k);
  if (!missing.empty())
    throw VectorFileError("shard" + std::string(missing.find(',') == std::string::npos ? " " : "s ") + missing +
                          " of " + std::to_string(n) + " missing (given: " + std::to_string(paths.size()) + " files)");

  whole_ = first;
  whole_.part = VectorPart{};
  whole_.record_count = first.whole_record_count();
  whole_.suites.clear();
  uint64_t offset = 0;
  for (uint32_t k = 0; k < n; ++k) {
    const VectorHeader& h = headers_[k];
    if (h.suites.empty() && h.record_count && !first.suites.empty())
      throw VectorFileError("vector file '" + paths_[k] + "' names no suites, unlike '" + paths_[0] + "'");
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
  for (size_t k = 0; k < paths_.size(); ++k) {
    VectorReader r(paths_[k]);
    if (encode_header(r.header()) != encode_header(headers_[k]))
      throw VectorFileError("vector file '" + paths_[k] + "' changed while it was being merged");
    while (const size_t n = r.read(records.data(), records.size())) writer.write(records.data(), n);
  }
  writer.finish();
}

}  // namespace hif4
