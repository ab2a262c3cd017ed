// Shards: the split rule, sharded generation plans, a shard's file (format version 2), the
// merge of shard files, skipping inside a file, and seekable random blocks. The command-line
// identities (files and summaries for N = 1, 3, 7) are tests/cli/test_shards.sh.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>

#include "hif4/corner_blocks.h"
#include "hif4/shard.h"
#include "hif4/suites.h"
#include "hif4/vector_file.h"
#include "hif4/vector_merge.h"
#include "message_of.h"
#include "test_files.h"

using namespace hif4;

namespace {

using Bytes = std::vector<uint8_t>;
__extension__ typedef unsigned __int128 U128;  // GCC/Clang: exact K * T for the split rule's oracle

// The file `hif4 gen` writes for a plan (a whole plan or a shard's), in memory.
Bytes generate_bytes(const GenerationPlan& plan, const std::string& selection, unsigned level, uint32_t per_frame = 8) {
  const Config cfg = find_profile("gcc").config;
  VectorHeader h = make_header(plan, selection, level, 5, "gcc", cfg);
  h.records_per_frame = per_frame;
  Bytes bytes;
  VectorWriter w(h, [&](const void* p, size_t n) {
    bytes.insert(bytes.end(), static_cast<const uint8_t*>(p), static_cast<const uint8_t*>(p) + n);
  });
  generate(plan, 5, level, cfg, reference_expected,
           [&](const GeneratedChunk& c) { w.write(c.inputs, c.expected, c.first_record, c.count); }, 5);
  w.finish();
  return bytes;
}

VectorReader reader_of(const Bytes& b) { return VectorReader(memory_source(b.data(), b.size(), "shard.hif4v")); }

// Files in a folder removed at the end of the test.
struct TempFolder {
  std::string path;
  TempFolder() {
    char t[] = "/tmp/hif4-test-shards.XXXXXX";
    path = mkdtemp(t);
  }
  ~TempFolder() {
    const std::string cmd = "rm -rf '" + path + "'";
    if (std::system(cmd.c_str()) != 0) std::fprintf(stderr, "could not remove %s\n", path.c_str());
  }
  std::string put(const std::string& name, const Bytes& b) const {
    const std::string p = path + "/" + name;
    std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
    return p;
  }
};

Bytes merged_bytes(const std::vector<std::string>& paths) {
  VectorMerge m(paths);
  Bytes out;
  m.write([&](const void* p, size_t n) {
    out.insert(out.end(), static_cast<const uint8_t*>(p), static_cast<const uint8_t*>(p) + n);
  });
  return out;
}

uint32_t header_size(const Bytes& b) { return b[12] | b[13] << 8 | b[14] << 16 | static_cast<uint32_t>(b[15]) << 24; }
void fix_header_crc(Bytes& b) {
  const uint32_t h = header_size(b), crc = crc32_update(0, b.data(), h - 4);
  for (int i = 0; i < 4; ++i) b[h - 4 + i] = static_cast<uint8_t>(crc >> (8 * i));
}

}  // namespace

TEST_CASE("shard K of N: contiguous, in order, every block once, sizes within one", "[vectors][shards]") {
  for (uint64_t total : {0ull, 1ull, 2ull, 6ull, 7ull, 100ull, 40746ull, (1ull << 44) + 12345})
    for (uint32_t n : {1u, 2u, 3u, 7u, 64u, kMaxShards}) {
      INFO(total << " blocks, " << n << " shards");
      // floor(K * T / N), computed here in 128 bits.
      const auto floor_of = [&](uint64_t k) { return static_cast<uint64_t>(static_cast<U128>(k) * total / n); };
      // Every shard of a small N; the first, the middle and the last of the largest.
      std::vector<uint32_t> ks;
      for (uint32_t k = 0; k < n; ++k)
        if (n <= 64 || k == 0 || k == n / 2 || k == n - 1) ks.push_back(k);
      uint64_t covered = 0;
      for (uint32_t k : ks) {
        const ShardRange r = shard_range(total, {k, n});
        REQUIRE(r.first == floor_of(k));
        REQUIRE(r.first + r.count == floor_of(k + 1));
        REQUIRE(r.count >= total / n);
        REQUIRE(r.count <= total / n + 1);
        covered += r.count;
      }
      if (n <= 64) CHECK(covered == total);
    }
}

TEST_CASE("shard option K/N is parsed strictly", "[vectors][shards]") {
  CHECK(parse_shard("--shard", "0/1") == Shard{0, 1});
  CHECK(parse_shard("--shard", "6/7") == Shard{6, 7});
  for (const char* bad : {"", "3", "3/", "/3", "3/3", "4/3", "0/0", "-1/3", "1/3x", "1 /3", "0/2000000", "a/b"})
    CHECK_THAT(test::message_of<Error>([&] { parse_shard("--shard", bad); }), Catch::Contains("--shard"));
}

TEST_CASE("the shards' plans add up to the whole plan, record for record", "[vectors][shards]") {
  for (const char* selection : {"all", "tiny"}) {
    const GenerationPlan whole = make_plan(selection, 1, 37);
    const Bytes whole_bytes = generate_bytes(whole, selection, 1);
    const std::vector<VectorRecord> want = [&] {
      VectorReader r = reader_of(whole_bytes);
      return read_all_records(r);
    }();
    for (uint32_t n : {1u, 3u, 7u, 400u}) {
      std::vector<VectorRecord> got;
      for (uint32_t k = 0; k < n; ++k) {
        const GenerationPlan plan = shard_plan(whole, {k, n});
        const Bytes b = generate_bytes(plan, selection, 1);
        VectorReader r = reader_of(b);
        const VectorHeader& h = r.header();
        REQUIRE(h.is_part() == (n > 1));
        REQUIRE(h.whole_record_count() == whole.total());
        for (const VectorRecord& rec : read_all_records(r)) got.push_back(rec);
      }
      REQUIRE(got.size() == want.size());
      for (size_t i = 0; i < got.size(); ++i) {
        INFO(selection << ", " << n << " shards, record " << i);
        REQUIRE(std::memcmp(got[i].input, want[i].input, sizeof want[i].input) == 0);
        REQUIRE(std::memcmp(got[i].expected, want[i].expected, sizeof want[i].expected) == 0);
        REQUIRE(got[i].block_index == i);  // the whole run's record number
      }
    }
  }
}

TEST_CASE("merging the shards' files gives the whole file byte for byte", "[vectors][shards]") {
  TempFolder dir;
  const GenerationPlan whole = make_plan("all", 1, 23);
  const Bytes whole_bytes = generate_bytes(whole, "all", 1);
  for (uint32_t n : {1u, 3u, 7u}) {
    std::vector<std::string> paths;
    for (uint32_t k = n; k-- > 0;)  // given in reverse order: merge sorts by K
      paths.push_back(dir.put("s" + std::to_string(k) + "of" + std::to_string(n),
                              generate_bytes(shard_plan(whole, {k, n}), "all", 1)));
    CHECK(merged_bytes(paths) == whole_bytes);
  }

  // What merge refuses: a missing shard, a repeated one, shards of another run, a damaged one.
  std::vector<std::string> three;
  for (uint32_t k = 0; k < 3; ++k) three.push_back(dir.path + "/s" + std::to_string(k) + "of3");
  CHECK_THAT(test::message_of<VectorFileError>([&] { VectorMerge({three[0], three[2]}); }),
             Catch::Contains("shard 1 of 3 missing"));
  CHECK_THAT(test::message_of<VectorFileError>([&] { VectorMerge({three[0], three[1], three[1], three[2]}); }),
             Catch::Contains("both shard 1/3"));
  CHECK_THAT(test::message_of<VectorFileError>([&] { VectorMerge({three[0], three[1], dir.path + "/s2of7"}); }),
             Catch::Contains("not shards of one run") && Catch::Contains("shard count 3 vs 7"));
  const GenerationPlan other = make_plan("all", 1, 24);
  const std::string foreign = dir.put("other", generate_bytes(shard_plan(other, {2, 3}), "all", 1));
  CHECK_THAT(test::message_of<VectorFileError>([&] { VectorMerge({three[0], three[1], foreign}); }),
             Catch::Contains("whole run of " + std::to_string(whole.total()) + " vs " + std::to_string(other.total()) +
                             " records"));
  Bytes damaged = test::read_bytes(three[1]);
  damaged[header_size(damaged) + 100] ^= 0x10;  // a bit of the first record
  const std::string bad = dir.put("damaged", damaged);
  CHECK_THAT(test::message_of<VectorFileError>([&] { merged_bytes({three[0], bad, three[2]}); }),
             Catch::Contains("CRC mismatch in frame 0") && Catch::Contains("damaged"));
}

TEST_CASE("a shard's file: version 2, its part checked against the split rule", "[vectors][shards]") {
  const GenerationPlan whole = make_plan("all", 1, 10);
  const uint64_t total = whole.total();  // 10 records a suite
  const ShardRange mine = shard_range(total, {1, 3});
  const auto text = [](uint64_t x) { return std::to_string(x); };
  Bytes b = generate_bytes(shard_plan(whole, {1, 3}), "all", 1);
  CHECK(b[8] == 2);
  VectorReader r = reader_of(b);
  CHECK(r.header().part.shard == Shard{1, 3});
  CHECK(r.header().part.first_record == mine.first);
  CHECK(r.header().record_count == mine.count);
  CHECK_THAT(format_header(r.header()), Catch::Contains("shard 1/3: records " + text(mine.first) + ".." +
                                                        text(mine.first + mine.count - 1) + " of the whole run's " +
                                                        text(total)));
  // The part section is the last 24 bytes before the header CRC: K, N, first record, whole.
  const size_t part = header_size(b) - 4 - 24;
  const auto error_after = [&](size_t offset, uint8_t value) {
    Bytes x = b;
    x[offset] = value;
    fix_header_crc(x);
    return test::message_of<VectorFileError>([&] { reader_of(x); });
  };
  const uint64_t off_by_one = mine.first + 1;  // the first record's low byte, one more
  REQUIRE(off_by_one < 256);
  CHECK_THAT(error_after(part + 8, static_cast<uint8_t>(off_by_one)),
             Catch::Contains("shard 1/3 of " + text(total) + " records is records " + text(mine.first) + ".." +
                             text(mine.first + mine.count)) &&
                 Catch::Contains("not " + text(off_by_one) + ".." + text(off_by_one + mine.count)));
  CHECK_THAT(error_after(part, 3), Catch::Contains("shard 3 of 3 is out of range"));
  CHECK_THAT(error_after(part + 4, 1), Catch::Contains("a version-2 file must be a shard of 2 or more"));
  // A whole file (version 1) is unchanged by the part section's existence.
  const Bytes whole_bytes = generate_bytes(whole, "all", 1);
  CHECK(whole_bytes[8] == 1);
  CHECK(!reader_of(whole_bytes).header().is_part());
}

TEST_CASE("VectorReader::skip lands on the record it names, across frames", "[vectors][shards]") {
  const Bytes b = generate_bytes(make_plan("tiny", 1, 45), "tiny", 1, 8);  // frames of 8 records
  std::vector<VectorRecord> all;
  {
    VectorReader r = reader_of(b);
    all = read_all_records(r);
  }
  for (uint64_t first : {0u, 1u, 7u, 8u, 9u, 16u, 23u, 40u, 44u, 45u}) {
    for (uint64_t then : {0u, 3u, 8u, 17u}) {
      VectorReader r = reader_of(b);
      r.skip(first);
      VectorRecord rec;
      if (first < all.size()) {
        REQUIRE(r.next(rec));
        REQUIRE(rec.block_index == first);
      }
      r.skip(then);
      const uint64_t at = std::min<uint64_t>(first + (first < all.size()) + then, all.size());
      REQUIRE(r.position() == at);
      if (at < all.size()) {
        REQUIRE(r.next(rec));
        REQUIRE(std::memcmp(rec.input, all[at].input, sizeof rec.input) == 0);
      } else {
        REQUIRE(!r.next(rec));
      }
    }
  }
}

TEST_CASE("random corner blocks: block b is the same however it is reached", "[vectors][shards]") {
  constexpr size_t kBlocks = 300;
  std::vector<uint16_t> stream(kBlocks * kBlockValues);
  CornerBlocks(42).fill(stream.data(), kBlocks);
  for (uint64_t b : {0u, 1u, 63u, 64u, 200u, 299u}) {
    uint16_t one[kBlockValues];
    CornerBlocks at(42, b);
    CHECK(at.position() == b);
    at.next(one);
    CHECK(at.position() == b + 1);
    CHECK(std::memcmp(one, &stream[b * kBlockValues], sizeof one) == 0);
    CornerBlocks seeking(42);
    seeking.seek(b);
    seeking.next(one);
    CHECK(std::memcmp(one, &stream[b * kBlockValues], sizeof one) == 0);
  }
  // Another seed, other blocks.
  uint16_t other[kBlockValues];
  CornerBlocks(43).next(other);
  CHECK(std::memcmp(other, stream.data(), sizeof other) != 0);
}

TEST_CASE("level 3 is level 2 with 10^9 random records", "[vectors][shards]") {
  for (const Suite& s : suites()) {
    INFO(s.name);
    CHECK(suite_count(s, 3) == (std::string(s.name) == "random" ? kLevel3RandomRecords : suite_count(s, 2)));
  }
  const GenerationPlan p3 = make_plan("all", 3, 0), p2 = make_plan("all", 2, 0);
  CHECK(p3.total() == p2.total() - suite_count(find_suite("random"), 2) + kLevel3RandomRecords);
  CHECK_THAT(test::message_of<SuiteError>([] { make_plan("all", 4, 0); }), Catch::Contains("level must be 1, 2 or 3"));
  // A level-3 shard of a suite starts deep inside it, and its records are the whole run's.
  const GenerationPlan shard = shard_plan(make_plan("random", 3, 0), {999, 1000});
  REQUIRE(shard.runs.size() == 1);
  CHECK(shard.runs[0].first == kLevel3RandomRecords / 1000 * 999);
  CHECK(shard.total() == kLevel3RandomRecords / 1000);
}
