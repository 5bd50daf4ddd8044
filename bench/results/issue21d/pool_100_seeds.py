"""Pools Optuna 5's TPE results over seeds 0-99 (30 seeds per file, from several runs) for the four functions whose
30-seed median ratio exceeded 1.1, and compares them with Sharptune's 100-seed lines (Mann-Whitney U, two-sided).
Run from the repository root: python3 bench/results/issue21d/pool_100_seeds.py (needs SciPy)."""
import json
import statistics

from scipy.stats import mannwhitneyu

R = "bench/results/"
OPTUNA = [  # (file, first seed)
    (R + "issue21/optuna_tpe.jsonl", 0), (R + "issue21/optuna_tpe2.jsonl", 0), (R + "issue21/optuna_tpe3.jsonl", 0),
    (R + "issue21/optuna_levy8_30.jsonl", 30), (R + "issue21d/optuna_levy8_hartmann6_seeds60-99.jsonl", 60),
    (R + "issue21d/optuna_hartmann6_seeds30-59.jsonl", 30), (R + "issue21d/optuna_step8_cond_models_seeds30-99.jsonl", 30),
]
SHARPTUNE = [  # (file, label); seeds 0-99
    (R + "issue21/sharptune_100.jsonl", "fidelity"),
    (R + "issue21b/sharptune_tpe_refine72_100seeds.jsonl", "default"),
]

optuna = {}
for path, first in OPTUNA:
    for line in open(path):
        d = json.loads(line)
        for i, v in enumerate(d["values"]):
            optuna.setdefault(d["fn"], {})[first + i] = v
mine = {}
for path, label in SHARPTUNE:
    for line in open(path):
        d = json.loads(line)
        mine[(d["fn"], label)] = d["values"]
        if d["fn"] == "step8":  # the refinement does not touch stepped floats: the default samples as the fidelity mode
            mine[(d["fn"], "default")] = d["values"]

print("| function | Optuna 5 median (seeds) | Sharptune mode | median | ratio | p |")
print("|---|---:|---|---:|---:|---:|")
for fn in ["levy8", "hartmann6", "step8", "cond_models"]:
    o = [optuna[fn][s] for s in sorted(optuna[fn])]
    for label in ["default", "fidelity"]:
        v = mine.get((fn, label))
        if v is None:
            continue
        ratio = statistics.median(v) / statistics.median(o)
        p = mannwhitneyu(v, o).pvalue
        print(f"| {fn} | {statistics.median(o):.4g} ({len(o)}) | {label} | {statistics.median(v):.4g} | {ratio:.2f}× | {p:.2f} |")
