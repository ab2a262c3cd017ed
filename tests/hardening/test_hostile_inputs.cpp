// Hostile inputs for every reader of outside bytes: each case is a file or option a
// damaged tool or an attacker could hand us. Every reader must reject it with its own error
// type and a message naming the source, and a header that claims huge counts or sizes must be
// rejected before memory is allocated for them: a counting operator new (below) measures the
// largest single allocation made while the reader runs.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <new>
#include <string>
#include <vector>

#include "hif4/args.h"
#include "hif4/files.h"
#include "hif4/vector_file.h"
#include "hif4/verify.h"
#include "hif4/safetensors.h"

// ---- allocation meter -------------------------------------------------------------------

namespace {
std::atomic<size_t> g_largest_allocation{0};
void note_allocation(size_t n) {
  size_t seen = g_largest_allocation.load(std::memory_order_relaxed);
  while (n > seen && !g_largest_allocation.compare_exchange_weak(seen, n)) {
  }
}
}  // namespace

#if defined(__SANITIZE_ADDRESS__)
// Under AddressSanitizer (scripts/sanitize.sh) operator new belongs to the sanitizer, which
// would report a replacement's malloc/free pairing as a mismatch; its allocation hook sees
// every allocation instead.
// (Declared here: g++ 12 ships the runtime but not <sanitizer/allocator_interface.h>.)
extern "C" int __sanitizer_install_malloc_and_free_hooks(void (*)(const volatile void*, size_t),
                                                         void (*)(const volatile void*));
namespace {
void on_malloc(const volatile void*, size_t n) { note_allocation(n); }
void on_free(const volatile void*) {}
[[maybe_unused]] const int g_hooks_installed = __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
}  // namespace
#else
// The replacements pair malloc with free; g++ sees through the inlined new/delete and warns
// about a mismatch that is not one.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(size_t n) {
  note_allocation(n);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }
#endif

using namespace hif4;
namespace st = hif4::safetensors;

namespace {

// Runs f, returns the message of the exception of type E it must throw, and checks that no
// single allocation during the call exceeded `allocation_limit` bytes.
template <class E, class F>
std::string rejection(F&& f, size_t allocation_limit = 256u << 10) {
  g_largest_allocation = 0;
  std::string message;
  try {
    f();
    FAIL("accepted a hostile input");
  } catch (const E& e) {
    message = e.what();
  }
  INFO(message);
  CHECK(g_largest_allocation.load() <= allocation_limit);
  return message;
}

void put_le(std::vector<uint8_t>& b, size_t off, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) b[off + i] = static_cast<uint8_t>(v >> (8 * i));
}

// A valid .hif4v image of n records (zero inputs, expected bytes of the model don't matter to
// the reader), one suite covering them.
std::vector<uint8_t> vector_image(uint64_t n, uint32_t per_frame = kDefaultRecordsPerFrame) {
  VectorHeader h;
  h.profile = "seed";
  h.config = find_profile("seed").config;
  h.generator = "hardening test";
  h.record_count = n;
  h.records_per_frame = per_frame;
  h.suites.push_back({"tiny", 0, n});
  std::vector<uint8_t> out;
  VectorWriter w(h, [&](const void* p, size_t k) {
    out.insert(out.end(), static_cast<const uint8_t*>(p), static_cast<const uint8_t*>(p) + k);
  });
  VectorRecord r{};
  for (uint64_t i = 0; i < n; ++i) {
    r.block_index = i;
    w.write(&r, 1);
  }
  w.finish();
  return out;
}

uint32_t header_bytes(const std::vector<uint8_t>& b) {
  return b[12] | b[13] << 8 | b[14] << 16 | uint32_t(b[15]) << 24;
}
void fix_header_crc(std::vector<uint8_t>& b) {
  const uint32_t h = header_bytes(b);
  put_le(b, h - 4, crc32_update(0, b.data(), h - 4), 4);
}

std::string read_vectors(const std::vector<uint8_t>& b) {
  return rejection<VectorFileError>([&] {
    VectorReader r(memory_source(b.data(), b.size(), "hostile.hif4v"));
    read_all_records(r);
  });
}

std::string temp_dir() {
  char tmpl[] = "/tmp/hif4-hardening-XXXXXX";
  REQUIRE(::mkdtemp(tmpl) != nullptr);
  return tmpl;
}

}  // namespace

// The meter itself: it must see an allocation the size of a claimed count, or the "refused
// before any allocation" checks below would pass vacuously.
TEST_CASE("the allocation meter sees a 1 MiB allocation", "[hardening]") {
  g_largest_allocation = 0;
  {
    std::vector<uint8_t> claimed(1u << 20);
    volatile uint8_t* touch = claimed.data();
    touch[0] = 1;
  }
  CHECK(g_largest_allocation.load() >= (1u << 20));
}

// ---- .hif4v -----------------------------------------------------------------------------

TEST_CASE("hif4v: a record count of 2^64-1 is refused before any allocation", "[hardening][hif4v]") {
  std::vector<uint8_t> b = vector_image(2);
  put_le(b, 16, ~uint64_t{0}, 8);
  fix_header_crc(b);
  CHECK_THAT(read_vectors(b), Catch::Contains("hostile.hif4v") && Catch::Contains("can hold at most 2"));
}

TEST_CASE("hif4v: counts that overflow size arithmetic are refused", "[hardening][hif4v]") {
  // N * 172 wraps around 2^64 to a small number: the file-size check must not be fooled.
  for (uint64_t n : {uint64_t{0x5F417D05F417D06}, uint64_t{1} << 62, (uint64_t{1} << 63) + 2}) {
    std::vector<uint8_t> b = vector_image(2);
    put_le(b, 16, n, 8);
    fix_header_crc(b);
    CHECK_THAT(read_vectors(b), Catch::Contains("records"));
  }
}

TEST_CASE("hif4v: a header size of 4 GiB or of 1 MiB + 1 is refused unread", "[hardening][hif4v]") {
  for (uint32_t h : {0xFFFFFFFFu, kMaxHeaderBytes + 1}) {
    std::vector<uint8_t> b = vector_image(1);
    put_le(b, 12, h, 4);
    CHECK_THAT(read_vectors(b), Catch::Contains("header size"));
  }
  // Within the limit but beyond the file: refused before the header buffer is sized.
  std::vector<uint8_t> b = vector_image(1);
  put_le(b, 12, kMaxHeaderBytes, 4);
  CHECK_THAT(read_vectors(b), Catch::Contains("truncated"));
}

TEST_CASE("hif4v: records per frame 0 or 2^32-1 is refused", "[hardening][hif4v]") {
  for (uint32_t f : {0u, 0xFFFFFFFFu, kMaxRecordsPerFrame + 1}) {
    std::vector<uint8_t> b = vector_image(3);
    put_le(b, 28, f, 4);
    fix_header_crc(b);
    CHECK_THAT(read_vectors(b), Catch::Contains("records per frame"));
  }
}

TEST_CASE("hif4v: string lengths and table counts past the header end are refused", "[hardening][hif4v]") {
  const std::vector<uint8_t> good = vector_image(1);
  const size_t first_string = 56;  // the profile name's u16 length (after the fixed header)
  for (uint16_t len : {uint16_t{256}, uint16_t{0xFFFF}}) {
    std::vector<uint8_t> b = good;
    put_le(b, first_string, len, 2);
    fix_header_crc(b);
    CHECK_THAT(read_vectors(b), Catch::Contains("profile name"));
  }
  // The knob count lives after three strings; claim 65535 knobs.
  std::vector<uint8_t> b = good;
  size_t at = first_string;
  for (int s = 0; s < 3; ++s) at += 2 + (b[at] | b[at + 1] << 8);
  put_le(b, at, 0xFFFF, 2);
  fix_header_crc(b);
  CHECK_THAT(read_vectors(b), Catch::Contains("knob"));
}

TEST_CASE("hif4v: a suite range that wraps around 2^64 is refused", "[hardening][hif4v]") {
  std::vector<uint8_t> b = vector_image(4);
  // The last suite entry is (name, first, count) just before the CRC: first = 0, count = 4.
  const uint32_t h = header_bytes(b);
  put_le(b, h - 4 - 8, ~uint64_t{0}, 8);  // count = 2^64-1: past the 4 records (and wraps)
  fix_header_crc(b);
  CHECK_THAT(read_vectors(b), Catch::Contains("suite"));
}

// ---- DUT output -------------------------------------------------------------------------

TEST_CASE("readmemh: a word of a million digits stops at digit 73", "[hardening][dut]") {
  const std::string text(1000000, 'f');
  const std::string m = rejection<DutFileError>([&] {
    DutReader r(memory_source(text.data(), text.size(), "huge.memh"), DutFormat::Readmemh, 1);
    uint8_t out[kPackedBytes];
    r.read(out, 1);
  });
  CHECK_THAT(m, Catch::Contains("huge.memh") && Catch::Contains("more than 72 hex digits"));
}

TEST_CASE("readmemh: hostile bytes and comments are refused", "[hardening][dut]") {
  const struct {
    std::string text, message;
  } cases[] = {
      {std::string("ab\0cd\n", 6), "byte 0x00 is not a hex digit"},  // a NUL must not cut the message
      {"/* never closed ...", "unterminated /* comment"},
      {"12 / 34\n", "unexpected '/'"},
      {"@10 ff\n", "'@' addresses"},
      {"1x\n", "x/z digits"},
      {"\xff\xfe\n", "byte 0xFF is not a hex digit"},
      {"12g4\n", "'g' is not a hex digit"},
      {"ff\n", "too short"},                 // one block, two expected
      {"ff ff ff\n", "too long"},            // three blocks, two expected
  };
  for (const auto& c : cases) {
    const std::string m = rejection<DutFileError>([&] {
      DutReader r(memory_source(c.text.data(), c.text.size(), "bad.memh"), DutFormat::Readmemh, 2);
      uint8_t out[2 * kPackedBytes];
      r.read(out, 2);
      r.finish();
    });
    CHECK_THAT(m, Catch::Contains("bad.memh") && Catch::Contains(c.message));
  }
}

TEST_CASE("readmemh: a comment straight after a word across the 64 KiB read buffer", "[hardening][dut]") {
  // The reader steps back one byte when a word ends in '/'; place that '/' as the first byte of
  // the second 64 KiB buffer and as the last of the first, and check both blocks still read.
  for (size_t slash_at : {size_t{65536}, size_t{65535}}) {
    const std::string word = std::string(70, '0') + "01";
    std::string text = word + "\n";
    text += std::string(slash_at - text.size() - word.size(), ' ');
    text += word + "/* tail comment */ " + word + "\n";
    REQUIRE(text.find('/') == slash_at);
    DutReader r(memory_source(text.data(), text.size(), "edge.memh"), DutFormat::Readmemh, 3);
    uint8_t out[3 * kPackedBytes];
    REQUIRE(r.read(out, 3) == 3);
    r.finish();
    for (int k = 0; k < 3; ++k) CHECK(out[k * kPackedBytes] == 1);
  }
}

TEST_CASE("raw DUT file: a block count whose byte size wraps is refused", "[hardening][dut]") {
  // 2^62 blocks x 36 bytes wraps to 0 mod 2^64: an empty file must not look the right size.
  const uint8_t none[1] = {0};
  const std::string m = rejection<DutFileError>(
      [&] { DutReader r(memory_source(none, 0, "empty.bin"), DutFormat::Raw, uint64_t{1} << 62); });
  CHECK_THAT(m, Catch::Contains("empty.bin") && Catch::Contains("more blocks than a file can hold"));
}

// ---- safetensors ------------------------------------------------------------------------

namespace {
std::vector<uint8_t> st_image(const std::string& json, size_t data_bytes) {
  std::vector<uint8_t> b(8 + json.size() + data_bytes, 0);
  put_le(b, 0, json.size(), 8);
  std::memcpy(b.data() + 8, json.data(), json.size());
  return b;
}
std::string st_error(const std::vector<uint8_t>& b) {
  return rejection<hif4::Error>([&] { st::parse_file_image(b.data(), b.size(), "hostile.safetensors"); });
}
}  // namespace

TEST_CASE("safetensors: header lengths of 2^64-1, 100 MB + 1 and past the end are refused unread",
          "[hardening][safetensors]") {
  std::vector<uint8_t> b = st_image("{}", 0);
  for (uint64_t n : {~uint64_t{0}, st::kMaxHeaderBytes + 1}) {
    put_le(b, 0, n, 8);
    CHECK_THAT(st_error(b), Catch::Contains("above the limit"));
  }
  put_le(b, 0, st::kMaxHeaderBytes, 8);
  CHECK_THAT(st_error(b), Catch::Contains("runs past the end"));
  const uint8_t seven[7] = {};
  CHECK_THAT(rejection<hif4::Error>([&] { st::parse_file_image(seven, 7, "short"); }),
             Catch::Contains("too short"));
}

TEST_CASE("safetensors: shapes whose size overflows are refused", "[hardening][safetensors]") {
  // 2^32 x 2^32 elements wraps to 0; 2^62 BF16 elements is 2^63 bytes; 2^61 x 16 bits wraps.
  for (const char* shape : {"[4294967296, 4294967296]", "[4611686018427387904]", "[2305843009213693952, 4]"}) {
    const std::string json = std::string("{\"w\":{\"dtype\":\"BF16\",\"shape\":") + shape +
                             ",\"data_offsets\":[0,0]}}";
    CHECK_THAT(st_error(st_image(json, 0)), Catch::Contains("too large"));
  }
}

TEST_CASE("safetensors: offsets outside, overlapping or leaving gaps are refused", "[hardening][safetensors]") {
  const struct {
    const char* json;
    size_t data;
    const char* message;
  } cases[] = {
      {R"({"w":{"dtype":"U8","shape":[4],"data_offsets":[0,18446744073709551615]}})", 4, "outside the data area"},
      {R"({"w":{"dtype":"U8","shape":[4],"data_offsets":[4,0]}})", 4, "end before they begin"},
      {R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}})",
       4, "overlap"},
      {R"({"a":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}})", 4, "belong to no tensor"},
      {R"({"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}})", 4, "account for"},
      {R"({"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"a":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}})",
       4, "twice"},
      {R"({"a":{"dtype":"U8","shape":[-2],"data_offsets":[0,2]}})", 2, "not a non-negative integer"},
      {R"({"a":{"dtype":"U8","shape":[2.5],"data_offsets":[0,2]}})", 2, "not a non-negative integer"},
      {R"({"a":{"dtype":"F4","shape":[3],"data_offsets":[0,2]}})", 2, "whole number of bytes"},
      {R"({"__metadata__":{"k":1}})", 0, "not a string"},
      {R"({"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}} trailing)", 2, "not valid JSON"},
      {"{\"a\":\"\xff\xfe\"}", 0, "not valid JSON"},
  };
  for (const auto& c : cases) CHECK_THAT(st_error(st_image(c.json, c.data)), Catch::Contains(c.message));
}

TEST_CASE("safetensors: a megabyte of open brackets is refused without deep recursion or a big tree",
          "[hardening][safetensors]") {
  const std::string json(1u << 20, '[');
  CHECK_THAT(st_error(st_image(json, 0)), Catch::Contains("nests deeper"));
}

// ---- files that are not files -----------------------------------------------------------

TEST_CASE("a FIFO given as an input is refused, not waited on", "[hardening][files]") {
  // open() of a FIFO with no writer blocks forever; every reader must refuse it instead.
  const std::string dir = temp_dir();
  const std::string fifo = dir + "/pipe";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK_THAT(rejection<hif4::Error>([&] { VectorReader r(fifo); }),
             Catch::Contains(fifo) && Catch::Contains("not a regular file"));
  CHECK_THAT(rejection<hif4::Error>([&] { hif4::InputFile f(fifo); }),
             Catch::Contains(fifo) && Catch::Contains("not a regular file"));
  CHECK_THAT(rejection<hif4::Error>([&] { st::MappedFile f(fifo); }),
             Catch::Contains(fifo) && Catch::Contains("not a regular file"));
  const std::string index = dir + "/model.safetensors.index.json";
  REQUIRE(::mkfifo(index.c_str(), 0600) == 0);
  CHECK_THAT(rejection<hif4::Error>([&] { st::open_checkpoint(index); }),
             Catch::Contains(index) && Catch::Contains("not a regular file"));
  ::unlink(index.c_str());
  ::unlink(fifo.c_str());
  ::rmdir(dir.c_str());
}

TEST_CASE("a safetensors index above 100 MB is refused unread", "[hardening][files]") {
  // A sparse file: costs no disk, but reading it whole would take 100 MB of memory.
  const std::string dir = temp_dir();
  const std::string index = dir + "/big.safetensors.index.json";
  std::ofstream(index).close();
  REQUIRE(::truncate(index.c_str(), static_cast<off_t>(st::kMaxHeaderBytes + 1)) == 0);
  CHECK_THAT(rejection<hif4::Error>([&] { st::open_checkpoint(index); }),
             Catch::Contains(index) && Catch::Contains("above the limit"));
  ::unlink(index.c_str());
  ::rmdir(dir.c_str());
}

TEST_CASE("a directory or an empty file given as a safetensors file is refused", "[hardening][files]") {
  const std::string dir = temp_dir();
  CHECK_THAT(rejection<hif4::Error>([&] { st::MappedFile f(dir); }), Catch::Contains(dir));
  const std::string empty = dir + "/empty.safetensors";
  std::ofstream(empty).close();
  CHECK_THAT(rejection<hif4::Error>([&] { st::MappedFile f(empty); }),
             Catch::Contains(empty) && Catch::Contains("too short"));
  ::unlink(empty.c_str());
  ::rmdir(dir.c_str());
}

// ---- command line -----------------------------------------------------------------------

TEST_CASE("numbers: overflow, signs and junk are refused", "[hardening][cli]") {
  for (const char* text : {"18446744073709551616", "0x10000000000000000", "-1", "", "0x", "1 ", " 1",
                           "99999999999999999999999"}) {
    CHECK_THAT(rejection<hif4::Error>([&] { hif4::parse_u64("--count", text); }), Catch::Contains("--count"));
  }
  CHECK(hif4::parse_u64("--count", "18446744073709551615") == ~uint64_t{0});
  for (const char* text : {"", "1e999999", "abc", "1.5x"})
    CHECK_THAT(rejection<hif4::Error>([&] { hif4::parse_double("--scale", text); }), Catch::Contains("--scale"));
}

TEST_CASE("knob settings (--set): malformed assignments are refused", "[hardening][cli]") {
  for (const char* s : {"", "=", "scale-rounding", "scale-rounding=", "=nearest-even", "no-such-knob=x",
                        "scale-rounding=nearest-even=x"}) {
    Config c = find_profile("seed").config;
    CHECK_THROWS_AS(apply_setting(c, s), ConfigError);
  }
}
