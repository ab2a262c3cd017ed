#!/usr/bin/python3
"""The RTL's code coverage per module, with the exclusions applied (scripts/rtl_coverage.sh).

Reads a Verilator coverage file (verilator_coverage --write of the runs' cosim.*.dat) and the
exclusion file (rtl/coverage_exclusions.txt), prints a table per module (branch, line and
toggle points hit of those not excluded, and how many are excluded), lists every point left
uncovered, and writes the coverage file without the excluded points (for verilator_coverage
--write-info and genhtml).

An exclusion line is   KIND MODULE POINT -- REASON
  KIND    toggle, line or branch (Verilator's v_toggle, v_line, v_branch points)
  MODULE  the module whose points it names
  POINT   toggle: SIGNAL or SIGNAL[SEL]...; SEL is *, N, N:M (inclusive) or a comma list of
          them (thr4[*][2,3,4]); a bare SIGNAL names all its bits
          line, branch: FILE:LINE (the file's base name), optionally :KIND (if, else, block...)
  REASON  why the point is structurally constant or unreachable (required)
Every exclusion must match at least one point, and every point it matches must have been hit
zero times: an excluded point that the regression hits is not constant, and fails the check.

Exit status: 0 every point not excluded was hit and every exclusion holds, 1 otherwise, 2 bad
input (the file named in the message).
"""
import argparse
import os
import re
import sys

KINDS = {"v_toggle": "toggle", "v_line": "line", "v_branch": "branch"}


class InputError(Exception):
    pass


def parse_points(path):
    """[(raw_line, fields dict, count)] of every C line of a Verilator coverage file."""
    points = []
    try:
        with open(path, encoding="latin-1") as f:
            for number, line in enumerate(f, 1):
                if not line.startswith("C '"):
                    continue
                m = re.match(r"C '(.*)' (\d+)\s*$", line)
                if not m:
                    raise InputError(f"{path}:{number}: not a coverage point line")
                fields = {}
                for kv in m.group(1).split("\x01"):
                    if kv:
                        k, _, v = kv.partition("\x02")
                        fields[k] = v
                if "page" not in fields:
                    raise InputError(f"{path}:{number}: a point without a page")
                points.append((line, fields, int(m.group(2))))
    except OSError as e:
        raise InputError(f"{path}: {e.strerror}")
    return points


def point_kind_module(fields):
    page, _, module = fields["page"].partition("/")
    return KINDS.get(page), module


def parse_selectors(text, where):
    """'[*][2,3:5]' -> [None, {2,3,4,5}] (None: any index)."""
    sels = []
    for part in re.findall(r"\[([^\]]*)\]", text):
        if part == "*":
            sels.append(None)
            continue
        indices = set()
        for item in part.split(","):
            m = re.fullmatch(r"\s*(\d+)\s*(?::\s*(\d+)\s*)?", item)
            if not m:
                raise InputError(f"{where}: bad bit selection '[{part}]'")
            lo = int(m.group(1))
            hi = int(m.group(2)) if m.group(2) else lo
            indices.update(range(min(lo, hi), max(lo, hi) + 1))
        sels.append(indices)
    if re.sub(r"\[[^\]]*\]", "", text) != "":
        raise InputError(f"{where}: bad selection '{text}'")
    return sels


class Exclusion:
    def __init__(self, kind, module, point, reason, where):
        self.kind, self.module, self.point, self.reason, self.where = kind, module, point, reason, where
        self.matched = 0
        self.hit = []
        if kind == "toggle":
            m = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_$]*)((?:\[[^\]]*\])*)", point)
            if not m:
                raise InputError(f"{where}: bad toggle point '{point}'")
            self.signal = m.group(1)
            self.selectors = parse_selectors(m.group(2), where)
        else:
            m = re.fullmatch(r"([^:\s]+):(\d+)(?::(\w+))?", point)
            if not m:
                raise InputError(f"{where}: a {kind} point is FILE:LINE[:KIND], not '{point}'")
            self.file, self.line, self.what = m.group(1), m.group(2), m.group(3)

    def matches(self, kind, module, fields):
        if kind != self.kind or module != self.module:
            return False
        if kind == "toggle":
            m = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_$]*)((?:\[\d+\])*)", fields.get("o", ""))
            if not m or m.group(1) != self.signal:
                return False
            indices = [int(i) for i in re.findall(r"\[(\d+)\]", m.group(2))]
            if not self.selectors:
                return True
            if len(indices) != len(self.selectors):
                return False
            return all(s is None or i in s for s, i in zip(self.selectors, indices))
        return (os.path.basename(fields.get("f", "")) == self.file and fields.get("l") == self.line
                and (self.what is None or fields.get("o") == self.what))


def parse_exclusions(path):
    exclusions = []
    try:
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                text = line.strip()
                if not text or text.startswith("#"):
                    continue
                where = f"{path}:{number}"
                head, sep, reason = text.partition(" -- ")
                words = head.split()
                if not sep or not reason.strip() or len(words) != 3:
                    raise InputError(f"{where}: want 'KIND MODULE POINT -- REASON'")
                if words[0] not in KINDS.values():
                    raise InputError(f"{where}: KIND is toggle, line or branch, not '{words[0]}'")
                exclusions.append(Exclusion(words[0], words[1], words[2], reason.strip(), where))
    except OSError as e:
        raise InputError(f"{path}: {e.strerror}")
    return exclusions


def describe(fields):
    where = f"{os.path.basename(fields.get('f', '?'))}:{fields.get('l', '?')}"
    return f"{where} {fields.get('o', '')} ({fields.get('h', '')})"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("coverage", help="the merged Verilator coverage file")
    ap.add_argument("--exclusions", required=True, help="the exclusion file")
    ap.add_argument("--filtered", help="write the points not excluded here (a Verilator coverage file)")
    ap.add_argument("--max-listed", type=int, default=40, help="uncovered points listed (default 40)")
    args = ap.parse_args()
    try:
        points = parse_points(args.coverage)
        exclusions = parse_exclusions(args.exclusions)
    except InputError as e:
        print(f"rtl_coverage.py: error: {e}", file=sys.stderr)
        return 2
    if not points:
        print(f"rtl_coverage.py: error: {args.coverage}: no coverage points", file=sys.stderr)
        return 2

    table = {}  # module -> kind -> [hit, total, excluded]
    uncovered, kept = [], []
    for line, fields, count in points:
        kind, module = point_kind_module(fields)
        if kind is None:
            kept.append(line)
            continue
        row = table.setdefault(module, {k: [0, 0, 0] for k in KINDS.values()})[kind]
        excluded = None
        for e in exclusions:
            if e.matches(kind, module, fields):
                excluded = e
                break
        if excluded:
            excluded.matched += 1
            row[2] += 1
            if count:
                excluded.hit.append(f"{describe(fields)} hit {count} times")
            continue
        kept.append(line)
        row[1] += 1
        if count:
            row[0] += 1
        else:
            uncovered.append(f"{kind} {module} {describe(fields)}")

    def cell(c):
        hit, total, excluded = c
        if total == 0 and excluded == 0:
            return "-"
        pct = 100.0 * hit / total if total else 100.0
        return f"{hit}/{total} ({pct:.1f}%)" + (f", {excluded} excl." if excluded else "")

    print("| module | branch | line | toggle |")
    print("|---|---|---|---|")
    totals = {k: [0, 0, 0] for k in KINDS.values()}
    for module in sorted(table):
        print(f"| {module} | {cell(table[module]['branch'])} | {cell(table[module]['line'])} | "
              f"{cell(table[module]['toggle'])} |")
        for k in totals:
            totals[k] = [a + b for a, b in zip(totals[k], table[module][k])]
    print(f"| **all** | {cell(totals['branch'])} | {cell(totals['line'])} | {cell(totals['toggle'])} |")
    print()

    status = 0
    if uncovered:
        status = 1
        print(f"{len(uncovered)} point(s) not excluded were never hit:")
        for u in uncovered[:args.max_listed]:
            print(f"  {u}")
        if len(uncovered) > args.max_listed:
            print(f"  ... and {len(uncovered) - args.max_listed} more")
    for e in exclusions:
        if e.matched == 0:
            status = 1
            print(f"{e.where}: exclusion '{e.kind} {e.module} {e.point}' matches no coverage point")
        elif e.hit:
            status = 1
            print(f"{e.where}: exclusion '{e.kind} {e.module} {e.point}' ({e.reason}) is wrong: "
                  f"{len(e.hit)} of its points were hit, e.g. {e.hit[0]}")
    excluded = sum(e.matched for e in exclusions)
    if status == 0:
        print(f"coverage closed: every point hit but the {excluded} excluded by {len(exclusions)} "
              f"exclusions of {args.exclusions}, none of which the run hit")
    else:
        print("coverage NOT closed")

    if args.filtered:
        tmp = args.filtered + ".tmp"
        with open(tmp, "w", encoding="latin-1") as f:
            f.write("# SystemC::Coverage-3\n")
            f.writelines(kept)
        os.replace(tmp, args.filtered)
    return status


if __name__ == "__main__":
    sys.exit(main())
