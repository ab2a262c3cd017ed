#!/usr/bin/env python3
"""Draw the figures of a `hif4 compare` report with matplotlib.

usage: plot_compare.py [--quiet-import] FIGURES.json OUT_FOLDER [FIGURE_ID]

FIGURES.json is written by `hif4 compare` (compare/src/figures.cpp): each figure says what to
draw (its kind, titles, panels, numbers and the text beside each bar); this script only lays
it out. Every figure (or only FIGURE_ID) is written as OUT_FOLDER/ID.png. The folder is the
command's own staging or scratch folder, which it moves into place or removes, so a failure
here never leaves a partial file where the user looks.

Kinds:
  bars     one horizontal bar per variant and panel (the variants' names on the left, shared
           by a row of panels), whiskers for the interval, the figure written beside each bar
  stacked  the same with each bar split into parts (squared bias and variance)
  lines    y against x per variant, one panel per study, the legend outside the axes

Exit status: 0 drawn, 2 bad input (message on stderr), 3 matplotlib cannot be imported
(silently with --quiet-import: `hif4 compare` then tries another python3 and reports).
"""
import json
import math
import os
import sys
import textwrap

# Colours by format; the reference bar is grey. Colour-blind-safe (Okabe-Ito).
GROUP_COLOURS = {"hif4": "#0072B2", "nvfp4": "#E69F00", "nvfp4-div6": "#CC79A7",
                 "mxfp4": "#009E73"}
REFERENCE_COLOUR = "#999999"
BAR_HEIGHT_IN = 0.26      # vertical space per bar
PANEL_WIDTH_IN = 3.4      # width of one panel's axes area
MAX_COLUMNS = 3           # panels per row


def fail(message, status=2):
    print(f"plot_compare.py: error: {message}", file=sys.stderr)
    sys.exit(status)


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except OSError as e:
        fail(f"cannot read {path}: {e.strerror}")
    except ValueError as e:
        fail(f"{path}: not JSON: {e}")
    if not isinstance(data, dict) or not isinstance(data.get("figures"), list):
        fail(f"{path}: not a hif4 compare figure file (no 'figures' list)")
    return data


def number(v):
    return math.nan if v is None else float(v)


def footer(fig, data):
    """The command and version under the figure (savefig's tight box takes it in)."""
    text = f"hif4 {data.get('version', '?')}: {data.get('command', '')}"
    wrapped = "\n".join(textwrap.wrap(text, width=int(fig.get_figwidth() * 14)))
    fig.text(0.0, 0.0, wrapped, fontsize=6.5, color="#444444", ha="left", va="top",
             family="monospace")


def grid(plt, figure, rows_of_bars, label_chars):
    panels = figure["panels"]
    columns = min(len(panels), MAX_COLUMNS)
    rows = math.ceil(len(panels) / columns)
    label_in = min(4.2, 0.075 * label_chars + 0.3)
    width = label_in + columns * PANEL_WIDTH_IN + 0.3
    height = rows * (rows_of_bars * BAR_HEIGHT_IN + 0.9) + 1.3
    fig, axes = plt.subplots(rows, columns, figsize=(width, height), squeeze=False,
                             sharey=True)
    for ax in axes.flat[len(panels):]:
        ax.set_visible(False)
    return fig, axes


def finish(fig, figure, data, path):
    footer(fig, data)
    fig.suptitle(f"{figure['title']}\n{figure['subtitle']}", fontsize=10)
    fig.savefig(path, dpi=100, bbox_inches="tight", pad_inches=0.15)


def bar_colours(figure, panel):
    groups = figure.get("groups", [])
    colours = [GROUP_COLOURS.get(g, "#56B4E9") for g in groups]
    if 0 <= panel.get("reference", -1) < len(colours):
        colours[panel["reference"]] = REFERENCE_COLOUR
    return colours


def draw_bars(plt, figure, data, path, stacked):
    panels = figure["panels"]
    labels = panels[0]["labels"]
    n = len(labels)
    fig, axes = grid(plt, figure, n, max(len(s) for s in labels))
    ys = list(range(n))
    for index, (ax, panel) in enumerate(zip(axes.flat, panels)):
        colours = bar_colours(figure, panel)
        ends = []
        if stacked:
            left = [0.0] * n
            alphas = [1.0, 0.45]
            for part, series in enumerate(panel["series"]):
                values = [number(v) for v in series["values"]]
                values = [0.0 if math.isnan(v) else v for v in values]
                ax.barh(ys, values, left=left, color=colours, alpha=alphas[part % 2],
                        edgecolor="black", linewidth=0.4,
                        hatch=None if part == 0 else "///",
                        label=series["name"] if index == 0 else None)
                left = [a + b for a, b in zip(left, values)]
            ends = left
        else:
            values = [number(v) for v in panel["series"][0]["values"]]
            low = [number(v) for v in panel["low"]]
            high = [number(v) for v in panel["high"]]
            shown = [0.0 if math.isnan(v) else v for v in values]
            ax.barh(ys, shown, color=colours, edgecolor="black", linewidth=0.4)
            err = [[max(0.0, v - lo) if not math.isnan(lo) else 0.0 for v, lo in zip(shown, low)],
                   [max(0.0, hi - v) if not math.isnan(hi) else 0.0 for v, hi in zip(shown, high)]]
            if any(e > 0 for e in err[0] + err[1]):
                ax.errorbar(shown, ys, xerr=err, fmt="none", ecolor="black", elinewidth=1,
                            capsize=2.5)
            ends = [hi if not math.isnan(hi) else v for v, hi in zip(shown, high)]
            starts = [lo if not math.isnan(lo) else v for v, lo in zip(shown, low)]
            ax.axvline(0, color="black", linewidth=0.8)
        # Room for the text beside the bars: the axis extends beyond the data. A bar reaching
        # far to the left gets its text on the left; every other text sits right of its bar
        # (or of 0), where the room is.
        lo_x = min([0.0] + ([min(starts)] if not stacked else []))
        hi_x = max([0.0] + ends)
        span = (hi_x - lo_x) or 1.0
        left_text = [not stacked and v < 0 and s < -0.15 * span
                     for v, s in zip(([0] * n) if stacked else shown, ([0] * n) if stacked else starts)]
        ax.set_xlim(lo_x - (0.6 * span if any(left_text) else 0.02 * span), hi_x + 0.45 * span)
        for y, text, end in zip(ys, panel.get("text", []), ends):
            if left_text[y]:
                ax.text(starts[y] - 0.01 * span, y, text, va="center", ha="right", fontsize=7)
            else:
                ax.text(max(end, 0.0) + 0.01 * span, y, text, va="center", ha="left", fontsize=7)
        ax.set_yticks(ys)
        ax.set_yticklabels(labels, fontsize=8)
        if index == 0:
            ax.invert_yaxis()  # the first variant on top (the axis is shared by the row)
        ax.set_title(panel["title"], fontsize=9)
        ax.grid(True, axis="x", alpha=0.3)
        ax.tick_params(axis="x", labelsize=7)
    fig.supxlabel(figure["xlabel"], fontsize=8)
    if stacked:
        fig.legend(loc="upper left", bbox_to_anchor=(1.0, 0.95), fontsize=8, frameon=False)
    finish(fig, figure, data, path)


def draw_lines(plt, figure, data, path):
    panels = figure["panels"]
    columns = min(len(panels), 2)
    rows = math.ceil(len(panels) / columns)
    names = [s["name"] for s in panels[0]["series"]]
    legend_in = min(4.5, 0.07 * max(len(s) for s in names) + 0.6)
    fig, axes = plt.subplots(rows, columns, figsize=(columns * 4.6 + legend_in, rows * 3.2 + 1.2),
                             squeeze=False)
    for ax in axes.flat[len(panels):]:
        ax.set_visible(False)
    cmap = plt.get_cmap("tab20")
    styles = ["-", "--", ":", "-."]
    markers = ["o", "s", "^", "v", "D", "x", "+", "*"]
    for ax, panel in zip(axes.flat, panels):
        xs = [number(v) for v in panel["x"]]
        for n, series in enumerate(panel["series"]):
            ys = [number(v) for v in series["values"]]
            ax.plot(xs, ys, linestyle=styles[n % len(styles)], marker=markers[n % len(markers)],
                    markersize=3.5, color=cmap(n % 20), label=series["name"])
        if figure.get("xlog"):
            ax.set_xscale("log", base=2)
        ax.set_xlabel(figure["xlabel"], fontsize=8)
        ax.set_ylabel(figure["ylabel"], fontsize=8)
        ax.set_title(panel["title"], fontsize=9)
        ax.grid(True, alpha=0.3)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    # Outside the axes, right of the panels: 18 variants never cover a curve or the title.
    fig.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.0, 0.95), fontsize=7,
               frameon=False)
    finish(fig, figure, data, path)


def main():
    args = sys.argv[1:]
    quiet_import = bool(args) and args[0] == "--quiet-import"
    if quiet_import:
        args = args[1:]
    if len(args) not in (2, 3):
        fail("usage: plot_compare.py [--quiet-import] FIGURES.json OUT_FOLDER [FIGURE_ID]")
    data = load(args[0])
    folder = args[1]
    only = args[2] if len(args) == 3 else None
    if not os.path.isdir(folder):
        fail(f"{folder}: not a folder")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        if quiet_import:
            sys.exit(3)
        fail("python3 cannot import matplotlib (apt-get install python3-matplotlib)", 3)
    plt.rcParams["figure.constrained_layout.use"] = True
    drawn = 0
    for figure in data["figures"]:
        if only is not None and figure.get("id") != only:
            continue
        if not figure.get("panels"):
            fail(f"figure {figure.get('id')}: no panels")
        path = os.path.join(folder, f"{figure['id']}.png")
        try:
            if figure["kind"] == "bars":
                draw_bars(plt, figure, data, path, stacked=False)
            elif figure["kind"] == "stacked":
                draw_bars(plt, figure, data, path, stacked=True)
            elif figure["kind"] == "lines":
                draw_lines(plt, figure, data, path)
            else:
                fail(f"figure {figure['id']}: unknown kind {figure['kind']!r}")
        except OSError as e:
            fail(f"cannot write {path}: {e.strerror}")
        except (KeyError, IndexError, TypeError, ValueError) as e:
            fail(f"figure {figure.get('id')}: malformed: {e!r}")
        plt.close("all")
        drawn += 1
    if drawn == 0:
        fail(f"no figure {only!r} in {args[0]}" if only else f"{args[0]}: no figures")


if __name__ == "__main__":
    main()
