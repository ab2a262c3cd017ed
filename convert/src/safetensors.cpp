#include "hif4/safetensors.h"

#include <dirent.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <set>

namespace hif4::safetensors {

using nlohmann::json;

// ---- dtypes -------------------------------------------------------------------------------

const std::vector<DType>& dtypes() {
  // Every dtype of the safetensors format (Rust crate's Dtype), with its bit width.
  static const std::vector<DType> table = {
      {"BOOL", 8},    {"F4", 4},       {"F6_E2M3", 6}, {"F6_E3M2", 6}, {"U8", 8},
      {"I8", 8},      {"F8_E5M2", 8},  {"F8_E4M3", 8}, {"F8_E8M0", 8}, {"I16", 16},
      {"U16", 16},    {"F16", 16},     {"BF16", 16},   {"I32", 32},    {"U32", 32},
      {"F32", 32},    {"C64", 64},     {"F64", 64},    {"I64", 64},    {"U64", 64},
  };
  return table;
}

const DType* find_dtype(const std::string& name) {
  for (const DType& d : dtypes())
    if (name == d.name) return &d;
  return nullptr;
}

namespace {

std::string dtype_list() {
  std::string s;
  for (const DType& d : dtypes()) s += (s.empty() ? "" : ", ") + std::string(d.name);
  return s;
}

uint64_t checked_product(const std::vector<uint64_t>& shape, bool* overflow) {
  uint64_t n = 1;
  *overflow = false;
  for (uint64_t d : shape)
    if (__builtin_mul_overflow(n, d, &n)) *overflow = true;
  return n;
}

std::string shape_text(const std::vector<uint64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

// Parse JSON text, refusing duplicate keys at any level: nlohmann keeps the last of a
// duplicate silently, and a header naming a tensor twice is ambiguous, not a choice to make.
// Headers and indexes are at most 3 levels deep (file, tensor, shape); refusing deeper nesting
// early keeps a hostile "[[[[..." of 100 MB from building a huge tree.
constexpr int kMaxJsonDepth = 8;
struct TooDeep {};

json parse_json_strict(const char* text, size_t bytes, const std::string& what) {
  std::vector<std::set<std::string>> keys;  // one set per open object
  std::string duplicate;
  json::parser_callback_t check = [&](int depth, json::parse_event_t event, json& parsed) {
    if (depth > kMaxJsonDepth) throw TooDeep{};
    switch (event) {
      case json::parse_event_t::object_start: keys.emplace_back(); break;
      case json::parse_event_t::object_end:
        if (!keys.empty()) keys.pop_back();
        break;
      case json::parse_event_t::key:
        if (!keys.empty() && !keys.back().insert(parsed.get<std::string>()).second &&
            duplicate.empty())
          duplicate = parsed.get<std::string>();
        break;
      default: break;
    }
    return true;
  };
  json j;
  try {
    j = json::parse(text, text + bytes, check);
  } catch (const json::exception& e) {
    throw Error(what + " is not valid JSON: " + e.what());
  } catch (const TooDeep&) {
    throw Error(what + " nests deeper than " + std::to_string(kMaxJsonDepth) +
                " levels (not a safetensors header)");
  }
  if (!duplicate.empty()) throw Error(what + " gives the key '" + duplicate + "' twice");
  return j;
}

uint64_t read_u64_le(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = v << 8 | p[i];
  return v;
}

}  // namespace

uint64_t TensorInfo::elements() const {
  bool overflow = false;
  return checked_product(shape, &overflow);
}

const TensorInfo* Header::find(const std::string& name) const {
  auto it = std::lower_bound(tensors.begin(), tensors.end(), name,
                             [](const TensorInfo& t, const std::string& n) { return t.name < n; });
  return it != tensors.end() && it->name == name ? &*it : nullptr;
}

// ---- parsing ------------------------------------------------------------------------------

Header parse_header_json(const char* text, size_t text_bytes, uint64_t data_bytes,
                         const std::string& source) {
  const std::string where = "'" + source + "'";
  const json j = parse_json_strict(text, text_bytes, "the header of " + where);
  if (!j.is_object()) throw Error("the header of " + where + " is not a JSON object");
  Header h;
  h.data_bytes = data_bytes;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& name = it.key();
    const json& v = it.value();
    if (name == "__metadata__") {
      if (!v.is_object())
        throw Error(where + ": __metadata__ is not an object of strings");
      for (auto m = v.begin(); m != v.end(); ++m) {
        if (!m.value().is_string())
          throw Error(where + ": __metadata__ entry '" + m.key() + "' is not a string");
        h.metadata[m.key()] = m.value().get<std::string>();
      }
      continue;
    }
    const std::string what = where + ": tensor '" + name + "'";
    if (name.empty()) throw Error(where + ": a tensor has an empty name");
    if (!v.is_object()) throw Error(what + " is not an object");
    for (auto f = v.begin(); f != v.end(); ++f)
      if (f.key() != "dtype" && f.key() != "shape" && f.key() != "data_offsets")
        throw Error(what + " has an unexpected field '" + f.key() +
                    "' (fields: dtype, shape, data_offsets)");
    if (!v.contains("dtype") || !v.contains("shape") || !v.contains("data_offsets"))
      throw Error(what + " lacks one of dtype, shape, data_offsets");
    TensorInfo t;
    t.name = name;
    if (!v["dtype"].is_string()) throw Error(what + ": dtype is not a string");
    t.dtype = v["dtype"].get<std::string>();
    const DType* dt = find_dtype(t.dtype);
    if (!dt) throw Error(what + " has the unsupported dtype '" + t.dtype + "' (dtypes: " + dtype_list() + ")");
    t.bits = dt->bits;
    if (!v["shape"].is_array()) throw Error(what + ": shape is not an array");
    for (const json& d : v["shape"]) {
      if (!d.is_number_unsigned()) throw Error(what + ": shape holds '" + d.dump() + "', not a non-negative integer");
      t.shape.push_back(d.get<uint64_t>());
    }
    const json& off = v["data_offsets"];
    if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() ||
        !off[1].is_number_unsigned())
      throw Error(what + ": data_offsets is not a pair of non-negative integers");
    t.begin = off[0].get<uint64_t>();
    t.end = off[1].get<uint64_t>();
    if (t.end < t.begin)
      throw Error(what + ": data_offsets [" + std::to_string(t.begin) + ", " +
                  std::to_string(t.end) + "] end before they begin");
    if (t.end > data_bytes)
      throw Error(what + ": data_offsets [" + std::to_string(t.begin) + ", " +
                  std::to_string(t.end) + "] lie outside the data area of " +
                  std::to_string(data_bytes) + " bytes (truncated file?)");
    bool overflow = false;
    const uint64_t n = checked_product(t.shape, &overflow);
    uint64_t bits = 0;
    if (overflow || __builtin_mul_overflow(n, uint64_t{t.bits}, &bits))
      throw Error(what + ": shape " + shape_text(t.shape) + " is too large");
    if (bits % 8 != 0)
      throw Error(what + ": shape " + shape_text(t.shape) + " of " + t.dtype +
                  " is not a whole number of bytes");
    if (bits / 8 != t.bytes())
      throw Error(what + ": shape " + shape_text(t.shape) + " of " + t.dtype + " needs " +
                  std::to_string(bits / 8) + " bytes but data_offsets span " +
                  std::to_string(t.bytes()));
    h.tensors.push_back(std::move(t));
  }
  // The tensors must tile the data area exactly, as the reference reader demands: any
  // overlap would alias two tensors, any gap or tail is data no tensor accounts for.
  std::vector<const TensorInfo*> by_offset;
  for (const TensorInfo& t : h.tensors) by_offset.push_back(&t);
  std::sort(by_offset.begin(), by_offset.end(), [](const TensorInfo* a, const TensorInfo* b) {
    return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
  });
  uint64_t covered = 0;
  const TensorInfo* previous = nullptr;
  for (const TensorInfo* t : by_offset) {
    if (t->begin < covered)
      throw Error(where + ": tensors '" + previous->name + "' and '" + t->name +
                  "' overlap in the data area");
    if (t->begin > covered)
      throw Error(where + ": bytes " + std::to_string(covered) + ".." + std::to_string(t->begin) +
                  " of the data area belong to no tensor (before '" + t->name + "')");
    covered = t->end;
    if (t->end > t->begin || !previous) previous = t;
  }
  if (covered != data_bytes)
    throw Error(where + ": the data area holds " + std::to_string(data_bytes) +
                " bytes but the tensors account for " + std::to_string(covered));
  // json objects iterate in key order, so h.tensors is already sorted by name.
  return h;
}

Header parse_file_image(const uint8_t* file, size_t size, const std::string& source) {
  const std::string where = "'" + source + "'";
  if (size < 8)
    throw Error(where + " is " + std::to_string(size) +
                " bytes, too short for a safetensors file (truncated?)");
  const uint64_t n = read_u64_le(file);
  if (n > kMaxHeaderBytes)
    throw Error(where + ": header length " + std::to_string(n) + " is above the limit of " +
                std::to_string(kMaxHeaderBytes) + " bytes (not a safetensors file?)");
  if (n > size - 8)
    throw Error(where + ": header length " + std::to_string(n) + " runs past the end of the " +
                std::to_string(size) + "-byte file (truncated?)");
  Header h = parse_header_json(reinterpret_cast<const char*>(file + 8), n, size - 8 - n, source);
  h.header_bytes = n;
  h.data_offset = 8 + n;
  return h;
}

// ---- mapped files -------------------------------------------------------------------------

MappedFile::MappedFile(const std::string& path) : path_(path) {
  uint64_t size = 0;
  const int fd = open_regular_file(path, "", &size);
  size_ = static_cast<size_t>(size);
  if (size_ > 0) {
    void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      const int err = errno;
      ::close(fd);
      throw Error("cannot map '" + path + "': " + std::strerror(err));
    }
    base_ = static_cast<const uint8_t*>(p);
    ::madvise(p, size_, MADV_SEQUENTIAL);
  }
  ::close(fd);  // the mapping stays valid
  try {
    static const uint8_t kEmpty[1] = {0};
    header_ = parse_file_image(base_ ? base_ : kEmpty, size_, path);
  } catch (...) {
    if (base_) ::munmap(const_cast<uint8_t*>(base_), size_);
    base_ = nullptr;
    throw;
  }
}

MappedFile::~MappedFile() {
  if (base_) ::munmap(const_cast<uint8_t*>(base_), size_);
}

void MappedFile::release(const TensorInfo& t, uint64_t begin, uint64_t end) const {
  static const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  const uint64_t lo = (header_.data_offset + t.begin + begin + page - 1) / page * page;
  const uint64_t hi = (header_.data_offset + t.begin + end) / page * page;
  if (hi > lo) ::madvise(const_cast<uint8_t*>(base_) + lo, hi - lo, MADV_DONTNEED);
}

// ---- checkpoints --------------------------------------------------------------------------

namespace {

bool is_regular(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}


void add_file(Checkpoint& c, const std::string& path) {
  c.files.push_back(std::make_unique<MappedFile>(path));
  const MappedFile* f = c.files.back().get();
  for (const TensorInfo& t : f->header().tensors) {
    auto [it, fresh] = c.tensors.emplace(t.name, Checkpoint::Entry{&t, f});
    if (!fresh)
      throw Error("tensor '" + t.name + "' is in both '" + it->second.file->path() + "' and '" +
                  path + "'");
  }
}

void open_index(Checkpoint& c, const std::string& index_path) {
  // Read whole, so a regular file only (a FIFO would block, a device never end), and a small one.
  const std::string text = read_small_file(index_path, kMaxHeaderBytes, "an index");
  const json j = parse_json_strict(text.data(), text.size(), "'" + index_path + "'");
  if (!j.is_object() || !j.contains("weight_map") || !j["weight_map"].is_object())
    throw Error("'" + index_path + "' has no weight_map object");
  // Shard -> the tensors the index places in it, in first-mentioned order of shards.
  std::map<std::string, std::set<std::string>> shards;
  std::vector<std::string> order;
  for (auto it = j["weight_map"].begin(); it != j["weight_map"].end(); ++it) {
    if (!it.value().is_string())
      throw Error("'" + index_path + "': weight_map entry '" + it.key() + "' is not a file name");
    const std::string shard = it.value().get<std::string>();
    if (shard.empty() || shard == "." || shard == ".." || shard.find('/') != std::string::npos)
      throw Error("'" + index_path + "': shard name '" + shard +
                  "' is not a plain file name in the index's folder");
    if (!shards.count(shard)) order.push_back(shard);
    shards[shard].insert(it.key());
  }
  if (shards.empty()) throw Error("'" + index_path + "': weight_map is empty");
  std::sort(order.begin(), order.end());
  for (const std::string& shard : order) {
    const std::string p = c.directory + "/" + shard;
    if (!is_regular(p))
      throw Error("shard '" + shard + "' listed in '" + index_path + "' is missing (" + p + ")");
  }
  for (const std::string& shard : order) {
    const std::string p = c.directory + "/" + shard;
    add_file(c, p);
    const Header& h = c.files.back()->header();
    const std::set<std::string>& listed = shards[shard];
    for (const TensorInfo& t : h.tensors)
      if (!listed.count(t.name))
        throw Error("shard '" + p + "' holds tensor '" + t.name + "', which '" + index_path +
                    "' does not place there");
    for (const std::string& name : listed)
      if (!h.find(name))
        throw Error("'" + index_path + "' places tensor '" + name + "' in shard '" + p +
                    "', which does not hold it");
  }
}

}  // namespace

uint64_t Checkpoint::tensor_bytes() const {
  uint64_t n = 0;
  for (const auto& [name, e] : tensors) n += e.info->bytes();
  return n;
}

Checkpoint open_checkpoint(const std::string& path) {
  Checkpoint c;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    throw Error("input '" + path + "' does not exist: " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) {
    c.directory = path;
    const std::string single = path + "/model.safetensors";
    const std::string index = path + "/model.safetensors.index.json";
    if (is_regular(single)) {
      add_file(c, single);
    } else if (is_regular(index)) {
      open_index(c, index);
    } else {
      throw Error("input folder '" + path +
                  "' holds neither model.safetensors nor model.safetensors.index.json");
    }
  } else if (ends_with(path, ".index.json")) {
    const size_t slash = path.rfind('/');
    c.directory = slash == std::string::npos ? "." : path.substr(0, slash);
    open_index(c, path);
  } else {
    add_file(c, path);
  }
  return c;
}

// ---- writer -------------------------------------------------------------------------------

Writer::Writer(const std::string& path, const std::string& shown_path, std::vector<OutputTensor> tensors,
               const std::map<std::string, std::string>& metadata)
    : path_(path) {
  for (OutputTensor& t : tensors) {
    const DType* dt = find_dtype(t.dtype);
    if (!dt) throw Error("internal: writing '" + t.name + "' with unknown dtype " + t.dtype);
    bool overflow = false;
    const uint64_t n = checked_product(t.shape, &overflow);
    Slot s;
    s.bytes = n * dt->bits / 8;
    s.tensor = std::move(t);
    slots_.push_back(std::move(s));
  }
  // Largest element first, then by name: every tensor starts aligned to its element size.
  std::sort(slots_.begin(), slots_.end(), [](const Slot& a, const Slot& b) {
    const unsigned ba = find_dtype(a.tensor.dtype)->bits, bb = find_dtype(b.tensor.dtype)->bits;
    return ba != bb ? ba > bb : a.tensor.name < b.tensor.name;
  });
  json header = json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  uint64_t offset = 0;
  for (size_t i = 0; i < slots_.size(); ++i) {
    Slot& s = slots_[i];
    if (!by_name_.emplace(s.tensor.name, i).second || s.tensor.name == "__metadata__")
      throw Error("internal: output tensor '" + s.tensor.name + "' given twice");
    header[s.tensor.name] = {{"dtype", s.tensor.dtype},
                             {"shape", s.tensor.shape},
                             {"data_offsets", {offset, offset + s.bytes}}};
    s.offset = offset;
    offset += s.bytes;
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  const uint64_t data_start = 8 + text.size();
  for (Slot& s : slots_) s.offset += data_start;
  file_bytes_ = data_start + offset;

  out_ = std::make_unique<AtomicOutput>(AtomicOutput::staged, path, shown_path);
  uint8_t length[8];
  for (int i = 0; i < 8; ++i) length[i] = static_cast<uint8_t>(uint64_t{text.size()} >> (8 * i));
  std::string head(reinterpret_cast<const char*>(length), 8);
  head += text;
  out_->write_at(0, head.data(), head.size());
}

Writer::~Writer() = default;

size_t Writer::index(const std::string& name) const {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) throw Error("internal: no output tensor '" + name + "'");
  return it->second;
}

uint64_t Writer::tensor_bytes(size_t index) const { return slots_.at(index).bytes; }

void Writer::append(size_t index, const void* src, size_t n) {
  Slot& s = slots_.at(index);
  if (n > s.bytes - s.written)
    throw Error("internal: " + std::to_string(n) + " bytes written past the end of tensor '" +
                s.tensor.name + "'");
  out_->write_at(s.offset + s.written, src, n);
  s.written += n;
}

void Writer::commit() {
  for (const Slot& s : slots_)
    if (s.written != s.bytes)
      throw Error("internal: tensor '" + s.tensor.name + "' got " + std::to_string(s.written) +
                  " of its " + std::to_string(s.bytes) + " bytes");
  // Every tensor complete: the data area is written end to end, so the file ends with the
  // last byte of the last tensor that has any.
  out_->commit();
}

}  // namespace hif4::safetensors
