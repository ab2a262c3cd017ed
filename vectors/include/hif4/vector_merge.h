// Joining the vector files of a sharded run (`hif4 gen --shard K/N`) into the whole run's file
// (`hif4 merge --out`): the result is byte for byte the file the unsharded `hif4 gen` writes.
//
// The files may be given in any order. They must be exactly the N shards of one run: the same
// N, each K once, and headers equal but for the part itself (profile, every knob and the
// sr-seed, generator and its version, seed, suite selection, level, records per frame, whole
// record count). The whole header is the shards' header with the part removed, the record count
// of the whole run and the suite ranges of the shards laid end to end (a suite that spans
// several shards becomes one range again). Records are copied in shard order, every frame's
// CRC checked on the way in and recomputed for the whole file's frames on the way out. One
// shard file is open at a time (a run of thousands of shards needs no more descriptors); a file
// whose header changed between the check and the copy is refused.
#pragma once
#include <string>
#include <vector>

#include "hif4/vector_file.h"

namespace hif4 {

class VectorMerge {
 public:
  // Opens and checks every file's header; throws VectorFileError naming the file and what does
  // not fit (a missing or repeated shard, a different run).
  explicit VectorMerge(const std::vector<std::string>& paths);
  const VectorHeader& header() const { return whole_; }
  // Streams the whole file (header, then every shard's records) into the sink.
  void write(const VectorWriter::Sink& sink);

 private:
  std::vector<std::string> paths_;  // in shard order
  std::vector<VectorHeader> headers_;
  VectorHeader whole_;
};

}  // namespace hif4
