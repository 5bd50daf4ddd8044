"""Records what Optuna's Study.trials_dataframe returns for two studies kept in a journal file, for the DataFrame
tests: column names (flat and multi_index), pandas dtypes and values (datetimes as ISO text, durations in seconds).

Run from this directory with Optuna 5:  PYTHONPATH=/path/to/optuna-source python3 make_dataframe_fixture.py
"""
import json
import math
import os

import optuna
from optuna.storages import JournalStorage
from optuna.storages.journal import JournalFileBackend

here = os.path.dirname(os.path.abspath(__file__))
journal = os.path.join(here, "dataframe_studies.log")
if os.path.exists(journal):
    os.remove(journal)
storage = JournalStorage(JournalFileBackend(journal))
optuna.logging.set_verbosity(optuna.logging.WARNING)

single = optuna.create_study(study_name="single", storage=storage, sampler=optuna.samplers.RandomSampler(seed=0))


def objective(trial):
    x = trial.suggest_float("x", -3, 3)
    n = trial.suggest_int("n", 1, 9)
    kind = trial.suggest_categorical("kind", ["a", "b"])
    if kind == "a":
        trial.suggest_float("lr", 1e-4, 1, log=True)
    trial.set_user_attr("note", f"trial {trial.number}")
    if trial.number % 2 == 0:
        trial.set_user_attr("flag", trial.number == 0)
    for step in range(trial.number % 3 + 1):
        trial.report(x * step, step)
    if trial.number == 3:
        raise optuna.TrialPruned()
    if trial.number == 4:
        return float("nan")
    return x * x + n


single.optimize(objective, n_trials=6)
single.enqueue_trial({"x": 0.5})

multi = optuna.create_study(study_name="multi", storage=storage, directions=["minimize", "maximize"], sampler=optuna.samplers.RandomSampler(seed=1))
multi.set_metric_names(["loss", "accuracy"])
multi.optimize(lambda t: (t.suggest_float("a", 0, 1), t.suggest_int("b", 0, 4)), n_trials=3)

unnamed = optuna.create_study(study_name="unnamed", storage=storage, directions=["minimize", "minimize"], sampler=optuna.samplers.RandomSampler(seed=2))
unnamed.optimize(lambda t: (t.suggest_float("a", 0, 1), 1.0), n_trials=2)


def cell(v):
    if v is None:
        return None
    if hasattr(v, "isoformat") and not hasattr(v, "total_seconds"):
        return v.isoformat()
    if hasattr(v, "total_seconds"):
        return v.total_seconds()
    if isinstance(v, float) and math.isnan(v):
        return "NaN"
    if hasattr(v, "item"):
        v = v.item()
        if isinstance(v, float) and math.isnan(v):
            return "NaN"
    return v


def record(study, **kwargs):
    df = study.trials_dataframe(**kwargs)
    import pandas as pd

    return {
        "kwargs": {k: list(v) if isinstance(v, tuple) else v for k, v in kwargs.items()},
        "columns": [list(c) if isinstance(c, tuple) else c for c in df.columns],
        "dtypes": [str(t) for t in df.dtypes],
        "rows": [[cell(None if (not isinstance(v, (list, dict)) and pd.isna(v) and not (isinstance(v, float))) else v) for v in row] for row in df.itertuples(index=False)],
    }


cases = {
    "single_default": record(single),
    "single_multi_index": record(single, multi_index=True),
    "single_attrs": record(single, attrs=("number", "value", "intermediate_values", "_trial_id", "state")),
    "multi_default": record(multi),
    "multi_values_multi_index": record(multi, attrs=("number", "values", "params"), multi_index=True),
    "unnamed_default": record(unnamed, attrs=("number", "value", "state")),
}
with open(os.path.join(here, "dataframe_expected.json"), "w", encoding="utf-8") as f:
    json.dump({"optuna_version": optuna.__version__, "cases": cases}, f, indent=1)
    f.write("\n")
