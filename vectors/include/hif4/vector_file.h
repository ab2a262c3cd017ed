// The `.hif4v` golden-vector file: a self-describing binary of input blocks and the expected
// packed output, with CRC-32 protection. docs/vectors.md specifies it byte by byte; this header
// is the reference reader and writer (used by `hif4 gen/coverage/export/verify`, the
// co-simulation and the CUDA golden).
//
// Layout (all integers little-endian):
//
//   header   magic "HIF4VEC\n" | u32 format version (1) | u32 header size H | u64 record count N
//            | u32 record size (172) | u32 records per frame F | u64 seed | u64 sr-seed
//            | u32 generator version | u8 level | 3 zero bytes
//            | str profile | str generator | str suite selection
//            | u16 K, then K x (str knob name, str value name)        every knob of the model
//            | u16 S, then S x (str suite name, u64 first record, u64 record count)
//            | version 2 only: u32 shard K | u32 shard count N | u64 first record of the whole
//              run | u64 records of the whole run                      a shard's file
//            | u32 CRC-32 of header bytes [0, H-4)
//   frames   ceil(N / F) frames; frame f holds records f*F .. min((f+1)*F, N) - 1, then the
//            u32 CRC-32 of those record bytes
//   record   64 x u16 BF16 inputs (lane 0 first) | 36 expected bytes (the packed block,
//            format.h) | u64 block index (what stochastic rounding used: sr_bits(sr-seed,
//            block index, lane))
//   str      u16 length (0..255) then that many ASCII bytes
//
// Version 1 is a whole file; version 2 is the file of shard K of N (`hif4 gen --shard K/N`,
// shard.h): records [first, first + N_records) of a whole run, with block indices and suite
// ranges of its own records. `hif4 merge` joins the N files into the whole run's version-1 file,
// byte for byte the file the unsharded run writes (merge_vector_files below).
//
// CRC-32 is CRC-32/ISO-HDLC (zlib, Ethernet, boost::crc_32_type): reflected polynomial
// 0xEDB88320, initial value and final XOR 0xFFFFFFFF.
//
// The reader checks the magic, the version, the header CRC, every field's range and that the
// file size is exactly what the header announces (so a truncated or overlong file, or an
// absurd record count, is rejected before anything is allocated), and each frame's CRC before
// handing out any record of that frame. Every failure is a hif4::Error naming the file and
// what is wrong: a VectorFileError for the file's contents, io's own for opening and reading.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hif4/config.h"
#include "hif4/error.h"
#include "hif4/format.h"
#include "hif4/shard.h"

namespace hif4 {

constexpr char kVectorMagic[8] = {'H', 'I', 'F', '4', 'V', 'E', 'C', '\n'};
constexpr uint32_t kVectorFormatVersion = 1;      // a whole file
constexpr uint32_t kVectorFormatVersionPart = 2;  // a shard's file: version 1 and the part section
constexpr uint32_t kRecordBytes = kInputBytes + kPackedBytes + 8;  // 172
constexpr uint32_t kRecordOffsetExpected = kInputBytes;                  // 128
constexpr uint32_t kRecordOffsetBlockIndex = kInputBytes + kPackedBytes;  // 164
constexpr uint32_t kDefaultRecordsPerFrame = 4096;
constexpr uint32_t kMaxRecordsPerFrame = 1u << 16;
constexpr uint32_t kMaxHeaderBytes = 1u << 20;
constexpr size_t kMaxHeaderString = 255;

// One test vector.
struct VectorRecord {
  uint16_t input[kBlockValues];
  uint8_t expected[kPackedBytes];
  uint64_t block_index;
};

// The records of one suite: [first, first + count).
struct SuiteRange {
  std::string name;
  uint64_t first = 0;
  uint64_t count = 0;
};

// Which part of a whole run a shard's file holds (format version 2).
struct VectorPart {
  Shard shard;                 // K of N; 0/1: the file is the whole run
  uint64_t first_record = 0;   // the whole run's record number of this file's record 0
  uint64_t whole_records = 0;  // records of the whole run
};

struct VectorHeader {
  std::string profile;            // the profile the knobs started from (informative)
  Config config;                  // every knob value and the sr-seed: what the expected bytes mean
  std::string generator;          // free text, e.g. "hif4 gen 0.1.0"
  uint32_t generator_version = 0; // kGeneratorVersion of the RNG and suites that made the inputs
  uint64_t seed = 0;              // the generator seed
  std::string selection;          // "all", a suite name, or "" when not made by `hif4 gen`
  uint8_t level = 0;              // 1, 2 or 3, or 0 when not made from a level
  std::vector<SuiteRange> suites; // contiguous, in record order, covering every record
  uint64_t record_count = 0;
  uint32_t records_per_frame = kDefaultRecordsPerFrame;
  VectorPart part;                // a shard's file: which part of the whole run
  // Knobs the file's header lacks (written before they existed), read as their first value.
  // Not written: encode_header always lists every knob.
  std::vector<std::string> defaulted_knobs;

  // The suite holding record r, or nullptr if the file names none.
  const SuiteRange* suite_of(uint64_t record) const;
  bool is_part() const { return !part.shard.whole(); }
  // Records of the whole run: part.whole_records for a shard's file, else record_count.
  uint64_t whole_record_count() const { return is_part() ? part.whole_records : record_count; }
};

// A vector file whose contents are wrong, or a writer used against its header. A hif4::Error,
// so a command reports it like any other bad input (exit 2).
struct VectorFileError : Error {
  using Error::Error;
};

// CRC-32/ISO-HDLC, continuable: crc32_update(crc32_update(0, a, n), b, m) == CRC of a||b.
// Slicing-by-16; tests/vectors checks it against boost::crc_32_type (the reference).
uint32_t crc32_update(uint32_t crc, const void* data, size_t n);
// The same by slicing-by-16 tables only (crc32_update uses carry-less multiplication for
// long runs where the CPU has it); for tests and benchmarks.
uint32_t crc32_update_tables(uint32_t crc, const void* data, size_t n);
// The kernels behind crc32_update, which takes the fastest this CPU has for the bulk of a
// buffer (tests run each of them): tables only; 128-bit carry-less multiplies (PCLMULQDQ) from
// 64 bytes; 256-bit ones (VPCLMULQDQ) from 256 bytes.
enum class CrcKernel : uint8_t { Tables, Clmul128, Clmul256 };
bool crc32_kernel_available(CrcKernel kernel);
// crc32_update through one kernel (throws std::runtime_error where the CPU lacks it).
uint32_t crc32_update_with(CrcKernel kernel, uint32_t crc, const void* data, size_t n);

// Bytes of the header (with its CRC); throws VectorFileError for strings over 255 bytes.
std::vector<uint8_t> encode_header(const VectorHeader& h);
void encode_record(const VectorRecord& r, uint8_t out[kRecordBytes]);
void decode_record(const uint8_t in[kRecordBytes], VectorRecord& r);
// Total file size the header implies.
uint64_t vector_file_size(uint64_t header_bytes, uint64_t records, uint32_t records_per_frame);

// Streaming writer: the header first, then records in order, framed and CRC'd; finish()
// writes the last frame and checks that exactly header.record_count records were written.
class VectorWriter {
 public:
  using Sink = std::function<void(const void* data, size_t n)>;
  VectorWriter(const VectorHeader& header, Sink sink);
  void write(const VectorRecord* records, size_t n);
  // The generator's path: n blocks of inputs (n*64 values), n packed expected blocks, block
  // indices first_block_index, first_block_index + 1, ...
  void write(const uint16_t* inputs, const uint8_t* expected, uint64_t first_block_index, size_t n);
  void finish();
  uint64_t written() const { return written_; }
  // The size of the whole file once finished (vector_file_size of this header).
  uint64_t file_size() const { return file_size_; }

 private:
  // Records are staged in a buffer of at most kStageRecords records and handed to the sink a
  // buffer at a time, the frame's CRC-32 carried across buffers and appended after the frame's
  // last record: the same bytes as whole frames, with a buffer small enough to stay in the
  // cache while the generator fills and the kernel copies it.
  static constexpr size_t kStageRecords = 1024;
  uint8_t* next_slot();  // the next record's bytes in the stage (ends a full frame, sinks a full stage)
  void sink_stage(bool end_of_frame);
  VectorHeader header_;
  Sink sink_;
  std::vector<uint8_t> stage_;
  size_t stage_capacity_ = 0;  // records
  size_t in_stage_ = 0;
  size_t in_frame_ = 0;
  uint32_t frame_crc_ = 0;
  uint64_t file_size_ = 0;
  uint64_t written_ = 0;
  bool finished_ = false;
};

// Where a reader's bytes come from: a file, or memory (tests, fuzzers).
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual uint64_t size() const = 0;
  // Reads up to n bytes; returns how many (0 at the end). Throws hif4::Error on I/O errors.
  virtual size_t read(void* dst, size_t n) = 0;
  virtual const std::string& name() const = 0;
  // A stream (standard input): size() is 0 and the length is known only at its end.
  virtual bool is_stream() const { return false; }
};
// A regular file, or "-": standard input, as a stream.
std::unique_ptr<ByteSource> open_file_source(const std::string& path);
std::unique_ptr<ByteSource> memory_source(const void* data, size_t n, std::string name);

// Streaming reader. The constructor reads and checks the header and the file size.
class VectorReader {
 public:
  explicit VectorReader(const std::string& path);
  explicit VectorReader(std::unique_ptr<ByteSource> source);
  const VectorHeader& header() const { return header_; }
  const std::string& name() const { return source_->name(); }
  // Up to max records into out, in file order; 0 at the end. A frame's CRC is checked before
  // any of its records is returned.
  size_t read(VectorRecord* out, size_t max);
  bool next(VectorRecord& out) { return read(&out, 1) == 1; }
  // Passes over the next n records (fewer at the end) without handing them out: a shard starting
  // inside the file. Frames passed over whole are read but not checked (none of their records
  // is ever handed out); the frame the reader stops in is checked as usual.
  void skip(uint64_t n);
  uint64_t position() const { return position_; }  // records returned so far

 private:
  void load_frame();
  [[noreturn]] void fail(const std::string& what) const;
  std::unique_ptr<ByteSource> source_;
  VectorHeader header_;
  std::vector<uint8_t> frame_;
  size_t frame_records_ = 0, frame_pos_ = 0;
  uint64_t position_ = 0, frames_read_ = 0;
};

// The header in words: profile, every knob, seeds, suites, the part of a shard's file (for
// `hif4 coverage/verify/export`).
std::string format_header(const VectorHeader& h);

// Read a whole file (tests, small tools).
std::vector<VectorRecord> read_all_records(VectorReader& reader);

}  // namespace hif4
