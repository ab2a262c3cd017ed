// libFuzzer target: the DUT-output readers of `hif4 verify` (hif4::DutReader), raw 36-byte
// blocks and $readmemh/$writememh text.
//
// Input: byte 0 picks the format (bit 0: 1 = readmemh, 0 = raw) and the number of blocks the
// reader is told to expect (bits 1..7: 0..127); the rest is the file. The reader must either
// deliver exactly that many blocks and accept the end of the file, or throw DutFileError.
#include <cstdint>
#include <cstdlib>

#include "hif4/verify.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const hif4::DutFormat format = (data[0] & 1) ? hif4::DutFormat::Readmemh : hif4::DutFormat::Raw;
  const uint64_t expected = data[0] >> 1;
  try {
    hif4::DutReader reader(hif4::memory_source(data + 1, size - 1, "fuzz.dut"), format, expected);
    uint8_t blocks[5 * hif4::kPackedBytes];
    uint64_t n = 0;
    for (size_t got; (got = reader.read(blocks, 5)) != 0;) {
      if (got > 5) std::abort();
      n += got;
    }
    if (n != expected) std::abort();  // an end of file before `expected` blocks must throw
    reader.finish();
    if (format == hif4::DutFormat::Raw && size - 1 != expected * hif4::kPackedBytes) std::abort();
  } catch (const hif4::DutFileError&) {
  } catch (const hif4::VectorFileError&) {
  }
  return 0;
}
