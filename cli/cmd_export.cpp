// hif4 export: a .hif4v file in the formats testbenches and scripts read.
//   readmemh  DIR/inputs.hex (one 1024-bit word per block, lane i in bits 16i+15:16i),
//             DIR/expected.hex (one 288-bit word, byte k in bits 8k+7:8k),
//             DIR/index.hex (the 64-bit block index stochastic rounding used), and the block
//             count and the configuration as the numbers the cfg_* ports take: DIR/plusargs.f
//             (+blocks=N +cfg_...=V, one a line) and DIR/vectors.svh (`define HIF4_VECTORS_...)
//   jsonl     DIR/blocks.jsonl, one block per line with decoded fields
//   raw       DIR/inputs.bf16 and DIR/expected.hif4, the layouts `hif4 quantize` reads/writes
// Every format also writes DIR/header.txt (profile, knobs, seeds, suites).
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "command.h"
#include "hif4/files.h"
#include "hif4/folders.h"
#include "hif4/block.h"
#include "hif4/ports.h"
#include "hif4/vector_file.h"

namespace hif4::cli {
namespace {

// Every file export writes, in any format: a folder holding only these may be replaced.
const std::vector<std::string> kExportFiles = {"header.txt",    "inputs.hex",   "expected.hex", "index.hex",
                                               "plusargs.f",    "vectors.svh",  "inputs.bf16",
                                               "expected.hif4", "blocks.jsonl"};

// A string as a JSON string literal: quotes, backslashes and control characters escaped, so
// a name read from a file can never end the string and add fields.
std::string json_string(const std::string& text) {
  std::string s = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      s += '\\';
      s += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      s += buf;
    } else {
      s += static_cast<char>(c);
    }
  }
  return s + "\"";
}

// Buffered text output into an AtomicOutput.
class TextOut {
 public:
  explicit TextOut(const std::string& path) : out_(path, {}, AtomicOutput::Content::Text) {}
  void put(const char* s, size_t n) {
    buf_.append(s, n);
    if (buf_.size() >= (1u << 20)) flush();
  }
  void put(const std::string& s) { put(s.data(), s.size()); }
  void commit() {
    flush();
    out_.commit();
  }

 private:
  void flush() {
    out_.write(buf_.data(), buf_.size());
    buf_.clear();
  }
  AtomicOutput out_;
  std::string buf_;
};

const char kHex[] = "0123456789ABCDEF";

// A BF16 value as a JSON number (exact: %.17g of the double it converts to), or a string for
// the non-finite values JSON cannot hold.
std::string json_value(uint16_t b) {
  if (bf16_is_nan(b)) return "\"NaN\"";
  if (bf16_is_inf(b)) return bf16_sign(b) ? "\"-Inf\"" : "\"+Inf\"";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", bf16_to_double(b));
  if (b == kBf16SignMask) return "-0.0";
  return buf;
}

std::string json_record(uint64_t record, const VectorRecord& r, const VectorHeader& h) {
  std::string s = "{\"record\":" + std::to_string(record) + ",\"block_index\":" + std::to_string(r.block_index);
  if (const SuiteRange* suite = h.suite_of(record)) s += ",\"suite\":" + json_string(suite->name);
  s += ",\"inputs\":[";
  char buf[48];
  for (unsigned i = 0; i < kBlockValues; ++i) {
    std::snprintf(buf, sizeof buf, "%s\"0x%04X\"", i ? "," : "", r.input[i]);
    s += buf;
  }
  s += "],\"input_values\":[";
  for (unsigned i = 0; i < kBlockValues; ++i) s += (i ? "," : "") + json_value(r.input[i]);
  s += "],\"expected\":\"";
  for (unsigned k = 0; k < kPackedBytes; ++k) {
    s += kHex[r.expected[k] >> 4];
    s += kHex[r.expected[k] & 15];
  }
  const Block b = unpack_block(r.expected);
  std::snprintf(buf, sizeof buf, "\",\"e6m2\":\"0x%02X\",\"scale\":", b.e6m2);
  s += buf;
  if (b.e6m2 == kE6M2NaN) {
    s += "null";
  } else {
    const Dyadic v = e6m2_value(b.e6m2);
    std::snprintf(buf, sizeof buf, "%.17g", std::ldexp(static_cast<double>(v.sig), v.exp));
    s += buf;
  }
  std::snprintf(buf, sizeof buf, ",\"e1_8\":\"0x%02X\",\"e1_16\":\"0x%04X\",\"codes\":[", b.e1_8, b.e1_16);
  s += buf;
  for (unsigned i = 0; i < kBlockValues; ++i) {
    std::snprintf(buf, sizeof buf, "%s\"0x%X\"", i ? "," : "", b.codes[i]);
    s += buf;
  }
  s += "],\"values\":[";
  uint32_t f[kBlockValues];
  decode_block_f32(b, f);
  for (unsigned i = 0; i < kBlockValues; ++i) {
    if (b.e6m2 == kE6M2NaN) {
      s += i ? ",null" : "null";
      continue;
    }
    std::snprintf(buf, sizeof buf, "%s%.17g", i ? "," : "", static_cast<double>(bits_to_float(f[i])));
    s += buf;
  }
  return s + "]}\n";
}

// The block count and every cfg port's value (ports.def order, the encodings of the ports):
// plusargs, one a line and nothing else, so that `$(cat plusargs.f)` and a simulator's `-f`
// both read them; and an include file of `define lines for a testbench that compiles them in.
std::string plusargs_text(const VectorHeader& h) {
  const contract::CfgPorts cfg = contract::cfg_ports(h.config);
  std::string s = "+blocks=" + std::to_string(h.record_count) + "\n";
#define HIF4_PORT(name, dir, width, role, ...) \
  HIF4_IF_CFG(role, s += "+" #name "=" + std::to_string(static_cast<uint64_t>(cfg.name)) + "\n";)
#include "hif4/ports.def"
  return s;
}

std::string include_text(const VectorHeader& h, const std::string& source) {
  const contract::CfgPorts cfg = contract::cfg_ports(h.config);
  std::string s = "// hif4 vectors from " + source + " (hif4 export): the block count and the configuration\n"
                  "// as the cfg_* ports of hif4_quantizer take it (encodings: hif4_cfg_pkg, `hif4 profiles`).\n"
                  "// " + describe(h.config) + " sr-seed=" + std::to_string(h.config.sr_seed) + "\n"
                  "`define HIF4_VECTORS_BLOCKS " + std::to_string(h.record_count) + "\n";
  const auto define = [&](const char* name, unsigned width, uint64_t value) {
    std::string upper = name;
    for (char& c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    s += "`define HIF4_VECTORS_" + upper + " " + std::to_string(width) + "'d" + std::to_string(value) + "\n";
  };
#define HIF4_PORT(name, dir, width, role, ...) HIF4_IF_CFG(role, define(#name, width, cfg.name);)
#include "hif4/ports.def"
  return s;
}

int run(int argc, char** argv) {
  Args args("export",
            {{"format", true, false, "readmemh, jsonl or raw"},
             {"out", true, false, "output folder: created, or replaced whole if it holds only files "
                                  "export writes (written to a staging folder, renamed when complete)"}},
            "FILE.hif4v --format readmemh|jsonl|raw --out DIR", {1, 1, "vector file"});
  args.parse(argc, argv);
  const std::string& path = args.positionals()[0];  // exactly one: Args checked it
  const std::string format = args.required("format");
  if (format != "readmemh" && format != "jsonl" && format != "raw")
    throw Error("--format: unknown format '" + format + "' (formats: readmemh, jsonl, raw)");
  const std::string dir = args.required("out");
  {
    VectorReader reader(path);
    const VectorHeader& h = reader.header();
    const bool stochastic = h.config.payload_rounding == PayloadRounding::Stochastic;
    // The files go to a staging folder that replaces DIR in one step when all are written.
    AtomicFolder folder("--out", dir, AtomicFolder::Existing::ReplaceOwn, kExportFiles, {path});
    TextOut header_txt(folder.file("header.txt"));
    header_txt.put("hif4 vectors from " + reader.name() + "\n" + format_header(h));

    std::vector<std::unique_ptr<TextOut>> outs;
    auto open = [&](const char* name) {
      outs.push_back(std::make_unique<TextOut>(folder.file(name)));
      return outs.back().get();
    };
    TextOut* inputs = nullptr;
    TextOut* expected = nullptr;
    TextOut* index = nullptr;
    TextOut* jsonl = nullptr;
    if (format == "readmemh") {
      inputs = open("inputs.hex");
      expected = open("expected.hex");
      index = open("index.hex");
      const std::string note = "// hif4 vectors: " + std::to_string(h.record_count) + " blocks, profile " + h.profile +
                               " (see header.txt)\n";
      inputs->put(note + "// one 1024-bit word per block: lane i in bits 16i+15:16i\n");
      expected->put(note + "// one 288-bit word per block: byte k of the packed block in bits 8k+7:8k\n");
      index->put(note + "// one 64-bit block index per block (feeds stochastic rounding)\n");
      open("plusargs.f")->put(plusargs_text(h));
      open("vectors.svh")->put(include_text(h, reader.name()));
    } else if (format == "raw") {
      inputs = open("inputs.bf16");
      expected = open("expected.hif4");
    } else {
      jsonl = open("blocks.jsonl");
    }

    std::vector<VectorRecord> records(4096);
    std::string line;
    for (;;) {
      const uint64_t first = reader.position();
      const size_t n = reader.read(records.data(), records.size());
      if (n == 0) break;
      for (size_t i = 0; i < n; ++i) {
        const VectorRecord& r = records[i];
        if (format == "readmemh") {
          char in_line[kBlockValues * 4 + 1], exp_line[kPackedBytes * 2 + 1], idx_line[18];
          for (unsigned l = 0; l < kBlockValues; ++l) {  // lane 63 first: the most significant
            const uint16_t v = r.input[kBlockValues - 1 - l];
            for (unsigned d = 0; d < 4; ++d) in_line[4 * l + d] = kHex[(v >> (12 - 4 * d)) & 15];
          }
          in_line[kBlockValues * 4] = '\n';
          for (unsigned k = 0; k < kPackedBytes; ++k) {  // byte 35 first
            const uint8_t v = r.expected[kPackedBytes - 1 - k];
            exp_line[2 * k] = kHex[v >> 4];
            exp_line[2 * k + 1] = kHex[v & 15];
          }
          exp_line[kPackedBytes * 2] = '\n';
          std::snprintf(idx_line, sizeof idx_line, "%016llX", static_cast<unsigned long long>(r.block_index));
          idx_line[16] = '\n';
          inputs->put(in_line, sizeof in_line);
          expected->put(exp_line, sizeof exp_line);
          index->put(idx_line, 17);
        } else if (format == "raw") {
          if (stochastic && r.block_index != first + i)
            throw Error("record " + std::to_string(first + i) + " used block index " + std::to_string(r.block_index) +
                        " for stochastic rounding; raw files carry no index, so `hif4 quantize` could not "
                        "replay it (use --format readmemh or jsonl)");
          uint8_t bytes[kInputBytes];
          for (unsigned l = 0; l < kBlockValues; ++l) {
            bytes[2 * l] = static_cast<uint8_t>(r.input[l]);
            bytes[2 * l + 1] = static_cast<uint8_t>(r.input[l] >> 8);
          }
          inputs->put(reinterpret_cast<const char*>(bytes), sizeof bytes);
          expected->put(reinterpret_cast<const char*>(r.expected), kPackedBytes);
        } else {
          jsonl->put(json_record(first + i, r, h));
        }
      }
    }
    for (auto& o : outs) o->commit();
    header_txt.commit();
    folder.commit();
    std::printf("exported %llu blocks as %s into %s\n", static_cast<unsigned long long>(h.record_count),
                format.c_str(), dir.c_str());
  }
  return kExitOk;
}

Registration reg("export", "write a .hif4v file as $readmemh hex, JSON lines or raw files", run);

}  // namespace
}  // namespace hif4::cli
