// The safetensors reader's validation (each malformed header refused with a message saying
// what is wrong) and the writer's layout and completeness checks.
#include <catch2/catch.hpp>

#include "hif4/safetensors.h"
#include "message_of.h"
#include "util.h"

using namespace convert_test;
namespace st = hif4::safetensors;
using hif4::Error;

namespace {

st::Header parse(const std::vector<uint8_t>& img) {
  return st::parse_file_image(img.data(), img.size(), "x.safetensors");
}

std::vector<uint8_t> zeros(size_t n) { return std::vector<uint8_t>(n, 0); }

// The message of the Error that parsing `img` throws ("" when it parses).
std::string failure(const std::vector<uint8_t>& img) {
  return hif4::test::message_of<Error>([&] { parse(img); });
}

}  // namespace

TEST_CASE("safetensors: a valid header parses into sorted, checked tensors", "[convert]") {
  const std::string h =
      R"({"__metadata__":{"format":"pt"},"b":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},)"
      R"("a":{"dtype":"BF16","shape":[5],"data_offsets":[24,34]},)"
      R"("s":{"dtype":"I64","shape":[],"data_offsets":[34,42]},)"
      R"("z":{"dtype":"U8","shape":[0,7],"data_offsets":[42,42]},)"
      R"("f4":{"dtype":"F4","shape":[4],"data_offsets":[42,44]}}    )";  // trailing padding
  const st::Header hd = parse(image(h, zeros(44)));
  REQUIRE(hd.tensors.size() == 5);
  CHECK(hd.tensors[0].name == "a");
  CHECK(hd.tensors[1].name == "b");
  CHECK(hd.metadata.at("format") == "pt");
  CHECK(hd.data_offset == 8 + h.size());
  CHECK(hd.data_bytes == 44);
  const st::TensorInfo* b = hd.find("b");
  REQUIRE(b);
  CHECK(b->elements() == 6);
  CHECK(b->bytes() == 24);
  CHECK(hd.find("s")->elements() == 1);  // a scalar
  CHECK(hd.find("z")->bytes() == 0);
  CHECK(hd.find("missing") == nullptr);
  // An empty checkpoint is valid.
  CHECK(parse(image("{}", {})).tensors.empty());
}

TEST_CASE("safetensors: every malformed header is refused with its reason", "[convert]") {
  const auto one = [](const std::string& fields, size_t data) {
    return image("{\"t\":{" + fields + "}}", zeros(data));
  };
  struct Case {
    const char* what;
    std::vector<uint8_t> img;
    const char* message;
  };
  std::vector<uint8_t> huge_len = zeros(16);
  huge_len[4] = 1;  // 2^32 > the 100 MB limit
  std::vector<uint8_t> past_end = image("{}", {});
  past_end[0] = 40;  // claims 40 header bytes, has 2
  const std::vector<Case> cases = {
      {"empty file", {}, "too short"},
      {"7 bytes", zeros(7), "too short"},
      {"header length above the limit", huge_len, "above the limit"},
      {"header length past the end", past_end, "runs past the end"},
      {"not JSON", image("{\"t\":", {}), "not valid JSON"},
      {"invalid UTF-8", image("{\"\xff\":1}", {}), "not valid JSON"},
      {"not an object", image("[1,2]", {}), "not a JSON object"},
      {"entry not an object", image("{\"t\":3}", {}), "is not an object"},
      {"missing field", one(R"("dtype":"U8","shape":[1])", 1), "lacks one of"},
      {"unexpected field", one(R"("dtype":"U8","shape":[1],"data_offsets":[0,1],"x":1)", 1),
       "unexpected field 'x'"},
      {"unknown dtype", one(R"("dtype":"F128","shape":[1],"data_offsets":[0,16])", 16),
       "unsupported dtype 'F128'"},
      {"dtype not a string", one(R"("dtype":7,"shape":[1],"data_offsets":[0,1])", 1), "dtype is not a string"},
      {"negative dimension", one(R"("dtype":"U8","shape":[-1],"data_offsets":[0,1])", 1), "not a non-negative integer"},
      {"fractional dimension", one(R"("dtype":"U8","shape":[1.5],"data_offsets":[0,1])", 1), "not a non-negative integer"},
      {"shape overflow", one(R"("dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,1])", 1), "too large"},
      {"offsets not a pair", one(R"("dtype":"U8","shape":[1],"data_offsets":[0])", 1), "not a pair"},
      {"offsets reversed", one(R"("dtype":"U8","shape":[1],"data_offsets":[1,0])", 1), "end before they begin"},
      {"offsets outside the file", one(R"("dtype":"U8","shape":[4],"data_offsets":[0,4])", 3), "outside the data area"},
      {"shape x dtype != span", one(R"("dtype":"BF16","shape":[3],"data_offsets":[0,4])", 4), "needs 6 bytes"},
      {"sub-byte remainder", one(R"("dtype":"F4","shape":[3],"data_offsets":[0,2])", 2), "whole number of bytes"},
      {"overlap",
       image(R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[4],"data_offsets":[2,6]}})", zeros(6)),
       "overlap"},
      {"aliased (shared) data",
       image(R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}})", zeros(4)),
       "overlap"},
      {"gap", image(R"({"a":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}})", zeros(4)), "belong to no tensor"},
      {"trailing bytes", one(R"("dtype":"U8","shape":[2],"data_offsets":[0,2])", 3), "account for 2"},
      {"duplicate tensor", image(R"({"t":{"dtype":"U8","shape":[0],"data_offsets":[0,0]},"t":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}})", {}), "key 't' twice"},
      {"duplicate field", one(R"("dtype":"U8","dtype":"I8","shape":[0],"data_offsets":[0,0])", 0), "key 'dtype' twice"},
      {"metadata not strings", image(R"({"__metadata__":{"a":1}})", {}), "is not a string"},
      {"metadata not an object", image(R"({"__metadata__":[]})", {}), "__metadata__ is not an object"},
      {"nested too deeply", image("{\"t\":" + std::string(100000, '[') + std::string(100000, ']') + "}", {}),
       "nests deeper than"},
      {"empty tensor name", image(R"({"":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}})", {}), "empty name"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    const std::string m = failure(c.img);
    CHECK_THAT(m, Catch::Contains(c.message));
    CHECK_THAT(m, Catch::Contains("x.safetensors"));  // every message names the file
  }
}

TEST_CASE("safetensors: every prefix of a valid file is refused, never read past", "[convert]") {
  std::mt19937_64 rng(5);
  Tensors ts = {{"w", bf16_tensor({3, 70}, rng)}, {"b", f32_tensor({3}, rng)}};
  const std::vector<uint8_t> img = build(ts);
  CHECK(parse(img).tensors.size() == 2);
  for (size_t n = 0; n < img.size(); ++n) {
    // A copy of exactly n bytes, so any read past the prefix is a sanitizer-visible overrun.
    const std::vector<uint8_t> prefix(img.begin(), img.begin() + static_cast<long>(n));
    CHECK_FALSE(failure(prefix).empty());
  }
}

TEST_CASE("safetensors: the writer aligns every tensor and checks completeness", "[convert]") {
  TempDir dir;
  const std::string path = dir / "w.safetensors";
  {
    st::Writer w(path,
                 {{"u", "U8", {3}}, {"f", "F32", {2}}, {"h", "BF16", {1}}, {"empty", "I64", {0, 2}}},
                 {{"format", "pt"}});
    const uint8_t u[3] = {1, 2, 3};
    const float f[2] = {1.5f, -2.0f};
    const uint16_t h = 0x3F80;
    w.append(w.index("u"), u, 2);  // in two pieces
    w.append(w.index("u"), u + 2, 1);
    w.append(w.index("h"), &h, 2);
    w.append(w.index("f"), f, sizeof f);
    CHECK_THROWS_AS(w.append(w.index("u"), u, 1), Error);  // past the end
    CHECK_THROWS_AS(w.index("nope"), Error);
    w.commit();
  }
  CHECK(list_dir(dir.path()) == std::vector<std::string>{"w.safetensors"});
  const Loaded l = load(path);
  CHECK(l.header_bytes % 8 == 0);
  CHECK(l.header["__metadata__"]["format"] == "pt");
  CHECK(l.tensors.at("u").bytes == std::vector<uint8_t>{1, 2, 3});
  CHECK(l.tensors.at("h").bytes == std::vector<uint8_t>{0x80, 0x3F});
  CHECK(l.tensors.at("empty").shape == std::vector<uint64_t>{0, 2});
  for (const auto& [name, t] : l.tensors) {
    const unsigned elem = st::find_dtype(t.dtype)->bits / 8;
    INFO(name);
    CHECK(l.file_offset.at(name) % elem == 0);  // natural alignment
  }
  // The reader under test accepts what the writer wrote.
  const std::vector<uint8_t> bytes = read_bytes(path);
  CHECK(st::parse_file_image(bytes.data(), bytes.size(), path).tensors.size() == 4);

  // An incomplete file is refused at commit and leaves nothing; so does an abandoned one.
  const std::string p2 = dir / "incomplete.safetensors";
  {
    st::Writer w(p2, {{"a", "U8", {4}}}, {});
    const uint8_t a[2] = {0, 0};
    w.append(0, a, 2);
    CHECK_THROWS_WITH(w.commit(), Catch::Contains("got 2 of its 4 bytes"));
  }
  { st::Writer w(dir / "abandoned.safetensors", {{"a", "U8", {1}}}, {}); }
  CHECK(list_dir(dir.path()) == std::vector<std::string>{"w.safetensors"});
}

TEST_CASE("safetensors: sharded checkpoints are read through the index", "[convert]") {
  TempDir dir;
  std::mt19937_64 rng(9);
  Tensors a = {{"x", bf16_tensor({2, 3}, rng)}}, b = {{"y", f32_tensor({4}, rng)}};
  write_file(dir / "s1.safetensors", build(a));
  write_file(dir / "s2.safetensors", build(b));
  const auto index = [&](const json& map) {
    write_file(dir / "model.safetensors.index.json", json{{"metadata", json::object()}, {"weight_map", map}}.dump());
  };
  index({{"x", "s1.safetensors"}, {"y", "s2.safetensors"}});
  st::Checkpoint c = st::open_checkpoint(dir.path());
  CHECK(c.files.size() == 2);
  CHECK(c.tensors.size() == 2);
  CHECK(c.tensors.at("y").file->path() == dir / "s2.safetensors");
  CHECK(c.tensor_bytes() == 12 + 16);

  index({{"x", "s1.safetensors"}, {"y", "s3.safetensors"}});
  CHECK_THROWS_WITH(st::open_checkpoint(dir.path()), Catch::Contains("shard 's3.safetensors'") && Catch::Contains("missing"));
  index({{"x", "s1.safetensors"}, {"y", "s1.safetensors"}});
  CHECK_THROWS_WITH(st::open_checkpoint(dir.path()), Catch::Contains("does not hold it"));
  index({{"x", "s1.safetensors"}});  // s2 is not listed at all: fine, y is simply not part of it
  CHECK(st::open_checkpoint(dir.path()).tensors.size() == 1);
  index({{"x", "../s1.safetensors"}});
  CHECK_THROWS_WITH(st::open_checkpoint(dir.path()), Catch::Contains("not a plain file name"));
  write_file(dir / "model.safetensors.index.json", std::string("{\"weight_map\": 3}"));
  CHECK_THROWS_WITH(st::open_checkpoint(dir.path()), Catch::Contains("no weight_map"));
  // A shard holding a tensor the index puts elsewhere (or nowhere) is inconsistent.
  Tensors both = {{"x", a.at("x")}, {"y", b.at("y")}};
  write_file(dir / "s1.safetensors", build(both));
  index({{"x", "s1.safetensors"}, {"y", "s2.safetensors"}});
  CHECK_THROWS_WITH(st::open_checkpoint(dir.path()), Catch::Contains("does not place there"));
  CHECK_THROWS_WITH(st::open_checkpoint(dir / "nothing-here"), Catch::Contains("does not exist"));
}

TEST_CASE("safetensors: random damage gives a clean Error or a consistent header", "[convert]") {
  // Not a fuzzer (fuzz/fuzz_safetensors.cpp is one); a fixed-seed smoke test that any damage to a
  // valid image ends in hif4::Error or in a header whose tensors tile the data area.
  std::mt19937_64 rng(77);
  Tensors ts = {{"a.weight", bf16_tensor({2, 70}, rng)}, {"b", f32_tensor({3}, rng)},
                {"c", {"I64", {1}, std::vector<uint8_t>(8, 1)}}};
  const std::vector<uint8_t> good = build(ts, json{{"format", "pt"}});
  std::uniform_int_distribution<size_t> pos(0, good.size() + 8);
  std::uniform_int_distribution<int> byte(0, 255), edits(1, 4);
  static const char kJsonish[] = "{}[]\",:0123456789-. e";
  size_t errors = 0, parsed = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    std::vector<uint8_t> img = good;
    for (int e = edits(rng); e > 0; --e) {
      const size_t p = pos(rng) % (img.size() + 1);
      switch (byte(rng) % 4) {
        case 0: if (p < img.size()) img[p] = static_cast<uint8_t>(byte(rng)); break;
        case 1: if (p < img.size()) img[p] = static_cast<uint8_t>(kJsonish[byte(rng) % (sizeof kJsonish - 1)]); break;
        case 2: if (p < img.size()) img.erase(img.begin() + static_cast<long>(p)); break;
        default: img.insert(img.begin() + static_cast<long>(p), static_cast<uint8_t>(kJsonish[byte(rng) % (sizeof kJsonish - 1)])); break;
      }
    }
    try {
      const st::Header h = st::parse_file_image(img.data(), img.size(), "fuzz");
      uint64_t total = 0;
      for (const st::TensorInfo& t : h.tensors) {
        REQUIRE(t.end <= h.data_bytes);
        REQUIRE(t.bytes() * 8 == t.elements() * t.bits);
        total += t.bytes();
      }
      REQUIRE(total == h.data_bytes);
      REQUIRE(h.data_offset + h.data_bytes == img.size());
      ++parsed;
    } catch (const Error&) {
      ++errors;
    }
  }
  CHECK(errors > 0);
  CHECK(parsed > 0);  // some damage (e.g. in tensor data) leaves a valid file
}
