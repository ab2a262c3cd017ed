// Waves of a transaction-level run (see txn_waves.h).
#include "txn_waves.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "gtkwave/fstapi.h"
#include "hif4/error.h"

namespace hif4::sim {

namespace {
constexpr uint64_t kPeriodPs = 10000;
constexpr uint64_t kNone = ~uint64_t{0};
}  // namespace

TransactionWaves::TransactionWaves(const TransactionBench& bench, DutModel& dut, const std::string& dir)
    : bench_(bench), dut_(dut), dir_(dir) {
  if (::mkdir(dir_.c_str(), 0777) != 0 && errno != EEXIST)
    throw Error("--waves: cannot create '" + dir_ + "': " + std::strerror(errno));
}

TransactionWaves::~TransactionWaves() { close(); }

void TransactionWaves::open() {
  if (!dut_.trace_open(dir_ + "/dut.fst")) throw Error("--waves: cannot write '" + dir_ + "/dut.fst'");
  dut_open_ = true;
  fst_ = fstWriterCreate((dir_ + "/bench.fst").c_str(), 1);
  if (!fst_) throw Error("--waves: cannot write '" + dir_ + "/bench.fst'");
  fstWriterSetTimescaleFromString(fst_, "1ps");
  fstWriterSetScope(fst_, FST_ST_VCD_MODULE, "bench", nullptr);
  const auto var = [&](const char* name, uint32_t bits) {
    return fstWriterCreateVar(fst_, FST_VT_VCD_WIRE, FST_VD_OUTPUT, bits, name, 0);
  };
  clk_ = var("clk", 1);
  cycle_ = var("cycle", 64);
  taken_ = var("taken", 64);
  delivered_ = var("delivered", 64);
  in_flight_ = var("in_flight", 32);
  mismatch_ = var("mismatch", 1);
  fstWriterSetUpscope(fst_);
}

void TransactionWaves::on_edge(uint64_t cycle) {
  if (!fst_) return;
  const uint64_t rise = (cycle - 1) * kPeriodPs;
  fstWriterEmitTimeChange(fst_, rise);
  fstWriterEmitValueChange64(fst_, clk_, 1, 1);
  fstWriterEmitValueChange64(fst_, cycle_, 64, cycle);
  const int64_t taken = bench_.taken_at_edge(), delivered = bench_.delivered_at_edge();
  fstWriterEmitValueChange64(fst_, taken_, 64, taken < 0 ? kNone : static_cast<uint64_t>(taken));
  fstWriterEmitValueChange64(fst_, delivered_, 64, delivered < 0 ? kNone : static_cast<uint64_t>(delivered));
  fstWriterEmitValueChange64(fst_, in_flight_, 32, bench_.in_flight());
  fstWriterEmitValueChange64(fst_, mismatch_, 1, bench_.mismatch_at_edge());
  fstWriterEmitTimeChange(fst_, rise + kPeriodPs / 2);
  fstWriterEmitValueChange64(fst_, clk_, 1, 0);
}

void TransactionWaves::close() {
  if (dut_open_) dut_.trace_close();
  dut_open_ = false;
  if (fst_) fstWriterClose(fst_);
  fst_ = nullptr;
}

std::string TransactionWaves::files() const { return dir_ + "/dut.fst, " + dir_ + "/bench.fst"; }

}  // namespace hif4::sim
