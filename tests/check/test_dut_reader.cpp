// DutReader's $readmemh text: the whole-word path (72 digits decoded sixteen a step) and the
// general parser give the same blocks for every way of writing them, whatever the reads of
// the source return; every digit lands in its nibble; a bad byte at any digit position is
// named as the general parser names it, on its line.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "hif4/block.h"
#include "hif4/corner_blocks.h"
#include "hif4/verify.h"
#include "message_of.h"

using namespace hif4;

namespace {

std::vector<uint8_t> packed_blocks(size_t n) {
  std::vector<uint16_t> in(n * kBlockValues);
  std::vector<uint8_t> packed(n * kPackedBytes);
  CornerBlocks(3).fill(in.data(), n);
  quantize_blocks(in.data(), n, find_profile("seed").config, 0, packed.data());
  return packed;
}

// The 72 digits of block b, byte 35 first, in upper or lower case.
std::string digits_of(const uint8_t* block, bool upper) {
  std::string s;
  for (int k = kPackedBytes - 1; k >= 0; --k) {
    char d[3];
    std::snprintf(d, sizeof d, upper ? "%02X" : "%02x", block[k]);
    s += d;
  }
  return s;
}

// A source handing out at most `step` bytes a read (a pipe, a slow disk), so that words
// straddle every read boundary.
class SteppedSource final : public ByteSource {
 public:
  SteppedSource(std::string text, size_t step) : text_(std::move(text)), step_(step) {}
  uint64_t size() const override { return text_.size(); }
  size_t read(void* dst, size_t n) override {
    const size_t k = std::min({n, step_, text_.size() - pos_});
    std::memcpy(dst, text_.data() + pos_, k);
    pos_ += k;
    return k;
  }
  const std::string& name() const override { return name_; }

 private:
  std::string text_;
  size_t step_, pos_ = 0;
  std::string name_ = "stepped.hex";
};

std::vector<uint8_t> read_all(std::unique_ptr<ByteSource> source, size_t blocks) {
  DutReader d(std::move(source), DutFormat::Readmemh, blocks);
  std::vector<uint8_t> out(blocks * kPackedBytes);
  std::vector<uint8_t> unknown(blocks * kPackedBytes, 0xAA);
  size_t got = 0;
  while (got < blocks) {
    const size_t n = d.read(out.data() + got * kPackedBytes, std::min<size_t>(1000, blocks - got),
                            unknown.data() + got * kPackedBytes);
    REQUIRE(n > 0);
    got += n;
  }
  d.finish();
  CHECK(std::all_of(unknown.begin(), unknown.end(), [](uint8_t u) { return u == 0; }));
  return out;
}

std::string message_reading(const std::string& text, size_t blocks) {
  return test::message_of<DutFileError>([&] {
    DutReader d(memory_source(text.data(), text.size(), "dut.hex"), DutFormat::Readmemh, blocks);
    std::vector<uint8_t> out(blocks * kPackedBytes), unknown(blocks * kPackedBytes);
    d.read(out.data(), blocks, unknown.data());
    d.finish();
  });
}

}  // namespace

TEST_CASE("readmemh: every way of writing the words reads back the same blocks, whatever the reads return",
          "[vectors][verify]") {
  constexpr size_t kBlocks = 3000;  // 219 kB of text: several of the reader's 64 KiB buffers
  const std::vector<uint8_t> packed = packed_blocks(kBlocks);
  const uint8_t* p = packed.data();
  struct Style {
    const char* name;
    std::string text;
  };
  std::vector<Style> styles = {{"hif4 export's lines", "// DUT output\n"},
                               {"lower case, CRLF", ""},
                               {"underscores every 8 digits", ""},
                               {"leading zeros dropped", ""},
                               {"several words a line, tabs and comments between", "/* first */"}};
  for (size_t b = 0; b < kBlocks; ++b) {
    const uint8_t* block = p + b * kPackedBytes;
    styles[0].text += digits_of(block, true) + "\n";
    styles[1].text += digits_of(block, false) + "\r\n";
    std::string under = digits_of(block, true);
    for (size_t i = 64; i > 0; i -= 8) under.insert(i, "_");
    styles[2].text += under + "\n";
    std::string shortened = digits_of(block, true);
    shortened.erase(0, std::min(shortened.find_first_not_of('0'), shortened.size() - 1));
    styles[3].text += shortened + "\n";
    styles[4].text += digits_of(block, b % 2) + (b % 3 == 0 ? "\t// block\n" : b % 3 == 1 ? " /* x */ " : "  ");
  }
  for (const Style& s : styles)
    for (size_t step : {size_t{1}, size_t{7}, size_t{72}, size_t{73}, size_t{4096}, s.text.size()}) {
      INFO(s.name << ", reads of at most " << step << " bytes");
      CHECK(read_all(std::make_unique<SteppedSource>(s.text, step), kBlocks) == packed);
    }
  CHECK(styles[3].text.size() < styles[0].text.size());  // some words were short
}

TEST_CASE("readmemh: each of the 72 digits lands in its nibble", "[vectors][verify]") {
  const std::vector<uint8_t> packed = packed_blocks(2);
  const std::string line = digits_of(packed.data(), true);
  for (unsigned pos = 0; pos < 72; ++pos) {
    std::string changed = line;
    changed[pos] = changed[pos] == 'A' ? '5' : 'A';
    const std::string text = digits_of(packed.data() + kPackedBytes, false) + "\n" + changed + "\n";
    const std::vector<uint8_t> out = read_all(memory_source(text.data(), text.size(), "d.hex"), 2);
    std::vector<uint8_t> want(packed.begin(), packed.begin() + 2 * kPackedBytes);
    std::copy(packed.begin(), packed.begin() + kPackedBytes, want.begin() + kPackedBytes);
    std::copy(packed.begin() + kPackedBytes, packed.begin() + 2 * kPackedBytes, want.begin());
    const unsigned nibble = 71 - pos, byte = kPackedBytes + nibble / 2, shift = 4 * (nibble % 2);
    want[byte] = static_cast<uint8_t>((want[byte] & ~(0xF << shift)) | ((changed[pos] == 'A' ? 0xA : 0x5) << shift));
    INFO("digit " << pos);
    CHECK(out == want);
  }
}

TEST_CASE("readmemh: a bad byte or an x/z digit at any of the 72 positions, named on its line",
          "[vectors][verify]") {
  const std::vector<uint8_t> packed = packed_blocks(2);
  const std::string first = digits_of(packed.data(), true) + "\n", second = digits_of(packed.data() + kPackedBytes, true);
  for (unsigned pos = 0; pos < 72; ++pos) {
    INFO("digit " << pos);
    std::string bad = second;
    bad[pos] = 'g';
    CHECK_THAT(message_reading(first + bad + "\n", 2),
               Catch::Equals("DUT file 'dut.hex': line 2: 'g' is not a hex digit"));
    // The bytes either side of the digit and letter ranges, and bytes that fold into them.
    for (const char* shown : {"':'", "'@'", "'G'", "'`'", "byte 0x10", "byte 0x7F", "byte 0x80", "byte 0xC6", "byte 0xFF"}) {
      if (pos == 0 && std::string(shown) == "'@'") continue;  // an address line
      const unsigned value = shown[0] == '\'' ? static_cast<unsigned char>(shown[1]) : std::stoul(shown + 5, nullptr, 16);
      bad[pos] = static_cast<char>(value);
      CHECK_THAT(message_reading(first + bad + "\n", 2),
                 Catch::Equals(std::string("DUT file 'dut.hex': line 2: ") + shown + " is not a hex digit"));
    }

    // An x digit: the block reads with that nibble unknown and 0, the rest as written.
    std::string x = second;
    x[pos] = 'x';
    const std::string text = first + x + "\n";
    DutReader d(memory_source(text.data(), text.size(), "dut.hex"), DutFormat::Readmemh, 2);
    uint8_t out[2 * kPackedBytes], unknown[2 * kPackedBytes];
    REQUIRE(d.read(out, 2, unknown) == 2);
    const unsigned nibble = 71 - pos, byte = kPackedBytes + nibble / 2;
    const uint8_t mask = static_cast<uint8_t>(0xF << (4 * (nibble % 2)));
    for (unsigned k = 0; k < 2 * kPackedBytes; ++k) {
      CHECK(unknown[k] == (k == byte ? mask : 0));
      CHECK(out[k] == (k == byte ? packed[k] & ~mask : packed[k]));
    }
  }
  CHECK_THAT(message_reading(first + second + "0\n", 2), Catch::Contains("line 2: more than 72 hex digits"));
  CHECK_THAT(message_reading(first + second + "\n" + second + "\n", 2),
             Catch::Contains("too long: it holds 3 blocks; the vectors have 2"));
  CHECK_THAT(message_reading(first + "@10\n" + second + "\n", 2),
             Catch::Contains("line 2: '@' addresses are not supported"));
}
