"""Markdown table comparing two sets of suite lines (median per function, lower is better).

Usage: python3 suite_table.py [--labels "A,B"] A.jsonl B.jsonl [B2.jsonl ...]
A: Sharptune.Bench `suite` (or `quality`) lines; B: tpe_quality_suite.py lines or other Sharptune lines.
Ratio = median of A / median of B; the geometric mean is over the functions present in both with positive medians;
medians are shown as distances to the lower bound for the functions in OFFSETS;
p is the two-sided Mann-Whitney U test of the two sets of 30 values (needs SciPy)."""
import json
import math
import sys

try:
    from scipy.stats import mannwhitneyu
except ImportError:  # the table without p-values
    mannwhitneyu = None


# Functions whose lowest value is below 0: ratios compare the distance to this bound (value + offset).
OFFSETS = {"cond_nested": 0.05}


def load(paths):
    out = {}
    for path in paths:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line.startswith("{"):
                    d = json.loads(line)
                    out[d["fn"]] = d
    return out


def main():
    args = sys.argv[1:]
    labels = ["Sharptune median", "Optuna 5 median"]
    if args[0] == "--labels":
        labels = args[1].split(",")
        args = args[2:]
    a_lines = load(args[:1])
    b_lines = load(args[1:])
    print(f"| function | {labels[0]} | {labels[1]} | ratio | p |")
    print("|---|---:|---:|---:|---:|")
    logs = []
    for fn, d in a_lines.items():
        if fn not in b_lines:
            continue
        off = OFFSETS.get(fn, 0.0)
        a, b = d["median"] + off, b_lines[fn]["median"] + off
        p = mannwhitneyu(d["values"], b_lines[fn]["values"]).pvalue if mannwhitneyu else float("nan")
        if a > 0 and b > 0:
            ratio = a / b
            logs.append(math.log(ratio))
            text = f"{ratio:.2f}×"
        else:
            text = "—"
        print(f"| {fn} | {a:.4g} | {b:.4g} | {text} | {p:.2f} |")
    if logs:
        print(f"| **geometric mean** ({len(logs)} functions) | | | **{math.exp(sum(logs) / len(logs)):.2f}×** | |")


if __name__ == "__main__":
    main()
