// The --report page (compare_report.h).
#include "hif4/compare_report.h"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "hif4/compare_stats.h"

namespace hif4::compare {

namespace {

const char kStyle[] = R"(body{font-family:"DejaVu Sans",Arial,sans-serif;max-width:1280px;margin:1em auto;padding:0 1em;color:#222;line-height:1.4}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:1px solid #ccc;padding-bottom:.1em;margin-top:1.6em}h3{margin-top:1.4em}
table{border-collapse:collapse;font-size:13px;margin:.4em 0 1.2em}th,td{border:1px solid #ccc;padding:2px 6px;vertical-align:top}
th{background:#eee}td.r,th.r{text-align:right}td.r{white-space:nowrap}
div.wide{overflow-x:auto}tbody tr:nth-child(even){background:#f7f7f7}
td.higher{background:#f8d7d3}td.lower{background:#d4edda}
pre{background:#f4f4f4;padding:.5em;white-space:pre-wrap;word-break:break-all;font-size:13px}
figure{margin:1em 0 2em}img{max-width:100%;border:1px solid #ddd}figcaption{font-size:13px;color:#444;margin-top:.3em}
p.note{font-size:13px;color:#444}
)";

// A table that scrolls sideways on a narrow page instead of widening it.
std::string wide(const std::string& table) { return "<div class=\"wide\">\n" + table + "</div>\n"; }

std::string paragraph(const std::string& text, const char* cls = nullptr) {
  return std::string("<p") + (cls ? std::string(" class=\"") + cls + "\"" : "") + ">" +
         html_escape(text) + "</p>\n";
}

std::string table_with_classes(const Table& t, const std::vector<std::vector<std::string>>& cls) {
  std::string out = "<table>\n<thead><tr>";
  for (size_t c = 0; c < t.header.size(); ++c)
    out += std::string("<th class=\"") + (t.align[c] == 'r' ? "r" : "l") + "\">" +
           html_escape(t.header[c]) + "</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (size_t r = 0; r < t.rows.size(); ++r) {
    out += "<tr>";
    for (size_t c = 0; c < t.rows[r].size(); ++c) {
      std::string klass = t.align[c] == 'r' ? "r" : "l";
      if (r < cls.size() && c < cls[r].size() && !cls[r][c].empty()) klass += " " + cls[r][c];
      out += "<td class=\"" + klass + "\">" + html_escape(t.rows[r][c]) + "</td>";
    }
    out += "</tr>\n";
  }
  return out + "</tbody>\n</table>\n";
}

// The definitions of the columns, for the reader of the page.
const char* const kDefinitions[][2] = {
    {"MSE", "mean of (q - x)^2 over finite inputs whose output is not NaN; x is the input "
            "rounded to BF16, q its quantized and decoded value"},
    {"NMSE, SQNR", "sum (q - x)^2 / sum x^2, and -10 log10(NMSE) in dB"},
    {"bias", "mean (q - x)"},
    {"saturated", "share of values above the largest magnitude their block (HiF4: lane) can "
                  "decode to, where that is not 0"},
    {"scale underflow", "share of nonzero values in a block whose scale decodes to 0 (NVFP4's "
                        "E4M3 block scale underflows when the block is far below the tensor "
                        "amax); they decode to 0 and are counted in 'flushed to 0' too"},
    {"flushed to 0", "share of nonzero inputs decoded as 0"},
    {"blocks != P", "share of HiF4 blocks whose 36 packed bytes differ from profile P's"},
    {"MSE / ref", "geometric mean over matrices of MSE(variant) / MSE(reference variant); for a "
                  "matrix product, NMSE of the output Y"},
    {"intervals", "95% Student-t intervals over the repeats (seeds): each repeat draws new data "
                  "and new stochastic-rounding bits; ratios are averaged in logarithms"},
    {"bias^2, variance", "with several stochastic-rounding seeds: the MSE of one result split "
                         "into the squared bias of each value's mean result and the variance "
                         "around it (unbiased estimates)"},
    {"magnitude bias", "sum sign(x) (mean result - x) / sum |x|: the relative growth (> 0) or "
                       "shrinkage (< 0) of magnitudes"},
};

}  // namespace

std::string base64(const std::string& bytes) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = (uint32_t{static_cast<uint8_t>(bytes[i])} << 16) |
                       (uint32_t{static_cast<uint8_t>(bytes[i + 1])} << 8) |
                       static_cast<uint8_t>(bytes[i + 2]);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  const size_t rest = bytes.size() - i;
  if (rest) {
    uint32_t v = uint32_t{static_cast<uint8_t>(bytes[i])} << 16;
    if (rest == 2) v |= uint32_t{static_cast<uint8_t>(bytes[i + 1])} << 8;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string shell_command(const std::vector<std::string>& args) {
  std::string out;
  for (const std::string& a : args) {
    if (!out.empty()) out += ' ';
    const bool plain = !a.empty() && a.find_first_not_of(
                                         "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                         "0123456789-_=.,/:+@%") == std::string::npos;
    if (plain) {
      out += a;
      continue;
    }
    out += '\'';
    for (char c : a) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    out += '\'';
  }
  return out;
}

std::string html_report(const Report& report, const ReportPage& page,
                        const std::vector<FigureSpec>& figures,
                        const std::vector<std::string>& pngs) {
  const RunSettings& set = report.settings;
  const std::string& ref = report.variants[report.reference].name;
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<title>hif4 compare report</title>\n<style>\n" << kStyle << "</style>\n</head>\n<body>\n"
      << "<h1>hif4 compare: rounding modes and formats</h1>\n"
      << paragraph("hif4 " + page.version + ", generated " + page.generated +
                   ". Every figure below is reproduced by the command, on any thread count.",
                   "note");

  out << "<h2>Command</h2>\n<pre>" << html_escape(page.command) << "</pre>\n";

  out << "<h2>Configuration</h2>\n";
  Table config;
  config.header = {"setting", "value"};
  config.align = "ll";
  std::string studies;
  for (const StudyResult& r : report.studies) studies += (studies.empty() ? "" : ", ") + r.name;
  config.rows = {
      {"hif4 version", page.version},
      {"studies", studies},
      {"seeds (repeats)",
       std::to_string(set.seed) + (set.repeats > 1 ? ".." + std::to_string(set.seed + set.repeats - 1) : "") +
           " (" + std::to_string(set.repeats) + ")"},
      {"stochastic-rounding seeds per repeat", std::to_string(set.sr_seeds)},
      {"rows per synthetic matrix", std::to_string(set.rows) + " x " + std::to_string(kStudyColumns)},
      {"tokens per matrix product", std::to_string(set.tokens)},
      {"reference variant (differences)", ref},
      {"baseline profile (blocks !=)", report.baseline_profile},
      {"threads (no effect on any figure)", std::to_string(page.threads)},
  };
  out << html_table(config);
  out << "<h3>Variants</h3>\n";
  Table vars;
  vars.header = {"#", "variant", "format", "settings"};
  vars.align = "rlll";
  for (size_t v = 0; v < report.variants.size(); ++v)
    vars.rows.push_back({std::to_string(v + 1), report.variants[v].name,
                         format_name(report.variants[v].format), describe_variant(report.variants[v])});
  out << html_table(vars);

  out << "<h2>Summary: MSE difference to " << html_escape(ref) << "</h2>\n";
  std::vector<std::vector<std::string>> classes;
  const Table summary = summary_table(report, &classes);
  out << paragraph(summary_text(report) +
                   (set.repeats >= 2 ? " Red: higher than the reference, green: lower, where "
                                       "the interval excludes 0; uncoloured: not resolved."
                                     : ""));
  out << wide(table_with_classes(summary, classes));

  out << "<h2>Figures</h2>\n";
  for (size_t i = 0; i < figures.size() && i < pngs.size(); ++i)
    out << "<figure id=\"" << html_escape(figures[i].id) << "\">\n<img alt=\""
        << html_escape(figures[i].title) << "\" src=\"data:image/png;base64," << base64(pngs[i])
        << "\">\n<figcaption><b>" << html_escape(figures[i].title) << ".</b> "
        << html_escape(figures[i].caption) << "</figcaption>\n</figure>\n";
  // Studies without an SQNR-against-sigma figure, and why.
  std::string flat;
  for (const StudyResult& r : report.studies) {
    double span = 0;
    if (r.kind != StudyKind::Synthetic || sigma_matters(r, &span)) continue;
    char text[96];
    std::snprintf(text, sizeof text, "%s%s %.3f dB", flat.empty() ? "" : ", ", r.name.c_str(), span);
    flat += text;
  }
  if (!flat.empty()) {
    char rule[160];
    std::snprintf(rule, sizeof rule,
                  "an F test of a quadratic trend in log2 sigma, p < %g, spanning more than %g dB",
                  kSigmaTrendP, kSigmaTrendDb);
    out << paragraph("No SQNR-against-sigma figure for the studies where sigma changes no variant's "
                     "SQNR beyond the scatter between their matrices (" + std::string(rule) +
                     "). Span of the largest fitted trend: " + flat + ".",
                     "note");
  }

  out << "<h2>Studies</h2>\n";
  for (const StudyResult& r : report.studies) {
    out << "<h3 id=\"study-" << html_escape(r.name) << "\">" << html_escape(study_heading(r))
        << "</h3>\n"
        << paragraph(study_summary(report, r)) << wide(html_table(figures_table(report, r)));
    if (has_differences(report))
      out << paragraph(differences_summary(report))
          << wide(html_table(differences_table(report, r)));
    if (has_sr(report)) out << paragraph(sr_summary(report)) << wide(html_table(sr_table(report, r)));
  }

  out << "<h2>Definitions</h2>\n<dl>\n";
  for (const auto& d : kDefinitions)
    out << "<dt><b>" << html_escape(d[0]) << "</b></dt><dd>" << html_escape(d[1]) << "</dd>\n";
  out << "</dl>\n</body>\n</html>\n";
  return out.str();
}

}  // namespace hif4::compare
