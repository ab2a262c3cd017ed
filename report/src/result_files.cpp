// --junit and --json (see result_files.h).
#include "hif4/result_files.h"

#include "hif4/files.h"
#include "hif4/junit.h"
#include "hif4/results_json.h"
#include "hif4/version.h"

namespace hif4 {

std::vector<Args::Spec> result_file_specs() {
  return {{"junit", true, false, "FILE: the results as JUnit XML (one testcase per suite and profile), for CI dashboards"},
          {"json", true, false, "FILE: the results as JSON: every figure of the summary; `hif4 merge` adds up shards' files"}};
}

ResultFiles::ResultFiles(const Args& args, const std::vector<std::string>& inputs)
    : junit_(args.get("junit")), json_(args.get("json")), inputs_(inputs) {
  if (args.has("junit")) check_output_path("--junit", junit_, inputs_);
  if (args.has("json")) check_output_path("--json", json_, inputs_);
  if (!junit_.empty() && junit_ == json_) throw Error("--junit and --json name the same file '" + json_ + "'");
}

void ResultFiles::write(const std::vector<Results>& runs, const std::string& name) const {
  const auto put = [&](const std::string& path, const std::string& text, const char* option) {
    AtomicOutput out(path, inputs_, AtomicOutput::Content::Text, option);
    out.write(text.data(), text.size());
    out.commit();
  };
  if (!junit_.empty()) put(junit_, results_to_junit(runs, name), "--junit");
  if (!json_.empty()) put(json_, results_to_json(runs), "--json");
}

}  // namespace hif4
