"""Pools Optuna 5's TPE results over seeds 0-99 (several runs of 30 or 70 seeds each) and compares them with
Sharptune's 100-seed lines: median ratio, two-sided Mann-Whitney U p, and Holm's adjustment of p over the functions
of the table (the chance that any of them differs only by chance). Run from the repository root (needs SciPy):
  python3 bench/results/issue21d/pool_100_seeds.py [SHARPTUNE_100.jsonl ...]
Without arguments: the four functions whose 30-seed ratio exceeded 1.1, against the 100-seed lines of sessions 5-6."""
import json
import math
import statistics
import sys

from scipy.stats import mannwhitneyu

R = "bench/results/"
OPTUNA = [  # (file, first seed)
    (R + "issue21/optuna_tpe.jsonl", 0), (R + "issue21/optuna_tpe2.jsonl", 0), (R + "issue21/optuna_tpe3.jsonl", 0),
    (R + "issue21/optuna_levy8_30.jsonl", 30), (R + "issue21d/optuna_levy8_hartmann6_seeds60-99.jsonl", 60),
    (R + "issue21d/optuna_hartmann6_seeds30-59.jsonl", 30), (R + "issue21d/optuna_step8_cond_models_seeds30-99.jsonl", 30),
    (R + "issue21d/optuna_rest_seeds30-99.jsonl", 30),
]
OFFSETS = {"cond_nested": 0.05}  # medians shown and compared as distances to this function's lower bound, as suite_table.py does

optuna = {}
for path, first in OPTUNA:
    try:
        lines = open(path).readlines()
    except FileNotFoundError:
        continue
    for line in lines:
        d = json.loads(line)
        for i, v in enumerate(d["values"]):
            optuna.setdefault(d["fn"], {})[first + i] = v

if len(sys.argv) > 1:
    runs = [(path, path.rsplit("/", 1)[-1]) for path in sys.argv[1:]]
    only = None
else:
    runs = [(R + "issue21b/sharptune_tpe_refine72_100seeds.jsonl", "default"), (R + "issue21/sharptune_100.jsonl", "fidelity")]
    only = ["levy8", "hartmann6", "step8", "cond_models"]

for path, label in runs:
    rows = []
    for line in open(path):
        d = json.loads(line)
        fn = d["fn"]
        if (only and fn not in only) or fn not in optuna or len(optuna[fn]) < 100 or len(d["values"]) < 100:
            continue
        o = [optuna[fn][s] for s in sorted(optuna[fn])][:100]
        v = d["values"][:100]
        off = OFFSETS.get(fn, 0.0)
        ratio = (statistics.median(v) + off) / (statistics.median(o) + off)
        rows.append([fn, statistics.median(o) + off, statistics.median(v) + off, ratio, mannwhitneyu(v, o).pvalue])
    # Holm: sort by p, multiply the i-th smallest by (m - i), keep the sequence non-decreasing, cap at 1.
    m = len(rows)
    running = 0.0
    for i, row in enumerate(sorted(rows, key=lambda r: r[4])):
        running = max(running, min(1.0, (m - i) * row[4]))
        row.append(running)
    print(f"\n{label} against Optuna 5, seeds 0-99 on both sides ({m} functions)\n")
    print("| function | Sharptune median | Optuna 5 median | ratio | p | Holm p |")
    print("|---|---:|---:|---:|---:|---:|")
    for fn, om, sm, ratio, p, holm in rows:
        print(f"| {fn} | {sm:.4g} | {om:.4g} | {ratio:.2f}× | {p:.2f} | {holm:.2f} |")
    if m:
        gm = math.exp(sum(math.log(r[3]) for r in rows) / m)
        print(f"| **geometric mean** ({m} functions) | | | **{gm:.2f}×** | | |")
