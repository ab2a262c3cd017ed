// hif4.explain: the stage trace of one block (quantize_block with a BlockTrace) as a dict, and
// the text `hif4 explain` prints for it.
#include <pybind11/stl.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "common.h"
#include "hif4/block.h"
#include "hif4/trace_format.h"

namespace hif4::python {

using namespace pybind11::literals;

namespace {

// Every dyadic of a trace has a significand below 2^32, so the double is exact.
double value_of(Dyadic d) { return std::ldexp(static_cast<double>(d.sig), d.exp); }
double bf16_value(uint16_t bits) { return bf16_to_double(bits); }

const char* event_name(ScaleEvent e) {
  switch (e) {
    case ScaleEvent::InRange: return "in-range";
    case ScaleEvent::Underflow: return "underflow";
    case ScaleEvent::Overflow: return "overflow";
  }
  return "?";
}

py::dict rounding_dict(const Rounded& r) {
  return py::dict("inexact"_a = r.inexact, "tie"_a = r.tie, "rounded_up"_a = r.up);
}

py::object product_value(const ThresholdProduct& p) {
  return py::float_(p.infinite ? std::numeric_limits<double>::infinity() : value_of(p.value));
}

template <typename T, size_t N>
py::list int_list(const T (&a)[N]) {
  py::list l;
  for (size_t i = 0; i < N; ++i) l.append(static_cast<unsigned>(a[i]));
  return l;
}

py::dict explain(const py::array& values, const PyConfig& pc, uint64_t block_index) {
  if (!is_plain_array_of<uint16_t>(values) || values.size() != kBlockValues)
    throw py::type_error("explain: expected 64 uint16 BF16 bit patterns");
  uint16_t in[kBlockValues];
  std::memcpy(in, values.data(), sizeof in);
  BlockTrace t;
  const Block block = quantize_block(in, pc.config, block_index, &t);
  const bool nan_block = t.nan_cause != NanCause::None;

  py::dict peaks("v16"_a = int_list(t.peaks.v16), "v8"_a = int_list(t.peaks.v8),
                 "vmax"_a = t.peaks.vmax, "vmax_value"_a = bf16_value(t.peaks.vmax),
                 "has_nan"_a = t.peaks.has_nan, "has_inf"_a = t.peaks.has_inf);
  py::dict scale("code"_a = t.scale.code, "event"_a = event_name(t.scale.event),
                 "value"_a = t.scale.code == kE6M2NaN ? std::nan("") : value_of(e6m2_value(t.scale.code)),
                 "rounding"_a = rounding_dict(t.scale.rounding), "text"_a = e6m2_text(t.scale.code));
  py::list lanes;
  for (unsigned i = 0; i < kBlockValues; ++i) {
    const LaneEncoding& l = t.lanes[i];
    py::dict d("input"_a = in[i], "value"_a = bf16_value(in[i]), "code"_a = block.codes[i],
               "quarters"_a = s1p2_quarters(block.codes[i]),
               "e1_shift"_a = nan_block ? 0u : block.lane_shift(i));
    if (nan_block) {
      d["decision"] = "NaN block";
    } else {
      d["scaled"] = l.infinite ? std::numeric_limits<double>::infinity() : value_of(l.scaled);
      d["quarters_truncated"] = l.quarters_truncated;
      d["infinite"] = l.infinite;
      d["saturated"] = l.saturated;
      d["rounding"] = rounding_dict(l.rounding);
      d["random"] = l.random;
      d["decision"] = lane_decision_text(l);
    }
    lanes.append(d);
  }
  py::list e1_8_bits, e1_16_bits, p8, p16;
  for (unsigned g = 0; g < kGroups8; ++g) {
    e1_8_bits.append((block.e1_8 >> g) & 1);
    p8.append(nan_block ? py::object(py::none()) : product_value(t.product8[g]));
  }
  for (unsigned j = 0; j < kGroups16; ++j) {
    e1_16_bits.append((block.e1_16 >> j) & 1);
    p16.append(nan_block ? py::object(py::none()) : product_value(t.product16[j]));
  }
  uint8_t packed[kPackedBytes];
  pack_block(block, packed);
  uint32_t decoded[kBlockValues];
  decode_block_f32(block, decoded);
  py::list decoded_values;
  for (uint32_t bits : decoded) decoded_values.append(static_cast<double>(bits_to_float(bits)));

  py::dict d;
  d["block_index"] = block_index;
  d["config"] = pc;
  d["input"] = int_list(t.input);
  d["peaks"] = peaks;
  d["sf"] = t.sf;
  d["sf_value"] = bf16_value(t.sf);
  d["scale"] = scale;
  d["e6m2"] = block.e6m2;
  d["nan_block"] = nan_block;
  d["nan_cause"] = nan_block ? py::object(py::str(nan_cause_name(t.nan_cause))) : py::object(py::none());
  d["rec"] = nan_block ? py::object(py::none()) : py::object(py::int_(t.rec));
  d["rec_value"] = nan_block ? py::object(py::none()) : py::object(py::float_(bf16_value(t.rec)));
  d["product8"] = p8;
  d["product16"] = p16;
  d["e1_8"] = block.e1_8;
  d["e1_16"] = block.e1_16;
  d["e1_8_bits"] = e1_8_bits;
  d["e1_16_bits"] = e1_16_bits;
  d["lanes"] = lanes;
  d["codes"] = int_list(block.codes);
  d["packed"] = py::bytes(reinterpret_cast<const char*>(packed), kPackedBytes);
  d["decoded"] = decoded_values;
  d["text"] = format_trace(t, pc.config);
  return d;
}

}  // namespace

void bind_trace(py::module_& m) { m.def("explain", &explain, "values"_a, "config"_a, "block_index"_a); }

}  // namespace hif4::python
