// Checking a device's output against golden vectors (`hif4 verify`; the co-simulation's
// scoreboard reports its mismatches with the same functions).
//
//   compare_block()     one block: which fields differ, expected vs actual, the first pipeline
//                       stage that explains the difference, the single-knob changes that would
//                       produce the DUT's block, and a replay command
//   format_mismatch()   that struct as text for a person (format_mismatch_line: one line)
//   FailureSummary      what all failing blocks have in common, and the knob that explains them
//   DutReader           a DUT's output file: raw 36-byte blocks or $readmemh/$writememh text
//   verify_stream()     a whole vector file against a whole DUT file, block by block
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hif4/block.h"
#include "hif4/config.h"
#include "hif4/vector_file.h"

namespace hif4 {

// Pipeline stages in order; the first one whose DUT value differs explains a mismatch.
enum class Stage : uint8_t { Scale, E1_8, E1_16, Payload };
const char* stage_name(Stage s);

struct BlockMismatch {
  uint64_t record = 0;       // record index in the vector file
  uint64_t block_index = 0;  // the index stochastic rounding used
  std::string suite;         // suite name and index within it ("e6m2-ties #5"), if known
  Block expected, actual;
  uint8_t expected_bytes[kPackedBytes] = {};
  uint8_t actual_bytes[kPackedBytes] = {};
  bool e6m2_differs = false;
  uint8_t e1_8_diff = 0;     // E1_8 bits that differ
  uint16_t e1_16_diff = 0;   // E1_16 bits that differ
  uint64_t lane_diff = 0;    // lanes whose S1P2 code differs (bit i = lane i)
  Stage stage = Stage::Scale;
  unsigned stage_unit = 0;   // the group (E1_8: 0..7, E1_16: 0..15) or lane (payload)
  std::string stage_detail;  // the model's value at that stage and why it decides as it does
  // Whether the DUT's later fields follow from its own earlier ones under the model's stage
  // functions (true: the first stage is the only independent error).
  bool downstream_consistent = true;
  std::string downstream_detail;
  bool expectation_matches_model = true;  // false: the file disagrees with this model
  std::string replay;        // one-line `hif4 explain` command
  // The DUT's block is the model's under these single-knob changes of the configuration
  // (bit i: single_knob_alternatives(config)[i]).
  uint64_t alternatives = 0;
  Config config;             // the configuration the block was compared under
  // The DUT's output had x/z digits: `unknown` marks the undefined bits (byte k, as the block),
  // actual_bytes holds 0 there, and only the fields with undefined bits are named.
  bool undefined = false;
  uint8_t unknown[kPackedBytes] = {};
};

// One knob of the configuration set to another of its values: what a DUT running with a
// different setting would produce. Every such change of `config` (its sr-seed kept), in knob
// table order; at most 64.
struct KnobAlternative {
  std::string setting;  // "negative-zero=plus-zero"
  Config config;
};
std::vector<KnobAlternative> single_knob_alternatives(const Config& config);

// What a comparison needs besides the record: the configuration the vectors were made with
// and the profile name to start the replay command from.
struct VerifyContext {
  Config config;
  std::string profile;
  const VectorHeader* header = nullptr;  // optional: names the suite of a record
};

// Compare one block; returns false (and leaves `out` alone) when the 36 bytes are equal.
// `unknown` (optional): the DUT bits that were x/z; any makes the block fail as undefined.
bool compare_block(const VerifyContext& ctx, uint64_t record, const VectorRecord& r,
                   const uint8_t actual[kPackedBytes], BlockMismatch& out,
                   const uint8_t* unknown = nullptr);

// Multi-line report of one mismatch (ends with a newline).
std::string format_mismatch(const BlockMismatch& m);
// The same in one line (no line break): the fields and lanes that differ, expected and actual
// of the first of each, the first differing stage with the model's values, the knob changes
// that reproduce the DUT's block, and the replay command. For testbench logs (DPI-C).
std::string format_mismatch_line(const BlockMismatch& m);

// What the failing blocks of a run have in common: in how many blocks each field differs,
// which E1 bits and lanes, what kind of code differences the lanes show (-0 vs +0, one quarter
// apart, ...), the blocks with x/z digits, and whether one single-knob change of the
// configuration explains every failure ("the DUT may run negative-zero=plus-zero").
class FailureSummary {
 public:
  explicit FailureSummary(const Config& config);
  void add(const BlockMismatch& m);
  uint64_t failures() const { return failures_; }
  // Lines of text, each ending with a newline; "" when nothing failed.
  std::string format() const;

 private:
  std::vector<KnobAlternative> alternatives_;
  uint64_t failures_ = 0, undefined_ = 0, defined_ = 0;
  uint64_t e6m2_ = 0, e1_8_ = 0, e1_16_ = 0, lanes_ = 0;
  uint64_t stage_[4] = {};
  uint64_t e1_8_bits_[kGroups8] = {}, e1_16_bits_[kGroups16] = {}, lane_blocks_[kBlockValues] = {};
  uint64_t lane_kinds_[8] = {};     // LaneDifference counts over every differing lane
  uint64_t explained_[64] = {};     // defined failing blocks each alternative reproduces
  uint64_t e6m2_steps_[2] = {};     // E6M2 one code below / above the expected
};

// `hif4 explain --profile P [--set K=V]... [--sr-seed N] --values 0x....,... [--block-index I]`
// replaying one block (trailing +0 lanes are left out: explain zero-pads).
std::string replay_command(const std::string& profile, const Config& cfg,
                           const uint16_t input[kBlockValues], uint64_t block_index);

// ---- DUT output files -------------------------------------------------------------------

enum class DutFormat : uint8_t { Raw, Readmemh };

// A DUT output file that does not hold what the vectors expect. A hif4::Error, so a command
// reports it like any other bad input (exit 2).
struct DutFileError : Error {
  using Error::Error;
};

// Raw: exactly expected_blocks * 36 bytes (the layout `hif4 quantize` writes).
// Readmemh: one 288-bit hex word per block (byte k in bits 8k+7:8k, so the last two digits
// are byte 0), whitespace-separated, `//` and `/* */` comments and `_` allowed, at most 72
// digits (fewer are zero-extended, as $readmemh does); `@address` is an error. x/z digits
// (x X z Z ?, as $writememh writes undefined bits) mark a block undefined: read() with an
// `unknown` buffer returns the mask of those bits; read() without one refuses them.
// A file holding fewer or more blocks than expected is an error (DutFileError), never a pass.
class DutReader {
 public:
  DutReader(std::unique_ptr<ByteSource> source, DutFormat format, uint64_t expected_blocks);
  // Up to max packed blocks into out; throws if the file ends before expected_blocks, or at
  // a block with x/z digits.
  size_t read(uint8_t* out, size_t max);
  // The same, with the x/z bits of each block in `unknown` (max * 36 bytes, 1 = undefined;
  // the bit in `out` is 0), so that such blocks can be reported as failed ones.
  size_t read(uint8_t* out, size_t max, uint8_t* unknown);
  // Throws if anything but whitespace and comments follows the last expected block.
  void finish();

 private:
  int get();  // next byte or -1
  // `unknown`: where x/z digits go (nullptr: they are an error naming block `block`).
  bool next_word(uint8_t out[kPackedBytes], uint8_t* unknown, uint64_t block);
  bool next_full_word(uint8_t out[kPackedBytes], uint8_t* unknown);  // next_word's common case
  [[noreturn]] void fail(const std::string& what) const;
  std::unique_ptr<ByteSource> source_;
  DutFormat format_;
  uint64_t expected_, done_ = 0, line_ = 1;
  std::vector<uint8_t> buf_;
  size_t buf_pos_ = 0, buf_len_ = 0;
};

// ---- whole files ------------------------------------------------------------------------

struct VerifySummary {
  uint64_t passed = 0;
  uint64_t failed = 0;
  uint64_t undefined = 0;  // failed blocks with x/z digits
};

// Every record against the DUT's blocks, in order; on_mismatch gets each failing block
// (the caller decides how many to print), a block with x/z digits included. On `threads` threads each chunk's blocks are
// compared (and mismatches diagnosed, which replays the model) in parallel, then reported in
// record order: the same calls as on one thread. Throws VectorFileError / DutFileError (both
// hif4::Error), or hif4::Error for a file that cannot be read.
VerifySummary verify_stream(VectorReader& vectors, DutReader& dut, const VerifyContext& ctx,
                            const std::function<void(const BlockMismatch&)>& on_mismatch,
                            unsigned threads = 1);

}  // namespace hif4
