// Exhaustive tests of the RTL units against the reference model (model/include/hif4/stages.h).
//
//   test_rtl_units recip                    all 256 E6M2 codes -> REC
//   test_rtl_units scale                    every BF16 peak magnitude (0, subnormals, normals,
//                                           Inf, NaN patterns) x 4 scale roundings x 2
//                                           binades x 3 overflow x 2 underflow policies: SF
//                                           and E6M2
//   test_rtl_units peak-tree                structured + random blocks: V16, V8, Vmax, flags
//   test_rtl_units e1 exact|bf16            every BF16 group peak x every finite E6M2 code:
//                                           E1_8 (>= 4) and E1_16 with E1_8 = 0 and 1
//   test_rtl_units s1p2 ROUNDING PRODUCT    every BF16 input x every finite E6M2 code x the 4
//                                           E1 combinations, 64 lanes a cycle, the three
//                                           negative-zero policies (ROUNDING: nearest-away,
//                                           nearest-even, toward-zero, stochastic; PRODUCT:
//                                           exact, bf16)
// Exit status 0 when every check passed; 1 with "MISMATCH" lines otherwise; 2 on bad usage.
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "Vhif4_e1_unit.h"
#include "Vhif4_e6m2_recip.h"
#include "Vhif4_peak_tree.h"
#include "Vhif4_s1p2_encoder.h"
#include "Vhif4_scale_unit.h"
#include "hif4/config.h"
#include "hif4/ports.h"
#include "hif4/stages.h"
#include "rtl_harness.h"
#include "verilated.h"

using namespace hif4;
using namespace hif4::rtl_test;

namespace {

int test_recip(VerilatedContext& ctx) {
  auto dut = std::make_unique<Vhif4_e6m2_recip>(&ctx);
  Mismatches mm;
  for (unsigned code = 0; code < 256; ++code) {
    dut->code = static_cast<uint8_t>(code);
    dut->eval();
    const uint16_t want = e6m2_reciprocal(static_cast<uint8_t>(code));
    ++mm.checks;
    if (dut->rec != want) mm.report("recip code 0x%02X: rtl 0x%04X model 0x%04X", code, dut->rec, want);
  }
  return mm.finish("recip (256 codes)");
}

int test_scale(VerilatedContext& ctx) {
  auto dut = std::make_unique<Vhif4_scale_unit>(&ctx);
  Mismatches mm;
  Config cfg;
  unsigned policies = 0;
  for (unsigned rounding = 0; rounding < 4; ++rounding)
    for (unsigned binade = 0; binade < 2; ++binade)
      for (unsigned overflow = 0; overflow < 3; ++overflow)
        for (unsigned underflow = 0; underflow < 2; ++underflow) {
        ++policies;
        cfg.scale_rounding = static_cast<ScaleRounding>(rounding);
        cfg.scale_binade = static_cast<ScaleBinade>(binade);
        cfg.scale_overflow = static_cast<ScaleOverflow>(overflow);
        cfg.scale_underflow = static_cast<ScaleUnderflow>(underflow);
        // The unit's policy inputs carry the encodings of the top's cfg ports.
        const contract::CfgPorts ports = contract::cfg_ports(cfg);
        dut->scale_rounding = ports.cfg_scale_rounding;
        dut->scale_binade = ports.cfg_scale_binade;
        dut->scale_overflow = ports.cfg_scale_overflow;
        dut->scale_underflow = ports.cfg_scale_underflow;
        for (unsigned vmax = 0; vmax <= kBf16MagnitudeMask; ++vmax) {
          dut->vmax = static_cast<uint16_t>(vmax);
          dut->eval();
          const uint16_t sf = scale_factor(static_cast<uint16_t>(vmax));
          const uint8_t code = encode_e6m2(sf, cfg).code;
          mm.checks += 2;
          if (dut->sf != sf)
            mm.report("scale vmax 0x%04X: SF rtl 0x%04X model 0x%04X", vmax, dut->sf, sf);
          if (dut->e6m2 != code)
            mm.report("scale vmax 0x%04X (%s): E6M2 rtl 0x%02X model 0x%02X", vmax,
                      describe(cfg).c_str(), dut->e6m2, code);
        }
      }
  return mm.finish("scale (32768 peaks x " + std::to_string(policies) + " policies)");
}

int test_peak_tree(VerilatedContext& ctx) {
  auto dut = std::make_unique<Vhif4_peak_tree>(&ctx);
  Mismatches mm;
  CornerBlocks corner_blocks(0x9EA4);
  uint16_t in[kBlockValues];
  const auto check = [&](const char* kind) {
    put_lanes(dut->lanes.data(), in);
    dut->eval();
    const PeakTree t = peak_tree(in);
    for (unsigned j = 0; j < kGroups16; ++j) {
      const auto got = get_bits(dut->v16.data(), 15 * j, 15);
      ++mm.checks;
      if (got != t.v16[j]) mm.report("peak tree (%s) V16[%u]: rtl 0x%04X model 0x%04X", kind, j,
                                     static_cast<unsigned>(got), t.v16[j]);
    }
    for (unsigned g = 0; g < kGroups8; ++g) {
      const auto got = get_bits(dut->v8.data(), 15 * g, 15);
      ++mm.checks;
      if (got != t.v8[g]) mm.report("peak tree (%s) V8[%u]: rtl 0x%04X model 0x%04X", kind, g,
                                    static_cast<unsigned>(got), t.v8[g]);
    }
    mm.checks += 3;
    if (dut->vmax != t.vmax) mm.report("peak tree (%s) Vmax: rtl 0x%04X model 0x%04X", kind, dut->vmax, t.vmax);
    if (dut->has_nan != t.has_nan) mm.report("peak tree (%s) has_nan: rtl %d model %d", kind, dut->has_nan, t.has_nan);
    if (dut->has_inf != t.has_inf) mm.report("peak tree (%s) has_inf: rtl %d model %d", kind, dut->has_inf, t.has_inf);
  };
  // Every magnitude as the only nonzero lane, at every lane position, with either sign: the
  // maximum must travel from any leaf to the root.
  for (unsigned mag = 0; mag <= kBf16MagnitudeMask; mag += 7) {
    const unsigned lane = mag % kBlockValues;
    std::memset(in, 0, sizeof in);
    in[lane] = static_cast<uint16_t>(mag | ((mag & 8) ? kBf16SignMask : 0));
    check("one lane");
  }
  // Inf hidden below a NaN, and both orders.
  for (unsigned a = 0; a < kBlockValues; ++a) {
    std::memset(in, 0, sizeof in);
    in[a] = kBf16Inf;
    in[(a * 37 + 5) % kBlockValues] = kBf16QuietNaN;
    check("inf and nan");
  }
  for (unsigned n = 0; n < 100000; ++n) {
    corner_blocks.next(in);
    check("random");
  }
  return mm.finish("peak tree");
}

int test_e1(VerilatedContext& ctx, ProductMode mode) {
  auto dut = std::make_unique<Vhif4_e1_unit>(&ctx);
  Mismatches mm;
  dut->bf16_product = mode == ProductMode::Bf16;
  uint16_t v8[kGroups8], v16[kGroups16];
  const auto run = [&](uint16_t rec) {
    for (unsigned g = 0; g < kGroups8; ++g) put_bits(dut->v8.data(), 15 * g, 15, v8[g]);
    for (unsigned j = 0; j < kGroups16; ++j) put_bits(dut->v16.data(), 15 * j, 15, v16[j]);
    dut->rec = rec;
    dut->eval();
    uint8_t want8 = 0;
    for (unsigned g = 0; g < kGroups8; ++g)
      if (e1_8_decision(v8[g], rec, mode)) want8 |= static_cast<uint8_t>(1u << g);
    for (unsigned g = 0; g < kGroups8; ++g) {
      ++mm.checks;
      if (((dut->e1_8 ^ want8) >> g) & 1u)
        mm.report("E1_8 V8 0x%04X REC 0x%04X: rtl %u model %u", v8[g], rec, (dut->e1_8 >> g) & 1u,
                  (want8 >> g) & 1u);
    }
    for (unsigned j = 0; j < kGroups16; ++j) {
      // The model's E1_8 of the pair, so an E1_8 error does not hide as an E1_16 one.
      const bool e8 = (want8 >> (j / 2)) & 1u;
      const bool want = e1_16_decision(v16[j], rec, e8, mode);
      ++mm.checks;
      if (((dut->e1_16 >> j) & 1u) != want)
        mm.report("E1_16 V16 0x%04X REC 0x%04X E1_8 %d: rtl %u model %d", v16[j], rec, e8,
                  (dut->e1_16 >> j) & 1u, want);
    }
  };
  for (unsigned code = 0; code < kE6M2MaxFinite + 1u; ++code) {
    const uint16_t rec = e6m2_reciprocal(static_cast<uint8_t>(code));
    for (unsigned base = 0; base <= kBf16MagnitudeMask; base += kGroups16) {
      for (unsigned j = 0; j < kGroups16; ++j) v16[j] = static_cast<uint16_t>(base + j);
      // Sweep V8 over the same 16 peaks (two evaluations), then force E1_8 to 0 (V8 = 0)
      // and to 1 (V8 = Inf) so that every V16 peak meets both E1_16 thresholds.
      for (unsigned half = 0; half < 2; ++half) {
        for (unsigned g = 0; g < kGroups8; ++g) v8[g] = static_cast<uint16_t>(base + 8 * half + g);
        run(rec);
      }
      for (uint16_t forced : {uint16_t{0}, kBf16Inf}) {
        for (unsigned g = 0; g < kGroups8; ++g) v8[g] = forced;
        run(rec);
      }
    }
  }
  return mm.finish(std::string("e1 ") + (mode == ProductMode::Bf16 ? "bf16" : "exact") +
                   " (32768 peaks x 255 codes)");
}

int test_s1p2(VerilatedContext& ctx, PayloadRounding rounding, ProductMode product) {
  auto dut = std::make_unique<Vhif4_s1p2_encoder>(&ctx);
  Mismatches mm;
  Config cfg;
  cfg.payload_rounding = rounding;
  cfg.payload_product = product;
  dut->payload_rounding = contract::cfg_ports(cfg).cfg_payload_rounding;
  dut->bf16_product = product == ProductMode::Bf16;
  uint16_t in[kBlockValues];
  uint32_t key_counter = 1;
  for (unsigned nz = 0; nz < 3; ++nz) {
    cfg.negative_zero = static_cast<NegativeZero>(nz);
    // The top drives the encoder's two sign inputs from cfg_negative_zero (hif4_quantizer).
    dut->keep_sign = cfg.negative_zero != NegativeZero::PlusZero;
    dut->sign_bit = cfg.negative_zero == NegativeZero::SignBit;
    for (unsigned code = 0; code < kE6M2MaxFinite + 1u; ++code) {
      const uint16_t rec = e6m2_reciprocal(static_cast<uint8_t>(code));
      dut->rec = rec;
      for (unsigned combo = 0; combo < 4; ++combo) {
        const bool e8 = combo & 1, e16 = combo & 2;
        dut->e1_8 = e8 ? 0xFF : 0x00;
        dut->e1_16 = e16 ? 0xFFFF : 0x0000;
        const unsigned shift = (e8 ? 1 : 0) + (e16 ? 1 : 0);
        for (unsigned base = 0; base < 0x10000; base += kBlockValues) {
          for (unsigned i = 0; i < kBlockValues; ++i) in[i] = static_cast<uint16_t>(base + i);
          put_lanes(dut->lanes.data(), in);
          // A fresh block key every cycle: each x meets many random draws over the run.
          const uint32_t key = mix32(key_counter++);
          dut->sr_key = key;
          dut->eval();
          const uint32_t* got = dut->codes.data();
          for (unsigned i = 0; i < kBlockValues; ++i) {
            const uint32_t random = rounding == PayloadRounding::Stochastic ? sr_lane_bits(key, i) : 0;
            const uint8_t want = encode_s1p2(in[i], rec, shift, cfg, random).code;
            const unsigned have = (got[i / 8] >> (4 * (i % 8))) & 0xF;
            ++mm.checks;
            if (have != want)
              mm.report("s1p2 x 0x%04X REC 0x%04X (E6M2 0x%02X) shift %u random 0x%04X (%s): rtl 0x%X model 0x%X",
                        in[i], rec, code, shift, random, describe(cfg).c_str(), have, want);
          }
        }
      }
    }
  }
  return mm.finish(std::string("s1p2 ") + describe(cfg));
}

int usage() {
  std::fprintf(stderr,
               "usage: test_rtl_units recip | scale | peak-tree | e1 exact|bf16 |\n"
               "       s1p2 nearest-away|nearest-even|toward-zero|stochastic exact|bf16\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  VerilatedContext ctx;
  if (argc < 2) return usage();
  const std::string what = argv[1];
  if (what == "recip" && argc == 2) return test_recip(ctx);
  if (what == "scale" && argc == 2) return test_scale(ctx);
  if (what == "peak-tree" && argc == 2) return test_peak_tree(ctx);
  try {
    if (what == "e1" && argc == 3) {
      Config c;
      apply_setting(c, std::string("threshold-product=") + argv[2]);
      return test_e1(ctx, c.threshold_product);
    }
    if (what == "s1p2" && argc == 4) {
      Config c;
      apply_setting(c, std::string("payload-rounding=") + argv[2]);
      apply_setting(c, std::string("payload-product=") + argv[3]);
      return test_s1p2(ctx, c.payload_rounding, c.payload_product);
    }
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "test_rtl_units: error: %s\n", e.what());
    return 2;
  }
  return usage();
}
