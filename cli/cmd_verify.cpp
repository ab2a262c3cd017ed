// hif4 verify: a DUT's output against golden vectors, block by block (testfloat_ver's role), and
// when several blocks fail, what they share (FailureSummary). Exit 0 only when every block
// matches; 1 when some differ or hold x/z digits; 2 for unusable input (including a DUT file
// with fewer or more blocks than the vectors).
#include <cstdio>

#include "command.h"
#include "hif4/result_files.h"
#include "hif4/threads.h"
#include "hif4/verify.h"
#include "hif4/verify_results.h"

namespace hif4::cli {
namespace {

int run(int argc, char** argv) {
  Args args("verify",
            {{"vectors", true, false, "the .hif4v file the DUT was fed"},
             {"dut", true, false, "the DUT's output file (- for standard input)"},
             {"dut-format", true, false,
              "raw (36-byte blocks, as `hif4 quantize` writes) or readmemh (one 288-bit hex word per "
              "block, byte k in bits 8k+7:8k, as $writememh writes); default: readmemh for *.hex, else raw"},
             {"max-errors", true, false, "mismatches to print in full (default 20)"},
             threads_spec(), result_file_specs()[0], result_file_specs()[1]},
            "--vectors FILE.hif4v --dut FILE [--dut-format raw|readmemh] [--max-errors N] [--threads N]\n"
            "  [--junit FILE] [--json FILE]");
  args.parse(argc, argv);
  const std::string vectors_path = args.required("vectors");
  const std::string dut_path = args.required("dut");
  std::string fmt_text = args.get("dut-format");
  if (fmt_text.empty())
    fmt_text = dut_path.size() > 4 && dut_path.compare(dut_path.size() - 4, 4, ".hex") == 0 ? "readmemh" : "raw";
  DutFormat fmt;
  if (fmt_text == "raw") fmt = DutFormat::Raw;
  else if (fmt_text == "readmemh") fmt = DutFormat::Readmemh;
  else throw Error("--dut-format: unknown format '" + fmt_text + "' (formats: raw, readmemh)");
  const uint64_t max_errors = args.get_u64("max-errors", 20);
  const unsigned threads = parse_threads(args);
  const ResultFiles outputs(args, {vectors_path, dut_path});

  uint64_t shown = 0;
  VectorReader vectors(vectors_path);
  const VectorHeader& h = vectors.header();
  // A check of nothing must not pass.
  if (h.record_count == 0) throw Error("vector file '" + vectors_path + "' holds no records: nothing to verify");
  DutReader dut(open_file_source(dut_path), fmt, h.record_count);
  std::printf("verifying %s (%s) against %s\n%s\n", dut_path == "-" ? "standard input" : dut_path.c_str(),
              fmt_text.c_str(), vectors_path.c_str(), format_header(h).c_str());
  VerifyContext ctx{h.config, h.profile, &h};
  VerifyResults results(h, vectors_path, dut_path);
  FailureSummary summary(h.config);  // what the failing blocks share, printed when several fail
  const auto report = [&](const BlockMismatch& m) {
    results.add(m);
    summary.add(m);
    if (shown < max_errors) {
      std::fputs((format_mismatch(m) + "\n").c_str(), stdout);
      ++shown;
    }
  };
  const VerifySummary sum = verify_stream(vectors, dut, ctx, report, threads);
  if (sum.failed > max_errors)
    std::printf("(%llu more mismatching blocks not shown; --max-errors %llu)\n",
                static_cast<unsigned long long>(sum.failed - max_errors), static_cast<unsigned long long>(max_errors));
  // A blank line ends each printed report; the note above needs one of its own.
  if (sum.failed > 1) std::printf("%s%s\n", sum.failed > max_errors ? "\n" : "", summary.format().c_str());
  std::printf("%llu passed, %llu failed\n", static_cast<unsigned long long>(sum.passed),
              static_cast<unsigned long long>(sum.failed));
  std::fflush(stdout);
  outputs.write(results.finish());
  return sum.failed ? kExitMismatch : kExitOk;
}

Registration reg("verify", "check a DUT's output against a .hif4v file, block by block", run);

}  // namespace
}  // namespace hif4::cli
