// hif4_gpu_check: proves the CUDA golden bit-exact against the reference model and measures
// its speed, in one program for the GPU machine (scripts/gpu_check.sh runs it).
//
//  1. Random blocks for every profile of hif4::profiles() (default 10^8 each) and for a
//     stochastic-rounding configuration: inputs are generated on the GPU from a counter-based
//     hash in 8 families (raw bit patterns, realistic, tie-rich, every BF16 as the peak at every
//     lane, E1 thresholds, tiny, huge/Inf/NaN, sparse/zero), quantized on the GPU into a
//     poisoned buffer, copied back, and compared with hif4::quantize_block on all host cores.
//  2. Every combination of every knob value of hif4::knobs() on fewer blocks each.
//  3. A self-test: one flipped output bit must be reported as exactly one bad block.
//  4. Benchmark on >= 1 GiB of BF16: the quantize kernel (each variant, each profile) against
//     cudaMemcpy device-to-device of the same input, timed with events, median of repeats.
//
// Exit 0 only when every comparison matched. Prints a markdown report (also --report FILE).
#include <cuda_runtime.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <iterator>
#include <vector>

#include "hif4/block.h"
#include "hif4/config.h"
#include "hif4/format.h"
#include "hif4_cuda.h"

namespace {

using hif4::Config;

void cuda_ok(cudaError_t e, const char* what) {
  if (e != cudaSuccess) {
    std::fprintf(stderr, "hif4_gpu_check: CUDA %s: %s\n", what, cudaGetErrorString(e));
    std::exit(2);
  }
}

// ---- input generator (GPU) ---------------------------------------------------------------

__device__ __forceinline__ uint64_t splitmix(uint64_t z) {
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

__device__ __forceinline__ uint32_t make_bf16(uint32_t sign, int exp_field, uint32_t mant) {
  exp_field = exp_field < 0 ? 0 : (exp_field > 254 ? 254 : exp_field);
  return (sign & 1u) << 15 | static_cast<uint32_t>(exp_field) << 7 | (mant & 0x7Fu);
}

// One value of block `block` (global index), lane `lane`. family < 0: block % 8.
__device__ uint16_t gen_value(uint64_t seed, uint64_t block, unsigned lane, int family) {
  const uint64_t hb = splitmix(seed ^ splitmix(block));
  const uint64_t hl = splitmix(hb ^ (0xD1B54A32D192ED03ull * (lane + 1)));
  const int fam = family >= 0 ? family : static_cast<int>(block % 8);
  const int e = static_cast<int>((hb >> 8) % 254) + 1;  // the block's binade, 1..254
  const uint32_t sign = static_cast<uint32_t>(hl >> 20);
  switch (fam) {
    case 0:  // raw 16-bit patterns: NaN, Inf, subnormals, everything
      return static_cast<uint16_t>(hl);
    case 1:  // realistic: one binade, values up to 8 binades below, some zeros
      if ((hl >> 40) % 16 == 0) return 0;
      return make_bf16(sign, e - static_cast<int>((hl >> 16) % 8), static_cast<uint32_t>(hl));
    case 2:  // tie-rich: 3 mantissa bits, 4 binades: exact quarters, halves, E6M2 ties
      if ((hl >> 40) % 8 == 0) return static_cast<uint16_t>((sign & 1u) << 15);
      return make_bf16(sign, e - static_cast<int>((hl >> 16) % 4), static_cast<uint32_t>(hl) & 0x70u);
    case 3: {  // every BF16 pattern as the peak at every lane (block/8 walks lane, then pattern)
      const uint64_t k = block / 8;
      const unsigned peak_lane = static_cast<unsigned>(k % 64);
      const uint32_t pattern = static_cast<uint32_t>((k / 64) % 65536);
      if (lane == peak_lane) return static_cast<uint16_t>(pattern);
      const int pe = static_cast<int>((pattern >> 7) & 0xFF);
      const int le = pe - static_cast<int>((hl >> 16) % 10);  // at most the peak's binade
      return make_bf16(sign, le > 254 ? 254 : le, static_cast<uint32_t>(hl) & ((pe >= 255) ? 0x7Fu : 0x3Fu));
    }
    case 4: {  // E1 thresholds: mantissas at binade edges, 4 binades under a peak
      static const uint32_t kEdges[8] = {0x00, 0x01, 0x7F, 0x7E, 0x40, 0x3F, 0x41, 0x20};
      const uint32_t m = (hl >> 24) % 3 == 0 ? static_cast<uint32_t>(hl) : kEdges[(hl >> 28) % 8];
      return make_bf16(sign, e - static_cast<int>((hl >> 16) % 4), m);
    }
    case 5:  // tiny: exponent fields 0..3 (BF16 subnormals and the smallest normals), zeros
      if ((hl >> 40) % 4 == 0) return static_cast<uint16_t>((sign & 1u) << 15);
      return static_cast<uint16_t>((sign & 1u) << 15 | ((hl >> 16) % 4) << 7 | (hl & 0x7Fu));
    case 6: {  // huge: exponent fields 248..254, sometimes Inf (1/64) or NaN (1/1024)
      const uint32_t r = static_cast<uint32_t>(hl >> 32) % 1024;
      if (r == 0) return static_cast<uint16_t>(0x7FC0u | (sign & 1u) << 15 | (hl & 0x3Fu));
      if (r < 16) return static_cast<uint16_t>(0x7F80u | (sign & 1u) << 15);
      return make_bf16(sign, 248 + static_cast<int>((hl >> 16) % 7), static_cast<uint32_t>(hl));
    }
    default:  // sparse: +-0 except about 2 lanes; 13% of these blocks are all zero
      if ((hl >> 40) % 32 != 0) return static_cast<uint16_t>((sign & 1u) << 15);
      return make_bf16(sign, e - static_cast<int>((hl >> 16) % 8), static_cast<uint32_t>(hl));
  }
}

__global__ void gen_kernel(uint16_t* out, size_t blocks, uint64_t first_block, uint64_t seed,
                           int family) {
  const size_t i = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= blocks * hif4::kBlockValues) return;
  out[i] = gen_value(seed, first_block + i / hif4::kBlockValues,
                     static_cast<unsigned>(i % hif4::kBlockValues), family);
}

void generate(uint16_t* d_in, size_t blocks, uint64_t first_block, uint64_t seed, int family) {
  const size_t values = blocks * hif4::kBlockValues;
  gen_kernel<<<static_cast<unsigned>((values + 255) / 256), 256>>>(d_in, blocks, first_block,
                                                                   seed, family);
  cuda_ok(cudaGetLastError(), "gen_kernel launch");
}

// ---- host comparison against the model ----------------------------------------------------

struct Compare {
  uint64_t blocks = 0;
  uint64_t mismatches = 0;
  uint64_t first_bad = UINT64_MAX;  // chunk-relative index of the first mismatch
};

unsigned g_threads = 0;
bool g_overrun = false;  // set when a kernel wrote past its output

// Quantizes with the model on all threads and compares with the GPU's bytes.
Compare compare_with_model(const uint16_t* in, const uint8_t* gpu, size_t n, const Config& cfg,
                           uint64_t first_index) {
  std::atomic<uint64_t> bad{0};
  std::atomic<uint64_t> first{UINT64_MAX};
  std::vector<std::thread> pool;
  const size_t per = (n + g_threads - 1) / g_threads;
  for (unsigned t = 0; t < g_threads; ++t) {
    pool.emplace_back([&, t] {
      const size_t lo = std::min(n, t * per), hi = std::min(n, lo + per);
      uint8_t want[hif4::kPackedBytes];
      uint64_t local_bad = 0, local_first = UINT64_MAX;
      for (size_t i = lo; i < hi; ++i) {
        hif4::pack_block(hif4::quantize_block(in + i * hif4::kBlockValues, cfg, first_index + i),
                         want);
        if (std::memcmp(want, gpu + i * hif4::kPackedBytes, hif4::kPackedBytes) != 0) {
          if (local_bad++ == 0) local_first = i;
        }
      }
      bad += local_bad;
      uint64_t cur = first.load();
      while (local_first < cur && !first.compare_exchange_weak(cur, local_first)) {
      }
    });
  }
  for (auto& th : pool) th.join();
  Compare c;
  c.blocks = n;
  c.mismatches = bad;
  c.first_bad = first;
  return c;
}

void print_mismatch(const uint16_t* in, const uint8_t* gpu, size_t i, const Config& cfg,
                    uint64_t index) {
  const hif4::Block want = hif4::quantize_block(in + i * hif4::kBlockValues, cfg, index);
  const hif4::Block got = hif4::unpack_block(gpu + i * hif4::kPackedBytes);
  std::printf("  first mismatch: block index %llu (%s)\n", static_cast<unsigned long long>(index),
              hif4::describe(cfg).c_str());
  std::printf("    model E6M2 0x%02X E1_8 0x%02X E1_16 0x%04X | gpu E6M2 0x%02X E1_8 0x%02X E1_16 0x%04X\n",
              want.e6m2, want.e1_8, want.e1_16, got.e6m2, got.e1_8, got.e1_16);
  for (unsigned l = 0; l < hif4::kBlockValues; ++l)
    if (want.codes[l] != got.codes[l])
      std::printf("    lane %u input 0x%04X model 0x%X gpu 0x%X\n", l,
                  in[i * hif4::kBlockValues + l], want.codes[l], got.codes[l]);
  std::printf("    inputs:");
  for (unsigned l = 0; l < hif4::kBlockValues; ++l) std::printf(" %04X", in[i * hif4::kBlockValues + l]);
  std::printf("\n");
}

// Device and pinned host buffers for one chunk of checks.
struct Buffers {
  size_t cap = 0;
  uint16_t* d_in = nullptr;
  uint8_t* d_out = nullptr;
  uint16_t* h_in = nullptr;
  uint8_t* h_out = nullptr;
  explicit Buffers(size_t blocks) : cap(blocks) {
    cuda_ok(cudaMalloc(&d_in, blocks * hif4::kInputBytes), "cudaMalloc");
    cuda_ok(cudaMalloc(&d_out, blocks * hif4::kPackedBytes), "cudaMalloc");
    cuda_ok(cudaMallocHost(&h_in, blocks * hif4::kInputBytes), "cudaMallocHost");
    cuda_ok(cudaMallocHost(&h_out, blocks * hif4::kPackedBytes), "cudaMallocHost");
  }
  ~Buffers() {
    cudaFree(d_in);
    cudaFree(d_out);
    cudaFreeHost(h_in);
    cudaFreeHost(h_out);
  }
};

// Generate, quantize on the GPU (into a poisoned buffer), copy back: n blocks at `first`.
// Returns false when the kernel wrote past the end of its n blocks. `fault_extra` (self-test
// only) makes the kernel quantize that many blocks more than the check expects.
bool gpu_chunk(Buffers& b, size_t n, uint64_t first, uint64_t seed, const Config& cfg,
               int family, int variant, size_t fault_extra = 0) {
  generate(b.d_in, std::min(n + fault_extra, b.cap), first, seed, family);
  // Poison the output and one block beyond it (when there is room): every block must be
  // overwritten, the one beyond must not be.
  const size_t back = std::min(n + 1, b.cap);
  cuda_ok(cudaMemset(b.d_out, 0xA5, back * hif4::kPackedBytes), "cudaMemset");
  hif4::cuda::quantize_device_variant(variant, b.d_in, std::min(n + fault_extra, b.cap), cfg, first,
                                      b.d_out);
  cuda_ok(cudaDeviceSynchronize(), "quantize kernel");
  cuda_ok(cudaMemcpy(b.h_in, b.d_in, n * hif4::kInputBytes, cudaMemcpyDeviceToHost), "cudaMemcpy");
  cuda_ok(cudaMemcpy(b.h_out, b.d_out, back * hif4::kPackedBytes, cudaMemcpyDeviceToHost), "cudaMemcpy");
  if (back > n) {
    for (unsigned i = 0; i < hif4::kPackedBytes; ++i)
      if (b.h_out[n * hif4::kPackedBytes + i] != 0xA5) return false;
  }
  return true;
}

struct RunResult {
  std::string name;
  uint64_t blocks = 0;
  uint64_t mismatches = 0;
  double seconds = 0;
};

// `total` random blocks under cfg, in chunks; block indices start at `first`.
RunResult check_random(Buffers& b, const std::string& name, const Config& cfg, uint64_t total,
                       uint64_t first, uint64_t seed,
                       int variant = hif4::cuda::kVariantBatched) {
  RunResult r;
  r.name = name;
  const auto t0 = std::chrono::steady_clock::now();
  bool shown = false;
  for (uint64_t done = 0; done < total;) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(b.cap, total - done));
    if (!gpu_chunk(b, n, first + done, seed, cfg, -1, variant)) {
      std::printf("  variant %d wrote past the end of its %zu-block output\n", variant, n);
      g_overrun = true;
    }
    const Compare c = compare_with_model(b.h_in, b.h_out, n, cfg, first + done);
    r.mismatches += c.mismatches;
    if (c.mismatches && !shown) {
      print_mismatch(b.h_in, b.h_out, c.first_bad, cfg, first + done + c.first_bad);
      shown = true;
    }
    done += n;
    r.blocks = done;
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

// ---- benchmark ------------------------------------------------------------------------------

double median(std::vector<float> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

template <class F>
double time_ms(F&& f, int reps) {
  cudaEvent_t a, z;
  cuda_ok(cudaEventCreate(&a), "cudaEventCreate");
  cuda_ok(cudaEventCreate(&z), "cudaEventCreate");
  for (int i = 0; i < 3; ++i) f();  // warm-up
  cuda_ok(cudaDeviceSynchronize(), "warm-up");
  std::vector<float> ms;
  for (int i = 0; i < reps; ++i) {
    cuda_ok(cudaEventRecord(a), "cudaEventRecord");
    f();
    cuda_ok(cudaEventRecord(z), "cudaEventRecord");
    cuda_ok(cudaEventSynchronize(z), "cudaEventSynchronize");
    float t = 0;
    cuda_ok(cudaEventElapsedTime(&t, a, z), "cudaEventElapsedTime");
    ms.push_back(t);
  }
  cudaEventDestroy(a);
  cudaEventDestroy(z);
  return median(ms);
}

struct Options {
  uint64_t blocks_per_profile = 100000000;
  uint64_t sweep_blocks = 131072;
  double bench_gib = 1.0;
  int reps = 20;
  uint64_t seed = 0x6869663463756461ull;  // "hif4cuda"
  std::string report;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "hif4_gpu_check: error: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    auto number = [&](const std::string& text) {
      char* end = nullptr;
      const double v = std::strtod(text.c_str(), &end);
      if (text.empty() || *end != '\0' || v < 0) {
        std::fprintf(stderr, "hif4_gpu_check: error: %s: '%s' is not a non-negative number\n",
                     a.c_str(), text.c_str());
        std::exit(2);
      }
      return v;
    };
    if (a == "--blocks") o.blocks_per_profile = static_cast<uint64_t>(number(value()));
    else if (a == "--sweep-blocks") o.sweep_blocks = static_cast<uint64_t>(number(value()));
    else if (a == "--bench-gib") o.bench_gib = number(value());
    else if (a == "--reps") o.reps = std::max(1, static_cast<int>(number(value())));
    else if (a == "--threads") g_threads = static_cast<unsigned>(number(value()));
    else if (a == "--seed") o.seed = static_cast<uint64_t>(number(value()));
    else if (a == "--report") o.report = value();
    else {
      std::fprintf(stderr,
                   "usage: hif4_gpu_check [--blocks N] [--sweep-blocks N] [--bench-gib G] "
                   "[--reps R] [--threads T] [--seed S] [--report FILE]\n");
      std::exit(a == "--help" || a == "-h" ? 0 : 2);
    }
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const Options opt = parse(argc, argv);
  if (g_threads == 0) g_threads = std::max(1u, std::thread::hardware_concurrency());
  std::string device;
  try {
    device = hif4::cuda::device_description();
  } catch (const hif4::cuda::Error& e) {
    std::fprintf(stderr, "hif4_gpu_check: error: %s\n", e.what());
    return 2;
  }
  std::string report;
  auto out = [&](const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
    report += line + "\n";
  };
  char buf[512];
  out("# hif4_gpu_check");
  out("");
  out("Device: " + device + "; host model on " + std::to_string(g_threads) + " threads.");
  out("");
  bool all_ok = true;

  Buffers chunk(size_t{1} << 22);  // 512 MiB of inputs per chunk
  std::vector<RunResult> results;

  // 1. Every profile (from the profile table), plus stochastic rounding on top of each
  //    nondefault profile would repeat the sweep; one stochastic configuration at full size.
  uint64_t index_base = 0;
  for (const hif4::Profile& p : hif4::profiles()) {
    results.push_back(check_random(chunk, std::string("profile ") + p.name, p.config,
                                   opt.blocks_per_profile, index_base, opt.seed));
    index_base += opt.blocks_per_profile;
  }
  {
    Config c = hif4::profiles().front().config;
    hif4::apply_setting(c, "payload-rounding=stochastic");
    c.sr_seed = 0x0123456789ABCDEFull;
    results.push_back(check_random(chunk, std::string("profile ") + hif4::profiles().front().name +
                                              " + payload-rounding=stochastic",
                                   c, opt.blocks_per_profile, (uint64_t{1} << 40) - 12345, opt.seed + 1));
  }

  // 2. Every combination of every knob value (the knob table's product), each on
  //    sweep_blocks blocks with its own sr-seed and block indices.
  {
    const auto& ks = hif4::knobs();
    size_t combos = 1;
    for (const auto& k : ks) combos *= k.values.size();
    RunResult sweep;
    sweep.name = "every knob combination (" + std::to_string(combos) +
                 " configs), every kernel variant";
    const auto t0 = std::chrono::steady_clock::now();
    uint64_t shown = 0;
    for (size_t ci = 0; ci < combos && opt.sweep_blocks > 0; ++ci) {
      Config c;
      size_t rest = ci;
      for (const auto& k : ks) {
        k.set(c, static_cast<uint8_t>(rest % k.values.size()));
        rest /= k.values.size();
      }
      c.sr_seed = 0x9E3779B97F4A7C15ull * (ci + 1);
      const uint64_t first = ci * 0x100000007ull;  // block indices with nonzero high words
      // Both kernels; counts that are no multiple of a CTA's blocks, to exercise the tails.
      for (int variant : hif4::cuda::kVariants) {
        const uint64_t n = (variant == hif4::cuda::default_variant() ? opt.sweep_blocks
                                                                       : opt.sweep_blocks / 8) +
                           ci % 331;
        const RunResult r = check_random(chunk, "", c, n, first, opt.seed + 2 + ci, variant);
        sweep.blocks += r.blocks;
        sweep.mismatches += r.mismatches;
        if (r.mismatches && shown++ < 3)
          std::printf("  (config %s, variant %d)\n", hif4::describe(c).c_str(), variant);
      }
    }
    sweep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    results.push_back(sweep);
  }

  out("## Bit-exactness: GPU vs model (hif4::quantize_block)");
  out("");
  out("| run | blocks | mismatches | seconds |");
  out("|---|---:|---:|---:|");
  for (const RunResult& r : results) {
    std::snprintf(buf, sizeof buf, "| %s | %llu | %llu | %.1f |", r.name.c_str(),
                  static_cast<unsigned long long>(r.blocks),
                  static_cast<unsigned long long>(r.mismatches), r.seconds);
    out(buf);
    if (r.mismatches) all_ok = false;
  }
  out("");

  // 3. The comparison must see a single flipped bit: flip one bit of one GPU block.
  {
    const Config cfg = hif4::profiles().front().config;
    const size_t n = 4096;
    if (!gpu_chunk(chunk, n, 0, opt.seed, cfg, -1, hif4::cuda::default_variant())) g_overrun = true;
    const Compare clean = compare_with_model(chunk.h_in, chunk.h_out, n, cfg, 0);
    chunk.h_out[1234 * hif4::kPackedBytes + 17] ^= 0x10;
    const Compare hurt = compare_with_model(chunk.h_in, chunk.h_out, n, cfg, 0);
    const bool ok = clean.mismatches == 0 && hurt.mismatches == 1 && hurt.first_bad == 1234;
    std::snprintf(buf, sizeof buf,
                  "Self-test: one flipped output bit in block 1234 -> %llu bad block(s), first %llu: %s",
                  static_cast<unsigned long long>(hurt.mismatches),
                  static_cast<unsigned long long>(hurt.first_bad), ok ? "caught" : "NOT CAUGHT");
    out(buf);
    // A kernel that writes one block too many must be seen by the poison check.
    const bool clean_end = gpu_chunk(chunk, 4000, 0, opt.seed, cfg, -1, hif4::cuda::default_variant());
    const bool overrun_seen = !gpu_chunk(chunk, 4000, 0, opt.seed, cfg, -1,
                                         hif4::cuda::default_variant(), 1);
    std::snprintf(buf, sizeof buf,
                  "Self-test: a launch for 4001 blocks where 4000 were expected -> %s",
                  clean_end && overrun_seen ? "caught (write past the end)" : "NOT CAUGHT");
    out(buf);
    out("");
    if (!ok || !clean_end || !overrun_seen) all_ok = false;
  }

  // 4. Benchmark.
  if (opt.bench_gib > 0) {
    const size_t blocks = static_cast<size_t>(opt.bench_gib * 1073741824.0 / hif4::kInputBytes);
    const size_t in_bytes = blocks * hif4::kInputBytes, out_bytes = blocks * hif4::kPackedBytes;
    uint16_t *d_in = nullptr, *d_copy = nullptr;
    uint8_t* d_out = nullptr;
    cuda_ok(cudaMalloc(&d_in, in_bytes), "cudaMalloc (bench input)");
    cuda_ok(cudaMalloc(&d_copy, in_bytes), "cudaMalloc (bench copy)");
    cuda_ok(cudaMalloc(&d_out, out_bytes), "cudaMalloc (bench output)");
    generate(d_in, blocks, 0, opt.seed + 99, 1);  // realistic values, never zeros
    cuda_ok(cudaDeviceSynchronize(), "generate");

    const double copy_ms = time_ms([&] {
      cuda_ok(cudaMemcpyAsync(d_copy, d_in, in_bytes, cudaMemcpyDeviceToDevice), "cudaMemcpy D2D");
    }, opt.reps);
    const double copy_gbs = 2.0 * in_bytes / (copy_ms * 1e6);  // read + write
    std::snprintf(buf, sizeof buf,
                  "## Speed: %zu blocks = %.2f GiB of BF16 in, %.2f GiB out; median of %d runs",
                  blocks, in_bytes / 1073741824.0, out_bytes / 1073741824.0, opt.reps);
    out(buf);
    out("");
    out("| kernel | config | ms | GB/s (128 B in + 36 B out a block) | G blocks/s | of copy |");
    out("|---|---|---:|---:|---:|---:|");
    std::snprintf(buf, sizeof buf, "| cudaMemcpy D2D %.2f GiB | - | %.3f | %.0f (read + write) | %.2f | 100%% |",
                  in_bytes / 1073741824.0, copy_ms, copy_gbs,
                  copy_gbs * 1e9 / (hif4::kInputBytes + hif4::kPackedBytes) / 1e9);
    out(buf);

    // The link to the host, for the command line's file-to-file path: page-locked copies of
    // the benchmark's input size each way (what `hif4 quantize --backend cuda` moves).
    {
      void* h_pinned = nullptr;
      cuda_ok(cudaHostAlloc(&h_pinned, in_bytes, cudaHostAllocDefault), "cudaHostAlloc");
      const double h2d_ms = time_ms([&] {
        cuda_ok(cudaMemcpyAsync(d_copy, h_pinned, in_bytes, cudaMemcpyHostToDevice), "cudaMemcpy H2D");
      }, opt.reps);
      const double d2h_ms = time_ms([&] {
        cuda_ok(cudaMemcpyAsync(h_pinned, d_in, in_bytes, cudaMemcpyDeviceToHost), "cudaMemcpy D2H");
      }, opt.reps);
      cudaFreeHost(h_pinned);
      std::snprintf(buf, sizeof buf, "| cudaMemcpy H2D, page-locked, %.2f GiB | - | %.3f | %.1f | - | - |",
                    in_bytes / 1073741824.0, h2d_ms, in_bytes / (h2d_ms * 1e6));
      out(buf);
      std::snprintf(buf, sizeof buf, "| cudaMemcpy D2H, page-locked, %.2f GiB | - | %.3f | %.1f | - | - |",
                    in_bytes / 1073741824.0, d2h_ms, in_bytes / (d2h_ms * 1e6));
      out(buf);
    }

    std::vector<std::pair<std::string, Config>> configs;
    for (const hif4::Profile& p : hif4::profiles()) configs.emplace_back(p.name, p.config);
    {
      Config c = hif4::profiles().front().config;
      hif4::apply_setting(c, "payload-rounding=stochastic");
      c.sr_seed = 42;
      configs.emplace_back(std::string(hif4::profiles().front().name) + "+stochastic", c);
    }
    std::vector<uint8_t> reference(out_bytes), other(out_bytes);
    const int default_variant = hif4::cuda::default_variant();
    // The lowest fraction of copy bandwidth over the configurations, per variant.
    std::vector<double> lowest(std::size(hif4::cuda::kVariants), 1e9);
    for (size_t ci = 0; ci < configs.size(); ++ci) {
      const Config& cfg = configs[ci].second;
      bool have_reference = false;
      for (size_t vi = 0; vi < std::size(hif4::cuda::kVariants); ++vi) {
        const int variant = hif4::cuda::kVariants[vi];
        cuda_ok(cudaMemset(d_out, 0xA5, out_bytes), "cudaMemset");  // poison
        const double ms = time_ms([&] {
          hif4::cuda::quantize_device_variant(variant, d_in, blocks, cfg, 0, d_out);
        }, opt.reps);
        cuda_ok(cudaDeviceSynchronize(), "quantize");
        cuda_ok(cudaMemcpy(have_reference ? other.data() : reference.data(), d_out, out_bytes,
                           cudaMemcpyDeviceToHost), "cudaMemcpy");
        const double gbs = static_cast<double>(in_bytes + out_bytes) / (ms * 1e6);
        const double fraction = gbs / copy_gbs;
        lowest[vi] = std::min(lowest[vi], fraction);
        std::snprintf(buf, sizeof buf, "| quantize, %s%s | %s | %.3f | %.0f | %.2f | %.1f%% |",
                      hif4::cuda::variant_name(variant), variant == default_variant ? " (default)" : "",
                      configs[ci].first.c_str(), ms, gbs, blocks / (ms * 1e-3) / 1e9, 100 * fraction);
        out(buf);
        // Every variant agrees byte for byte with the first, which agrees with the model on
        // the whole benchmark input (below).
        if (have_reference && other != reference) {
          std::snprintf(buf, sizeof buf, "The %s kernel disagrees with the %s kernel on %s",
                        hif4::cuda::variant_name(variant), hif4::cuda::variant_name(hif4::cuda::kVariants[0]),
                        configs[ci].first.c_str());
          out(buf);
          all_ok = false;
        }
        have_reference = true;
      }
      std::vector<uint16_t> h_in(blocks * hif4::kBlockValues);
      cuda_ok(cudaMemcpy(h_in.data(), d_in, in_bytes, cudaMemcpyDeviceToHost), "cudaMemcpy");
      const Compare c = compare_with_model(h_in.data(), reference.data(), blocks, cfg, 0);
      if (c.mismatches) {
        std::snprintf(buf, sizeof buf, "Benchmark output of %s: %llu mismatches against the model",
                      configs[ci].first.c_str(), static_cast<unsigned long long>(c.mismatches));
        out(buf);
        print_mismatch(h_in.data(), reference.data(), c.first_bad, cfg, c.first_bad);
        all_ok = false;
      }
    }
    out("");
    for (size_t vi = 0; vi < std::size(hif4::cuda::kVariants); ++vi) {
      std::snprintf(buf, sizeof buf, "Kernel %s%s: lowest fraction of copy bandwidth over these configurations: %.1f%%",
                    hif4::cuda::variant_name(hif4::cuda::kVariants[vi]),
                    hif4::cuda::kVariants[vi] == default_variant ? " (default)" : "", 100 * lowest[vi]);
      out(buf);
    }
    out("");
    cudaFree(d_in);
    cudaFree(d_copy);
    cudaFree(d_out);
  }

  if (g_overrun) {
    out("A kernel wrote past the end of its output.");
    all_ok = false;
  }
  out(all_ok ? "RESULT: PASS (every GPU block equals the model's)" : "RESULT: FAIL");
  if (!opt.report.empty()) {
    FILE* f = std::fopen(opt.report.c_str(), "w");
    if (!f) {
      std::fprintf(stderr, "hif4_gpu_check: error: cannot write report '%s'\n", opt.report.c_str());
      return 2;
    }
    std::fputs(report.c_str(), f);
    std::fclose(f);
  }
  return all_ok ? 0 : 1;
}
