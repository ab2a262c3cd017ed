// The `.hif4v` reader and writer (format in vector_file.h and docs/vectors.md).
#include "hif4/vector_file.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "crc32_clmul.h"
#include "hif4/files.h"

namespace hif4 {

// ---- CRC-32 -----------------------------------------------------------------------------

namespace {

struct CrcTables {
  uint32_t t[16][256];
};

// Table s maps a byte to the CRC contribution of that byte followed by s zero bytes, so 16
// bytes are folded in per step (slicing-by-16; portable, no carry-less multiply). Boost's
// crc_32_type folds one byte per step, about 365 MB/s here, which alone would hold `hif4 gen`
// under 2.2 M records/s; tests/vectors checks this against it.
constexpr CrcTables make_crc_tables() {
  CrcTables x{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    x.t[0][i] = c;
  }
  for (uint32_t i = 0; i < 256; ++i)
    for (int s = 1; s < 16; ++s) x.t[s][i] = (x.t[s - 1][i] >> 8) ^ x.t[0][x.t[s - 1][i] & 0xFF];
  return x;
}

constexpr CrcTables kCrc = make_crc_tables();

inline uint32_t load_le32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}

#if HIF4_CRC32_CLMUL
bool cpu_has_clmul() {
  static const bool has = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
  return has;
}
bool cpu_has_vpclmul() {
  static const bool has = cpu_has_clmul() && __builtin_cpu_supports("vpclmulqdq") && __builtin_cpu_supports("avx2");
  return has;
}
#endif

}  // namespace

uint32_t crc32_update_tables(uint32_t crc, const void* data, size_t n) {
  const uint8_t* p = static_cast<const uint8_t*>(data);
  const auto& t = kCrc.t;
  crc = ~crc;
  while (n >= 16) {
    const uint32_t a = crc ^ load_le32(p), b = load_le32(p + 4), c = load_le32(p + 8), d = load_le32(p + 12);
    crc = t[15][a & 0xFF] ^ t[14][(a >> 8) & 0xFF] ^ t[13][(a >> 16) & 0xFF] ^ t[12][a >> 24] ^
          t[11][b & 0xFF] ^ t[10][(b >> 8) & 0xFF] ^ t[9][(b >> 16) & 0xFF] ^ t[8][b >> 24] ^
          t[7][c & 0xFF] ^ t[6][(c >> 8) & 0xFF] ^ t[5][(c >> 16) & 0xFF] ^ t[4][c >> 24] ^
          t[3][d & 0xFF] ^ t[2][(d >> 8) & 0xFF] ^ t[1][(d >> 16) & 0xFF] ^ t[0][d >> 24];
    p += 16;
    n -= 16;
  }
  while (n--) crc = (crc >> 8) ^ t[0][(crc ^ *p++) & 0xFF];
  return ~crc;
}

bool crc32_kernel_available(CrcKernel kernel) {
  switch (kernel) {
    case CrcKernel::Tables: return true;
#if HIF4_CRC32_CLMUL
    case CrcKernel::Clmul128: return cpu_has_clmul();
    case CrcKernel::Clmul256: return cpu_has_vpclmul();
#else
    default: return false;
#endif
  }
  return false;
}

namespace {

// crc32_update through a kernel the caller knows the CPU has.
uint32_t crc32_run(CrcKernel kernel, uint32_t crc, const void* data, size_t n) {
  const auto* p = static_cast<const uint8_t*>(data);
  // Carry-less multiplies (4x the tables with 128 bits, 8x with 256) for the bulk, a multiple
  // of 16 bytes; the tables for the rest.
  const size_t bulk = n & ~size_t{15};
#if HIF4_CRC32_CLMUL
  if (kernel == CrcKernel::Clmul256 && n >= 256)
    return crc32_update_tables(~detail::crc32_vpclmul_fold(~crc, p, bulk), p + bulk, n - bulk);
  if (kernel != CrcKernel::Tables && n >= 64)
    return crc32_update_tables(~detail::crc32_clmul_fold(~crc, p, bulk), p + bulk, n - bulk);
#endif
  (void)kernel;
  (void)bulk;
  return crc32_update_tables(crc, p, n);
}

}  // namespace

uint32_t crc32_update_with(CrcKernel kernel, uint32_t crc, const void* data, size_t n) {
  if (!crc32_kernel_available(kernel)) throw std::runtime_error("this CPU has no such CRC-32 kernel");
  return crc32_run(kernel, crc, data, n);
}

uint32_t crc32_update(uint32_t crc, const void* data, size_t n) {
  static const CrcKernel best = crc32_kernel_available(CrcKernel::Clmul256)   ? CrcKernel::Clmul256
                                : crc32_kernel_available(CrcKernel::Clmul128) ? CrcKernel::Clmul128
                                                                              : CrcKernel::Tables;
  return crc32_run(best, crc, data, n);
}

// ---- encoding ---------------------------------------------------------------------------

namespace {

constexpr bool kLittleEndianHost = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;

void put_u16(std::vector<uint8_t>& b, uint16_t v) {
  b.push_back(static_cast<uint8_t>(v));
  b.push_back(static_cast<uint8_t>(v >> 8));
}
void put_u32(std::vector<uint8_t>& b, uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void put_u64(std::vector<uint8_t>& b, uint64_t v) {
  for (int i = 0; i < 8; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void put_str(std::vector<uint8_t>& b, const std::string& s, const char* what) {
  if (s.size() > kMaxHeaderString)
    throw VectorFileError(std::string(what) + " '" + s.substr(0, 40) + "...' is longer than " +
                          std::to_string(kMaxHeaderString) + " bytes");
  put_u16(b, static_cast<uint16_t>(s.size()));
  b.insert(b.end(), s.begin(), s.end());
}
void store_u64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
uint64_t load_u64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// Offsets of the fixed part of the header.
constexpr size_t kOffVersion = 8, kOffHeaderSize = 12, kOffCount = 16, kOffRecordSize = 24,
                 kOffPerFrame = 28, kOffSeed = 32, kOffSrSeed = 40, kOffGenVersion = 48,
                 kOffLevel = 52, kFixedHeader = 56;

}  // namespace

namespace {

// What is wrong with a header's part section ("" when nothing): the shard must be in range, and
// its first record and record count must be the shard's range of the whole run (shard.h).
std::string part_problem(const VectorHeader& h) {
  if (!h.is_part()) return "";
  const Shard& s = h.part.shard;
  if (s.count > kMaxShards || s.index >= s.count)
    return "shard " + std::to_string(s.index) + " of " + std::to_string(s.count) + " is out of range";
  const ShardRange r = shard_range(h.part.whole_records, s);
  if (r.first != h.part.first_record || r.count != h.record_count)
    return "shard " + shard_text(s) + " of " + std::to_string(h.part.whole_records) + " records is records " +
           std::to_string(r.first) + ".." + std::to_string(r.first + r.count) + " (exclusive), not " +
           std::to_string(h.part.first_record) + ".." + std::to_string(h.part.first_record + h.record_count);
  return "";
}

}  // namespace

const SuiteRange* VectorHeader::suite_of(uint64_t record) const {
  for (const SuiteRange& s : suites)
    if (record >= s.first && record - s.first < s.count) return &s;
  return nullptr;
}

std::vector<uint8_t> encode_header(const VectorHeader& h) {
  std::vector<uint8_t> b(kVectorMagic, kVectorMagic + 8);
  put_u32(b, h.is_part() ? kVectorFormatVersionPart : kVectorFormatVersion);
  put_u32(b, 0);  // header size, patched below
  put_u64(b, h.record_count);
  put_u32(b, kRecordBytes);
  put_u32(b, h.records_per_frame);
  put_u64(b, h.seed);
  put_u64(b, h.config.sr_seed);
  put_u32(b, h.generator_version);
  b.push_back(h.level);
  b.insert(b.end(), 3, 0);
  put_str(b, h.profile, "profile name");
  put_str(b, h.generator, "generator");
  put_str(b, h.selection, "suite selection");
  put_u16(b, static_cast<uint16_t>(knobs().size()));
  for (const Knob& k : knobs()) {
    put_str(b, k.name, "knob name");
    put_str(b, knob_value_name(k, h.config), "knob value");
  }
  if (h.suites.size() > 0xFFFF) throw VectorFileError("too many suites for one header");
  put_u16(b, static_cast<uint16_t>(h.suites.size()));
  for (const SuiteRange& s : h.suites) {
    put_str(b, s.name, "suite name");
    put_u64(b, s.first);
    put_u64(b, s.count);
  }
  if (h.is_part()) {
    put_u32(b, h.part.shard.index);
    put_u32(b, h.part.shard.count);
    put_u64(b, h.part.first_record);
    put_u64(b, h.part.whole_records);
  }
  const uint32_t size = static_cast<uint32_t>(b.size() + 4);
  for (int i = 0; i < 4; ++i) b[kOffHeaderSize + i] = static_cast<uint8_t>(size >> (8 * i));
  put_u32(b, crc32_update(0, b.data(), b.size()));
  return b;
}

void encode_record(const VectorRecord& r, uint8_t out[kRecordBytes]) {
  if (kLittleEndianHost) {
    std::memcpy(out, r.input, kInputBytes);
  } else {
    for (unsigned i = 0; i < kBlockValues; ++i) {
      out[2 * i] = static_cast<uint8_t>(r.input[i]);
      out[2 * i + 1] = static_cast<uint8_t>(r.input[i] >> 8);
    }
  }
  std::memcpy(out + kRecordOffsetExpected, r.expected, kPackedBytes);
  store_u64(out + kRecordOffsetBlockIndex, r.block_index);
}

void decode_record(const uint8_t in[kRecordBytes], VectorRecord& r) {
  if (kLittleEndianHost) {
    std::memcpy(r.input, in, kInputBytes);
  } else {
    for (unsigned i = 0; i < kBlockValues; ++i)
      r.input[i] = static_cast<uint16_t>(in[2 * i] | (in[2 * i + 1] << 8));
  }
  std::memcpy(r.expected, in + kRecordOffsetExpected, kPackedBytes);
  r.block_index = load_u64(in + kRecordOffsetBlockIndex);
}

uint64_t vector_file_size(uint64_t header_bytes, uint64_t records, uint32_t records_per_frame) {
  const uint64_t frames = (records + records_per_frame - 1) / records_per_frame;
  return header_bytes + records * kRecordBytes + frames * 4;
}

// ---- writer -----------------------------------------------------------------------------

VectorWriter::VectorWriter(const VectorHeader& header, Sink sink)
    : header_(header), sink_(std::move(sink)) {
  if (header_.records_per_frame == 0 || header_.records_per_frame > kMaxRecordsPerFrame)
    throw VectorFileError("records per frame must be 1.." + std::to_string(kMaxRecordsPerFrame));
  uint64_t covered = 0;
  for (const SuiteRange& s : header_.suites) {
    if (s.first != covered) throw VectorFileError("suite ranges must be contiguous, in order");
    covered += s.count;
  }
  if (!header_.suites.empty() && covered != header_.record_count)
    throw VectorFileError("suite ranges cover " + std::to_string(covered) + " records, the header says " +
                          std::to_string(header_.record_count));
  if (const std::string why = part_problem(header_); !why.empty()) throw VectorFileError(why);
  const std::vector<uint8_t> bytes = encode_header(header_);
  file_size_ = vector_file_size(bytes.size(), header_.record_count, header_.records_per_frame);
  sink_(bytes.data(), bytes.size());
  stage_capacity_ = std::min<size_t>(header_.records_per_frame, kStageRecords);
  stage_.resize(stage_capacity_ * kRecordBytes + 4);
}

uint8_t* VectorWriter::next_slot() {
  if (written_ >= header_.record_count)
    throw VectorFileError("more records written than the header announced (" +
                          std::to_string(header_.record_count) + ")");
  if (in_frame_ == header_.records_per_frame) sink_stage(true);
  else if (in_stage_ == stage_capacity_) sink_stage(false);
  ++written_;
  ++in_frame_;
  return stage_.data() + (in_stage_++) * kRecordBytes;
}

void VectorWriter::sink_stage(bool end_of_frame) {
  size_t bytes = in_stage_ * kRecordBytes;
  frame_crc_ = crc32_update(frame_crc_, stage_.data(), bytes);
  if (end_of_frame) {
    for (int i = 0; i < 4; ++i) stage_[bytes + i] = static_cast<uint8_t>(frame_crc_ >> (8 * i));
    bytes += 4;
    frame_crc_ = 0;
    in_frame_ = 0;
  }
  sink_(stage_.data(), bytes);
  in_stage_ = 0;
}

void VectorWriter::write(const VectorRecord* records, size_t n) {
  for (size_t i = 0; i < n; ++i) encode_record(records[i], next_slot());
}

void VectorWriter::write(const uint16_t* inputs, const uint8_t* expected,
                         uint64_t first_block_index, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    uint8_t* out = next_slot();
    if (kLittleEndianHost) {
      std::memcpy(out, inputs + i * kBlockValues, kInputBytes);
    } else {
      for (unsigned l = 0; l < kBlockValues; ++l) {
        out[2 * l] = static_cast<uint8_t>(inputs[i * kBlockValues + l]);
        out[2 * l + 1] = static_cast<uint8_t>(inputs[i * kBlockValues + l] >> 8);
      }
    }
    std::memcpy(out + kRecordOffsetExpected, expected + i * kPackedBytes, kPackedBytes);
    store_u64(out + kRecordOffsetBlockIndex, first_block_index + i);
  }
}

void VectorWriter::finish() {
  if (finished_) return;
  if (written_ != header_.record_count)
    throw VectorFileError("wrote " + std::to_string(written_) + " records, the header announced " +
                          std::to_string(header_.record_count));
  if (in_frame_ > 0) sink_stage(true);
  finished_ = true;
}

// ---- sources ----------------------------------------------------------------------------

namespace {

// A file through io's InputFile: only a regular file is read (a FIFO is refused, not waited
// on), and its errors name the file and the system's reason.
class FileSource : public ByteSource {
 public:
  explicit FileSource(const std::string& path) : file_(path) {}
  uint64_t size() const override { return file_.size(); }
  size_t read(void* dst, size_t n) override { return file_.read_some(dst, n); }
  const std::string& name() const override { return file_.path(); }
  bool is_stream() const override { return file_.is_stream(); }

 private:
  InputFile file_;  // a regular file, or "-": standard input
};

class MemorySource : public ByteSource {
 public:
  MemorySource(const void* data, size_t n, std::string name)
      : data_(static_cast<const uint8_t*>(data)), size_(n), name_(std::move(name)) {}
  uint64_t size() const override { return size_; }
  size_t read(void* dst, size_t n) override {
    const size_t k = std::min(n, size_ - pos_);
    if (k) std::memcpy(dst, data_ + pos_, k);
    pos_ += k;
    return k;
  }
  const std::string& name() const override { return name_; }

 private:
  const uint8_t* data_;
  size_t size_, pos_ = 0;
  std::string name_;
};

// Bounds-checked parsing of the header bytes.
class HeaderParser {
 public:
  HeaderParser(const std::vector<uint8_t>& b, size_t end, const std::function<void(const std::string&)>& fail)
      : b_(b), end_(end), fail_(fail) {}
  size_t pos = kFixedHeader;
  void need(size_t n, const char* what) {
    if (n > end_ - pos) fail_(std::string("header ends inside the ") + what);
  }
  uint16_t u16(const char* what) {
    need(2, what);
    const uint16_t v = static_cast<uint16_t>(b_[pos] | (b_[pos + 1] << 8));
    pos += 2;
    return v;
  }
  uint32_t u32(const char* what) {
    need(4, what);
    const uint32_t v = load_le32(&b_[pos]);
    pos += 4;
    return v;
  }
  uint64_t u64(const char* what) {
    need(8, what);
    const uint64_t v = load_u64(&b_[pos]);
    pos += 8;
    return v;
  }
  std::string str(const char* what) {
    const uint16_t n = u16(what);
    if (n > kMaxHeaderString) fail_(std::string(what) + " is " + std::to_string(n) + " bytes long (at most 255)");
    need(n, what);
    std::string s(reinterpret_cast<const char*>(&b_[pos]), n);
    for (char c : s)
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7E)
        fail_(std::string(what) + " holds a non-printable byte");
    pos += n;
    return s;
  }

 private:
  const std::vector<uint8_t>& b_;
  size_t end_;
  const std::function<void(const std::string&)>& fail_;
};

}  // namespace

std::unique_ptr<ByteSource> open_file_source(const std::string& path) {
  return std::make_unique<FileSource>(path);
}

std::unique_ptr<ByteSource> memory_source(const void* data, size_t n, std::string name) {
  return std::make_unique<MemorySource>(data, n, std::move(name));
}

// ---- reader -----------------------------------------------------------------------------

VectorReader::VectorReader(const std::string& path) : VectorReader(open_file_source(path)) {}

void VectorReader::fail(const std::string& what) const {
  throw VectorFileError("vector file '" + source_->name() + "': " + what);
}

VectorReader::VectorReader(std::unique_ptr<ByteSource> source) : source_(std::move(source)) {
  const uint64_t file_size = source_->size();
  std::vector<uint8_t> b(kFixedHeader);
  const size_t got = source_->read(b.data(), b.size());
  if (got < sizeof kVectorMagic || std::memcmp(b.data(), kVectorMagic, sizeof kVectorMagic) != 0)
    fail("not a hif4 vector file (wrong magic; expected \"HIF4VEC\\n\")");
  if (got < kOffHeaderSize + 4) fail("truncated inside the header");
  const uint32_t version = load_le32(&b[kOffVersion]);
  if (version != kVectorFormatVersion && version != kVectorFormatVersionPart)
    fail("format version " + std::to_string(version) + " is not supported (this hif4 reads versions " +
         std::to_string(kVectorFormatVersion) + " and " + std::to_string(kVectorFormatVersionPart) + ")");
  const uint32_t header_size = load_le32(&b[kOffHeaderSize]);
  if (header_size < kFixedHeader + 4 + 6 + 4 || header_size > kMaxHeaderBytes)
    fail("header size " + std::to_string(header_size) + " is out of range");
  if (header_size > file_size)
    fail("truncated: the header needs " + std::to_string(header_size) + " bytes, the file has " +
         std::to_string(file_size));
  if (got < kFixedHeader) fail("truncated inside the header");
  b.resize(header_size);
  if (source_->read(b.data() + kFixedHeader, header_size - kFixedHeader) != header_size - kFixedHeader)
    fail("truncated inside the header");
  const uint32_t stored_crc = load_le32(&b[header_size - 4]);
  const uint32_t crc = crc32_update(0, b.data(), header_size - 4);
  if (stored_crc != crc) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "header CRC mismatch (stored 0x%08X, computed 0x%08X): the file is damaged",
                  stored_crc, crc);
    fail(buf);
  }

  VectorHeader& h = header_;
  h.record_count = load_u64(&b[kOffCount]);
  const uint32_t record_size = load_le32(&b[kOffRecordSize]);
  if (record_size != kRecordBytes)
    fail("record size " + std::to_string(record_size) + " is not " + std::to_string(kRecordBytes));
  h.records_per_frame = load_le32(&b[kOffPerFrame]);
  if (h.records_per_frame == 0 || h.records_per_frame > kMaxRecordsPerFrame)
    fail("records per frame " + std::to_string(h.records_per_frame) + " is out of range (1.." +
         std::to_string(kMaxRecordsPerFrame) + ")");
  // The size check comes before any allocation that depends on the record count (and before
  // the variable part of the header is parsed).
  const uint64_t max_records = (file_size - header_size) / kRecordBytes;
  if (h.record_count > max_records)
    fail("header announces " + std::to_string(h.record_count) + " records, but the file (" +
         std::to_string(file_size) + " bytes) can hold at most " + std::to_string(max_records) +
         " (truncated?)");
  const uint64_t expected_size = vector_file_size(header_size, h.record_count, h.records_per_frame);
  if (file_size < expected_size)
    fail("truncated: " + std::to_string(h.record_count) + " records need " + std::to_string(expected_size) +
         " bytes, the file has " + std::to_string(file_size));
  if (file_size > expected_size)
    fail(std::to_string(file_size - expected_size) + " unexpected bytes after the last record (" +
         std::to_string(h.record_count) + " records need " + std::to_string(expected_size) + " bytes)");
  h.seed = load_u64(&b[kOffSeed]);
  h.config.sr_seed = load_u64(&b[kOffSrSeed]);
  h.generator_version = load_le32(&b[kOffGenVersion]);
  h.level = b[kOffLevel];
  if (h.level > 3) fail("level " + std::to_string(h.level) + " is out of range (0..3)");
  if (b[kOffLevel + 1] || b[kOffLevel + 2] || b[kOffLevel + 3]) fail("reserved header bytes are not zero");

  const std::function<void(const std::string&)> on_error = [this](const std::string& m) { fail(m); };
  HeaderParser p(b, header_size - 4, on_error);
  h.profile = p.str("profile name");
  h.generator = p.str("generator");
  h.selection = p.str("suite selection");
  const uint16_t knob_count = p.u16("knob count");
  std::vector<bool> seen(knobs().size(), false);
  for (unsigned i = 0; i < knob_count; ++i) {
    const std::string name = p.str("knob name");
    const std::string value = p.str("knob value");
    size_t index = 0;
    while (index < knobs().size() && name != knobs()[index].name) ++index;
    if (index == knobs().size()) fail("unknown knob '" + name + "' (made by a newer hif4?)");
    if (seen[index]) fail("knob '" + name + "' is given twice");
    seen[index] = true;
    try {
      apply_setting(h.config, name + "=" + value);
    } catch (const ConfigError& e) {
      fail(e.message);
    }
  }
  // A knob the header lacks was added after the file was written: the file was made with the
  // behaviour before the knob existed, which is the knob's first value (docs/vectors.md).
  for (size_t i = 0; i < knobs().size(); ++i)
    if (!seen[i]) {
      knobs()[i].set(h.config, 0);
      h.defaulted_knobs.emplace_back(knobs()[i].name);
    }
  const uint16_t suite_count = p.u16("suite count");
  uint64_t covered = 0;
  for (unsigned i = 0; i < suite_count; ++i) {
    SuiteRange s;
    s.name = p.str("suite name");
    s.first = p.u64("suite first record");
    s.count = p.u64("suite record count");
    if (s.first != covered || s.count > h.record_count - covered)
      fail("suite '" + s.name + "' range is not contiguous within the records");
    covered += s.count;
    h.suites.push_back(std::move(s));
  }
  if (suite_count && covered != h.record_count)
    fail("suite ranges cover " + std::to_string(covered) + " of " + std::to_string(h.record_count) +
         " records");
  if (version == kVectorFormatVersionPart) {
    h.part.shard.index = p.u32("shard index");
    h.part.shard.count = p.u32("shard count");
    h.part.first_record = p.u64("first record of the whole run");
    h.part.whole_records = p.u64("records of the whole run");
    // A version-2 file is always a part of several: a whole run is written as version 1.
    if (h.part.shard.count < 2) fail("a version-2 file must be a shard of 2 or more, not of " + std::to_string(h.part.shard.count));
    if (const std::string why = part_problem(h); !why.empty()) fail(why);
  }
  if (p.pos != header_size - 4) fail("unexpected bytes at the end of the header");
}

void VectorReader::load_frame() {
  const uint64_t left = header_.record_count - position_;
  frame_records_ = static_cast<size_t>(std::min<uint64_t>(left, header_.records_per_frame));
  const size_t bytes = frame_records_ * kRecordBytes;
  frame_.resize(bytes + 4);
  if (source_->read(frame_.data(), bytes + 4) != bytes + 4)
    fail("truncated in frame " + std::to_string(frames_read_));
  const uint32_t stored = load_le32(&frame_[bytes]);
  const uint32_t crc = crc32_update(0, frame_.data(), bytes);
  if (stored != crc) {
    char buf[160];
    std::snprintf(buf, sizeof buf,
                  "CRC mismatch in frame %llu (records %llu..%llu): stored 0x%08X, computed 0x%08X; "
                  "the file is damaged",
                  static_cast<unsigned long long>(frames_read_), static_cast<unsigned long long>(position_),
                  static_cast<unsigned long long>(position_ + frame_records_ - 1), stored, crc);
    fail(buf);
  }
  ++frames_read_;
  frame_pos_ = 0;
}

size_t VectorReader::read(VectorRecord* out, size_t max) {
  size_t n = 0;
  while (n < max && position_ < header_.record_count) {
    if (frame_pos_ == frame_records_) load_frame();
    decode_record(&frame_[frame_pos_ * kRecordBytes], out[n]);
    ++frame_pos_;
    ++position_;
    ++n;
  }
  return n;
}

void VectorReader::skip(uint64_t n) {
  n = std::min(n, header_.record_count - position_);
  // The rest of the frame in hand.
  const uint64_t in_frame = std::min<uint64_t>(n, frame_records_ - frame_pos_);
  frame_pos_ += static_cast<size_t>(in_frame);
  position_ += in_frame;
  n -= in_frame;
  // Whole frames: their bytes read and dropped.
  std::vector<uint8_t> drop;
  while (n >= header_.records_per_frame) {
    const size_t bytes = size_t{header_.records_per_frame} * kRecordBytes + 4;
    drop.resize(bytes);
    if (source_->read(drop.data(), bytes) != bytes) fail("truncated in frame " + std::to_string(frames_read_));
    ++frames_read_;
    position_ += header_.records_per_frame;
    n -= header_.records_per_frame;
  }
  // Into the frame holding the next record to hand out.
  if (n) {
    load_frame();
    frame_pos_ = static_cast<size_t>(n);
    position_ += n;
  }
}

std::vector<VectorRecord> read_all_records(VectorReader& reader) {
  std::vector<VectorRecord> all(static_cast<size_t>(reader.header().record_count));
  const size_t n = reader.read(all.data(), all.size());
  all.resize(n);
  return all;
}

std::string format_header(const VectorHeader& h) {
  std::string s = "profile " + (h.profile.empty() ? std::string("(none)") : h.profile) + ": " + describe(h.config) +
                  " sr-seed=" + std::to_string(h.config.sr_seed) + "\n";
  s += std::to_string(h.record_count) + " records";
  if (!h.generator.empty()) s += ", made by " + h.generator + " (generator version " + std::to_string(h.generator_version) + ")";
  if (!h.selection.empty()) s += ", suite " + h.selection;
  if (h.level) s += ", level " + std::to_string(h.level);
  s += ", seed " + std::to_string(h.seed) + "\n";
  if (h.is_part())
    s += "shard " + shard_text(h.part.shard) + ": records " + std::to_string(h.part.first_record) + ".." +
         std::to_string(h.part.first_record + h.record_count - (h.record_count ? 1 : 0)) + " of the whole run's " +
         std::to_string(h.part.whole_records) + "\n";
  if (!h.defaulted_knobs.empty()) {
    s += "knobs the file does not name (it predates them), read as their first value:";
    for (const std::string& k : h.defaulted_knobs) s += " " + k;
    s += "\n";
  }
  for (const SuiteRange& r : h.suites)
    s += "  " + r.name + ": records " + std::to_string(r.first) + ".." +
         std::to_string(r.first + r.count - (r.count ? 1 : 0)) + " (" + std::to_string(r.count) + ")\n";
  return s;
}

}  // namespace hif4
