// NVFP4 and MXFP4 against the examples of their specifications.
//
// Sources (the values below are transcribed from them):
// [MX]   OCP Microscaling Formats (MX) Specification v1.0, Sept 2023:
//        5.3.3 FP4 E2M1: exponent bias 1, emax 2, max normal +-6.0 = S.11.1, min normal +-1.0 =
//        S.01.0, max and min subnormal +-0.5 = S.00.1, no Inf/NaN; 5.4.1 E8M0: bias 127,
//        2^-127 .. 2^127, 0xFF = NaN, no zero; 6.3 conversion: X = 2^(floor(log2(max|V|)) -
//        emax_elem), P_i = V_i / X rounded to the element type (roundTiesToEven), normal values
//        beyond the element's max clamped to it.
// [OFP8] OCP 8-bit Floating Point Specification (OFP8) rev 1.0, Table 1, E4M3: bias 7, max
//        normal S.1111.110 = 448, min normal S.0001.000 = 2^-6, max subnormal S.0000.111 =
//        0.875 * 2^-6, min subnormal S.0000.001 = 2^-9, NaN S.1111.111, no Inf.
// [TE]   NVIDIA Transformer Engine NVFP4 reference (tests/cpp/operator/
//        test_cast_nvfp4_transpose.cu, commit c74e5aa37a65): S_enc = 448*6/amax;
//        s_b = E4M3(block_amax * (S_enc * (1/6))), saturating; elements E2M1(x * r_b),
//        r_b = 1 / (s_b * (1 / S_enc)), round-to-nearest-even. Before that commit:
//        s_b = E4M3(block_amax/6 * S_enc), r_b = S_enc / s_b (Nvfp4Formula::Div6).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <vector>

#include "hif4/baselines.h"
#include "hif4/block.h"
#include "exact_bf16.h"

using namespace hif4;

namespace {

uint16_t bf16(double x) { return test::exact_bf16(x); }

std::vector<uint16_t> bf16_block(std::vector<double> values, size_t size) {
  std::vector<uint16_t> out(size, 0);
  for (size_t i = 0; i < values.size(); ++i) out[i] = bf16(values[i]);
  return out;
}

}  // namespace

TEST_CASE("E2M1 code table [MX 5.3.3]", "[baselines]") {
  const double expected[8] = {0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0};
  for (uint8_t c = 0; c < 8; ++c) {
    CHECK(e2m1_value(c) == expected[c]);
    CHECK(e2m1_value(c | 0x8) == -expected[c]);
  }
  CHECK(e2m1_value(0x7) == 6.0);   // max normal S.11.1
  CHECK(e2m1_value(0x2) == 1.0);   // min normal S.01.0
  CHECK(e2m1_value(0x1) == 0.5);   // subnormal S.00.1
  CHECK(std::signbit(e2m1_value(0x8)));
  // Every code round-trips through the encoder.
  for (uint8_t c = 0; c < 16; ++c) CHECK(e2m1_encode(e2m1_value(c)) == c);
}

TEST_CASE("E2M1 rounding: ties to even, saturation to 6 [MX 6.3]", "[baselines]") {
  struct Case {
    double in;
    uint8_t code;
  };
  const Case cases[] = {
      {0.25, 0x0}, {0.2500001, 0x1}, {0.75, 0x2}, {0.7499999, 0x1}, {1.25, 0x2},
      {1.2500001, 0x3}, {1.75, 0x4}, {2.5, 0x4}, {2.5000001, 0x5}, {3.5, 0x6},
      {5.0, 0x6},  {5.0000001, 0x7}, {6.0, 0x7}, {6.5, 0x7}, {1e30, 0x7},
      {INFINITY, 0x7}, {-0.1, 0x8}, {-5.0, 0xE}, {-7.0, 0xF}, {0.0, 0x0},
  };
  for (const Case& c : cases) {
    INFO("x = " << c.in);
    CHECK(e2m1_encode(c.in) == c.code);
  }
}

TEST_CASE("E2M1 encoder equals generic RNE rounding on a dense grid", "[baselines]") {
  // Multiples of 2^-8 up to 8 and their neighbours one double ulp away.
  for (int k = 0; k <= 8 * 256; ++k) {
    for (double x : {k / 256.0, std::nextafter(k / 256.0, 0.0), std::nextafter(k / 256.0, 9.0)}) {
      const double want = std::min(round_to_binary_rne(x, 1, 0), kE2M1Max);
      INFO("x = " << x);
      REQUIRE(e2m1_magnitude(e2m1_encode(x)) == want);
    }
  }
}

TEST_CASE("E4M3 code table and rounding [OFP8 Table 1]", "[baselines]") {
  CHECK(e4m3_value(0x7E) == 448.0);                        // S.1111.110
  CHECK(e4m3_value(0x08) == std::ldexp(1.0, -6));          // S.0001.000
  CHECK(e4m3_value(0x07) == 0.875 * std::ldexp(1.0, -6));  // S.0000.111
  CHECK(e4m3_value(0x01) == std::ldexp(1.0, -9));          // S.0000.001
  CHECK(e4m3_value(0x00) == 0.0);
  CHECK(e4m3_value(0xFE) == -448.0);
  CHECK(std::isnan(e4m3_value(0x7F)));
  CHECK(std::isnan(e4m3_value(0xFF)));
  CHECK(e4m3_value(0x38) == 1.0);  // exponent field 7 = bias
  // Every finite non-negative code round-trips; midpoints go to the even code.
  for (unsigned c = 0; c < 0x7E; ++c) {
    const double lo = e4m3_value(static_cast<uint8_t>(c));
    const double hi = e4m3_value(static_cast<uint8_t>(c + 1));
    INFO("code " << c);
    CHECK(e4m3_encode_sat(lo) == c);
    CHECK(e4m3_encode_sat((lo + hi) / 2) == ((c & 1) ? c + 1 : c));
    CHECK(e4m3_encode_sat(std::nextafter((lo + hi) / 2, 0.0)) == c);
    CHECK(e4m3_encode_sat(std::nextafter((lo + hi) / 2, 1e9)) == c + 1);
  }
  CHECK(e4m3_encode_sat(448.0) == 0x7E);
  // Saturating: 464 (the midpoint towards a non-existent 480) and beyond stay at 448.
  CHECK(e4m3_encode_sat(464.0) == 0x7E);
  CHECK(e4m3_encode_sat(1e6) == 0x7E);
  CHECK(e4m3_encode_sat(INFINITY) == 0x7E);
  // Below the smallest subnormal: 2^-10 is the midpoint of 0 and 2^-9, ties to 0 (even).
  CHECK(e4m3_encode_sat(std::ldexp(1.0, -10)) == 0x00);
  CHECK(e4m3_encode_sat(std::ldexp(1.5, -10)) == 0x01);
}

TEST_CASE("E8M0 values [MX 5.4.1]", "[baselines]") {
  CHECK(e8m0_value(0x00) == std::ldexp(1.0, -127));
  CHECK(e8m0_value(0x7F) == 1.0);
  CHECK(e8m0_value(0xFE) == std::ldexp(1.0, 127));
  CHECK(std::isnan(e8m0_value(0xFF)));
}

TEST_CASE("MXFP4 shared scale X = 2^(floor(log2 amax) - 2) [MX 6.3]", "[baselines]") {
  struct Case {
    double amax;
    int exponent;
  };
  const Case cases[] = {
      {6.0, 0}, {4.0, 0}, {7.0, 0}, {7.96875, 0}, {8.0, 1}, {1.0, -2},
      {0.75, -3}, {3.0, -1}, {1024.0, 8}, {0.01171875, -9},
  };
  for (const Case& c : cases) {
    INFO("amax = " << c.amax);
    std::vector<uint16_t> block =
        bf16_block({c.amax * 0.5, -c.amax, c.amax * 0.25}, kMxfp4BlockValues);
    CHECK(mxfp4_block_scale(block.data(), kMxfp4BlockValues) == 127 + c.exponent);
  }
  // A zero block takes the smallest scale; NaN or Inf makes the NaN scale.
  std::vector<uint16_t> zero(kMxfp4BlockValues, 0);
  CHECK(mxfp4_block_scale(zero.data(), kMxfp4BlockValues) == 0x00);
  std::vector<uint16_t> with_inf = zero, with_nan = zero;
  with_inf[5] = 0xFF80;  // -Inf
  with_nan[31] = 0x7FC0;
  CHECK(mxfp4_block_scale(with_inf.data(), kMxfp4BlockValues) == kE8M0NaN);
  CHECK(mxfp4_block_scale(with_nan.data(), kMxfp4BlockValues) == kE8M0NaN);
  // The exponent is clamped to E8M0's range: the smallest BF16 subnormal 2^-133 would need
  // 2^-135.
  std::vector<uint16_t> tiny = zero;
  tiny[0] = 0x0001;
  CHECK(mxfp4_block_scale(tiny.data(), kMxfp4BlockValues) == 0x00);
  std::vector<uint16_t> huge = zero;
  huge[0] = 0x7F7F;  // the largest BF16, 2^127 * (2 - 2^-7)
  CHECK(mxfp4_block_scale(huge.data(), kMxfp4BlockValues) == 127 + 125);
}

TEST_CASE("MXFP4 quantize and dequantize a hand-computed block", "[baselines]") {
  // amax 7 -> X = 2^0. 7 clamps to 6; 5 is a tie of 4 and 6 -> 4 (even); 0.25 a tie of 0
  // and 0.5 -> 0; -1.75 a tie of 1.5 and 2 -> -2; 2.75 -> 3.
  std::vector<uint16_t> in = bf16_block({7.0, 5.0, 0.25, -1.75, 2.75, -0.0, 0.375}, 64);
  // Second block: amax 0.09375 = 1.5 * 2^-4 -> X = 2^-6; 0.09375 / X = 6 exactly; 0.0625 -> 4;
  // 0.01171875 -> 0.75 -> 1 (tie of 0.5 and 1 -> 1, even).
  const std::vector<uint16_t> second = bf16_block({0.09375, -0.0625, 0.01171875}, 3);
  std::copy(second.begin(), second.end(), in.begin() + 32);
  const Mxfp4Data q = mxfp4_quantize(in.data(), in.size());
  REQUIRE(q.scales.size() == 2);
  CHECK(q.scales[0] == 127);
  CHECK(q.scales[1] == 127 - 6);
  const uint8_t want0[7] = {0x7, 0x6, 0x0, 0xC, 0x5, 0x8, 0x1};
  for (int i = 0; i < 7; ++i) CHECK(q.codes[i] == want0[i]);
  CHECK(q.codes[32] == 0x7);
  CHECK(q.codes[33] == 0xE);
  CHECK(q.codes[34] == 0x2);
  std::vector<double> out(in.size());
  mxfp4_dequantize(q, out.data());
  CHECK(out[0] == 6.0);
  CHECK(out[1] == 4.0);
  CHECK(out[3] == -2.0);
  CHECK(out[4] == 3.0);
  CHECK(out[6] == 0.5);
  CHECK(out[32] == 0.09375);
  CHECK(out[33] == -0.0625);
  CHECK(out[34] == 0.015625);
}

TEST_CASE("NVFP4 per-tensor scale S_enc = 2688 / amax [TE]", "[baselines]") {
  CHECK(nvfp4_encode_scale(2688.0f) == 1.0f);
  CHECK(nvfp4_encode_scale(448.0f) == 6.0f);
  CHECK(nvfp4_encode_scale(5.25f) == 512.0f);
  CHECK(nvfp4_encode_scale(0.0f) == 1.0f);        // all-zero tensor
  CHECK(nvfp4_encode_scale(1e-45f) == 3.4028234663852886e38f);  // 2688/amax overflows: FLT_MAX
  CHECK(nvfp4_encode_scale(3.0f) == 2688.0f / 3.0f);
  const std::vector<uint16_t> t = bf16_block({1.0, -3.5, 0.0, 2.0}, 16);
  CHECK(nvfp4_tensor_amax(t.data(), t.size()) == 3.5f);
  std::vector<uint16_t> with_inf = t;
  with_inf[7] = 0x7F80;
  CHECK(nvfp4_tensor_amax(with_inf.data(), with_inf.size()) == 3.5f);  // finite values only
}

TEST_CASE("NVFP4 block scales and elements, hand-computed [TE]", "[baselines]") {
  // Tensor amax 2688 = 6 * 448, so S_enc = S_dec = 1 and every step below is exact.
  std::vector<uint16_t> in(64, 0);
  const std::vector<std::vector<double>> blocks = {
      {2688.0},                      // s_b = 448 (0x7E): element 6 (code 7)
      {3.0, 1.0, 0.25, 0.125, -3.0},  // s_b = 0.5 (0x30): x*2 -> 6, 2, 0.5, 0.25 -> 0 (tie), -6
      {6.5, 1.0},                     // 6.5/6 = 1.0833 -> E4M3 1.125 (0x39); 6.5/1.125 -> 6
      {6.25, 2.0},                    // 6.25/6 = 1.0417 -> E4M3 1.0 (0x38); 6.25 -> 6 (clipped)
  };
  for (size_t b = 0; b < blocks.size(); ++b)
    for (size_t i = 0; i < blocks[b].size(); ++i) in[b * 16 + i] = bf16(blocks[b][i]);
  const Nvfp4Data q = nvfp4_quantize(in.data(), in.size(), 2688.0f);
  CHECK(q.encode_scale == 1.0f);
  CHECK(q.decode_scale == 1.0f);
  REQUIRE(q.scales.size() == 4);
  CHECK(q.scales[0] == 0x7E);
  CHECK(q.scales[1] == 0x30);
  CHECK(q.scales[2] == 0x39);
  CHECK(q.scales[3] == 0x38);
  CHECK(q.codes[0] == 0x7);
  const uint8_t want1[5] = {0x7, 0x4, 0x1, 0x0, 0xF};
  for (int i = 0; i < 5; ++i) CHECK(q.codes[16 + i] == want1[i]);
  CHECK(q.codes[32] == 0x7);
  CHECK(q.codes[33] == 0x2);  // 1 / 1.125 = 0.889 -> 1
  CHECK(q.codes[48] == 0x7);
  CHECK(q.codes[49] == 0x4);
  std::vector<double> out(64);
  nvfp4_dequantize(q, out.data());
  CHECK(out[0] == 2688.0);
  CHECK(out[16] == 3.0);
  CHECK(out[17] == 1.0);
  CHECK(out[18] == 0.25);
  CHECK(out[19] == 0.0);
  CHECK(out[20] == -3.0);
  CHECK(out[32] == 6.75);
  CHECK(out[33] == 1.125);
  CHECK(out[48] == 6.0);
  CHECK(out[49] == 2.0);
}

TEST_CASE("NVFP4 decode goes through the FP32 per-tensor scale", "[baselines]") {
  // amax 1: S_enc = 2688, s_b = E4M3(1/6 * 2688) = 448, element 1 * 2688/448 = 6; decoded
  // 6 * 448 * float(1/2688): 1/2688 is not dyadic, so the result is 1 only to FP32 precision.
  const std::vector<uint16_t> in = bf16_block({1.0, 0.5}, 16);
  const Nvfp4Data q = nvfp4_quantize(in.data(), in.size(), 1.0f);
  CHECK(q.encode_scale == 2688.0f);
  CHECK(q.decode_scale == 1.0f / 2688.0f);
  CHECK(q.scales[0] == 0x7E);
  CHECK(q.codes[0] == 0x7);
  CHECK(q.codes[1] == 0x5);  // 0.5 * 6 = 3
  std::vector<double> out(16);
  nvfp4_dequantize(q, out.data());
  CHECK(out[0] == 6.0 * 448.0 * static_cast<double>(1.0f / 2688.0f));
  CHECK(out[0] != 1.0);
  CHECK(std::fabs(out[0] - 1.0) < 1e-7);
}

TEST_CASE("NVFP4 zero and non-finite blocks", "[baselines]") {
  std::vector<uint16_t> in(32, 0);
  in[16] = bf16(1.0);
  in[17] = 0x7FC0;  // NaN in the second block
  const Nvfp4Data q = nvfp4_quantize(in.data(), in.size(), 1.0f);
  CHECK(q.scales[0] == 0x00);  // zero block: scale 0, elements 0, no NaN
  for (int i = 0; i < 16; ++i) CHECK(q.codes[i] == 0);
  CHECK(q.scales[1] == kE4M3NaN);
  std::vector<double> out(32);
  nvfp4_dequantize(q, out.data());
  for (int i = 0; i < 16; ++i) CHECK(out[i] == 0.0);
  for (int i = 16; i < 32; ++i) CHECK(std::isnan(out[i]));
}

TEST_CASE("NVFP4 block scale: the current formula and the older one differ at an E4M3 tie [TE]",
          "[baselines]") {
  // Tensor amax 3: S_enc = 2688 / 3 = 896 exactly. Block amax 0.5625 = 9/16:
  //   Div6:    (0.5625 / 6) * 896 = 0.09375 * 896 = 84 exactly, the midpoint of the E4M3
  //            neighbours 80 (1.010b * 2^6) and 88 (1.011b * 2^6): ties to even give 80.
  //   Current: 1/6 in binary32 is 11184811 * 2^-26, slightly above 1/6; 896 times it is
  //            78293677 * 2^-19, rounded to 24 bits 9786710 * 2^-16 = 149.33334350...; times
  //            9/16 that is 88080390 * 2^-20, rounded 11010049 * 2^-17 = 84.0000076..., above
  //            the midpoint: 88.
  CHECK(nvfp4_encode_scale(3.0f) == 896.0f);
  CHECK(nvfp4_block_scale(0.5625f, 896.0f, Nvfp4Formula::Div6) == 0x6A);     // 80
  CHECK(nvfp4_block_scale(0.5625f, 896.0f, Nvfp4Formula::Current) == 0x6B);  // 88
  CHECK(e4m3_value(0x6A) == 80.0);
  CHECK(e4m3_value(0x6B) == 88.0);

  // Through nvfp4_quantize: the stored scale of the second block follows the formula.
  std::vector<uint16_t> in = bf16_block({3.0}, 32);
  in[16] = bf16(0.5625);
  const Nvfp4Data current = nvfp4_quantize(in.data(), in.size(), 3.0f);
  const Nvfp4Data div6 = nvfp4_quantize(in.data(), in.size(), 3.0f, Nvfp4Formula::Div6);
  CHECK(current.scales[1] == 0x6B);
  CHECK(div6.scales[1] == 0x6A);
  // The element: 0.5625 * 896/88 = 5.73 -> 6 (code 7); 0.5625 * 896/80 = 6.3 -> 6 (saturated).
  CHECK(current.codes[16] == 0x7);
  CHECK(div6.codes[16] == 0x7);
}

TEST_CASE("NVFP4 element scale: 1 / (s_b * (1 / S_enc)) is not S_enc / s_b [TE]", "[baselines]") {
  // Tensor amax 1: S_enc = 2688. Block [7 * 2^-17, 2^-16]: block amax * 448 = 3136 / 131072 =
  // 0.02392578125, 12.25 steps of 2^-9, so s_b = 12 * 2^-9 = 0.0234375 = 1.5 * 2^-6 (0x0C)
  // under both formulas (both products are exact here).
  std::vector<uint16_t> in = bf16_block({1.0}, 32);
  in[16] = 0x3860;  // 7 * 2^-17 (0x1.cp-15)
  in[17] = 0x3780;  // 2^-16
  REQUIRE(bf16_to_double(in[16]) == 7 * std::ldexp(1.0, -17));
  REQUIRE(bf16_to_double(in[17]) == std::ldexp(1.0, -16));
  for (Nvfp4Formula f : {Nvfp4Formula::Current, Nvfp4Formula::Div6})
    CHECK(nvfp4_block_scale(7 * std::ldexp(1.0f, -17), 2688.0f, f) == 0x0C);
  // Div6: 2688 / 0.0234375 = 114688 = 7 * 2^14 exactly. Current: 1/2688 is rounded first, and
  // the reciprocal of the product lands one binary32 ulp below 114688.
  CHECK(nvfp4_element_scale(0x0C, 2688.0f, Nvfp4Formula::Div6) == 114688.0f);
  CHECK(nvfp4_element_scale(0x0C, 2688.0f, Nvfp4Formula::Current) ==
        std::nextafter(114688.0f, 0.0f));
  // So 2^-16 * r_b is exactly the E2M1 midpoint 1.75 under Div6 (ties to even: 2, code 4) and
  // just below it under the current formula (1.5, code 3).
  const Nvfp4Data current = nvfp4_quantize(in.data(), in.size(), 1.0f);
  const Nvfp4Data div6 = nvfp4_quantize(in.data(), in.size(), 1.0f, Nvfp4Formula::Div6);
  CHECK(current.codes[17] == 0x3);
  CHECK(div6.codes[17] == 0x4);
}

TEST_CASE("NVFP4 block scale underflow: elements encode as +-0 [TE]", "[baselines]") {
  // Tensor amax 2688: S_enc = 1. A block of amax 2^-12: 2^-12 / 6 = 4.07e-5 is below half the
  // smallest E4M3 subnormal (2^-10), so s_b = 0, r_b = 0 and every element encodes as +-0
  // (TE's reference; its kernels' min(1/0, FLT_MAX) would saturate the codes, decoding to 0 too).
  std::vector<uint16_t> in = bf16_block({2688.0}, 32);
  in[16] = bf16(std::ldexp(1.0, -12));
  in[17] = bf16(-std::ldexp(1.0, -13));
  for (Nvfp4Formula f : {Nvfp4Formula::Current, Nvfp4Formula::Div6}) {
    const Nvfp4Data q = nvfp4_quantize(in.data(), in.size(), 2688.0f, f);
    CHECK(q.scales[1] == 0x00);
    CHECK(nvfp4_element_scale(0x00, 1.0f, f) == 0.0f);
    CHECK(q.codes[16] == 0x0);
    CHECK(q.codes[17] == 0x8);  // -2^-13 * 0 = -0, the sign kept
    std::vector<double> out(32);
    nvfp4_dequantize(q, out.data());
    CHECK(out[16] == 0.0);
    CHECK(out[17] == 0.0);
  }
}
