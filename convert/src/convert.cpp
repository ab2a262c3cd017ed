// Checkpoint conversion (`hif4 convert`): a safetensors checkpoint in, the seed's packed HiF4
// safetensors layout out, and back. See docs/convert.md.
//
// Every 2-D `NAME.weight` [out, in] not skipped becomes the four uint8 tensors of the seed's
// HiF4Linear: NAME.e6m2 [out, nb], NAME.e1_8_packed [out, nb, 1], NAME.e1_16_packed [out, nb, 2]
// and NAME.s1p2_packed [out, nb, 32], nb = ceil(in / 64), each row zero-padded to nb blocks,
// exactly as `hif4 quantize --row-length in` packs the same rows (block b of row r carries
// block index r*nb + b). Those four tensors are the byte ranges of the packed 36-byte block
// (format.h), split apart. Everything else is copied byte for byte.
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>
#include <fcntl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "hif4/convert.h"
#include "hif4/bf16.h"
#include "hif4/block.h"
#include "hif4/parallel.h"
#include "hif4/simd.h"
#include "hif4/folders.h"
#include "hif4/safetensors.h"
#include "hif4/samples.h"

namespace hif4::convert {
namespace {

namespace st = safetensors;
using nlohmann::json;

// The seed's default skip keywords (convert_hf_model_to_hif4): embeddings, the output head and
// MoE gates/routers stay in their original precision. Matched case-insensitively as substrings
// of the module name, so `gate` also skips LLaMA's `mlp.gate_proj`, as the seed does.
const std::vector<std::string> kDefaultSkip = {"embed", "embedding", "lm_head",
                                               "gate",  "gating",    "router"};
const char* const kWeightSuffix = ".weight";
const char* const kOutputFile = "model.safetensors";  // the seed's `filename`
const char* const kManifest = "hif4_config.json";

// The seed's four tensors per weight, each a byte range of the packed block (format.h).
struct PackedPart {
  const char* suffix;
  unsigned offset;     // within the 36-byte block
  unsigned bytes;      // per block
  bool trailing_dim;   // shape [out, nb, bytes] (else [out, nb])
};
constexpr PackedPart kParts[] = {
    {".e6m2", kOffsetE6M2, kOffsetE1_8 - kOffsetE6M2, false},
    {".e1_8_packed", kOffsetE1_8, kOffsetE1_16 - kOffsetE1_8, true},
    {".e1_16_packed", kOffsetE1_16, kOffsetPayload - kOffsetE1_16, true},
    {".s1p2_packed", kOffsetPayload, kPayloadBytes, true},
};
constexpr unsigned kPartCount = sizeof kParts / sizeof kParts[0];
static_assert(kOffsetPayload + kPayloadBytes == kPackedBytes, "the parts cover the block");

// Blocks per work chunk (8 MB of BF16): bounds memory whatever the tensor size.
constexpr uint64_t kChunkBlocks = 65536;
constexpr uint64_t kCopyChunkBytes = 16u << 20;

// Files beside the weights that describe the model and are carried into the output.
bool is_side_file(const std::string& name) {
  static const char* const kNames[] = {
      "config.json",        "generation_config.json", "special_tokens_map.json",
      "added_tokens.json",  "vocab.json",             "vocab.txt",
      "merges.txt",         "chat_template.json",     "chat_template.jinja",
      "spiece.model",       "sentencepiece.bpe.model", "preprocessor_config.json"};
  for (const char* n : kNames)
    if (name == n) return true;
  return name.rfind("tokenizer", 0) == 0;  // tokenizer.json, tokenizer_config.json, .model
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string shape_text(const std::vector<uint64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

// ---- progress ---------------------------------------------------------------------------------

// A one-line progress display, only when stderr is a terminal.
class Progress {
 public:
  explicit Progress(uint64_t total) : total_(total), enabled_(::isatty(STDERR_FILENO) == 1) {
    start_ = last_ = std::chrono::steady_clock::now();
  }
  ~Progress() { finish(); }
  void advance(uint64_t bytes, const std::string& tensor) {
    done_ += bytes;
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(250)) return;
    last_ = now;
    const double s = std::chrono::duration<double>(now - start_).count();
    std::fprintf(stderr, "\r\033[K%5.1f%%  %.2f of %.2f GB  %.2f GB/s  %s",
                 total_ ? 100.0 * static_cast<double>(done_) / static_cast<double>(total_) : 100.0,
                 static_cast<double>(done_) / 1e9, static_cast<double>(total_) / 1e9,
                 s > 0 ? static_cast<double>(done_) / 1e9 / s : 0.0, printable(tensor).c_str());
    shown_ = true;
  }
  void finish() {
    if (shown_) std::fputs("\r\033[K", stderr);
    shown_ = false;
  }
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  uint64_t total_, done_ = 0;
  bool enabled_, shown_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

// Rows of a chunk go to hif4::parallel_for (one row at least per range). Each row's work is
// independent, writes only its own slots and carries its own block indices, so the result
// does not depend on the thread count.
void for_rows(unsigned threads, uint64_t rows, const std::function<void(uint64_t, uint64_t)>& fn) {
  parallel_for(static_cast<size_t>(rows), threads,
               [&](size_t begin, size_t end) { fn(begin, end); }, 1);
}

// ---- element conversion ---------------------------------------------------------------------

// IEEE binary16 to binary32 bits, exactly (every FP16 value is an FP32 value).
uint32_t f16_bits_to_f32_bits(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exp = (h >> 10) & 0x1Fu, man = h & 0x3FFu;
  if (exp == 0x1F) return sign | 0x7F800000u | (man << 13);  // Inf, NaN (payload kept)
  if (exp != 0) return sign | ((exp + 127 - 15) << 23) | (man << 13);
  if (man == 0) return sign;
  // Subnormal: man * 2^-24 with man's top bit at position m gives exponent m - 24.
  const int m = msb_index(man);
  return sign | (static_cast<uint32_t>(m - 24 + 127) << 23) | ((man << (23 - m)) & 0x7FFFFFu);
}

enum class Source { Bf16, F16, F32 };

bool source_of(const std::string& dtype, Source* s) {
  if (dtype == "BF16") *s = Source::Bf16;
  else if (dtype == "F16") *s = Source::F16;
  else if (dtype == "F32") *s = Source::F32;
  else return false;
  return true;
}

// Little-endian loads from possibly unaligned tensor bytes.
inline uint16_t load16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }
inline uint32_t load32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

// Element i as FP32 bits (exact for all three sources).
inline uint32_t element_f32_bits(const uint8_t* data, Source s, uint64_t i) {
  switch (s) {
    case Source::Bf16: return uint32_t{load16(data + 2 * i)} << 16;
    case Source::F16: return f16_bits_to_f32_bits(load16(data + 2 * i));
    case Source::F32: return load32(data + 4 * i);
  }
  return 0;
}

// The BF16 the quantizer sees: FP16 and FP32 rounded to nearest even first, as the seed does
// (`x.to(torch.bfloat16)`) and as `hif4 quantize --input-format f32` does.
inline uint16_t element_bf16(const uint8_t* data, Source s, uint64_t i) {
  if (s == Source::Bf16) return load16(data + 2 * i);
  return f32_bits_to_bf16(element_f32_bits(data, s, i));
}

// ---- the plan ---------------------------------------------------------------------------------

struct Job {
  enum Kind { Copy, Quantize, Dequantize } kind = Copy;
  std::string name;  // the input tensor (Quantize: NAME.weight; Dequantize: NAME.e6m2)
  std::string base;  // NAME for Quantize / Dequantize
  uint64_t rows = 0, cols = 0, blocks_per_row = 0;
  Source source = Source::Bf16;
};

struct Stats {  // --report: against the original values
  double error2 = 0, signal2 = 0;
  uint64_t excluded = 0;  // non-finite inputs and NaN-block outputs, left out of the sums
  // One value: original x and its quantized value q. The sums are taken in value order.
  void add(double x, double q) {
    if (!std::isfinite(x) || !std::isfinite(q)) {
      ++excluded;
      return;
    }
    error2 += (x - q) * (x - q);
    signal2 += x * x;
  }
  void add(const Stats& o) {
    error2 += o.error2;
    signal2 += o.signal2;
    excluded += o.excluded;
  }
};

std::string module_name(const std::string& tensor) {
  return tensor.substr(0, tensor.size() - std::string(kWeightSuffix).size());
}

// ---- side files -------------------------------------------------------------------------------

// `shown`: the name messages give the copy (the output folder's, not the staging folder's).
void copy_file(const std::string& from, const std::string& to, const std::string& shown) {
  InputFile in(from);
  AtomicOutput out(AtomicOutput::staged, to, shown);
  std::vector<char> buf(1 << 20);
  for (size_t n; (n = in.read_some(buf.data(), buf.size())) != 0;) out.write(buf.data(), n);
  out.commit();
}

std::vector<std::string> copy_side_files(const std::string& from_dir, const AtomicFolder& out) {
  std::vector<std::string> copied;
  if (from_dir.empty()) return copied;
  DIR* d = ::opendir(from_dir.c_str());
  if (!d) return copied;
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d))
    if (is_side_file(e->d_name)) names.emplace_back(e->d_name);
  ::closedir(d);
  std::sort(names.begin(), names.end());
  for (const std::string& n : names) {
    struct stat st;
    const std::string p = from_dir + "/" + n;
    if (::stat(p.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    copy_file(p, out.file(n), out.shown(n));
    copied.push_back(n);
  }
  return copied;
}

void write_text(const std::string& path, const std::string& shown, const std::string& text) {
  AtomicOutput out(AtomicOutput::staged, path, shown);
  out.write(text.data(), text.size());
  out.commit();
}

// ---- the work -----------------------------------------------------------------------------------

void copy_tensor(const st::Checkpoint::Entry& e, st::Writer& w, Progress& progress) {
  const size_t slot = w.index(e.info->name);
  const uint8_t* src = e.file->data(*e.info);
  for (uint64_t done = 0; done < e.info->bytes();) {
    const uint64_t n = std::min<uint64_t>(kCopyChunkBytes, e.info->bytes() - done);
    w.append(slot, src + done, n);
    e.file->release(*e.info, done, done + n);
    done += n;
    progress.advance(n, e.info->name);
  }
}

// Rows longer than a chunk: each row in segments of kChunkBlocks blocks, so memory does not
// grow with the row length. The report's sums run over a row's values in the same order as in
// quantize_tensor, so the figures are the same whichever path a tensor takes.
Stats quantize_long_rows(const Job& job, const st::Checkpoint::Entry& e, const Config& cfg,
                         unsigned threads, bool report, st::Writer& w, Progress& progress,
                         const size_t slots[kPartCount]) {
  Stats stats;
  const uint64_t nb = job.blocks_per_row;
  const uint8_t* data = e.file->data(*e.info);
  const uint64_t elem = e.info->bits / 8;
  std::vector<uint16_t> values(kChunkBlocks * kBlockValues);
  std::vector<uint8_t> packed(kChunkBlocks * kPackedBytes);
  std::vector<uint32_t> decoded(report ? kChunkBlocks * kBlockValues : 0);
  std::vector<uint8_t> parts[kPartCount];
  for (unsigned k = 0; k < kPartCount; ++k) parts[k].resize(kChunkBlocks * kParts[k].bytes);
  for (uint64_t r = 0; r < job.rows; ++r) {
    Stats row;
    for (uint64_t seg = 0; seg < nb; seg += kChunkBlocks) {
      const uint64_t n = std::min<uint64_t>(kChunkBlocks, nb - seg);
      const uint64_t first_col = seg * kBlockValues;
      const uint64_t cols = std::min<uint64_t>(n * kBlockValues, job.cols - first_col);
      const uint64_t base = r * job.cols + first_col;
      parallel_for(static_cast<size_t>(cols), threads, [&](size_t c0, size_t c1) {
        for (size_t c = c0; c < c1; ++c) values[c] = element_bf16(data, job.source, base + c);
      });
      std::fill(values.begin() + static_cast<std::ptrdiff_t>(cols), values.begin() + static_cast<std::ptrdiff_t>(n * kBlockValues), uint16_t{0});
      quantize_blocks_parallel(values.data(), static_cast<size_t>(n), cfg, r * nb + seg, packed.data(), threads);
      for (uint64_t b = 0; b < n; ++b)
        for (unsigned k = 0; k < kPartCount; ++k)
          std::memcpy(&parts[k][b * kParts[k].bytes], &packed[b * kPackedBytes + kParts[k].offset], kParts[k].bytes);
      for (unsigned k = 0; k < kPartCount; ++k) w.append(slots[k], parts[k].data(), n * kParts[k].bytes);
      if (report) {
        decode_blocks_fast_f32(packed.data(), static_cast<size_t>(n), decoded.data());
        for (uint64_t c = 0; c < cols; ++c)
          row.add(static_cast<double>(bits_to_float(element_f32_bits(data, job.source, base + c))),
                  static_cast<double>(bits_to_float(decoded[c])));
      }
      e.file->release(*e.info, base * elem, (base + cols) * elem);
      progress.advance(cols * elem, job.name);
    }
    stats.add(row);
  }
  return stats;
}

Stats quantize_tensor(const Job& job, const st::Checkpoint::Entry& e, const Config& cfg,
                      unsigned threads, bool report, st::Writer& w, Progress& progress) {
  Stats stats;
  const uint64_t nb = job.blocks_per_row;
  if (job.rows == 0 || nb == 0) return stats;
  size_t slots[kPartCount];
  for (unsigned k = 0; k < kPartCount; ++k) slots[k] = w.index(job.base + kParts[k].suffix);
  const uint8_t* data = e.file->data(*e.info);
  const uint64_t elem = e.info->bits / 8;
  if (nb > kChunkBlocks) return quantize_long_rows(job, e, cfg, threads, report, w, progress, slots);
  const uint64_t rows_per_chunk = std::max<uint64_t>(1, kChunkBlocks / nb);
  std::vector<uint16_t> values(rows_per_chunk * nb * kBlockValues);
  std::vector<uint8_t> packed(rows_per_chunk * nb * kPackedBytes);
  std::vector<uint8_t> parts[kPartCount];
  for (unsigned k = 0; k < kPartCount; ++k) parts[k].resize(rows_per_chunk * nb * kParts[k].bytes);
  std::vector<Stats> row_stats(report ? rows_per_chunk : 0);

  for (uint64_t first = 0; first < job.rows; first += rows_per_chunk) {
    const uint64_t rows = std::min(rows_per_chunk, job.rows - first);
    for_rows(threads, rows, [&](uint64_t r0, uint64_t r1) {
      for (uint64_t r = r0; r < r1; ++r) {
        uint16_t* row = &values[r * nb * kBlockValues];
        const uint64_t base = (first + r) * job.cols;
        for (uint64_t c = 0; c < job.cols; ++c) row[c] = element_bf16(data, job.source, base + c);
        std::fill(row + job.cols, row + nb * kBlockValues, uint16_t{0});  // the row's padding
      }
      // The SIMD path: the same bytes as quantize_blocks (simd.h; tests/model/test_simd.cpp).
      quantize_blocks_fast(&values[r0 * nb * kBlockValues], (r1 - r0) * nb, cfg, (first + r0) * nb,
                           &packed[r0 * nb * kPackedBytes]);
      for (uint64_t b = r0 * nb; b < r1 * nb; ++b)
        for (unsigned k = 0; k < kPartCount; ++k)
          std::memcpy(&parts[k][b * kParts[k].bytes], &packed[b * kPackedBytes + kParts[k].offset],
                      kParts[k].bytes);
      if (!report) return;
      std::vector<uint32_t> row_decoded(nb * kBlockValues);
      for (uint64_t r = r0; r < r1; ++r) {
        Stats s;
        decode_blocks_fast_f32(&packed[r * nb * kPackedBytes], nb, row_decoded.data());
        for (uint64_t b = 0; b < nb; ++b) {
          const uint32_t* decoded = &row_decoded[b * kBlockValues];
          for (unsigned i = 0; i < kBlockValues && b * kBlockValues + i < job.cols; ++i)
            s.add(static_cast<double>(bits_to_float(
                      element_f32_bits(data, job.source, (first + r) * job.cols + b * kBlockValues + i))),
                  static_cast<double>(bits_to_float(decoded[i])));
        }
        row_stats[r] = s;
      }
    });
    for (unsigned k = 0; k < kPartCount; ++k)
      w.append(slots[k], parts[k].data(), rows * nb * kParts[k].bytes);
    for (uint64_t r = 0; report && r < rows; ++r) stats.add(row_stats[r]);  // in row order: no thread dependence
    e.file->release(*e.info, first * job.cols * elem, (first + rows) * job.cols * elem);
    progress.advance(rows * job.cols * elem, job.name);
  }
  return stats;
}

void dequantize_tensor(const Job& job, const st::Checkpoint& ckpt, unsigned threads,
                       st::Writer& w, Progress& progress) {
  const uint64_t nb = job.blocks_per_row;
  const size_t slot = w.index(job.base + kWeightSuffix);
  if (job.rows == 0 || job.cols == 0) return;
  const st::Checkpoint::Entry* part_entry[kPartCount];
  const uint8_t* part_data[kPartCount];
  for (unsigned k = 0; k < kPartCount; ++k) {
    part_entry[k] = &ckpt.tensors.at(job.base + kParts[k].suffix);
    part_data[k] = part_entry[k]->file->data(*part_entry[k]->info);
  }
  if (nb > kChunkBlocks) {
    // Rows longer than a chunk: in segments of kChunkBlocks blocks (bounded memory).
    std::vector<uint8_t> packed(kChunkBlocks * kPackedBytes);
    std::vector<uint16_t> decoded(kChunkBlocks * kBlockValues);
    std::vector<uint8_t> out(kChunkBlocks * kBlockValues * 2);
    for (uint64_t r = 0; r < job.rows; ++r)
      for (uint64_t seg = 0; seg < nb; seg += kChunkBlocks) {
        const uint64_t n = std::min<uint64_t>(kChunkBlocks, nb - seg);
        const uint64_t cols = std::min<uint64_t>(n * kBlockValues, job.cols - seg * kBlockValues);
        uint64_t consumed = 0;
        for (unsigned k = 0; k < kPartCount; ++k) {
          const uint64_t first = (r * nb + seg) * kParts[k].bytes;
          for (uint64_t b = 0; b < n; ++b)
            std::memcpy(&packed[b * kPackedBytes + kParts[k].offset],
                        part_data[k] + first + b * kParts[k].bytes, kParts[k].bytes);
          part_entry[k]->file->release(*part_entry[k]->info, first, first + n * kParts[k].bytes);
          consumed += n * kParts[k].bytes;
        }
        decode_blocks_fast_bf16(packed.data(), static_cast<size_t>(n), decoded.data());
        for (uint64_t c = 0; c < cols; ++c) {
          out[2 * c] = static_cast<uint8_t>(decoded[c]);
          out[2 * c + 1] = static_cast<uint8_t>(decoded[c] >> 8);
        }
        w.append(slot, out.data(), cols * 2);
        progress.advance(consumed, job.base);
      }
    return;
  }
  const uint64_t rows_per_chunk = std::max<uint64_t>(1, kChunkBlocks / nb);
  std::vector<uint8_t> out(rows_per_chunk * job.cols * 2);
  for (uint64_t first = 0; first < job.rows; first += rows_per_chunk) {
    const uint64_t rows = std::min(rows_per_chunk, job.rows - first);
    for_rows(threads, rows, [&](uint64_t r0, uint64_t r1) {
      std::vector<uint8_t> packed(nb * kPackedBytes);
      std::vector<uint16_t> decoded(nb * kBlockValues);
      for (uint64_t r = r0; r < r1; ++r) {
        // Reassemble the row's 36-byte blocks from the four tensors, then decode them.
        for (uint64_t b = 0; b < nb; ++b) {
          const uint64_t block = (first + r) * nb + b;
          for (unsigned k = 0; k < kPartCount; ++k)
            std::memcpy(&packed[b * kPackedBytes + kParts[k].offset],
                        part_data[k] + block * kParts[k].bytes, kParts[k].bytes);
        }
        decode_blocks_fast_bf16(packed.data(), nb, decoded.data());  // exact: HiF4 fits BF16
        for (uint64_t c = 0; c < job.cols; ++c) {  // the row's zero padding is cropped
          uint8_t* dst = &out[(r * job.cols + c) * 2];
          dst[0] = static_cast<uint8_t>(decoded[c]);
          dst[1] = static_cast<uint8_t>(decoded[c] >> 8);
        }
      }
    });
    w.append(slot, out.data(), rows * job.cols * 2);
    uint64_t consumed = 0;
    for (unsigned k = 0; k < kPartCount; ++k) {
      const uint64_t per_row = nb * kParts[k].bytes;
      part_entry[k]->file->release(*part_entry[k]->info, first * per_row, (first + rows) * per_row);
      consumed += rows * per_row;
    }
    progress.advance(consumed, job.base);
  }
}

// ---- convert ----------------------------------------------------------------------------------

void print_report(const std::vector<std::pair<Job, Stats>>& results, const st::Checkpoint& ckpt) {
  std::printf("%-56s %-14s %-5s %14s %10s %9s\n", "tensor", "shape", "dtype", "NMSE", "SQNR_dB",
              "excluded");
  Stats all;
  auto line = [](const std::string& name, const std::string& shape, const std::string& dtype,
                 const Stats& s) {
    const double nmse = s.error2 == 0 ? 0.0 : s.error2 / s.signal2;
    const double sqnr = s.error2 == 0 ? INFINITY : 10.0 * std::log10(s.signal2 / s.error2);
    std::printf("%-56s %-14s %-5s %14.6e %10.3f %9llu\n", printable(name).c_str(), shape.c_str(),
                dtype.c_str(), nmse, sqnr, static_cast<unsigned long long>(s.excluded));
  };
  for (const auto& [job, s] : results) {
    const st::TensorInfo& t = *ckpt.tensors.at(job.name).info;
    line(job.name, shape_text(t.shape), t.dtype, s);
    all.error2 += s.error2;
    all.signal2 += s.signal2;
    all.excluded += s.excluded;
  }
  line("(all converted tensors)", "", "", all);
}

}  // namespace

int convert_checkpoint(const ConvertOptions& options) {
  const Config& cfg = options.config;
  const unsigned threads = options.threads;
  std::vector<std::string> skip;
  if (options.default_skip) skip = kDefaultSkip;
  for (const std::string& k : options.skip) {
    if (k.empty()) throw Error("--skip: an empty keyword would skip every tensor");
    try {
      (void)json(k).dump();  // hif4_config.json must be able to hold it
    } catch (const json::exception&) {
      throw Error("--skip: keyword '" + k + "' is not valid UTF-8");
    }
    skip.push_back(lower(k));  // stored lowercased: the seed's loader compares lowercased names
  }
  const bool report = options.report;
  const std::string& out_path = options.out;
  st::Checkpoint ckpt = st::open_checkpoint(options.in);
  for (const auto& f : ckpt.files) {
    auto it = f->header().metadata.find("quantization");
    if (it != f->header().metadata.end() && it->second == "HiF4")
      throw Error("'" + f->path() + "' is already HiF4-packed (use --dequantize to unpack it)");
  }

  // Plan every output tensor before creating anything.
  std::vector<Job> jobs;
  std::vector<st::OutputTensor> outputs;
  for (const auto& [name, e] : ckpt.tensors) {
    Job job;
    job.name = name;
    const st::TensorInfo& t = *e.info;
    bool convert = ends_with(name, kWeightSuffix) && t.shape.size() == 2;
    if (convert) {
      const std::string module = lower(module_name(name));
      for (const std::string& k : skip)
        if (module.find(k) != std::string::npos) convert = false;
    }
    if (convert && !source_of(t.dtype, &job.source))
      throw Error("tensor '" + name + "' (" + t.dtype + ") would be quantized, but only BF16, F16 "
                  "and F32 weights can be; leave it as it is with --skip " + module_name(name));
    if (!convert) {
      outputs.push_back({name, t.dtype, t.shape});
      jobs.push_back(job);
      continue;
    }
    job.kind = Job::Quantize;
    job.base = module_name(name);
    job.rows = t.shape[0];
    job.cols = t.shape[1];
    job.blocks_per_row = blocks_per_row(job.cols);
    for (const PackedPart& p : kParts) {
      std::vector<uint64_t> shape = {job.rows, job.blocks_per_row};
      if (p.trailing_dim) shape.push_back(p.bytes);
      outputs.push_back({job.base + p.suffix, "U8", shape});
    }
    jobs.push_back(job);
  }
  std::map<std::string, int> seen;
  for (const st::OutputTensor& o : outputs)
    if (++seen[o.name] > 1)
      throw Error("output tensor '" + o.name + "' would be written twice (the input already has a "
                  "tensor of that name beside the weight it converts from)");

  json converted = json::object();
  for (const Job& j : jobs)
    if (j.kind == Job::Quantize)
      converted[j.name] = {{"shape", ckpt.tensors.at(j.name).info->shape},
                           {"dtype", ckpt.tensors.at(j.name).info->dtype}};
  json knobs_used = json::object();
  for (const Knob& k : knobs()) knobs_used[k.name] = knob_value_name(k, cfg);
  const Profile* profile = matching_profile(cfg);
  json manifest = {
      {"format", "HiF4"},
      {"filename", kOutputFile},
      {"skip_name_keywords", skip},
      {"block_size", kBlockValues},
      {"profile", profile ? json(profile->name) : json(nullptr)},
      {"knobs", knobs_used},
      {"sr_seed", cfg.sr_seed},
      {"converted", converted},
      {"tool", "hif4 convert"},
  };

  // Written under a staging name beside --out and renamed into place when whole; an error or
  // a signal removes it (folders.h, cleanup.h).
  AtomicFolder staging("--out", out_path, AtomicFolder::Existing::Refuse);
  Progress progress(ckpt.tensor_bytes());
  std::vector<std::pair<Job, Stats>> results;
  {
    st::Writer writer(staging.file(kOutputFile), staging.shown(kOutputFile), outputs, {{"format", "pt"}, {"quantization", "HiF4"}});
    for (const Job& job : jobs) {
      const st::Checkpoint::Entry& e = ckpt.tensors.at(job.name);
      if (job.kind == Job::Copy) {
        copy_tensor(e, writer, progress);
      } else {
        results.emplace_back(job, quantize_tensor(job, e, cfg, threads, report, writer, progress));
      }
    }
    writer.commit();
  }
  copy_side_files(ckpt.directory, staging);
  write_text(staging.file(kManifest), staging.shown(kManifest), manifest.dump(2) + "\n");
  staging.commit();
  progress.finish();
  if (report) {
    print_report(results, ckpt);
    const double s = progress.seconds();
    std::printf("converted %zu of %zu tensors, %.3f GB in %.2f s (%.3f GB/s of input), %d thread%s\n",
                results.size(), jobs.size(), static_cast<double>(ckpt.tensor_bytes()) / 1e9, s,
                s > 0 ? static_cast<double>(ckpt.tensor_bytes()) / 1e9 / s : 0.0,
                static_cast<int>(threads), threads == 1 ? "" : "s");
  }
  return kExitOk;
}

// ---- dequantize -------------------------------------------------------------------------------

int dequantize_checkpoint(const DequantizeOptions& options) {
  const unsigned threads = options.threads;
  const std::string& in_path = options.in;
  const std::string& out_path = options.out;
  std::string weights = in_path;
  json converted = json::object();
  struct stat st_in;
  if (::stat(in_path.c_str(), &st_in) == 0 && S_ISDIR(st_in.st_mode)) {
    std::string filename = kOutputFile;
    const std::string manifest_path = in_path + "/" + kManifest;
    struct stat st_manifest;
    if (::lstat(manifest_path.c_str(), &st_manifest) == 0) {
      // Read whole: a regular file only (a FIFO would block, a device never end), and a small one.
      const std::string text = read_small_file(manifest_path, st::kMaxHeaderBytes, "a HiF4 manifest");
      json m;
      try {
        m = json::parse(text);
      } catch (const json::exception& e) {
        throw Error("'" + manifest_path + "' is not valid JSON: " + e.what());
      }
      if (!m.is_object() || !m.contains("format") || m["format"] != "HiF4")
        throw Error("'" + manifest_path + "' does not describe a HiF4 checkpoint (format != HiF4)");
      if (m.contains("filename")) {
        const json& name = m["filename"];
        if (!name.is_string() || name == "" || name == "." || name == ".." ||
            name.get<std::string>().find('/') != std::string::npos)
          throw Error("'" + manifest_path + "': filename is not a plain file name");
        filename = m["filename"].get<std::string>();
      }
      if (m.contains("converted")) {
        if (!m["converted"].is_object())
          throw Error("'" + manifest_path + "': converted is not an object");
        converted = m["converted"];
      }
    }
    weights = in_path + "/" + filename;
  }
  st::Checkpoint ckpt = st::open_checkpoint(weights);
  if (::stat(in_path.c_str(), &st_in) == 0 && S_ISDIR(st_in.st_mode)) ckpt.directory = in_path;

  std::vector<Job> jobs;
  std::vector<st::OutputTensor> outputs;
  std::set<std::string> consumed;
  for (const auto& [name, e] : ckpt.tensors) {
    if (!ends_with(name, kParts[0].suffix)) continue;
    Job job;
    job.kind = Job::Dequantize;
    job.name = name;
    job.base = name.substr(0, name.size() - std::strlen(kParts[0].suffix));
    const st::TensorInfo& e6 = *e.info;
    if (e6.dtype != "U8" || e6.shape.size() != 2)
      throw Error("'" + weights + "': tensor '" + name + "' is " + e6.dtype + " " +
                  shape_text(e6.shape) + ", not a U8 [out, blocks] scale tensor");
    job.rows = e6.shape[0];
    job.blocks_per_row = e6.shape[1];
    for (const PackedPart& p : kParts) {
      const std::string part = job.base + p.suffix;
      auto it = ckpt.tensors.find(part);
      if (it == ckpt.tensors.end())
        throw Error("'" + weights + "': '" + name + "' has no companion tensor '" + part + "'");
      std::vector<uint64_t> want = {job.rows, job.blocks_per_row};
      if (p.trailing_dim) want.push_back(p.bytes);
      if (it->second.info->dtype != "U8" || it->second.info->shape != want)
        throw Error("'" + weights + "': tensor '" + part + "' is " + it->second.info->dtype + " " +
                    shape_text(it->second.info->shape) + ", expected U8 " + shape_text(want));
      consumed.insert(part);
    }
    const std::string weight = job.base + kWeightSuffix;
    if (ckpt.tensors.count(weight))
      throw Error("'" + weights + "' holds both '" + weight + "' and its packed form");
    if (job.blocks_per_row > UINT64_MAX / kBlockValues)
      throw Error("'" + weights + "': tensor '" + name + "' claims " + std::to_string(job.blocks_per_row) +
                  " blocks per row, more than a row can hold");
    job.cols = job.blocks_per_row * kBlockValues;
    if (converted.contains(weight)) {
      const json& entry = converted[weight];
      const json shape = entry.is_object() && entry.contains("shape") ? entry["shape"] : json();
      if (!shape.is_array() || shape.size() != 2 || !shape[0].is_number_unsigned() ||
          !shape[1].is_number_unsigned() || shape[0].get<uint64_t>() != job.rows ||
          blocks_per_row(shape[1].get<uint64_t>()) != job.blocks_per_row)
        throw Error("hif4_config.json gives '" + weight + "' the shape " + shape.dump() +
                    ", which does not fit its packed tensors " + shape_text({job.rows, job.blocks_per_row}) + " blocks");
      job.cols = shape[1].get<uint64_t>();
    } else {
      std::fprintf(stderr,
                   "hif4 convert: note: no original width recorded for '%s'; writing all %llu "
                   "values per row, zero padding included\n",
                   printable(weight).c_str(), static_cast<unsigned long long>(job.cols));
    }
    // Every size derived from the shape must be representable (a manifest may claim anything).
    uint64_t values = 0, bytes = 0;
    if (__builtin_mul_overflow(job.rows, job.cols, &values) || __builtin_mul_overflow(values, uint64_t{2}, &bytes))
      throw Error("'" + weights + "': '" + weight + "' would hold " + shape_text({job.rows, job.cols}) +
                  " BF16 values, more than a file can hold");
    outputs.push_back({weight, "BF16", {job.rows, job.cols}});
    jobs.push_back(job);
  }
  if (jobs.empty())
    throw Error("'" + weights + "' holds no HiF4-packed tensors (no NAME.e6m2 with its companions): "
                "nothing to dequantize");
  for (const auto& [name, e] : ckpt.tensors) {
    bool is_part = false;
    for (const PackedPart& p : kParts)
      if (ends_with(name, p.suffix)) is_part = true;
    if (is_part && !consumed.count(name))
      throw Error("'" + weights + "': tensor '" + name + "' has no matching '.e6m2' scale tensor");
    if (is_part) continue;
    Job job;
    job.name = name;
    outputs.push_back({name, e.info->dtype, e.info->shape});
    jobs.push_back(job);
  }
  std::map<std::string, int> seen;
  for (const st::OutputTensor& o : outputs)
    if (++seen[o.name] > 1) throw Error("output tensor '" + o.name + "' would be written twice");

  // Written under a staging name beside --out and renamed into place when whole; an error or
  // a signal removes it (folders.h, cleanup.h).
  AtomicFolder staging("--out", out_path, AtomicFolder::Existing::Refuse);
  Progress progress(ckpt.tensor_bytes());
  {
    st::Writer writer(staging.file(kOutputFile), staging.shown(kOutputFile), outputs, {{"format", "pt"}});
    for (const Job& job : jobs) {
      if (job.kind == Job::Copy) copy_tensor(ckpt.tensors.at(job.name), writer, progress);
      else dequantize_tensor(job, ckpt, threads, writer, progress);
    }
    writer.commit();
  }
  copy_side_files(ckpt.directory, staging);
  staging.commit();
  return kExitOk;
}

}  // namespace hif4::convert
