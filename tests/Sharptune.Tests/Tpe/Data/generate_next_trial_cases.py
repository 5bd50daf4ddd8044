"""Fixtures for TpeNextTrialTests: Optuna 5's default TPESampler choosing the next trial on recorded histories.

Run from the repository root:
    PYTHONPATH=/path/to/optuna-5 python3 tests/Sharptune.Tests/Tpe/Data/generate_next_trial_cases.py \
        > tests/Sharptune.Tests/Tpe/Data/tpe_next_trial.json

For each case, a function of bench/tpe_quality_suite.py runs for N trials with TPESampler(seed=12345); then, for
seeds 0 … 399, a fresh TPESampler(seed=s) asks one more trial, the function runs on it and the trial is failed (so
it does not count). The draws show the whole sampling of a trial, not only the estimators: which parameters form
the joint (intersection) space, which fall back to independent sampling and with which trials, and in which order.
"""
import json
import os
import sys

import optuna

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "bench"))
from tpe_next_trial import record  # noqa: E402  (bench/tpe_next_trial.py)

CASES = [("cond_models", 30), ("cond_layers", 30), ("interact6", 30)]
N_DRAWS = 400


def main():
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    cases = []
    for name, n_hist in CASES:
        history, draws = record(name, n_hist, N_DRAWS)
        cases.append({"fn": name, "history": history, "draws": draws})
    json.dump({"optuna_version": optuna.__version__, "cases": cases}, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
