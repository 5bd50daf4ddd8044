"""Markdown table of the broad quality suite: Sharptune.Bench `suite` lines against tpe_quality_suite.py lines.

Usage: python3 suite_table.py SHARPTUNE.jsonl OPTUNA.jsonl [OPTUNA2.jsonl ...]
Ratio = Sharptune median / Optuna median (lower is better); the geometric mean is over the functions in both files."""
import json
import math
import sys


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
    mine = load(sys.argv[1:2])
    theirs = load(sys.argv[2:])
    print("| function | Sharptune median | Optuna 5 median | ratio |")
    print("|---|---:|---:|---:|")
    logs = []
    for fn, d in mine.items():
        if fn not in theirs:
            continue
        a, b = d["median"], theirs[fn]["median"]
        ratio = a / b if b > 0 else float("inf")
        logs.append(math.log(ratio))
        print(f"| {fn} | {a:.4g} | {b:.4g} | {ratio:.2f}× |")
    if logs:
        print(f"| **geometric mean** ({len(logs)} functions) | | | **{math.exp(sum(logs) / len(logs)):.2f}×** |")


if __name__ == "__main__":
    main()
