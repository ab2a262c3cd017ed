// `hif4 convert` end to end, through the built binary: every converted tensor against
// `hif4 quantize --row-length in` of the same rows, every other tensor byte for byte, the round
// trip through --dequantize against `hif4 dequantize`, the report against NMSE computed here,
// and bad input (exit 2, nothing left behind).
#include <catch2/catch.hpp>
#include <cmath>
#include <sstream>

#include "util.h"

using namespace convert_test;

namespace {

// The expected values come from the scalar reference model (the spec), while the converter
// runs the SIMD path: HIF4_SIMD=scalar pins `hif4 quantize` / `hif4 dequantize` to the model.
const std::string kScalarModel = "HIF4_SIMD=scalar ";

const char* const kParts[] = {"e6m2", "e1_8_packed", "e1_16_packed", "s1p2_packed"};
const unsigned kPartOffset[] = {0, 1, 2, 4};  // in the 36-byte block
const unsigned kPartBytes[] = {1, 1, 2, 32};

// A small LLaMA-like checkpoint: several shapes, `in` not a multiple of 64, BF16/F16/F32,
// tensors that are skipped or copied, and tied tensors (equal data under two names).
Tensors model_tensors() {
  std::mt19937_64 rng(2024);
  Tensors t;
  t["model.embed_tokens.weight"] = bf16_tensor({11, 40}, rng);
  t["lm_head.weight"] = t["model.embed_tokens.weight"];                                  // tied, skipped
  t["model.layers.0.self_attn.q_proj.weight"] = bf16_tensor({7, 130}, rng);              // 3 blocks, padded
  t["model.layers.1.self_attn.q_proj.weight"] = t["model.layers.0.self_attn.q_proj.weight"];  // tied, converted
  t["model.layers.0.self_attn.o_proj.weight"] = bf16_tensor({1, 64}, rng);               // exactly one block
  t["model.layers.0.self_attn.q_proj.bias"] = f32_tensor({7}, rng);
  t["model.layers.0.mlp.down_proj.weight"] = f32_tensor({5, 200}, rng);                  // FP32 -> BF16 RNE
  t["model.layers.0.mlp.up_proj.weight"] = f16_tensor({6, 63}, rng);                      // FP16, under a block
  t["model.layers.0.mlp.gate_proj.weight"] = bf16_tensor({6, 64}, rng);                  // `gate`: skipped
  t["model.layers.0.mlp.experts.weight"] = bf16_tensor({2, 3, 64}, rng);                 // 3-D: copied
  t["model.norm.weight"] = bf16_tensor({40}, rng);                                        // 1-D: copied
  t["model.rotary.inv_freq"] = f32_tensor({8}, rng);
  t["position_ids"] = {"I64", {1, 5}, as_bytes(std::vector<int64_t>{0, 1, 2, 3, 4})};
  t["model.layers.0.mlp.Router.weight"] = bf16_tensor({2, 64}, rng);                     // case-insensitive
  // A row of specials in a converted tensor: zeros, a NaN, an infinity.
  std::vector<uint8_t>& b = t["model.layers.0.self_attn.o_proj.weight"].bytes;
  b[2] = 0xC0, b[3] = 0x7F;  // lane 1: NaN
  return t;
}

std::string module_of(const std::string& weight) { return weight.substr(0, weight.size() - 7); }

bool should_convert(const std::string& name, const Tensor& t, const std::vector<std::string>& skip) {
  if (name.size() < 7 || name.compare(name.size() - 7, 7, ".weight") || t.shape.size() != 2) return false;
  std::string m = module_of(name);
  for (char& c : m) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const std::string& k : skip)
    if (m.find(k) != std::string::npos) return false;
  return true;
}

const std::vector<std::string> kDefaultSkip = {"embed", "embedding", "lm_head", "gate", "gating", "router"};

// The rows of a weight as `hif4 quantize` takes them: BF16 as is, F32 as is, F16 widened to
// F32 exactly (quantize has no F16 input; BF16(F32(h)) = BF16(h) as both round once).
std::string raw_rows(const Tensor& t, const std::string& path) {
  if (t.dtype == "BF16") {
    write_file(path, t.bytes);
    return "bf16";
  }
  write_file(path, as_bytes(to_f32(t)));
  return "f32";
}

// The packed blocks `hif4 quantize --row-length in` makes of a weight's rows (scalar model).
std::vector<uint8_t> quantize_rows(const Tensor& t, const std::string& knobs, const TempDir& dir) {
  const std::string fmt = raw_rows(t, dir / "rows.raw");
  const RunResult r = run_hif4("quantize " + knobs + " --input-format " + fmt + " --row-length " +
                               std::to_string(t.shape[1]) + " --in " + (dir / "rows.raw") + " --out " +
                               (dir / "rows.hif4"),
                           dir / "quantize.log", kScalarModel);
  INFO(r.output);
  REQUIRE(r.status == 0);
  return read_bytes(dir / "rows.hif4");
}

// Mismatches between a converted checkpoint and what `hif4 quantize` and the input say it must
// hold. Returns a description per mismatch (empty: all good).
std::vector<std::string> check_conversion(const Tensors& in, const Loaded& out, const std::string& knobs,
                                          const std::vector<std::string>& skip, const TempDir& dir) {
  std::vector<std::string> bad;
  size_t expected_outputs = 0;
  for (const auto& [name, t] : in) {
    if (!should_convert(name, t, skip)) {
      ++expected_outputs;
      auto it = out.tensors.find(name);
      if (it == out.tensors.end() || it->second.dtype != t.dtype || it->second.shape != t.shape ||
          it->second.bytes != t.bytes)
        bad.push_back("copied tensor " + name + " differs");
      continue;
    }
    expected_outputs += 4;
    if (out.tensors.count(name)) bad.push_back(name + " is still present");
    const uint64_t rows = t.shape[0], nb = (t.shape[1] + 63) / 64;
    const std::vector<uint8_t> packed = quantize_rows(t, knobs, dir);
    if (packed.size() != rows * nb * 36) bad.push_back(name + ": quantize made an unexpected size");
    for (int k = 0; k < 4; ++k) {
      const std::string part = module_of(name) + "." + kParts[k];
      auto it = out.tensors.find(part);
      if (it == out.tensors.end()) {
        bad.push_back(part + " missing");
        continue;
      }
      std::vector<uint64_t> shape = {rows, nb};
      if (k) shape.push_back(kPartBytes[k]);
      if (it->second.dtype != "U8" || it->second.shape != shape) bad.push_back(part + ": wrong dtype/shape");
      std::vector<uint8_t> want;
      for (uint64_t b = 0; b < rows * nb && b * 36 < packed.size(); ++b)
        want.insert(want.end(), packed.begin() + static_cast<long>(b * 36 + kPartOffset[k]),
                    packed.begin() + static_cast<long>(b * 36 + kPartOffset[k] + kPartBytes[k]));
      if (it->second.bytes != want) bad.push_back(part + ": bytes differ from hif4 quantize");
    }
  }
  if (out.tensors.size() != expected_outputs) bad.push_back("unexpected number of output tensors");
  return bad;
}

void write_model_dir(const std::string& dir, const Tensors& t) {
  ::mkdir(dir.c_str(), 0755);
  write_file(dir + "/model.safetensors", build(t));
  write_file(dir + "/config.json", std::string("{\"model_type\": \"llama\"}\n"));
  write_file(dir + "/tokenizer.json", std::string("{\"version\": \"1.0\"}\n"));
  write_file(dir + "/tokenizer_config.json", std::string("{}\n"));
  write_file(dir + "/notes.txt", std::string("not carried\n"));
}

}  // namespace

TEST_CASE("convert: one file, every tensor checked against hif4 quantize", "[convert]") {
  TempDir dir;
  const Tensors in = model_tensors();
  write_model_dir(dir / "model", in);
  const RunResult r = run_hif4("convert --in " + (dir / "model") + " --out " + (dir / "out"), dir / "log");
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK(list_dir(dir / "out") == std::vector<std::string>{"config.json", "hif4_config.json", "model.safetensors",
                                                         "tokenizer.json", "tokenizer_config.json"});
  CHECK(read_bytes(dir / "out/config.json") == read_bytes(dir / "model/config.json"));
  CHECK(read_bytes(dir / "out/tokenizer.json") == read_bytes(dir / "model/tokenizer.json"));
  const Loaded out = load(dir / "out/model.safetensors");
  CHECK(out.header["__metadata__"] == json({{"format", "pt"}, {"quantization", "HiF4"}}));
  const std::vector<std::string> bad = check_conversion(in, out, "--profile seed", kDefaultSkip, dir);
  CHECK(bad.empty());
  for (const std::string& b : bad) WARN(b);
  // Tied weights convert to identical bits; tied skipped weights stay identical.
  CHECK(out.tensors.at("model.layers.0.self_attn.q_proj.s1p2_packed").bytes ==
        out.tensors.at("model.layers.1.self_attn.q_proj.s1p2_packed").bytes);
  CHECK(out.tensors.at("lm_head.weight").bytes == out.tensors.at("model.embed_tokens.weight").bytes);
  // The NaN in o_proj makes a NaN block (E6M2 0xFF) under the seed profile.
  CHECK(out.tensors.at("model.layers.0.self_attn.o_proj.e6m2").bytes == std::vector<uint8_t>{0xFF});

  const json m = json::parse(read_bytes(dir / "out/hif4_config.json"));
  CHECK(m["format"] == "HiF4");
  CHECK(m["filename"] == "model.safetensors");
  CHECK(m["skip_name_keywords"] == json(kDefaultSkip));
  CHECK(m["profile"] == "seed");
  CHECK(m["knobs"]["scale-rounding"] == "nearest-away");
  CHECK(m["converted"]["model.layers.0.mlp.up_proj.weight"]["shape"] == json({6, 63}));
  CHECK(m["converted"]["model.layers.0.mlp.up_proj.weight"]["dtype"] == "F16");
  CHECK_FALSE(m["converted"].contains("model.layers.0.mlp.gate_proj.weight"));

  SECTION("the checker catches an injected fault") {
    Loaded corrupt = out;
    corrupt.tensors.at("model.layers.0.mlp.down_proj.s1p2_packed").bytes[17] ^= 0x10;
    CHECK(check_conversion(in, corrupt, "--profile seed", kDefaultSkip, dir).size() == 1);
    corrupt = out;
    corrupt.tensors.at("model.norm.weight").bytes[3] ^= 1;
    CHECK(check_conversion(in, corrupt, "--profile seed", kDefaultSkip, dir).size() == 1);
    // Another profile's bits are not the seed's.
    CHECK_FALSE(check_conversion(in, out, "--profile cann", kDefaultSkip, dir).empty());
  }
}

TEST_CASE("convert: shards with an index, knobs, stochastic rounding, threads", "[convert]") {
  TempDir dir;
  const Tensors in = model_tensors();
  // Three shards plus the index, as transformers writes them.
  ::mkdir((dir / "sharded").c_str(), 0755);
  Tensors shard[3];
  json map = json::object();
  int i = 0;
  for (const auto& [name, t] : in) {
    const std::string file = "model-0000" + std::to_string(i % 3 + 1) + "-of-00003.safetensors";
    shard[i % 3][name] = t;
    map[name] = file;
    ++i;
  }
  for (int s = 0; s < 3; ++s)
    write_file(dir / ("sharded/model-0000" + std::to_string(s + 1) + "-of-00003.safetensors"), build(shard[s]));
  write_file(dir / "sharded/model.safetensors.index.json", json{{"metadata", {{"total_size", 0}}}, {"weight_map", map}}.dump());
  write_model_dir(dir / "single", in);

  const std::string knobs = "--profile gcc --set payload-rounding=stochastic --sr-seed 7";
  RunResult r = run_hif4("convert " + knobs + " --threads 1 --in " + (dir / "sharded") + " --out " + (dir / "a"), dir / "log");
  INFO(r.output);
  REQUIRE(r.status == 0);
  const Loaded out = load(dir / "a/model.safetensors");
  const std::vector<std::string> bad = check_conversion(in, out, knobs, kDefaultSkip, dir);
  CHECK(bad.empty());
  for (const std::string& b : bad) WARN(b);
  const json m = json::parse(read_bytes(dir / "a/hif4_config.json"));
  CHECK(m["profile"].is_null());  // gcc with a knob changed is no named profile
  CHECK(m["knobs"]["payload-rounding"] == "stochastic");
  CHECK(m["sr_seed"] == 7);

  // One file or three shards, one thread or three: the same output file, byte for byte.
  r = run_hif4("convert " + knobs + " --threads 3 --in " + (dir / "single/model.safetensors") + " --out " + (dir / "b"), dir / "log");
  REQUIRE(r.status == 0);
  CHECK(read_bytes(dir / "a/model.safetensors") == read_bytes(dir / "b/model.safetensors"));
  // A single file named directly carries no side files.
  CHECK(list_dir(dir / "b") == std::vector<std::string>{"hif4_config.json", "model.safetensors"});
  // A different seed changes stochastic bits (so the seed is really used).
  r = run_hif4("convert --profile gcc --set payload-rounding=stochastic --sr-seed 8 --in " + (dir / "sharded") + " --out " + (dir / "c"), dir / "log");
  REQUIRE(r.status == 0);
  CHECK(read_bytes(dir / "a/model.safetensors") != read_bytes(dir / "c/model.safetensors"));
}

TEST_CASE("convert: skip keywords can be added and the defaults dropped", "[convert]") {
  TempDir dir;
  const Tensors in = model_tensors();
  write_model_dir(dir / "model", in);
  const RunResult r = run_hif4("convert --no-default-skip --skip Q_PROJ --skip lm_head --in " + (dir / "model") +
                               " --out " + (dir / "out"),
                           dir / "log");
  INFO(r.output);
  REQUIRE(r.status == 0);
  const Loaded out = load(dir / "out/model.safetensors");
  const std::vector<std::string> skip = {"q_proj", "lm_head"};
  CHECK(check_conversion(in, out, "--profile seed", skip, dir).empty());
  CHECK(out.tensors.count("model.layers.0.mlp.gate_proj.e6m2") == 1);       // gate no longer skipped
  CHECK(out.tensors.count("model.embed_tokens.e6m2") == 1);
  CHECK(out.tensors.count("model.layers.0.self_attn.q_proj.weight") == 1);  // now skipped
  const json m = json::parse(read_bytes(dir / "out/hif4_config.json"));
  CHECK(m["skip_name_keywords"] == json(skip));  // lowercased, as the seed's loader compares
}

TEST_CASE("convert: --dequantize gives back the decoded BF16 weights", "[convert]") {
  TempDir dir;
  const Tensors in = model_tensors();
  write_model_dir(dir / "model", in);
  REQUIRE(run_hif4("convert --profile cann --in " + (dir / "model") + " --out " + (dir / "q"), dir / "log").status == 0);
  const RunResult r = run_hif4("convert --dequantize --in " + (dir / "q") + " --out " + (dir / "d"), dir / "log");
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK(list_dir(dir / "d") == std::vector<std::string>{"config.json", "model.safetensors", "tokenizer.json",
                                                       "tokenizer_config.json"});
  const Loaded q = load(dir / "q/model.safetensors");
  const Loaded d = load(dir / "d/model.safetensors");
  CHECK(d.header["__metadata__"] == json({{"format", "pt"}}));
  CHECK(d.tensors.size() == in.size());
  size_t converted = 0;
  for (const auto& [name, t] : in) {
    INFO(name);
    REQUIRE(d.tensors.count(name));
    const Tensor& back = d.tensors.at(name);
    if (!should_convert(name, t, kDefaultSkip)) {
      CHECK(back.bytes == t.bytes);
      CHECK(back.dtype == t.dtype);
      continue;
    }
    ++converted;
    CHECK(back.dtype == "BF16");
    CHECK(back.shape == t.shape);
    // Reassemble the 36-byte blocks from the four tensors and decode them with hif4 dequantize.
    const uint64_t rows = t.shape[0], nb = (t.shape[1] + 63) / 64;
    std::vector<uint8_t> packed(rows * nb * 36);
    for (int k = 0; k < 4; ++k) {
      const Tensor& part = q.tensors.at(module_of(name) + "." + kParts[k]);
      for (uint64_t b = 0; b < rows * nb; ++b)
        std::memcpy(&packed[b * 36 + kPartOffset[k]], &part.bytes[b * kPartBytes[k]], kPartBytes[k]);
    }
    write_file(dir / "p.hif4", packed);
    REQUIRE(run_hif4("dequantize --output-format bf16 --row-length " + std::to_string(t.shape[1]) + " --in " +
                     (dir / "p.hif4") + " --out " + (dir / "p.bf16"),
                 dir / "log", kScalarModel)
                .status == 0);
    CHECK(back.bytes == read_bytes(dir / "p.bf16"));
  }
  CHECK(converted == 5);
}

TEST_CASE("convert: --report prints each tensor's NMSE against the original values", "[convert]") {
  TempDir dir;
  Tensors in = model_tensors();
  in.erase("model.layers.0.self_attn.o_proj.weight");  // its NaN is excluded; keep the sums simple
  write_model_dir(dir / "model", in);
  const RunResult r = run_hif4("convert --report --in " + (dir / "model") + " --out " + (dir / "out"), dir / "log");
  INFO(r.output);
  REQUIRE(r.status == 0);
  const Loaded out = load(dir / "out/model.safetensors");
  size_t lines = 0;
  for (const auto& [name, t] : in) {
    if (!should_convert(name, t, kDefaultSkip)) continue;
    // The report's NMSE for this tensor: third field from the end of its line.
    const size_t at = r.output.find("\n" + name + " ");
    REQUIRE(at != std::string::npos);
    std::istringstream line(r.output.substr(at + 1, r.output.find('\n', at + 1) - at - 1));
    std::vector<std::string> fields;
    for (std::string f; line >> f;) fields.push_back(f);
    REQUIRE(fields.size() >= 4);
    const double reported = std::stod(fields[fields.size() - 3]);
    // NMSE here: original values against `hif4 dequantize` of `hif4 quantize`'s blocks.
    const std::vector<uint8_t> packed = quantize_rows(t, "--profile seed", dir);
    write_file(dir / "p.hif4", packed);
    REQUIRE(run_hif4("dequantize --output-format f32 --row-length " + std::to_string(t.shape[1]) + " --in " +
                     (dir / "p.hif4") + " --out " + (dir / "p.f32"),
                 dir / "log", kScalarModel)
                .status == 0);
    const std::vector<uint8_t> qb = read_bytes(dir / "p.f32");
    const std::vector<float> x = to_f32(t);
    REQUIRE(qb.size() == x.size() * 4);
    double err = 0, sig = 0;
    for (size_t i = 0; i < x.size(); ++i) {
      float q;
      std::memcpy(&q, &qb[4 * i], 4);
      err += (double(x[i]) - q) * (double(x[i]) - q);
      sig += double(x[i]) * x[i];
    }
    INFO(name);
    CHECK(reported == Approx(err / sig).epsilon(1e-5));
    ++lines;
  }
  CHECK(lines == 4);
}

TEST_CASE("convert: bad input exits 2 and leaves nothing behind", "[convert]") {
  TempDir dir;
  const Tensors in = model_tensors();
  const std::vector<uint8_t> good = build(in);
  std::mt19937_64 rng(1);
  const Tensors big = {{"big.weight", bf16_tensor({512, 1024}, rng)}};
  struct Case {
    std::string what;
    std::function<void(const std::string& model)> make;  // fills the input folder
    std::string extra;                                   // more options
    std::string message;
  };
  const std::vector<Case> cases = {
      {"truncated data", [&](const std::string& m) {
         write_file(m + "/model.safetensors", std::vector<uint8_t>(good.begin(), good.end() - 100));
       }, "", "outside the data area"},
      {"truncated header", [&](const std::string& m) {
         write_file(m + "/model.safetensors", std::vector<uint8_t>(good.begin(), good.begin() + 50));
       }, "", "runs past the end"},
      {"corrupt header", [&](const std::string& m) {
         std::vector<uint8_t> b = good;
         b[8] = 'x';  // the header's opening brace
         write_file(m + "/model.safetensors", b);
       }, "", "not valid JSON"},
      {"offsets outside the file", [&](const std::string& m) {
         write_file(m + "/model.safetensors",
                    image(R"({"w.weight":{"dtype":"BF16","shape":[1,64],"data_offsets":[0,128]}})", std::vector<uint8_t>(64)));
       }, "", "outside the data area"},
      {"unsupported dtype", [&](const std::string& m) {
         write_file(m + "/model.safetensors",
                    image(R"({"w.weight":{"dtype":"Q4_K","shape":[1,64],"data_offsets":[0,128]}})", std::vector<uint8_t>(128)));
       }, "", "unsupported dtype 'Q4_K'"},
      {"integer weight to quantize", [&](const std::string& m) {
         write_file(m + "/model.safetensors",
                    image(R"({"w.weight":{"dtype":"I32","shape":[1,64],"data_offsets":[0,256]}})", std::vector<uint8_t>(256)));
       }, "", "only BF16, F16 and F32"},
      {"missing shard", [&](const std::string& m) {
         write_file(m + "/model-00001-of-00002.safetensors", good);
         json map = json::object();
         for (const auto& [name, t] : in) map[name] = "model-00001-of-00002.safetensors";
         map["extra.weight"] = "model-00002-of-00002.safetensors";
         write_file(m + "/model.safetensors.index.json", json{{"weight_map", map}}.dump());
       }, "", "model-00002-of-00002.safetensors' listed in"},
      {"no checkpoint in the folder", [&](const std::string&) {}, "", "holds neither"},
      {"already HiF4", [&](const std::string& m) {
         write_file(m + "/model.safetensors", build(in, json{{"quantization", "HiF4"}}));
       }, "", "already HiF4"},
      {"name collision", [&](const std::string& m) {
         Tensors t = in;
         t["model.layers.0.mlp.down_proj.e6m2"] = {"U8", {1}, {0}};
         write_file(m + "/model.safetensors", build(t));
       }, "", "written twice"},
      {"unknown profile", [&](const std::string& m) { write_file(m + "/model.safetensors", good); },
       "--profile nope", "unknown profile"},
      {"skip keyword not UTF-8", [&](const std::string& m) { write_file(m + "/model.safetensors", good); },
       "--skip '\xff'", "not valid UTF-8"},
      {"dequantize without companions", [&](const std::string& m) {
         write_file(m + "/model.safetensors",
                    image(R"({"w.e6m2":{"dtype":"U8","shape":[1,1],"data_offsets":[0,1]}})", std::vector<uint8_t>(1)));
       }, "--dequantize", "no companion tensor 'w.e1_8_packed'"},
      {"dequantize with a damaged hif4_config.json", [&](const std::string& m) {
         write_file(m + "/model.safetensors", good);
         write_file(m + "/hif4_config.json", std::string(R"({"format": "HiF4", "converted": [1]})"));
       }, "--dequantize", "converted is not an object"},
      {"dequantize of a folder that is not HiF4", [&](const std::string& m) {
         write_file(m + "/model.safetensors", good);
         write_file(m + "/hif4_config.json", std::string(R"({"format": 4})"));
       }, "--dequantize", "does not describe a HiF4 checkpoint"},
      {"the output cannot be written (file size limit)", [&](const std::string& m) {
         write_file(m + "/model.safetensors", build(big));
       }, "", "cannot write output '@OUT@/model.safetensors': File too large"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    TempDir local;
    const std::string model = local / "model";
    ::mkdir(model.c_str(), 0755);
    c.make(model);
    ::mkdir((local / "outputs").c_str(), 0755);
    const std::string out = local / "outputs/out";
    // The last case runs under a 256 KiB file size limit (EFBIG instead of SIGXFSZ), so the
    // output fails half-written, after the staging folder exists.
    const std::string prefix = c.what.find("size limit") != std::string::npos ? "trap '' XFSZ; ulimit -f 256; " : "";
    const RunResult r = run_hif4("convert " + c.extra + " --in " + model + " --out " + out, local / "log", prefix);
    INFO(r.output);
    CHECK(r.status == 2);
    // A write error names the file as the user will know it (under --out), not the staging name.
    std::string message = c.message;
    const size_t at = message.find("@OUT@");
    if (at != std::string::npos) message.replace(at, 5, out);
    CHECK_THAT(r.output, Catch::Contains("hif4 convert: error:") && Catch::Contains(message));
    CHECK_THAT(r.output, !Catch::Contains(".tmp."));
    CHECK(list_dir(local / "outputs").empty());  // no output, no temporary folder
  }
  // An output folder that exists is refused and left as it was.
  write_model_dir(dir / "model", in);
  ::mkdir((dir / "out").c_str(), 0755);
  write_file(dir / "out/keep", std::string("x"));
  const RunResult r = run_hif4("convert --in " + (dir / "model") + " --out " + (dir / "out"), dir / "log");
  CHECK(r.status == 2);
  CHECK_THAT(r.output, Catch::Contains("already exists"));
  CHECK(list_dir(dir / "out") == std::vector<std::string>{"keep"});
  CHECK(list_dir(dir.path()) == std::vector<std::string>{"log", "model", "out"});
}
