// `--junit FILE` and `--json FILE`, as every checking command takes them: both paths checked
// before any work (io's output rules: never a non-regular file, never an input), both written
// whole or not at all once the run is done.
#pragma once
#include <string>
#include <vector>

#include "hif4/args.h"
#include "hif4/results.h"

namespace hif4 {

std::vector<Args::Spec> result_file_specs();

class ResultFiles {
 public:
  // The options' paths, checked against the command's inputs.
  ResultFiles(const Args& args, const std::vector<std::string>& inputs);
  bool any() const { return !junit_.empty() || !json_.empty(); }
  // The JUnit XML of these runs (its <testsuites> called `name`) and, for one run, its JSON.
  void write(const std::vector<Results>& runs, const std::string& name) const;
  void write(const Results& r) const { write({r}, "hif4 " + r.command); }

 private:
  std::string junit_, json_;
  std::vector<std::string> inputs_;
};

}  // namespace hif4
