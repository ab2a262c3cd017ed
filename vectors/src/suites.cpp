// The input suites of `hif4 gen` (see suites.h and docs/vectors.md).
//
// Where a suite aims at a corner of the datapath (an E6M2 tie, an E1 threshold, a payload
// tie), it finds the input with the model's own stage functions (scale_factor,
// threshold_product, round_to_bf16) by searching BF16 bit patterns, so the corner is exactly
// where the model puts it and no formula of ours can drift from the spec.
#include "hif4/suites.h"

#include <algorithm>
#include <future>
#include <system_error>

#include "hif4/bf16.h"
#include "hif4/block.h"
#include "hif4/parallel.h"
#include "hif4/rng.h"
#include "hif4/simd.h"
#include "hif4/stages.h"
#include "pool_lanes.h"

namespace hif4 {
namespace {

constexpr uint16_t kMaxFinite = 0x7F7F;  // largest finite BF16 magnitude

// ---- helpers ----------------------------------------------------------------------------

uint16_t with_sign(uint16_t mag, bool negative) {
  return static_cast<uint16_t>(mag | (negative ? kBf16SignMask : 0));
}

// A random magnitude pattern in [0, mag] (uniform over bit patterns: spread over binades).
uint16_t random_at_most(Rng& rng, uint16_t mag) {
  return static_cast<uint16_t>(rng.below(uint64_t{mag} + 1));
}

uint16_t random_signed_at_most(Rng& rng, uint16_t mag) {
  return with_sign(random_at_most(rng, mag), rng.coin());
}

// x * 2^k, clamped to the largest finite value instead of overflowing to Inf (the random
// suites stay finite; the non-finite suite makes its infinities on purpose).
uint16_t scale_finite(uint16_t x, int k) {
  const uint16_t r = bf16_scale_pow2(x, k);
  if ((r & kBf16MagnitudeMask) >= kBf16Inf) return with_sign(kMaxFinite, bf16_sign(x));
  return r;
}

// The exact BF16 pattern of a dyadic known to be representable (E6M2 values and small
// multiples of them are: 3 significant bits).
uint16_t bf16_of(Dyadic v) { return round_to_bf16(v); }

// A normal, nonzero BF16 times 2^s, rounded to nearest even once: the exponent add when the
// result stays normal, an integer shift of the significand into the subnormal range below,
// and the largest finite value above (the random suites stay finite). Equals
// scale_finite(v, s) for every such v (tests/vectors checks it), at a fraction of the cost.
//
// All three results are computed and one is selected, without a branch on the lane's value
// (the lanes of a block straddle the ranges at random). Below the normal range the shift is
// clamped to 10: any shift of 10 or more leaves 0 (sig + 2^9 - 1 < 2^10), the signed zero.
inline uint16_t scale_pool_value(uint16_t v, int s) {
  const int field = ((v >> 7) & 0xFF) + s;
  const uint16_t sign = static_cast<uint16_t>(v & kBf16SignMask);
  const uint16_t normal = static_cast<uint16_t>(v + s * 128);
  const uint16_t overflow = static_cast<uint16_t>(sign | kMaxFinite);
  const int wanted_shift = 1 - field;  // significand bits below 2^-133 (when field < 1)
  const unsigned shift = static_cast<unsigned>(wanted_shift < 1 ? 1 : (wanted_shift > 10 ? 10 : wanted_shift));
  const uint32_t sig = 128u + (v & 0x7Fu);
  const uint32_t r = (sig + (1u << (shift - 1)) - 1u + ((sig >> shift) & 1u)) >> shift;
  const uint16_t subnormal = static_cast<uint16_t>(sign | r);  // r = 128 is the smallest normal
  return field > 254 ? overflow : (field >= 1 ? normal : subnormal);
}

// ---- pool lanes ---------------------------------------------------------------------------
//
// The random lanes of every suite come from 8 random words, one 32-bit field per group of 4
// lanes (an E1_16 group): group 2w is the low half of word w, group 2w + 1 the high half
// (pool_window_start, lane_sign, lane_extra in rng.h). A group's magnitudes are the pool
// entries s, s+1, s+2, s+3 from its window start s; each lane has its own sign, and 3 extra
// bits left to the suite (the random suite's per-lane magnitude and sparse shapes use them).
constexpr unsigned kLaneWords = kGroups16 / 2;

uint32_t group_field(const uint64_t words[kLaneWords], unsigned group) {
  return static_cast<uint32_t>(words[group / 2] >> (32 * (group % 2)));
}

// The words of a block's lanes, drawn from the RNG in order. (Drawn from a local copy of the
// generator: its state then stays in registers, where stores to `words`, which might alias
// it, would otherwise make the compiler store and reload it on every draw.)
void draw_lane_words(Rng& rng, uint64_t words[kLaneWords]) {
  Rng local = rng;
  for (unsigned w = 0; w < kLaneWords; ++w) words[w] = local.next();
  rng = local;
}

using suite_detail::LaneShift;

// Whether every pool magnitude times 2^(k - s), 0 <= s <= max_lane_shift(shift), is a normal
// BF16.
bool pool_stays_normal(const SamplePool& pool, int k, LaneShift shift) {
  return pool.min_exponent_field + k - suite_detail::max_lane_shift(shift) >= 1 && pool.max_exponent_field + k <= 254;
}

// The definition of a block's pool lanes: lane 4g + j = sign * magnitude * 2^(k - lane shift);
// with `sparse`, lanes whose extra bits are below 4 keep only their sign, +0 or -0. When every
// lane stays normal (most blocks), the scaling is a plain exponent add. No branch on the random
// bits.
void pool_lanes(const SamplePool& pool, const uint64_t words[kLaneWords], int k, LaneShift shift,
                uint64_t group_bits, bool sparse, uint16_t out[kBlockValues]) {
  auto each_lane = [&](auto scale) {
    for (unsigned group = 0; group < kGroups16; ++group) {
      const uint32_t g = group_field(words, group);
      const uint16_t* window = pool.magnitudes + pool_window_start(g);
      for (unsigned j = 0; j < kValuesPerGroup16; ++j) {
        const unsigned extra = lane_extra(g, j);
        const int e = k - suite_detail::lane_shift_of(shift, group_bits, group, extra);
        const uint16_t keep = (sparse && extra < 4) ? kBf16SignMask : 0xFFFF;
        out[kValuesPerGroup16 * group + j] = static_cast<uint16_t>((scale(window[j], e) | lane_sign(g, j)) & keep);
      }
    }
  };
  if (pool_stays_normal(pool, k, shift)) each_lane([](uint16_t mag, int e) { return static_cast<uint16_t>(mag + e * 128); });
  else each_lane([](uint16_t mag, int e) { return scale_pool_value(mag, e); });
}

// A block of pool values at 2^k, lanes from the record's RNG (the suites that want a plain
// random background).
void fill_from_pool(Rng& rng, const SamplePool& pool, int k, uint16_t out[kBlockValues]) {
  uint64_t words[kLaneWords];
  draw_lane_words(rng, words);
  pool_lanes(pool, words, k, LaneShift::None, 0, false, out);
}

// For every positive BF16 value SF (bit pattern), the range of peaks Vmax with
// scale_factor(Vmax) == SF. scale_factor is monotone in the pattern, so ranges are contiguous.
struct ScaleInverse {
  uint16_t first[0x8000];
  uint16_t last[0x8000];
};

const ScaleInverse& scale_inverse() {
  static const ScaleInverse* table = [] {
    auto* t = new ScaleInverse{};
    for (uint32_t v = 1; v <= kMaxFinite; ++v) {
      const uint16_t sf = scale_factor(static_cast<uint16_t>(v));
      if (t->first[sf] == 0) t->first[sf] = static_cast<uint16_t>(v);
      t->last[sf] = static_cast<uint16_t>(v);
    }
    return t;
  }();
  return *table;
}

// A peak whose SF is `sf`, or the next reachable SF above it (some SF values are between the
// products of consecutive peaks). Returns the peak's magnitude pattern.
uint16_t peak_for_sf(Rng& rng, uint16_t sf) {
  const ScaleInverse& inv = scale_inverse();
  for (uint32_t s = sf; s < kBf16Inf; ++s)
    if (inv.first[s]) return static_cast<uint16_t>(inv.first[s] + rng.below(inv.last[s] - inv.first[s] + 1u));
  return kMaxFinite;
}

// The smallest positive BF16 pattern v for which pred(v) holds (pred monotone in v over
// 0..kMaxFinite), or kMaxFinite + 1 if none.
template <typename Pred>
uint32_t first_pattern(Pred pred) {
  uint32_t lo = 0, hi = kMaxFinite + 1u;
  while (lo < hi) {
    const uint32_t mid = (lo + hi) / 2;
    if (pred(static_cast<uint16_t>(mid))) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

uint16_t clamp_pattern(int64_t p) {
  return static_cast<uint16_t>(std::clamp<int64_t>(p, 0, kMaxFinite));
}

// Exact comparison of two dyadics: -1, 0, +1.
int compare_dyadic(Dyadic a, Dyadic b) {
  if (a.sig == 0 || b.sig == 0) return (a.sig != 0) - (b.sig != 0);
  const int ta = msb_index(a.sig) + a.exp, tb = msb_index(b.sig) + b.exp;
  if (ta != tb) return ta < tb ? -1 : 1;
  // Same leading binade: align both to the smaller exponent. The shifted operand's top bit
  // lands where the other's already is (below bit 64), so 64 bits hold both.
  const int e = std::min(a.exp, b.exp);
  const uint64_t x = a.sig << (a.exp - e);
  const uint64_t y = b.sig << (b.exp - e);
  return x < y ? -1 : (x > y ? 1 : 0);
}

Dyadic product(uint16_t v, uint16_t rec, ProductMode mode) {
  const Dyadic a = bf16_to_dyadic(v), b = bf16_to_dyadic(rec);
  Dyadic p{a.sig * b.sig, a.exp + b.exp};
  if (mode == ProductMode::Bf16 && p.sig) p = bf16_to_dyadic(round_to_bf16(p));
  return p;
}

// The BF16 pattern of an E6M2 code's value, and a peak that makes the block's scale that code
// under every scale-rounding mode (SF exactly the code's value, when some peak gives it).
struct PinnedScale {
  uint8_t code;
  uint16_t value;  // BF16 pattern of the E6M2 value
  uint16_t rec;    // e6m2_reciprocal(code)
  uint16_t peak;   // magnitude pattern
};

PinnedScale pin_scale(Rng& rng, uint8_t code) {
  PinnedScale p;
  p.code = code;
  p.value = bf16_of(e6m2_value(code));
  p.rec = e6m2_reciprocal(code);
  p.peak = peak_for_sf(rng, p.value);
  return p;
}

// Codes the level-1 threshold and payload suites use: both ends of the E6M2 range and the
// middle, each with all four mantissas (the four reciprocal table entries).
std::vector<uint8_t> level_codes(unsigned level, std::initializer_list<int> level1_exponents) {
  std::vector<uint8_t> codes;
  if (level >= 2) {
    for (unsigned c = 0; c < kE6M2NaN; ++c) codes.push_back(static_cast<uint8_t>(c));
    return codes;
  }
  for (int e : level1_exponents)
    for (unsigned m = 0; m < 4; ++m) {
      const unsigned c = static_cast<unsigned>(e + kE6M2Bias) * 4 + m;
      if (c < kE6M2NaN) codes.push_back(static_cast<uint8_t>(c));
    }
  return codes;
}

// ---- random -----------------------------------------------------------------------------

// A value in [0, n) from a 16-bit field: (field * n) >> 16. Every value gets floor or ceil of
// 65536 / n of the fields: not exactly uniform (n = 291 favours some values by 1 part in 225),
// which test inputs do not need, and one multiply.
constexpr unsigned field_below(uint64_t field16, unsigned n) {
  return static_cast<unsigned>(((field16 & 0xFFFF) * n) >> 16);
}

// Record layout (generator version 3), words of the record's RNG stream in order:
//   word 0 (parameters): bits 0-15 the distribution (field_below 5); bits 16-17 the magnitude
//     range (0: wide 2^-150..2^140, else everyday 2^-24..2^24); bits 18-33 k within the range;
//     bits 34-36 the shape;
//   word 1: the group shifts of the group shape, 3 bits per group of 4 (bits 3j..3j+2);
//   words 2-9: the lanes, two groups of 4 per word (pool lanes above).
// Shapes: 0-3 all lanes at 2^k; 4-5 each group of 4 at 2^(k - 0..7) (E1 bits vary); 6 sparse,
// lanes whose extra bits are below 4 become +0 or -0 (their sign); 7 each lane at
// 2^(k - 2 * extra), 2^0..2^-14 below the block's magnitude.
void make_random(RecordContext& c, uint16_t out[kBlockValues]) {
  Rng& rng = c.rng;
  const uint64_t params = rng.next();
  const uint64_t group_bits = rng.next();
  const SamplePool& pool = sample_pool(static_cast<Distribution>(field_below(params, kDistributionCount)));
  const bool wide = ((params >> 16) & 3) == 0;
  const int k = wide ? -150 + static_cast<int>(field_below(params >> 18, 291))
                     : -24 + static_cast<int>(field_below(params >> 18, 49));
  const unsigned shape = static_cast<unsigned>(params >> 34) & 7;
  // By table, not by branches: the shape changes from record to record at random.
  static constexpr LaneShift kShiftOfShape[8] = {LaneShift::None,   LaneShift::None,   LaneShift::None, LaneShift::None,
                                                 LaneShift::Groups, LaneShift::Groups, LaneShift::None, LaneShift::Lanes};
  const LaneShift shift = kShiftOfShape[shape];
  const bool sparse = shape == 6;
  // The AVX2 kernel makes the same lanes as pool_lanes. (It leaves `rng` where it was:
  // nothing is drawn after the lanes.)
  if (c.simd == SimdPath::Avx2) {
    suite_detail::pool_lanes_avx2(
        {pool.magnitudes, rng.state(), k, shift, group_bits, sparse, pool_stays_normal(pool, k, shift)}, out);
    return;
  }
  uint64_t words[kLaneWords];
  draw_lane_words(rng, words);
  pool_lanes(pool, words, k, shift, group_bits, sparse, out);
}

// ---- outlier ----------------------------------------------------------------------------

void make_outlier(RecordContext& c, uint16_t out[kBlockValues]) {
  Rng& rng = c.rng;
  const unsigned lane = static_cast<unsigned>(c.index % kBlockValues);
  const uint64_t variant = c.index / kBlockValues;
  fill_from_pool(rng, sample_pool(Distribution::Normal), static_cast<int>(rng.range(-12, 12)), out);
  out[lane] = 0;
  uint16_t bg_max = 0;
  for (unsigned i = 0; i < kBlockValues; ++i) bg_max = std::max<uint16_t>(bg_max, out[i] & kBf16MagnitudeMask);
  // 2^1 .. 2^24 above the largest background value, with a random mantissa.
  const int d = 1 + static_cast<int>((variant * 7 + rng.below(24)) % 24);
  const uint16_t big = scale_finite(static_cast<uint16_t>((bg_max & 0x7F80) | rng.below(128)), d);
  out[lane] = with_sign(big, (variant & 1) != 0);
}

// ---- peaks ------------------------------------------------------------------------------

constexpr uint64_t kPositiveFinite = kMaxFinite;  // patterns 0x0001 .. 0x7F7F

void make_peaks(RecordContext& c, uint16_t out[kBlockValues]) {
  Rng& rng = c.rng;
  const uint16_t peak = static_cast<uint16_t>(1 + c.index % kPositiveFinite);
  const unsigned lane = static_cast<unsigned>(rng.below(kBlockValues));
  const bool zeros = rng.below(4) == 0;  // a lone peak among zeros
  for (unsigned i = 0; i < kBlockValues; ++i) {
    if (zeros) out[i] = rng.coin() ? kBf16SignMask : 0;
    else out[i] = random_signed_at_most(rng, peak);
  }
  out[lane] = with_sign(peak, rng.coin());
}

// ---- peak ties --------------------------------------------------------------------------

void make_peak_ties(RecordContext& c, uint16_t out[kBlockValues]) {
  Rng& rng = c.rng;
  uint16_t p = sample_pool(Distribution::Normal).magnitudes[rng.below(kPoolSize)];
  p = scale_finite(p, static_cast<int>(rng.range(-30, 30)));
  if (p < 2) p = 2;  // a smaller neighbour must exist for the near-tie layout
  for (unsigned i = 0; i < kBlockValues; ++i) out[i] = random_signed_at_most(rng, static_cast<uint16_t>(p - 1));
  auto put = [&](unsigned lane, uint16_t mag) { out[lane] = with_sign(mag, rng.coin()); };
  const unsigned a = static_cast<unsigned>(rng.below(kBlockValues));
  switch (c.index % 8) {
    case 0:  // two lanes of one group of 4
      put(a, p);
      put((a & ~3u) | ((a + 1 + rng.below(3)) & 3u), p);
      break;
    case 1:  // the two groups of 4 of one group of 8
      put(a, p);
      put(((a ^ 4u) & ~3u) | static_cast<unsigned>(rng.below(4)), p);
      break;
    case 2:  // two different groups of 8
      put(a, p);
      put(static_cast<unsigned>((a + 8 * (1 + rng.below(7))) % kBlockValues), p);
      break;
    case 3:  // every lane
      for (unsigned i = 0; i < kBlockValues; ++i) put(i, p);
      break;
    case 4:  // one lane in each group of 8
      for (unsigned g = 0; g < kGroups8; ++g) put(g * 8 + static_cast<unsigned>(rng.below(8)), p);
      break;
    case 5:  // a whole group of 4
      for (unsigned l = 0; l < 4; ++l) put((a & ~3u) + l, p);
      break;
    case 6:  // a near tie: the peak and one BF16 step below it in another group of 8
      put(a, p);
      put(static_cast<unsigned>((a + 8 * (1 + rng.below(7))) % kBlockValues), static_cast<uint16_t>(p - 1));
      break;
    default:  // first and last lane
      put(0, p);
      put(kBlockValues - 1, p);
      break;
  }
}

// ---- E6M2 ties --------------------------------------------------------------------------

// BF16 mantissa fields of SF around the E6M2 rounding points: ties at 1.125, 1.375, 1.625,
// 1.875 (fields 0x10, 0x30, 0x50, 0x70) and one step either side, the exact values 1.0,
// 1.25, 1.5, 1.75, and 0x7F (1.9921875, which carries into the next binade when rounded up).
constexpr uint8_t kSfMantissas[] = {0x00, 0x0F, 0x10, 0x11, 0x20, 0x2F, 0x30, 0x31, 0x40,
                                    0x4F, 0x50, 0x51, 0x60, 0x6F, 0x70, 0x71, 0x7F};
constexpr int kSfMinExp = kE6M2MinExp - 1;  // one binade below the E6M2 range (underflow)
constexpr int kSfMaxExp = kE6M2MaxExp + 1;  // one above (overflow)
constexpr uint64_t kSfTargets = (kSfMaxExp - kSfMinExp + 1) * sizeof kSfMantissas;

void make_e6m2_ties(RecordContext& c, uint16_t out[kBlockValues]) {
  Rng& rng = c.rng;
  const uint64_t t = c.index % kSfTargets;
  const int e = kSfMinExp + static_cast<int>(t / sizeof kSfMantissas);
  const uint16_t sf = static_cast<uint16_t>(((e + 127) << 7) | kSfMantissas[t % sizeof kSfMantissas]);
  const uint16_t peak = peak_for_sf(rng, sf);
  for (unsigned i = 0; i < kBlockValues; ++i) out[i] = random_signed_at_most(rng, peak);
  out[rng.below(kBlockValues)] = with_sign(peak, rng.coin());
}

// ---- E1 thresholds ----------------------------------------------------------------------

// Per scale code: 3 decisions (E1_8 at 4, E1_16 at 2 with E1_8 = 0, E1_16 at 4 with E1_8 = 1)
// x 9 candidate group peaks (the first value at or above the threshold with the exact
// product, one step below and above it; the same with the BF16-rounded product; and 2x / 4x
// the scale itself, one step below and above).
constexpr uint64_t kThresholdCases = 3 * 9;

std::vector<uint8_t> threshold_codes(unsigned level) {
  return level_codes(level, {-48, -47, -1, 0, 1, 14, 15});
}

uint16_t threshold_candidate(const PinnedScale& s, int log2_threshold, unsigned which) {
  const uint32_t exact = first_pattern([&](uint16_t v) {
    return compare_pow2(product(v, s.rec, ProductMode::Exact), log2_threshold) >= 0;
  });
  const uint32_t rounded = first_pattern([&](uint16_t v) {
    return compare_pow2(product(v, s.rec, ProductMode::Bf16), log2_threshold) >= 0;
  });
  Dyadic multiple = e6m2_value(s.code);
  multiple.exp += log2_threshold;
  const uint16_t at_scale = bf16_of(multiple);
  const int64_t base[3] = {exact, rounded, at_scale};
  return clamp_pattern(base[which / 3] + static_cast<int64_t>(which % 3) - 1);
}

void make_e1_thresholds(RecordContext& c, uint16_t out[kBlockValues]) {
  Rng& rng = c.rng;
  const std::vector<uint8_t> codes = threshold_codes(c.level);
  const uint64_t n = c.index % (codes.size() * kThresholdCases);
  const PinnedScale s = pin_scale(rng, codes[n / kThresholdCases]);
  const unsigned kind = static_cast<unsigned>(n % kThresholdCases) / 9;
  const unsigned which = static_cast<unsigned>(n % 9);
  const int log2_threshold = kind == 1 ? 1 : 2;
  const uint16_t v = std::min(threshold_candidate(s, log2_threshold, which), s.peak);

  // Background: values at most the scale (s <= 1 after REC), so no E1 bit is set by accident.
  for (unsigned i = 0; i < kBlockValues; ++i) out[i] = random_signed_at_most(rng, s.value);
  out[rng.below(kValuesPerGroup8)] = with_sign(s.peak, rng.coin());  // the peak in group 0
  const unsigned g = 1 + static_cast<unsigned>(rng.below(kGroups8 - 1));
  const unsigned sub = 2 * g + static_cast<unsigned>(rng.below(2));  // the tested group of 4
  for (unsigned l = 0; l < kValuesPerGroup16; ++l)
    out[sub * 4 + l] = random_signed_at_most(rng, static_cast<uint16_t>(v / 2));
  out[sub * 4 + rng.below(4)] = with_sign(v, rng.coin());
  if (kind == 2) {  // the other group of 4 carries ~6x the scale: E1_8 = 1
    Dyadic six = e6m2_value(s.code);
    six.sig *= 6;
    const uint16_t w = std::min(bf16_of(six), s.peak);
    out[(sub ^ 1u) * 4 + rng.below(4)] = with_sign(w, rng.coin());
  }
}

// ---- payload grid -----------------------------------------------------------------------

// Per group of 4, a "context" lane fixes the group's E1 bits (shift sigma = E1_8 + E1_16)
// and the other three lanes sit at, just below or just above k/8 after the scale: every
// quarter (even k) and half-quarter (odd k, the payload ties), 1.75 (k = 14, the saturation
// edge) and 1.875 (k = 15, the tie between 1.75 and the saturated 2.0).
enum Context : uint8_t { kShift0, kShift1ByE16, kPeak, kShift1ByE8 };
// Pairs of contexts for the two groups of 4 of a group of 8. kPeak sets E1_8 = E1_16 = 1;
// its partner kShift1ByE8 then gets E1_16 = 0 (shift 1 from E1_8 alone).
constexpr Context kGroupPatterns[7][2] = {{kShift0, kShift0},     {kShift1ByE16, kShift0},
                                          {kShift0, kShift1ByE16}, {kShift1ByE16, kShift1ByE16},
                                          {kPeak, kShift1ByE8},   {kShift1ByE8, kPeak},
                                          {kPeak, kPeak}};

std::vector<uint8_t> payload_codes(unsigned level) { return level_codes(level, {-48, -20, 0, 15}); }
constexpr uint64_t kPayloadVariants1 = 16, kPayloadVariants2 = 64;

void make_payload_grid(RecordContext& c, uint16_t out[kBlockValues]) {
  Rng& rng = c.rng;
  const std::vector<uint8_t> codes = payload_codes(c.level);
  const uint64_t variants = c.level >= 2 ? kPayloadVariants2 : kPayloadVariants1;
  const uint64_t n = c.index % (codes.size() * variants);
  const uint64_t variant = n % variants;
  const PinnedScale s = pin_scale(rng, codes[n / variants]);
  // Context values: the largest value with exact V*REC < 2 (shift 0), < 4 (E1_16 alone).
  const auto below = [&](int log2_threshold) {
    return clamp_pattern(static_cast<int64_t>(first_pattern([&](uint16_t v) {
      return compare_pow2(product(v, s.rec, ProductMode::Exact), log2_threshold) >= 0;
    })) - 1);
  };
  const uint16_t ctx_value[4] = {below(1), below(2), s.peak, below(2)};
  const unsigned ctx_shift[4] = {0, 1, 2, 1};
  const ProductMode modes[2] = {ProductMode::Exact, ProductMode::Bf16};

  for (unsigned g = 0; g < kGroups8; ++g) {
    const Context* pattern = kGroupPatterns[g == 0 ? 4 + variant % 3 : (g + variant) % 7];
    for (unsigned half = 0; half < 2; ++half) {
      const Context ctx = pattern[half];
      const unsigned base = g * 8 + half * 4;
      const unsigned ctx_lane = static_cast<unsigned>((variant + g) % 4);
      const uint16_t limit = ctx_value[ctx];
      for (unsigned l = 0; l < 4; ++l) {
        const unsigned lane = base + l;
        if (l == ctx_lane) {
          out[lane] = with_sign(limit, rng.coin());
          continue;
        }
        // Target k/8 after the scale and this group's shift: x * REC * 2^-shift >= k/8.
        const unsigned k = static_cast<unsigned>((lane * 5 + variant * 3) % 16);
        const Dyadic target{k, static_cast<int>(ctx_shift[ctx]) - 3};
        const unsigned pick = static_cast<unsigned>((variant / 4 + lane) % 6);
        const ProductMode mode = modes[pick / 3];
        uint32_t v = first_pattern([&](uint16_t x) {
          return compare_dyadic(product(x, s.rec, mode), target) >= 0;
        });
        v = static_cast<uint32_t>(clamp_pattern(static_cast<int64_t>(v) + static_cast<int64_t>(pick % 3) - 1));
        out[lane] = with_sign(static_cast<uint16_t>(std::min<uint32_t>(v, limit)), rng.coin());
      }
    }
  }
}

// ---- tiny -------------------------------------------------------------------------------

void make_tiny(RecordContext& c, uint16_t out[kBlockValues]) {
  Rng& rng = c.rng;
  const unsigned kind = static_cast<unsigned>(c.index % 8);
  for (unsigned i = 0; i < kBlockValues; ++i) out[i] = 0;
  switch (kind) {
    case 0: break;  // all +0
    case 1:
      for (unsigned i = 0; i < kBlockValues; ++i) out[i] = kBf16SignMask;  // all -0
      break;
    case 2:
      for (unsigned i = 0; i < kBlockValues; ++i) out[i] = rng.coin() ? kBf16SignMask : 0;
      break;
    case 3:  // BF16 subnormals everywhere
      for (unsigned i = 0; i < kBlockValues; ++i)
        out[i] = with_sign(static_cast<uint16_t>(1 + rng.below(0x7F)), rng.coin());
      break;
    case 4:  // one subnormal among zeros
      out[rng.below(kBlockValues)] = with_sign(static_cast<uint16_t>(1 + rng.below(0x7F)), rng.coin());
      break;
    case 5:  // smallest normals and subnormals
      for (unsigned i = 0; i < kBlockValues; ++i)
        out[i] = with_sign(static_cast<uint16_t>(1 + rng.below(0xFF)), rng.coin());
      break;
    case 6: {  // a tiny peak (2^-133 .. 2^-40): the scale underflows or sits at its minimum
      const uint16_t peak = static_cast<uint16_t>(rng.range(0x0001, (127 - 40) << 7));
      for (unsigned i = 0; i < kBlockValues; ++i) out[i] = random_signed_at_most(rng, peak);
      out[rng.below(kBlockValues)] = with_sign(peak, rng.coin());
      break;
    }
    default: {  // SF within a few steps of 2^-48, the bottom of the E6M2 range
      const uint16_t sf = static_cast<uint16_t>(kBf16E6M2Min - 4 + rng.below(9));
      const uint16_t peak = peak_for_sf(rng, sf);
      for (unsigned i = 0; i < kBlockValues; ++i) out[i] = random_signed_at_most(rng, peak);
      out[rng.below(kBlockValues)] = with_sign(peak, rng.coin());
      break;
    }
  }
}

// ---- non-finite -------------------------------------------------------------------------

constexpr unsigned kNonFiniteKinds = 10;

void make_non_finite(RecordContext& c, uint16_t out[kBlockValues]) {
  Rng& rng = c.rng;
  const unsigned lane = static_cast<unsigned>(c.index % kBlockValues);
  const unsigned kind = static_cast<unsigned>((c.index / kBlockValues) % kNonFiniteKinds);
  fill_from_pool(rng, sample_pool(Distribution::Normal), static_cast<int>(rng.range(-20, 20)), out);
  const unsigned other = static_cast<unsigned>((lane + 1 + rng.below(kBlockValues - 1)) % kBlockValues);
  switch (kind) {
    case 0: out[lane] = kBf16Inf; break;
    case 1: out[lane] = kBf16Inf | kBf16SignMask; break;
    case 2: out[lane] = kBf16QuietNaN; break;
    case 3: out[lane] = 0x7F81; break;  // a signalling NaN pattern
    case 4: out[lane] = kBf16QuietNaN | kBf16SignMask; break;
    case 5: out[lane] = 0x7FFF; break;  // the largest NaN pattern
    case 6:  // Inf and NaN together
      out[lane] = with_sign(kBf16Inf, rng.coin());
      out[other] = kBf16QuietNaN;
      break;
    case 7:  // +Inf and -Inf together
      out[lane] = kBf16Inf;
      out[other] = kBf16Inf | kBf16SignMask;
      break;
    case 8:  // Inf among zeros
      for (unsigned i = 0; i < kBlockValues; ++i) out[i] = 0;
      out[lane] = with_sign(kBf16Inf, rng.coin());
      break;
    default:  // Inf among values near the largest finite
      for (unsigned i = 0; i < kBlockValues; ++i)
        out[i] = with_sign(static_cast<uint16_t>(kMaxFinite - rng.below(256)), rng.coin());
      out[lane] = with_sign(kBf16Inf, rng.coin());
      break;
  }
}

// ---- golden corners -----------------------------------------------------------------------
//
// The corners where published goldens part from each other (docs/profiles.md):
//  - the scale-binade band: SF = m * 2^k for mantissa fields 104..120 (1.8125 .. 1.9375, the
//    band 1.8359 .. 1.8672 where a BF16-rounded log2 moves up a binade, with neighbours on both
//    sides) and k = -48 .. -32 (the band's exponents and the first one outside it);
//  - the overflow edge: SF = 49152, 52992, 53248 (1.625 * 2^15, the test before rounding) and
//    53504;
//  - -0.0 lanes: among values of both signs, beside negative values that round to 0, and as
//    the peak group's only other value.
constexpr unsigned kBandMantissaFirst = 104, kBandMantissas = 17;
constexpr int kBandExpFirst = -48, kBandExps = 17;
constexpr uint16_t kOverflowEdge[] = {0x4740, 0x474F, kBf16ScaleOverflowBeforeRounding, 0x4751};
constexpr unsigned kNegativeZeroKinds = 4;
constexpr uint64_t kGoldenCorners =
    kBandMantissas * kBandExps + sizeof kOverflowEdge / sizeof kOverflowEdge[0] + kNegativeZeroKinds;

void block_at_sf(Rng& rng, uint16_t sf, uint16_t out[kBlockValues]) {
  const uint16_t peak = peak_for_sf(rng, sf);
  for (unsigned i = 0; i < kBlockValues; ++i) out[i] = random_signed_at_most(rng, peak);
  out[rng.below(kBlockValues)] = with_sign(peak, rng.coin());
}

void make_golden_corners(RecordContext& c, uint16_t out[kBlockValues]) {
  Rng& rng = c.rng;
  uint64_t t = c.index % kGoldenCorners;
  if (t < kBandMantissas * kBandExps) {
    const int k = kBandExpFirst + static_cast<int>(t / kBandMantissas);
    const unsigned m = kBandMantissaFirst + static_cast<unsigned>(t % kBandMantissas);
    block_at_sf(rng, static_cast<uint16_t>(((k + 127) << 7) | m), out);
    return;
  }
  t -= kBandMantissas * kBandExps;
  if (t < sizeof kOverflowEdge / sizeof kOverflowEdge[0]) {
    block_at_sf(rng, kOverflowEdge[t], out);
    return;
  }
  t -= sizeof kOverflowEdge / sizeof kOverflowEdge[0];
  // -0.0 lanes: a normal block with a quarter of its lanes -0.0; the same with the other lanes
  // negative and far below the peak (they round to 0); a lone peak among -0.0; and -0.0 in
  // every lane but the peak's group of 4.
  const uint16_t peak = static_cast<uint16_t>(rng.range(0x3800, 0x4800));  // 2^-15 .. 2^17
  for (unsigned i = 0; i < kBlockValues; ++i) out[i] = kBf16SignMask;
  const unsigned at = static_cast<unsigned>(rng.below(kBlockValues));
  switch (t) {
    case 0:
      for (unsigned i = 0; i < kBlockValues; ++i)
        if (rng.below(4) != 0) out[i] = random_signed_at_most(rng, peak);
      break;
    case 1:
      for (unsigned i = 0; i < kBlockValues; ++i)
        if (rng.coin()) out[i] = with_sign(static_cast<uint16_t>(peak - (12 << 7) + rng.below(128)), true);
      break;
    case 2: break;
    default:
      for (unsigned i = at & ~3u; i < (at & ~3u) + kValuesPerGroup16; ++i)
        out[i] = random_signed_at_most(rng, peak);
      break;
  }
  out[at] = with_sign(peak, rng.coin());
}

// ---- the table --------------------------------------------------------------------------

std::vector<Suite> make_suites() {
  const uint64_t threshold1 = threshold_codes(1).size() * kThresholdCases;
  const uint64_t threshold2 = threshold_codes(2).size() * kThresholdCases * 2;
  const uint64_t payload1 = payload_codes(1).size() * kPayloadVariants1;
  const uint64_t payload2 = payload_codes(2).size() * kPayloadVariants2;
  return {
      {"random",
       "normal, Laplace, Student-t(3), uniform and signed log-normal values; most blocks at "
       "2^-24..2^24, one in four at 2^-150..2^140; some with groups or lanes at their own "
       "magnitudes (E1 bits vary) or half the lanes zero",
       4096, 1u << 20, make_random, kLevel3RandomRecords},
      {"outlier",
       "one outlier 2^1..2^24 above a normal background, at each of the 64 lanes in turn, both "
       "signs",
       kBlockValues * 4, kBlockValues * 64, make_outlier},
      {"peaks",
       "every positive finite BF16 value (0x0001..0x7F7F) as the block's peak, at a random lane "
       "and sign, among smaller values or zeros: the whole scale path, exhaustively",
       kPositiveFinite, kPositiveFinite * 8, make_peaks},
      {"peak-ties",
       "the peak held by several lanes: within a group of 4, across groups of 4 and of 8, in "
       "every lane, one per group of 8, first and last lane; and near ties one BF16 step apart",
       512, 16384, make_peak_ties},
      {"e6m2-ties",
       "SF at the E6M2 rounding ties 1.125, 1.375, 1.625, 1.875, one BF16 step either side, "
       "the exact mantissas and 1.9921875 (carry into the next binade), for every binade from "
       "one below the E6M2 range (underflow) to one above it (overflow)",
       kSfTargets, kSfTargets * 16, make_e6m2_ties},
      {"e1-thresholds",
       "group peaks exactly at, one BF16 step below and above 2x and 4x the scale, and at the "
       "first value whose exact or BF16-rounded product with REC reaches 2 or 4: the E1_8 "
       "decision, the E1_16 decision with E1_8 = 0 and with E1_8 = 1; level 1: scale exponents "
       "-48, -47, -1, 0, 1, 14, 15 with all four mantissas, level 2: every E6M2 code",
       threshold1, threshold2, make_e1_thresholds},
      {"payload-grid",
       "lanes at, one step below and above every quarter and half-quarter of the scale (exact "
       "or BF16-rounded product), in groups with shift 0, 1 (by E1_16 or by E1_8) and 2, up to "
       "the saturation edge at 1.75 and the tie at 1.875; level 1: scale exponents -48, -20, 0, "
       "15, level 2: every E6M2 code",
       payload1, payload2, make_payload_grid},
      {"tiny",
       "all +0, all -0, mixed zeros, BF16 subnormals, a lone subnormal, the smallest normals, "
       "tiny peaks 2^-133..2^-40 (scale underflow) and SF within 4 steps of 2^-48",
       512, 16384, make_tiny},
      {"non-finite",
       "+Inf, -Inf, quiet, signalling, negative and all-ones NaNs at each of the 64 lanes; Inf "
       "with a NaN, +Inf with -Inf, Inf among zeros, Inf among the largest finite values",
       kBlockValues * kNonFiniteKinds, kBlockValues * kNonFiniteKinds * 8, make_non_finite},
      {"golden-corners",
       "where the published goldens differ: SF = 1.8125..1.9375 * 2^k for k = -48..-32 (the "
       "band where a BF16-rounded log2 moves the E6M2 binade up), SF = 49152, 52992, 53248 and "
       "53504 (the overflow test before rounding), and -0.0 lanes among values of both signs",
       kGoldenCorners, kGoldenCorners * 8, make_golden_corners},
  };
}

}  // namespace

uint16_t scale_normal_bf16(uint16_t v, int k) { return scale_pool_value(v, k); }

const std::vector<Suite>& suites() {
  static const std::vector<Suite> table = make_suites();
  return table;
}

const Suite& find_suite(const std::string& name) {
  std::string names;
  for (const Suite& s : suites()) {
    if (name == s.name) return s;
    names += (names.empty() ? "" : ", ") + std::string(s.name);
  }
  throw SuiteError("unknown suite '" + name + "' (suites: all, " + names + ")");
}

uint64_t suite_count(const Suite& s, unsigned level) {
  if (level >= 3 && s.level3_count) return s.level3_count;
  return level >= 2 ? s.level2_count : s.level1_count;
}

uint64_t record_seed(uint64_t seed, const Suite& suite, uint64_t index) {
  return mix64(seed ^ mix64(fnv1a64(suite.name) + index));
}

void make_suite_inputs(const Suite& suite, uint64_t seed, unsigned level, uint64_t first,
                       size_t count, uint16_t* out) {
  const uint64_t tag = fnv1a64(suite.name);  // record_seed(seed, suite, first + i), hashed once
  const SimdPath simd = active_simd_path();
  for (size_t i = 0; i < count; ++i) {
    Rng rng(mix64(seed ^ mix64(tag + first + i)));
    RecordContext ctx{rng, first + i, level, simd};
    suite.make(ctx, out + i * kBlockValues);
  }
}

GenerationPlan make_plan(const std::string& selection, unsigned level, uint64_t count_override) {
  if (level < 1 || level > kMaxLevel) throw SuiteError("level must be 1, 2 or 3");
  GenerationPlan plan;
  uint64_t total = 0;
  for (const Suite& s : suites())
    if (selection == "all" || selection == s.name) {
      const uint64_t n = count_override ? count_override : suite_count(s, level);
      // Checked before adding, so no sum of counts can wrap around.
      if (n > kMaxPlanRecords - total)
        throw SuiteError("too many records: " + std::to_string(n) + " per suite takes the file past " +
                         std::to_string(kMaxPlanRecords) + " records");
      total += n;
      plan.runs.push_back({&s, n});
    }
  if (plan.runs.empty()) find_suite(selection);  // throws, naming the valid suites
  return plan;
}

GenerationPlan shard_plan(const GenerationPlan& whole, const Shard& s) {
  if (s.whole()) return whole;
  const uint64_t total = whole.total();
  const ShardRange range = shard_range(total, s);
  GenerationPlan plan;
  plan.part = {s, range.first, total};
  uint64_t run_first = 0;  // the whole run's record number of the run's first record
  for (const SuiteRun& r : whole.runs) {
    const uint64_t begin = std::max(run_first, range.first);
    const uint64_t end = std::min(run_first + r.count, range.first + range.count);
    if (begin < end) plan.runs.push_back({r.suite, end - begin, r.first + (begin - run_first)});
    run_first += r.count;
  }
  return plan;
}

VectorHeader make_header(const GenerationPlan& plan, const std::string& selection, unsigned level,
                         uint64_t seed, const std::string& profile, const Config& cfg) {
  VectorHeader h;
  h.profile = profile;
  h.config = cfg;
  h.generator = "hif4 gen";
  h.generator_version = kGeneratorVersion;
  h.seed = seed;
  h.selection = selection;
  h.level = static_cast<uint8_t>(level);
  uint64_t first = 0;
  for (const SuiteRun& r : plan.runs) {
    h.suites.push_back({r.suite->name, first, r.count});
    first += r.count;
  }
  h.record_count = first;
  h.part = plan.part;
  return h;
}

void reference_expected(const uint16_t* inputs, size_t n, const Config& cfg,
                        uint64_t first_block_index, uint8_t* out) {
  quantize_blocks(inputs, n, cfg, first_block_index, out);
}

void generate(const GenerationPlan& plan, uint64_t seed, unsigned level, const Config& cfg,
              const ExpectedFn& expected, const std::function<void(const GeneratedChunk&)>& sink,
              size_t chunk_records, unsigned threads) {
  // With threads, chunks of 16 shares a thread: the threads are started per chunk, and the
  // sink overlaps the making of the next chunk.
  if (threads > 1) chunk_records *= 16 * threads;
  struct Chunk {
    const Suite* suite = nullptr;
    uint64_t first = 0;   // within the suite
    size_t count = 0;
    uint64_t record = 0;  // within the whole run (the block index)
  };
  // The chunks in record order, one at a time (a plan of 2^40 records must not be listed).
  size_t run = 0;
  uint64_t in_run = 0, record = 0;
  auto next_chunk = [&](Chunk& c) {
    while (run < plan.runs.size() && in_run == plan.runs[run].count) {
      ++run;
      in_run = 0;
    }
    if (run == plan.runs.size()) return false;
    c = {plan.runs[run].suite, plan.runs[run].first + in_run,
         static_cast<size_t>(std::min<uint64_t>(chunk_records, plan.runs[run].count - in_run)),
         plan.first_record() + record};
    in_run += c.count;
    record += c.count;
    return true;
  };
  struct Buffers {
    std::vector<uint16_t> inputs;
    std::vector<uint8_t> packed;
  };
  Buffers buffers[2];
  for (Buffers& b : buffers) {
    b.inputs.resize(chunk_records * kBlockValues);
    b.packed.resize(chunk_records * kPackedBytes);
  }
  auto make = [&](const Chunk& c, Buffers& b) {
    parallel_for(c.count, threads, [&](size_t begin, size_t end) {
      make_suite_inputs(*c.suite, seed, level, c.first + begin, end - begin, b.inputs.data() + begin * kBlockValues);
    });
    expected(b.inputs.data(), c.count, cfg, c.record, b.packed.data());
  };
  auto hand_over = [&](const Chunk& c, const Buffers& b) { sink({b.inputs.data(), b.packed.data(), c.record, c.count}); };
  Chunk current, upcoming;
  if (threads <= 1) {
    while (next_chunk(current)) {
      make(current, buffers[0]);
      hand_over(current, buffers[0]);
    }
    return;
  }
  // Chunk i is made into buffers[i % 2] while the sink takes chunk i - 1 from the other. (If
  // the sink throws, the future's destructor waits for the chunk being made.) Where no thread
  // can be started for the next chunk, it is made here, after the hand-over.
  auto start = [&](const Chunk& c, Buffers& b) {
    try {
      return std::async(std::launch::async, make, std::cref(c), std::ref(b));
    } catch (const std::system_error&) {
      return std::async(std::launch::deferred, make, std::cref(c), std::ref(b));
    }
  };
  if (!next_chunk(current)) return;
  size_t i = 0;
  std::future<void> made = start(current, buffers[0]);
  for (;; ++i) {
    made.get();
    const bool more = next_chunk(upcoming);
    if (more) made = start(upcoming, buffers[(i + 1) % 2]);
    hand_over(current, buffers[i % 2]);
    if (!more) break;
    current = upcoming;
  }
}

}  // namespace hif4
