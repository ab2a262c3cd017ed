// Builds the derived tables of fast_tables.h from the stage functions (once, on first use).
#include "hif4/fast_tables.h"

#include <array>
#include <mutex>

namespace hif4 {

namespace {

// Smallest 15-bit magnitude V below 0x7F80 (Inf) for which `holds(V)`, a predicate that never
// turns false again as V grows; 0x7F80 when none does (the search never asks about Inf).
template <class Predicate>
uint16_t first_magnitude(Predicate holds) {
  unsigned lo = 0, hi = kBf16Inf;
  while (lo < hi) {
    const unsigned mid = (lo + hi) / 2;
    if (holds(static_cast<uint16_t>(mid))) hi = mid;
    else lo = mid + 1;
  }
  return static_cast<uint16_t>(lo);
}

// Smallest V with V*REC (as compared) >= 2^k, or > 2^k when `above`.
uint16_t first_reaching(uint16_t rec, int k, ProductMode mode, bool above = false) {
  return first_magnitude([&](uint16_t v) {
    const int c = compare_pow2(threshold_product(v, rec, mode), k);
    return above ? c > 0 : c >= 0;
  });
}

using ThresholdTable = std::array<E1Thresholds, 255>;

ThresholdTable build_thresholds(ProductMode mode) {
  ThresholdTable t{};
  for (unsigned code = 0; code < 255; ++code) {
    const uint16_t rec = e6m2_reciprocal(static_cast<uint8_t>(code));
    t[code] = {first_reaching(rec, 1, mode), first_reaching(rec, 2, mode)};
  }
  return t;
}

using BoundsTable = std::array<E1Bounds, 255>;

BoundsTable build_bounds(ProductMode mode) {
  BoundsTable t{};
  for (unsigned code = 0; code < 255; ++code) {
    const uint16_t rec = e6m2_reciprocal(static_cast<uint8_t>(code));
    t[code] = {first_reaching(rec, 1, mode, true), first_reaching(rec, 2, mode, true),
               first_magnitude([&](uint16_t v) { return threshold_product(v, rec, mode).infinite; })};
  }
  return t;
}

// The payload knobs a window serves, as a Config (the other knobs at their defaults).
Config window_config(Rounding mode, ProductMode product) {
  Config cfg;
  cfg.payload_product = product;
  switch (mode) {
    case Rounding::NearestAway: cfg.payload_rounding = PayloadRounding::NearestAway; break;
    case Rounding::NearestEven: cfg.payload_rounding = PayloadRounding::NearestEven; break;
    default: cfg.payload_rounding = PayloadRounding::TowardZero; break;
  }
  return cfg;
}

// A REC with E6M2 mantissa m (E6M2 exponent 0, code 48 << 2 | m) and its window's first
// magnitude at E1 shift 0: exponent field shift_base - 19, a normal exponent (120 or 121).
uint16_t window_rec(unsigned m) { return e6m2_reciprocal(static_cast<uint8_t>((kE6M2Bias << 2) | m)); }
int window_start(unsigned m) { return (lane_scale(window_rec(m)).shift_base - kPayloadWindowTopShift) * 128; }

PayloadWindow* build_window(Rounding mode, ProductMode product) {
  auto* t = new PayloadWindow{};
  Config cfg = window_config(mode, product);
  for (unsigned m = 0; m < 4; ++m) {
    const uint16_t rec = window_rec(m);
    const int start = window_start(m);
    for (unsigned nz = 0; nz < kNegativeZeroValues; ++nz) {
      cfg.negative_zero = static_cast<NegativeZero>(nz);
      for (unsigned i = 0; i < kPayloadWindow; ++i) {
        // The code of the negative value: its sign bit is what `x > 0x8000` lets through.
        const uint16_t x = static_cast<uint16_t>(kBf16SignMask | (start + i));
        t->code[m][nz][i] = encode_s1p2(x, rec, 0, cfg, 0).code;
      }
    }
  }
  return t;
}

PayloadEventWindow* build_event_window(Rounding mode, ProductMode product) {
  auto* t = new PayloadEventWindow{};
  const Config cfg = window_config(mode, product);
  Config exact_product = cfg;
  exact_product.payload_product = ProductMode::Exact;
  for (unsigned m = 0; m < 4; ++m) {
    const uint16_t rec = window_rec(m);
    const int start = window_start(m);
    for (unsigned i = 0; i < kPayloadWindow; ++i) {
      const uint16_t x = static_cast<uint16_t>(start + i);
      const LaneEncoding l = encode_s1p2(x, rec, 0, cfg, 0);
      const bool changed = l.code != encode_s1p2(x, rec, 0, exact_product, 0).code;
      t->events[m][i] =
          static_cast<uint8_t>(payload_lane_events(l) | (changed ? kPayloadEventProductChanged : 0));
    }
  }
  // events[m][kPayloadNoEvents] stays 0.
  for (unsigned code = 0; code < 255; ++code) {
    const uint16_t rec = e6m2_reciprocal(static_cast<uint8_t>(code));
    t->nonzero_from[code] =
        first_magnitude([&](uint16_t x) { return encode_s1p2(x, rec, 0, cfg, 0).scaled.sig != 0; });
  }
  return t;
}

// The table of (mode, product) among the three window modes and two products, built on its
// first use (a program that runs one configuration builds one table of each kind).
template <class Table>
const Table& window_table(Table* (*build)(Rounding, ProductMode), Rounding mode, ProductMode product) {
  static std::once_flag once[3][2];
  static const Table* tables[3][2];
  const int row = mode == Rounding::NearestAway ? 0 : mode == Rounding::NearestEven ? 1 : 2;
  const int col = product == ProductMode::Bf16 ? 1 : 0;
  std::call_once(once[row][col], [&] { tables[row][col] = build(mode, product); });
  return *tables[row][col];
}

}  // namespace

const E1Thresholds* e1_threshold_table(ProductMode mode) {
  static const ThresholdTable exact = build_thresholds(ProductMode::Exact);
  static const ThresholdTable bf16 = build_thresholds(ProductMode::Bf16);
  return (mode == ProductMode::Exact ? exact : bf16).data();
}

const E1Thresholds& e1_thresholds(uint8_t e6m2_code, ProductMode mode) {
  return e1_threshold_table(mode)[e6m2_code];
}

const E1Bounds* e1_bounds_table(ProductMode mode) {
  static const BoundsTable exact = build_bounds(ProductMode::Exact);
  static const BoundsTable bf16 = build_bounds(ProductMode::Bf16);
  return (mode == ProductMode::Exact ? exact : bf16).data();
}

const E1Bounds& e1_bounds(uint8_t e6m2_code, ProductMode mode) { return e1_bounds_table(mode)[e6m2_code]; }

const PayloadWindow& payload_window(Rounding mode, ProductMode product) {
  return window_table(build_window, mode, product);
}

const PayloadEventWindow& payload_event_window(Rounding mode, ProductMode product) {
  return window_table(build_event_window, mode, product);
}

}  // namespace hif4
