// Loading and driving a user's design through the harness table (see dut_model.h).
#include "dut_model.h"

#include <dlfcn.h>

#include "hif4/error.h"

namespace hif4::sim {

DutLibrary::DutLibrary(const std::string& path, const DutPorts& ports) : ports_(ports) {
  // RTLD_LOCAL: the library carries its own Verilator runtime, which must not meet the one
  // this program links for its own RTL.
  handle_ = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle_) throw Error("cannot load the built design '" + path + "': " + ::dlerror());
  using Get = const hif4_dut_api* (*)();
  const auto get = reinterpret_cast<Get>(::dlsym(handle_, HIF4_DUT_API_SYMBOL));
  if (!get) throw Error("'" + path + "' is not a hif4 design library (no " HIF4_DUT_API_SYMBOL ")");
  api_ = get();
  if (!api_ || api_->abi_version != HIF4_DUT_ABI_VERSION)
    throw Error("'" + path + "' was built for another version of hif4-cosim: delete its folder and run again");
}

DutLibrary::~DutLibrary() {
  if (handle_) ::dlclose(handle_);
}

DutModel::DutModel(const DutLibrary& library, bool randomize, uint32_t seed, bool trace,
                   const std::vector<std::string>& plusargs)
    : library_(library), api_(library.api()) {
  const char* error = "unknown error";
  std::vector<const char*> args;
  for (const std::string& a : plusargs) args.push_back(a.c_str());
  dut_ = api_.create(randomize ? 1 : 0, seed, trace ? 1 : 0, args.data(), static_cast<uint32_t>(args.size()), &error);
  if (!dut_) throw Error(std::string("cannot instantiate the design: ") + error);
}

DutModel::~DutModel() { api_.destroy(dut_); }

void DutModel::set(contract::Port p, uint64_t value) {
  const uint32_t words[2] = {static_cast<uint32_t>(value), static_cast<uint32_t>(value >> 32)};
  api_.set_input(dut_, static_cast<uint32_t>(p), words);
}

void DutModel::set_lanes(const Lanes& lanes) {
  // Lane i in bits 16i+15:16i: lanes 2w and 2w+1 make word w.
  uint32_t words[kBlockValues / 2];
  for (unsigned w = 0; w < kBlockValues / 2; ++w)
    words[w] = static_cast<uint32_t>(lanes.v[2 * w]) | static_cast<uint32_t>(lanes.v[2 * w + 1]) << 16;
  api_.set_input(dut_, static_cast<uint32_t>(contract::Port::in_data), words);
}

uint64_t DutModel::get(contract::Port p) const {
  uint32_t words[2] = {0, 0};
  api_.get_output(dut_, static_cast<uint32_t>(p), words);
  return static_cast<uint64_t>(words[1]) << 32 | words[0];
}

void DutModel::get_block(PackedBlock& block) const {
  // Byte k in bits 8k+7:8k.
  uint32_t words[(kPackedBytes + 3) / 4] = {};
  api_.get_output(dut_, static_cast<uint32_t>(contract::Port::out_data), words);
  for (unsigned k = 0; k < kPackedBytes; ++k) block.bytes[k] = static_cast<uint8_t>(words[k / 4] >> (8 * (k % 4)));
}

void DutModel::eval(uint64_t time_ps) { api_.eval(dut_, time_ps); }

const char* DutModel::event() const { return api_.event(dut_); }

bool DutModel::trace_open(const std::string& path) { return api_.trace_open(dut_, path.c_str()) == 0; }
void DutModel::trace_dump() { api_.trace_dump(dut_); }
void DutModel::trace_close() { api_.trace_close(dut_); }

}  // namespace hif4::sim
