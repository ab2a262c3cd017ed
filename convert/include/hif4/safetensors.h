// Reading and writing safetensors files (https://github.com/huggingface/safetensors):
// an 8-byte little-endian header length N, N bytes of JSON, then the raw tensor data.
//
// The reader maps the file and validates everything the reference implementation validates
// (header length against the file, well-formed JSON, known dtypes, shape x dtype size equal to
// the byte span, offsets inside the data area, tensors tiling the data area without overlap or
// gap, `__metadata__` a string map), so later code can trust every TensorInfo. Every problem
// is a hif4::cli::Error naming the file and what is wrong.
//
// The writer lays the header out first (all shapes are known up front), then takes each
// tensor's bytes in order, from any number of tensors interleaved, at positions it checks;
// io's AtomicOutput writes to a temporary name and renames only when every tensor is complete.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "hif4/files.h"

namespace hif4::safetensors {

// The reference implementation refuses headers above 100 MB; so do we (it bounds memory).
constexpr uint64_t kMaxHeaderBytes = 100000000;

// A dtype of the safetensors format and its element size in bits (F4 and F6 are sub-byte).
struct DType {
  const char* name;
  unsigned bits;
};
// The table of every dtype the format defines; nullptr for an unknown name.
const DType* find_dtype(const std::string& name);
const std::vector<DType>& dtypes();

struct TensorInfo {
  std::string name;
  std::string dtype;
  unsigned bits = 0;            // element size in bits
  std::vector<uint64_t> shape;  // may be empty (a scalar) or hold zeros
  uint64_t begin = 0, end = 0;  // byte offsets relative to the start of the data area
  uint64_t elements() const;    // product of shape (1 for a scalar); validated not to overflow
  uint64_t bytes() const { return end - begin; }
};

struct Header {
  uint64_t header_bytes = 0;  // N, the JSON length (padding included)
  uint64_t data_offset = 0;   // 8 + N: where the data area starts in the file
  uint64_t data_bytes = 0;    // the data area's size
  std::map<std::string, std::string> metadata;  // `__metadata__`, empty when absent
  std::vector<TensorInfo> tensors;              // sorted by name
  const TensorInfo* find(const std::string& name) const;
};

// Parse and validate a whole safetensors image held in memory (`size` bytes from `file`): the
// length field, the JSON header and every tensor's place in the data area. `source` names the
// file in error messages. This touches no file and no tensor data, so it can be fuzzed.
Header parse_file_image(const uint8_t* file, size_t size, const std::string& source);
// Parse and validate just the JSON header text against a data area of `data_bytes` bytes.
Header parse_header_json(const char* json, size_t json_bytes, uint64_t data_bytes,
                         const std::string& source);

// A safetensors file mapped read-only. Tensor bytes are read straight from the mapping;
// release() hands pages already consumed back to the kernel so a multi-GB file never sits in
// memory whole.
class MappedFile {
 public:
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  const std::string& path() const { return path_; }
  const Header& header() const { return header_; }
  // The first byte of a tensor of this file (may be unaligned).
  const uint8_t* data(const TensorInfo& t) const { return base_ + header_.data_offset + t.begin; }
  // Drop the mapped pages holding bytes [begin, end) of tensor t (whole pages only).
  void release(const TensorInfo& t, uint64_t begin, uint64_t end) const;

 private:
  std::string path_;
  const uint8_t* base_ = nullptr;
  size_t size_ = 0;
  Header header_;
};

// A checkpoint: one safetensors file, or the shards listed by a model.safetensors.index.json.
struct Checkpoint {
  struct Entry {
    const TensorInfo* info;
    const MappedFile* file;
  };
  std::string directory;  // the folder holding it ("" when a single file was named)
  std::vector<std::unique_ptr<MappedFile>> files;
  std::map<std::string, Entry> tensors;  // every tensor of every shard, by name
  uint64_t tensor_bytes() const;         // sum of all tensors' sizes
};

// `path` is a .safetensors file, a *.safetensors.index.json, or a directory holding
// model.safetensors or model.safetensors.index.json (in that order of preference, as
// transformers looks for them). Index: every shard it names must exist (plain file names in
// the index's folder), hold exactly the tensors the index gives it, and no name twice.
Checkpoint open_checkpoint(const std::string& path);

// One tensor of a file to write.
struct OutputTensor {
  std::string name;
  std::string dtype;  // a name from dtypes()
  std::vector<uint64_t> shape;
};

// Writes a safetensors file. The layout is fixed by the constructor: tensors ordered by
// element size (largest first) then name, as the reference writer does, so every tensor is
// naturally aligned after the header, which is padded with spaces to a multiple of 8.
class Writer {
 public:
  // `shown_path`: the name error messages give the file (what the user asked for, e.g.
  // OUT/model.safetensors while the file is being built in a staging folder).
  Writer(const std::string& path, const std::string& shown_path, std::vector<OutputTensor> tensors,
         const std::map<std::string, std::string>& metadata);
  Writer(const std::string& path, std::vector<OutputTensor> tensors,
         const std::map<std::string, std::string>& metadata)
      : Writer(path, path, std::move(tensors), metadata) {}
  ~Writer();  // without commit(): the temporary file is removed
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;
  size_t index(const std::string& name) const;  // throws for an unknown name
  uint64_t tensor_bytes(size_t index) const;
  // Append n bytes to tensor `index`; each tensor is written front to back, and a write past
  // its end is an error.
  void append(size_t index, const void* src, size_t n);
  // Checks every tensor is complete, syncs and renames into place.
  void commit();
  const std::string& path() const { return path_; }
  uint64_t file_bytes() const { return file_bytes_; }

 private:
  struct Slot {
    OutputTensor tensor;
    uint64_t offset = 0;  // in the file
    uint64_t bytes = 0;
    uint64_t written = 0;
  };
  std::string path_;
  std::unique_ptr<AtomicOutput> out_;  // made once the layout is known
  uint64_t file_bytes_ = 0;
  std::vector<Slot> slots_;
  std::map<std::string, size_t> by_name_;
};

}  // namespace hif4::safetensors
