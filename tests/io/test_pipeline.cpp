// run_pipeline: the three stages give what a plain read-work-write loop gives, for any number
// of slots, and a failure in any stage stops the others and reaches the caller.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <vector>

#include "hif4/pipeline.h"

namespace {

// Items 0..total-1 through the pipeline: read numbers them, work squares them (knowing the
// index of its first item), write appends them. `fail_at` names a stage and a slot visit.
std::vector<uint64_t> run(unsigned slots, size_t slot_items, uint64_t total, const char* fail_stage = "",
                          uint64_t fail_visit = 0) {
  std::vector<std::vector<uint64_t>> buf(slots, std::vector<uint64_t>(slot_items));
  std::vector<uint64_t> written;
  uint64_t next = 0, reads = 0, works = 0, writes = 0;
  hif4::PipelineStages s;
  s.read = [&](unsigned slot) {
    if (std::string(fail_stage) == "read" && reads++ == fail_visit) throw std::runtime_error("read failed");
    size_t n = 0;
    while (n < slot_items && next < total) buf[slot][n++] = next++;
    return n;
  };
  s.work = [&](unsigned slot, size_t n, uint64_t first) {
    if (std::string(fail_stage) == "work" && works++ == fail_visit) throw std::runtime_error("work failed");
    for (size_t i = 0; i < n; ++i) {
      REQUIRE(buf[slot][i] == first + i);
      buf[slot][i] *= buf[slot][i];
    }
  };
  s.write = [&](unsigned slot, size_t n) {
    if (std::string(fail_stage) == "write" && writes++ == fail_visit) throw std::runtime_error("write failed");
    written.insert(written.end(), buf[slot].begin(), buf[slot].begin() + static_cast<std::ptrdiff_t>(n));
  };
  hif4::run_pipeline(slots, slot_items, s);
  return written;
}

}  // namespace

TEST_CASE("run_pipeline: every item once, in order, for any number of slots", "[io][pipeline]") {
  for (unsigned slots : {1u, 2u, 3u, 4u, 7u})
    for (uint64_t total : {0ull, 1ull, 99ull, 100ull, 101ull, 1000ull}) {
      const std::vector<uint64_t> out = run(slots, 10, total);
      REQUIRE(out.size() == total);
      for (uint64_t i = 0; i < total; ++i) REQUIRE(out[i] == i * i);
    }
}

TEST_CASE("run_pipeline: a failing stage stops the run and its error reaches the caller", "[io][pipeline]") {
  for (unsigned slots : {1u, 3u, 5u})
    for (const char* stage : {"read", "work", "write"}) {
      INFO(stage << " with " << slots << " slots");
      CHECK_THROWS_WITH(run(slots, 10, 1000, stage, 4), std::string(stage) + " failed");
    }
}
