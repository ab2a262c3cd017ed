// Helpers of the convert tests: a checkpoint writer and reader of their own (so the code under
// test is never checked against itself), temporary folders, and running the built binary.
#pragma once
#include <sys/stat.h>
#include <sys/wait.h>
#include <dirent.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "test_files.h"

namespace convert_test {

using hif4::test::read_bytes;

using nlohmann::json;

struct Tensor {
  std::string dtype;
  std::vector<uint64_t> shape;
  std::vector<uint8_t> bytes;
};
using Tensors = std::map<std::string, Tensor>;

inline void write_file(const std::string& path, const void* data, size_t n) {
  std::ofstream f(path, std::ios::binary);
  f.write(static_cast<const char*>(data), static_cast<std::streamsize>(n));
  if (!f) throw std::runtime_error("cannot write " + path);
}
inline void write_file(const std::string& path, const std::vector<uint8_t>& b) {
  write_file(path, b.data(), b.size());
}
inline void write_file(const std::string& path, const std::string& s) {
  write_file(path, s.data(), s.size());
}

// A file image: u64 length, the header text as given, then the data bytes.
inline std::vector<uint8_t> image(const std::string& header, const std::vector<uint8_t>& data) {
  std::vector<uint8_t> out(8);
  for (int i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(uint64_t{header.size()} >> (8 * i));
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

// Tensors laid out contiguously in the order given (names in `order`).
inline std::vector<uint8_t> build(const Tensors& ts, const std::vector<std::string>& order,
                                  const json& metadata = nullptr) {
  json h = json::object();
  if (!metadata.is_null()) h["__metadata__"] = metadata;
  std::vector<uint8_t> data;
  for (const std::string& n : order) {
    const Tensor& t = ts.at(n);
    h[n] = {{"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {data.size(), data.size() + t.bytes.size()}}};
    data.insert(data.end(), t.bytes.begin(), t.bytes.end());
  }
  return image(h.dump(), data);
}
inline std::vector<uint8_t> build(const Tensors& ts, const json& metadata = nullptr) {
  std::vector<std::string> order;
  for (const auto& [n, t] : ts) order.push_back(n);
  return build(ts, order, metadata);
}

struct Loaded {
  json header;
  uint64_t header_bytes = 0;
  Tensors tensors;
  std::map<std::string, uint64_t> file_offset;  // where each tensor's data starts in the file
};

// Minimal reader of the tests' own: trusts the file (the reader under test validates).
inline Loaded load(const std::string& path) {
  const std::vector<uint8_t> f = read_bytes(path);
  Loaded l;
  for (int i = 7; i >= 0; --i) l.header_bytes = l.header_bytes << 8 | f.at(i);
  l.header = json::parse(f.begin() + 8, f.begin() + 8 + static_cast<long>(l.header_bytes));
  for (auto it = l.header.begin(); it != l.header.end(); ++it) {
    if (it.key() == "__metadata__") continue;
    Tensor t;
    t.dtype = it.value()["dtype"].get<std::string>();
    t.shape = it.value()["shape"].get<std::vector<uint64_t>>();
    const uint64_t b = it.value()["data_offsets"][0], e = it.value()["data_offsets"][1];
    const uint64_t base = 8 + l.header_bytes;
    t.bytes.assign(f.begin() + static_cast<long>(base + b), f.begin() + static_cast<long>(base + e));
    l.file_offset[it.key()] = base + b;
    l.tensors[it.key()] = std::move(t);
  }
  return l;
}

// A fresh folder under $TMPDIR (or /tmp), removed with everything in it at the end.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/hif4-convert-test-XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (!::mkdtemp(buf.data())) throw std::runtime_error("mkdtemp failed");
    path_ = buf.data();
  }
  ~TempDir() { std::system(("rm -rf '" + path_ + "'").c_str()); }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline bool exists(const std::string& p) {
  struct stat st;
  return ::lstat(p.c_str(), &st) == 0;
}

inline std::vector<std::string> list_dir(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d))
      if (std::strcmp(e->d_name, ".") && std::strcmp(e->d_name, "..")) names.emplace_back(e->d_name);
    ::closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

struct RunResult {
  int status = -1;
  std::string output;  // stdout and stderr together
};

// Runs `hif4 ARGS` through the shell (prefix: extra shell commands before it, e.g. ulimit).
inline RunResult run_hif4(const std::string& args, const std::string& log, const std::string& prefix = "") {
  const std::string cmd = prefix + "'" HIF4_BINARY "' " + args + " >'" + log + "' 2>&1";
  const int raw = std::system(("sh -c \"" + cmd + "\"").c_str());
  RunResult r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
  const std::vector<uint8_t> output = read_bytes(log);
  r.output.assign(output.begin(), output.end());
  return r;
}

// ---- values ----------------------------------------------------------------------------------

// BF16 bit patterns: signs, exponents over a wide range, some zeros and subnormals.
inline std::vector<uint16_t> random_bf16(size_t n, std::mt19937_64& rng, int exp_lo = 100, int exp_hi = 140) {
  std::vector<uint16_t> v(n);
  std::uniform_int_distribution<int> e(exp_lo, exp_hi), m(0, 127), s(0, 1), kind(0, 49);
  for (auto& x : v) {
    const int k = kind(rng);
    if (k == 0) x = 0;
    else if (k == 1) x = static_cast<uint16_t>(s(rng) << 15 | m(rng));  // subnormal or -0
    else x = static_cast<uint16_t>(s(rng) << 15 | e(rng) << 7 | m(rng));
  }
  return v;
}

template <typename T>
std::vector<uint8_t> as_bytes(const std::vector<T>& v) {
  std::vector<uint8_t> b(v.size() * sizeof(T));
  std::memcpy(b.data(), v.data(), b.size());  // little-endian host, as the file format
  return b;
}

inline uint64_t element_count(const std::vector<uint64_t>& shape) {
  uint64_t n = 1;
  for (uint64_t d : shape) n *= d;
  return n;
}

inline Tensor bf16_tensor(std::vector<uint64_t> shape, std::mt19937_64& rng) {
  const uint64_t n = element_count(shape);
  return {"BF16", shape, as_bytes(random_bf16(n, rng))};
}

inline Tensor f32_tensor(std::vector<uint64_t> shape, std::mt19937_64& rng) {
  const uint64_t n = element_count(shape);
  std::vector<float> v(n);
  std::normal_distribution<float> g(0.0f, 1.0f);
  std::uniform_int_distribution<int> e(-30, 30);
  for (auto& x : v) x = std::ldexp(g(rng), e(rng));
  return {"F32", shape, as_bytes(v)};
}

inline Tensor f16_tensor(std::vector<uint64_t> shape, std::mt19937_64& rng) {
  const uint64_t n = element_count(shape);
  std::vector<uint16_t> v(n);
  std::uniform_int_distribution<int> bits(0, 0xFFFF);
  for (auto& x : v) {
    do x = static_cast<uint16_t>(bits(rng));
    while ((x & 0x7C00) == 0x7C00);  // finite values only: every exponent incl. subnormals
  }
  return {"F16", shape, as_bytes(v)};
}

// FP16 to FP32 by the compiler's own _Float16, independent of the converter's.
inline float f16_to_float(uint16_t h) {
  _Float16 x;
  std::memcpy(&x, &h, 2);
  return static_cast<float>(x);
}

// A BF16/F16/F32 tensor as FP32 values (exact).
inline std::vector<float> to_f32(const Tensor& t) {
  std::vector<float> out;
  const size_t elem = t.dtype == "F32" ? 4 : 2;
  for (size_t i = 0; i < t.bytes.size(); i += elem) {
    if (t.dtype == "F32") {
      float f;
      std::memcpy(&f, &t.bytes[i], 4);
      out.push_back(f);
    } else {
      const uint16_t h = static_cast<uint16_t>(t.bytes[i] | t.bytes[i + 1] << 8);
      if (t.dtype == "F16") {
        out.push_back(f16_to_float(h));
      } else {
        const uint32_t b = uint32_t{h} << 16;
        float f;
        std::memcpy(&f, &b, 4);
        out.push_back(f);
      }
    }
  }
  return out;
}

}  // namespace convert_test
