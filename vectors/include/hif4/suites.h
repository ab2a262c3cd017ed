// Named input suites for golden vectors (`hif4 gen`), table-driven like Berkeley TestFloat.
//
// A suite makes the 64 BF16 inputs of record i as a pure function of (seed, suite name, i),
// using the project's RNG (rng.h): records can be made in any order, on any number of threads,
// and the same arguments give the same inputs on every machine. Suites make INPUTS only; the
// expected outputs are the reference model's (or another backend's, e.g. CUDA) business, so a
// generator is "inputs -> quantize -> write" (see VectorWriter in vector_file.h).
//
// Inputs never depend on the profile: the same seed gives the same inputs under every profile,
// so files for different profiles can be compared record by record. Where a suite aims at a
// corner that depends on the scale (thresholds, payload grids), it pins the scale with a peak
// whose SF is an exact E6M2 value, which every scale-rounding mode maps to the same code.
//
// Each suite has a level-1 count (small: CI and every-commit runs), a level-2 count (the
// sign-off set) and a level-3 count (the farm's sign-off: level 2 with 10^9 random records).
// Enumerating suites list their cases at level 1 and repeat them with fresh random surroundings
// (variants) at level 2 (and 3); --count N overrides the count of every suite.
// docs/vectors.md describes each suite; `hif4 gen --help` lists them.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "hif4/config.h"
#include "hif4/format.h"
#include "hif4/shard.h"
#include "hif4/simd.h"
#include "hif4/vector_file.h"

namespace hif4 {

class Rng;

// What a suite's record maker gets: the record's own RNG stream, its index within the suite,
// and the level (enumerations may be denser at level 2).
struct RecordContext {
  Rng& rng;
  uint64_t index;
  unsigned level;  // 1, 2 or 3 (makers treat 3 as 2: level 3 only has more records)
  SimdPath simd;  // active_simd_path() at the start of the run: a maker with a SIMD form may use it
};

struct Suite {
  const char* name;
  const char* doc;
  uint64_t level1_count;
  uint64_t level2_count;
  void (*make)(RecordContext& ctx, uint16_t out[kBlockValues]);
  uint64_t level3_count = 0;  // 0: the level-2 count
};

// The levels: 1 (CI), 2 (sign-off on one machine), 3 (sign-off on a farm).
constexpr unsigned kMaxLevel = 3;
// Level 3's random suite: 10^9 records (172 GB as one file; sharded, see shard.h).
constexpr uint64_t kLevel3RandomRecords = 1000000000;

// A normal, nonzero BF16 (bit pattern) times 2^k, rounded to nearest even, clamped to the
// largest finite value instead of overflowing: the random suites' fast scaling (exposed for
// tests; equals bf16_scale_pow2 from rng.h wherever that does not overflow).
uint16_t scale_normal_bf16(uint16_t v, int k);

// The suite table, in the order `--suite all` writes them. Changing a suite's inputs (or the
// order) changes generated files: bump kGeneratorVersion when you do.
const std::vector<Suite>& suites();
// Version of the generator (RNG + suites), stored in every vector file.
// 4: the golden-corners suite, appended (the other suites' records are unchanged; files of
// `--suite all` gain its records). 3: 8192-entry magnitude pools, lanes in groups of 4 from 32-bit fields (a window of 4 pool
// entries, a sign and 3 extra bits a lane), the random suite's parameters as bit fields.
// 2: cheaper random-suite shapes. 1: the first.
constexpr uint32_t kGeneratorVersion = 4;

// An unknown suite or level: a hif4::Error, which a command prefixes with its option's name.
struct SuiteError : Error {
  using Error::Error;
};
// Throws SuiteError naming the unknown suite and the valid ones.
const Suite& find_suite(const std::string& name);

// The default record count of a suite at a level (1, 2 or 3).
uint64_t suite_count(const Suite& s, unsigned level);

// The seed of record `index` of `suite` for generator seed `seed`:
//   mix64(seed ^ mix64(fnv1a64(suite name) + index)).
uint64_t record_seed(uint64_t seed, const Suite& suite, uint64_t index);

// Inputs of records first..first+count-1 of a suite, 64 BF16 values each, into out.
void make_suite_inputs(const Suite& suite, uint64_t seed, unsigned level, uint64_t first,
                       size_t count, uint16_t* out);

// What `hif4 gen` writes: suites in table order with their record counts. A shard's plan
// (shard_plan) holds a contiguous part of the whole run's records: its runs start at record
// `first` of their suite, and `part` says where its records sit in the whole run.
struct SuiteRun {
  const Suite* suite;
  uint64_t count;
  uint64_t first = 0;  // the suite's record number of this run's first record
};
struct GenerationPlan {
  std::vector<SuiteRun> runs;
  VectorPart part;  // shard 0/1 for a whole run
  uint64_t total() const {
    uint64_t n = 0;
    for (const SuiteRun& r : runs) n += r.count;
    return n;
  }
  // The whole run's record number of this plan's first record (its block index).
  uint64_t first_record() const { return part.first_record; }
};
// The most records a plan may hold (a file of 2^40 records is 189 TB).
constexpr uint64_t kMaxPlanRecords = uint64_t{1} << 40;
// selection: a suite name or "all"; level 1..kMaxLevel; count_override 0 = the level's counts.
// Throws SuiteError when the records would number more than kMaxPlanRecords.
GenerationPlan make_plan(const std::string& selection, unsigned level, uint64_t count_override);
// Shard s of a whole plan: its records [first, first + count) (shard.h), suite by suite. Shard
// 0/1 is the whole plan.
GenerationPlan shard_plan(const GenerationPlan& whole, const Shard& s);

// The header of a generated file: knobs, seeds, the plan's suite ranges (of its own records),
// and for a shard's plan the part of the whole run.
VectorHeader make_header(const GenerationPlan& plan, const std::string& selection, unsigned level,
                         uint64_t seed, const std::string& profile, const Config& cfg);

// Computes the expected packed outputs of n input blocks whose block indices are
// first_block_index, first_block_index + 1, ... The reference model's quantize_blocks is the
// default; a multi-threaded or CUDA backend can stand in (issues 6 and 8) as long as it is
// bit-identical, which the vector files then record.
using ExpectedFn = std::function<void(const uint16_t* inputs, size_t n, const Config& cfg,
                                      uint64_t first_block_index, uint8_t* out)>;
void reference_expected(const uint16_t* inputs, size_t n, const Config& cfg,
                        uint64_t first_block_index, uint8_t* out);

// One chunk of generated records: inputs (count * 64 values), expected (count * 36 bytes).
// first_record is the whole run's record number of the chunk's first record, which is also its
// block index (in a shard's plan, the file's record r has block index first_record() + r).
struct GeneratedChunk {
  const uint16_t* inputs;
  const uint8_t* expected;
  uint64_t first_record;
  size_t count;
};
// Records per chunk of `hif4 gen` on one thread: 1024 keep a chunk's inputs, expected bytes and
// the writer's stage (128 + 36 + 172 bytes a record) inside a 512 KiB L2 cache together. (With
// N threads generate() makes chunks of 16 * N times this, and writes one while making the next.)
constexpr size_t kGenChunkRecords = 1024;
// Runs the plan: suite inputs -> expected -> sink, chunk by chunk, in record order. With
// threads > 1 the inputs of each chunk are made on that many threads (records are independent,
// so the bytes are the same for every thread count); `expected` parallelizes itself.
void generate(const GenerationPlan& plan, uint64_t seed, unsigned level, const Config& cfg,
              const ExpectedFn& expected, const std::function<void(const GeneratedChunk&)>& sink,
              size_t chunk_records = kGenChunkRecords, unsigned threads = 1);

}  // namespace hif4
