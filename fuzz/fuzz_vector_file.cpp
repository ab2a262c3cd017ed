// libFuzzer target: the `.hif4v` reader (hif4::VectorReader over an in-memory ByteSource).
//
// Input: byte 0 is a mode, the rest is the file. A file of random bytes almost never passes the
// header CRC, so a fuzzer would only ever test the CRC check. With mode bit 0 set, the target
// first rewrites the header CRC and every frame CRC that the bytes' own header fields place
// inside the file, so mutations reach the field checks, the knob/suite tables and the frames.
// Mode bit 0 clear: the bytes are read as they are (the CRC checks themselves are fuzzed).
//
// Invariants checked on success (a violation aborts, which libFuzzer reports as a crash):
// exactly record_count records come back, suites tile the records, and the header re-encodes
// to the byte count the file declared plus the knobs it lacked (the writer and the reader
// agree).
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "hif4/config.h"
#include "hif4/vector_file.h"

namespace {

uint32_t le32(const uint8_t* p) { return p[0] | p[1] << 8 | p[2] << 16 | uint32_t(p[3]) << 24; }
uint64_t le64(const uint8_t* p) { return le32(p) | uint64_t(le32(p + 4)) << 32; }
void put_le32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

// Fixed-header field offsets, from the layout in vector_file.h.
constexpr size_t kOffHeaderSize = 12, kOffCount = 16, kOffPerFrame = 28;

void fix_crcs(std::vector<uint8_t>& f) {
  if (f.size() < kOffPerFrame + 4) return;
  const uint64_t header = le32(&f[kOffHeaderSize]);
  if (header < 8 || header > f.size()) return;
  put_le32(&f[header - 4], hif4::crc32_update(0, f.data(), header - 4));
  const uint64_t count = le64(&f[kOffCount]);
  const uint64_t per_frame = le32(&f[kOffPerFrame]);
  if (per_frame == 0) return;
  uint64_t pos = header, left = count;
  while (left > 0) {
    const uint64_t n = left < per_frame ? left : per_frame;
    const uint64_t bytes = n * hif4::kRecordBytes;
    if (bytes / hif4::kRecordBytes != n || pos + bytes + 4 > f.size() || pos + bytes < pos) return;
    put_le32(&f[pos + bytes], hif4::crc32_update(0, &f[pos], bytes));
    pos += bytes + 4;
    left -= n;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  std::vector<uint8_t> file(data + 1, data + size);
  if (data[0] & 1) fix_crcs(file);
  try {
    hif4::VectorReader reader(hif4::memory_source(file.data(), file.size(), "fuzz.hif4v"));
    const hif4::VectorHeader& h = reader.header();
    uint64_t covered = 0;
    for (const hif4::SuiteRange& s : h.suites) {
      if (s.first != covered) std::abort();
      covered += s.count;
    }
    if (!h.suites.empty() && covered != h.record_count) std::abort();
    // The writer lists every knob; a knob the file lacked (read as its first value) adds its
    // name and value strings (a u16 length each) to the re-encoded header.
    size_t defaulted_bytes = 0;
    for (const std::string& name : h.defaulted_knobs)
      defaulted_bytes += 4 + name.size() + std::strlen(hif4::find_knob(name).values.front().name);
    if (hif4::encode_header(h).size() != le32(&file[kOffHeaderSize]) + defaulted_bytes) std::abort();
    (void)hif4::format_header(h);
    // Read in odd-sized batches so frame boundaries fall inside a batch.
    hif4::VectorRecord batch[7];
    uint64_t n = 0;
    for (size_t got; (got = reader.read(batch, 7)) != 0;) {
      n += got;
      if (h.suites.size() && !h.suite_of(n - 1)) std::abort();
    }
    if (n != h.record_count || reader.position() != n) std::abort();
  } catch (const hif4::VectorFileError&) {
    // Rejected with a message: the expected outcome for damaged input.
  }
  return 0;
}
