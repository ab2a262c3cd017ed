#!/usr/bin/python3
"""Compares two results files (`--json` of hif4 regress, cosim, verify, coverage, or hif4 merge)
field by field, the way a merged sharded run must equal the unsharded run:

  same_results.py UNSHARDED.json MERGED.json

Every field must be equal except those docs/regressions.md lists as a run's own: wall and CPU
times, the shard fields, and for the co-simulation the cycle count, the latency range and the
report texts (which name cycles and the command line). Prints each difference; exit 0 when
there is none, 1 otherwise.
"""
import json
import sys

# A run's own figures: present in both, never compared.
OWN = {"seconds", "cpu_seconds", "shard", "shards_merged", "heading", "hif4"}
COSIM_OWN = {"cycles", "latency_min", "latency_max", "reports", "report", "block"}


def differences(a, b, path, cosim):
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b)):
            if key in OWN or (cosim and key in COSIM_OWN):
                continue
            if key not in a or key not in b:
                out.append("%s.%s: only in %s" % (path, key, "the first" if key in a else "the second"))
                continue
            out += differences(a[key], b[key], path + "." + key, cosim)
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return ["%s: %d vs %d entries" % (path, len(a), len(b))]
        out = []
        for i, (x, y) in enumerate(zip(a, b)):
            out += differences(x, y, "%s[%d]" % (path, i), cosim)
        return out
    return [] if a == b else ["%s: %r vs %r" % (path, a, b)]


def main():
    a, b = (json.load(open(p)) for p in sys.argv[1:3])
    cosim = a.get("command") == "cosim" or any(r.get("command") == "cosim" for r in a.get("runs", []))
    diffs = differences(a, b, "$", cosim)
    for d in diffs:
        print("results differ: " + d)
    if not diffs:
        print("results equal: %s and %s" % (sys.argv[1], sys.argv[2]))
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
