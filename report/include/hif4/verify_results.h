// `hif4 verify`'s outcome as Results: one row per suite of the vector file (one row for a file
// that names none), each with its blocks, its failing blocks and its first mismatch report.
// A shard's vector file gives a shard's results, which `hif4 merge` adds up.
#pragma once
#include <string>

#include "hif4/results.h"
#include "hif4/verify.h"

namespace hif4 {

// The identity of the whole run a vector file belongs to: the generator's arguments and the
// whole record count for a file of `hif4 gen` (so every shard's file names the same run),
// else the path.
std::string vector_run(const VectorHeader& h, const std::string& path);

class VerifyResults {
 public:
  VerifyResults(const VectorHeader& h, const std::string& vectors_path, const std::string& dut_path);
  // Every mismatching block, in record order.
  void add(const BlockMismatch& m);
  // The results once every block was compared.
  Results finish();

 private:
  const VectorHeader& header_;
  Results results_;
  double start_;
};

}  // namespace hif4
