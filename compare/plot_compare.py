#!/usr/bin/env python3
"""Draw SQNR against sigma from a `hif4 compare --csv` file: one panel per study with more
than one matrix, one line per format / variant.

usage: plot_compare.py [--quiet-import] COMPARE.csv OUT.png

Exit status: 0 drawn, 2 bad input (message on stderr), 3 matplotlib cannot be imported
(silently with --quiet-import: `hif4 compare --plot` then tries another python3 and reports).
The PNG is written under a temporary name and renamed, so a failure leaves no partial image.
"""
import csv
import math
import os
import sys


def fail(message, status=2):
    print(f"plot_compare.py: error: {message}", file=sys.stderr)
    sys.exit(status)


def read_series(path):
    """{study: {variant: [(sigma, sqnr_db)]}} from the per-matrix rows, in file order."""
    studies = {}
    try:
        with open(path, newline="") as f:
            reader = csv.DictReader(f)
            needed = {"study", "matrix", "sigma", "variant", "sqnr_db"}
            if reader.fieldnames is None or not needed <= set(reader.fieldnames):
                fail(f"{path}: not a hif4 compare CSV (needs columns {sorted(needed)})")
            for row in reader:
                if row["matrix"] == "all":
                    continue
                sigma, sqnr = float(row["sigma"]), float(row["sqnr_db"])
                series = studies.setdefault(row["study"], {}).setdefault(row["variant"], [])
                series.append((sigma, sqnr))
    except OSError as e:
        fail(f"cannot read {path}: {e.strerror}")
    except ValueError as e:
        fail(f"{path}: bad number: {e}")
    return studies


def main():
    args = sys.argv[1:]
    quiet_import = bool(args) and args[0] == "--quiet-import"
    if quiet_import:
        args = args[1:]
    if len(args) != 2:
        fail("usage: plot_compare.py [--quiet-import] COMPARE.csv OUT.png")
    csv_path, png_path = args
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        if quiet_import:
            sys.exit(3)
        fail("python3 cannot import matplotlib (apt-get install python3-matplotlib)", 3)

    studies = read_series(csv_path)
    if not studies:
        fail(f"{csv_path}: no per-matrix rows to plot")
    names = list(studies)
    cols = min(len(names), 2)
    rows = math.ceil(len(names) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(6.4 * cols, 3.6 * rows), squeeze=False)
    for ax in axes.flat[len(names):]:
        ax.set_visible(False)
    for ax, study in zip(axes.flat, names):
        # Variants often overlap (HiF4 profiles differ in ties only): vary the dash and marker
        # as well as the colour so every line stays visible.
        dashes = ["-", "--", ":", "-."]
        markers = [".", "x", "+", "1", "s", "^"]
        for n, (variant, points) in enumerate(studies[study].items()):
            points = [(s, q) for s, q in points if math.isfinite(s) and s > 0]
            if not points:
                continue
            xs, ys = zip(*points)
            if len(points) == 1:
                ax.plot(xs, ys, "o", label=variant)
            else:
                ax.plot(xs, ys, linestyle=dashes[n % len(dashes)],
                        marker=markers[n % len(markers)], markersize=4, label=variant)
        ax.set_xscale("log", base=2)
        ax.set_xlabel("sigma (RMS for a file)")
        ax.set_ylabel("SQNR (dB)")
        ax.set_title(f"hif4 compare: {study}")
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(fontsize="small")
    fig.tight_layout()
    directory = os.path.dirname(os.path.abspath(png_path))
    tmp = os.path.join(directory, f".{os.path.basename(png_path)}.{os.getpid()}.tmp.png")
    try:
        fig.savefig(tmp, dpi=72)
        os.replace(tmp, png_path)
    except OSError as e:
        if os.path.exists(tmp):
            os.unlink(tmp)
        fail(f"cannot write {png_path}: {e.strerror}")


if __name__ == "__main__":
    main()
