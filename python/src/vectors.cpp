// .hif4v vector files (vectors/vector_file.h) as numpy arrays, and the block checker of
// `hif4 verify` (check/verify.h) over an array of a device's packed output.
#include <pybind11/stl.h>

#include <cstring>
#include <memory>
#include <vector>

#include "common.h"
#include "hif4/verify.h"
#include "hif4/vector_file.h"

namespace hif4::python {

using namespace pybind11::literals;

namespace {

// A whole vector file in memory: the header as the reader decoded it, and the records as three
// arrays.
struct VectorFile {
  std::string path;
  VectorHeader header;
  py::array_t<uint16_t> inputs;      // (N, 64) BF16 bit patterns
  py::array_t<uint8_t> expected;     // (N, 36) packed blocks
  py::array_t<uint64_t> block_index; // (N,) the stochastic-rounding block index of each record
};

PyConfig header_config(const VectorHeader& h) {
  PyConfig pc;
  pc.config = h.config;
  // The header's profile is informative; repr() needs a known one to start from.
  bool known = false;
  for (const Profile& p : profiles()) known = known || h.profile == p.name;
  pc.base = known ? h.profile : "seed";
  return pc;
}

py::list suites_list(const VectorHeader& h) {
  py::list l;
  for (const SuiteRange& s : h.suites)
    l.append(py::dict("name"_a = s.name, "first"_a = s.first, "count"_a = s.count));
  return l;
}

py::dict header_dict(const VectorHeader& h) {
  py::dict knobs;
  for (const Knob& k : hif4::knobs()) knobs[py::str(python_name(k.name))] = knob_value_name(k, h.config);
  return py::dict("profile"_a = h.profile, "config"_a = header_config(h), "knobs"_a = knobs,
                  "sr_seed"_a = h.config.sr_seed, "generator"_a = h.generator,
                  "generator_version"_a = h.generator_version, "seed"_a = h.seed,
                  "selection"_a = h.selection, "level"_a = h.level, "suites"_a = suites_list(h),
                  "record_count"_a = h.record_count, "records_per_frame"_a = h.records_per_frame,
                  "text"_a = format_header(h));
}

std::shared_ptr<VectorFile> read_vectors(const std::string& path) {
  auto vf = std::make_shared<VectorFile>();
  vf->path = path;
  std::unique_ptr<VectorReader> reader;
  {
    py::gil_scoped_release release;
    reader = std::make_unique<VectorReader>(path);  // checks the header and the file size
  }
  vf->header = reader->header();
  // The reader has checked the record count against the file's size, so this allocation is
  // bounded by the file.
  const auto n = static_cast<py::ssize_t>(vf->header.record_count);
  vf->inputs = py::array_t<uint16_t>({n, static_cast<py::ssize_t>(kBlockValues)});
  vf->expected = py::array_t<uint8_t>({n, static_cast<py::ssize_t>(kPackedBytes)});
  vf->block_index = py::array_t<uint64_t>(n);
  uint16_t* in = vf->inputs.mutable_data();
  uint8_t* ex = vf->expected.mutable_data();
  uint64_t* bi = vf->block_index.mutable_data();
  {
    py::gil_scoped_release release;
    std::vector<VectorRecord> batch(4096);
    uint64_t done = 0;
    for (size_t got; (got = reader->read(batch.data(), batch.size())) != 0; done += got) {
      for (size_t i = 0; i < got; ++i) {
        std::memcpy(in + (done + i) * kBlockValues, batch[i].input, kInputBytes);
        std::memcpy(ex + (done + i) * kPackedBytes, batch[i].expected, kPackedBytes);
        bi[done + i] = batch[i].block_index;
      }
    }
    if (done != vf->header.record_count)
      throw VectorFileError(path + ": " + std::to_string(done) + " records read, header says " +
                            std::to_string(vf->header.record_count));
  }
  // verify() compares against these arrays: read-only, so no caller edits the expectation by
  // accident (copy() gives a writeable array).
  for (py::array a : {py::array(vf->inputs), py::array(vf->expected), py::array(vf->block_index)})
    a.attr("setflags")("write"_a = false);
  return vf;
}

py::dict mismatch_dict(const BlockMismatch& m) {
  py::list fields, lanes;
  if (m.e6m2_differs) fields.append("e6m2");
  if (m.e1_8_diff) fields.append("e1_8");
  if (m.e1_16_diff) fields.append("e1_16");
  if (m.lane_diff) fields.append("payload");
  for (unsigned i = 0; i < kBlockValues; ++i)
    if ((m.lane_diff >> i) & 1) lanes.append(i);
  py::dict d;
  d["block"] = m.record;
  d["block_index"] = m.block_index;
  d["suite"] = m.suite;
  d["fields"] = fields;
  d["expected"] = py::bytes(reinterpret_cast<const char*>(m.expected_bytes), kPackedBytes);
  d["actual"] = py::bytes(reinterpret_cast<const char*>(m.actual_bytes), kPackedBytes);
  d["e1_8_diff"] = m.e1_8_diff;
  d["e1_16_diff"] = m.e1_16_diff;
  d["lanes"] = lanes;
  d["stage"] = stage_name(m.stage);
  d["stage_unit"] = m.stage_unit;
  d["stage_detail"] = m.stage_detail;
  d["downstream_consistent"] = m.downstream_consistent;
  d["downstream_detail"] = m.downstream_detail;
  d["expectation_matches_model"] = m.expectation_matches_model;
  d["replay"] = m.replay;
  d["text"] = format_mismatch(m);
  return d;
}

// Every record against the DUT's blocks. Returns (mismatches up to `limit`, blocks failed).
py::tuple verify(const VectorFile& vf, const py::array& dut, uint64_t limit) {
  if (!is_plain_array_of<uint8_t>(dut))
    throw py::type_error("verify: expected a C-contiguous uint8 array");
  const uint64_t n = vf.header.record_count;
  if (static_cast<uint64_t>(dut.size()) != n * kPackedBytes)
    throw py::value_error("verify: the DUT output holds " + std::to_string(dut.size()) +
                          " bytes, the vectors expect " + std::to_string(n) + " blocks of 36 (" +
                          std::to_string(n * kPackedBytes) + " bytes)");
  std::vector<BlockMismatch> found;
  uint64_t failed = 0;
  {
    py::gil_scoped_release release;
    const VerifyContext ctx{vf.header.config, vf.header.profile, &vf.header};
    const uint8_t* actual = static_cast<const uint8_t*>(dut.data());
    const uint16_t* in = vf.inputs.data();
    const uint8_t* ex = vf.expected.data();
    const uint64_t* bi = vf.block_index.data();
    VectorRecord r;
    BlockMismatch m;
    for (uint64_t i = 0; i < n; ++i) {
      const uint8_t* a = actual + i * kPackedBytes;
      if (std::memcmp(a, ex + i * kPackedBytes, kPackedBytes) == 0) continue;
      ++failed;
      if (found.size() >= limit) continue;
      std::memcpy(r.input, in + i * kBlockValues, kInputBytes);
      std::memcpy(r.expected, ex + i * kPackedBytes, kPackedBytes);
      r.block_index = bi[i];
      if (compare_block(ctx, i, r, a, m)) found.push_back(m);
    }
  }
  py::list out;
  for (const BlockMismatch& m : found) out.append(mismatch_dict(m));
  return py::make_tuple(out, failed);
}

// A DUT output file as packed blocks: raw 36-byte blocks or $readmemh text, exactly `blocks`.
py::array read_dut(const std::string& path, const std::string& format, uint64_t blocks) {
  DutFormat fmt;
  if (format == "raw") fmt = DutFormat::Raw;
  else if (format == "readmemh") fmt = DutFormat::Readmemh;
  else throw py::value_error("dut_format: unknown format '" + format + "' (formats: raw, readmemh)");
  py::array_t<uint8_t> out({static_cast<py::ssize_t>(blocks), static_cast<py::ssize_t>(kPackedBytes)});
  uint8_t* dst = out.mutable_data();
  {
    py::gil_scoped_release release;
    DutReader reader(open_file_source(path), fmt, blocks);
    uint64_t done = 0;
    while (done < blocks) {
      const size_t got = reader.read(dst + done * kPackedBytes, static_cast<size_t>(blocks - done));
      if (got == 0) break;
      done += got;
    }
    reader.finish();
  }
  return std::move(out);
}

const char* const kVectorFileDoc = R"doc(A .hif4v golden-vector file read whole (hif4.read_vectors).

Attributes:
  path         the file
  header       dict: profile, config (hif4.Config), knobs, sr_seed, generator,
               generator_version, seed, selection, level, suites, record_count,
               records_per_frame, text (the header as `hif4 coverage` prints it)
  config       the hif4.Config the expected bytes were made with
  inputs       (N, 64) uint16: each record's 64 BF16 input values (bit patterns)
  expected     (N, 36) uint8: each record's packed HiF4 block
  block_index  (N,) uint64: the block index stochastic rounding used
  suites       list of {'name', 'first', 'count'}: the named suites, in record order

len(v) is N; v.suite_of(i) names the suite of record i (None if the file names none).)doc";

}  // namespace

void bind_vectors(py::module_& m) {
  py::register_exception<VectorFileError>(m, "VectorFileError", PyExc_ValueError);
  py::register_exception<DutFileError>(m, "DutFileError", PyExc_ValueError);

  py::class_<VectorFile, std::shared_ptr<VectorFile>>(m, "VectorFile", kVectorFileDoc)
      .def_readonly("path", &VectorFile::path)
      .def_property_readonly("header", [](const VectorFile& v) { return header_dict(v.header); })
      .def_property_readonly("config", [](const VectorFile& v) { return header_config(v.header); })
      .def_readonly("inputs", &VectorFile::inputs)
      .def_readonly("expected", &VectorFile::expected)
      .def_readonly("block_index", &VectorFile::block_index)
      .def_property_readonly("suites", [](const VectorFile& v) { return suites_list(v.header); })
      .def("suite_of",
           [](const VectorFile& v, uint64_t record) -> py::object {
             const SuiteRange* s = v.header.suite_of(record);
             return s ? py::object(py::str(s->name)) : py::object(py::none());
           },
           "record"_a, "The name of the suite holding record `record`, or None.")
      .def("__len__", [](const VectorFile& v) { return v.header.record_count; })
      .def("__repr__", [](const VectorFile& v) {
        return "<hif4.VectorFile '" + v.path + "': " + std::to_string(v.header.record_count) +
               " records, " + std::to_string(v.header.suites.size()) + " suites, profile " +
               v.header.profile + ">";
      });
  m.def("read_vectors", &read_vectors, "path"_a);
  m.def("verify", &verify, "vectors"_a, "dut"_a, "limit"_a);
  m.def("read_dut", &read_dut, "path"_a, "format"_a, "blocks"_a);
}

}  // namespace hif4::python
