"""Python side of the interop tests: reads every study of a storage written by Sharptune, then writes a study of
its own. Works with Optuna 3.1 (Debian's python3-optuna) and Optuna 4/5.
Usage: interop.py sqlite|postgresql|journal|redis LOCATION [REDIS_PREFIX]
Prints one JSON object: {"version": ..., "read": [study summaries], "written": summary}."""
import json
import math
import sys

import optuna

optuna.logging.set_verbosity(optuna.logging.ERROR)
kind, location = sys.argv[1], sys.argv[2]
prefix = sys.argv[3] if len(sys.argv) > 3 else ""
version = tuple(int(p) for p in optuna.__version__.split(".")[:2])


def open_storage():
    if kind in ("sqlite", "postgresql"):
        # Optuna 3.0/3.1 know the schema only up to Alembic revision v3.0.0.d; v3.2.0.a adds one index.
        return optuna.storages.RDBStorage(location, skip_compatibility_check=version < (3, 2))
    if kind == "journal":
        try:
            from optuna.storages.journal import JournalFileBackend as Backend
        except ImportError:
            from optuna.storages import JournalFileStorage as Backend
        return optuna.storages.JournalStorage(Backend(location))
    if kind == "redis":
        try:
            from optuna.storages.journal import JournalRedisBackend as Redis
        except ImportError:
            from optuna.storages import JournalRedisStorage as Redis
        return optuna.storages.JournalStorage(Redis(location, prefix=prefix))
    raise SystemExit("unknown storage kind " + kind)


def summary(study):
    trials = []
    for t in study.get_trials(deepcopy=False):
        trials.append({
            "number": t.number,
            "state": t.state.name,
            "values": t.values,
            "params": t.params,
            "distributions": {k: optuna.distributions.distribution_to_json(d) for k, d in t.distributions.items()},
            "user_attrs": t.user_attrs,
            "system_attrs": {k: v for k, v in t.system_attrs.items()},
            "intermediate": {str(k): v for k, v in sorted(t.intermediate_values.items())},
            "duration": t.duration.total_seconds() if t.duration is not None else None,
        })
    out = {
        "name": study.study_name,
        "directions": [d.name for d in study.directions],
        "user_attrs": study.user_attrs,
        "trials": trials,
    }
    if len(study.directions) == 1:
        try:
            best = study.best_trial
            out["best_value"] = best.value
            out["best_params"] = best.params
            out["best_number"] = best.number
        except ValueError:
            pass
    return out


storage = open_storage()
read = [summary(optuna.load_study(study_name=s.study_name, storage=storage))
        for s in optuna.get_all_study_summaries(storage)]


def objective(trial):
    x = trial.suggest_float("x", -5, 5)
    n = trial.suggest_int("n", 1, 64, log=True)
    c = trial.suggest_categorical("c", ["relu", "tanh", None, 1.5])
    s = trial.suggest_float("s", 0, 1, step=0.25)
    trial.set_user_attr("double_x", 2 * x)
    if trial.number == 3:
        trial.report(0.5, 0)
        trial.report(float("nan"), 1)
        trial.report(float("inf"), 2)
        trial.report(0.25, 3)
        raise optuna.TrialPruned()
    if trial.number == 4:
        return float("nan")
    if trial.number == 5:
        return float("inf")
    return -((x - 1) ** 2) + n / 64 + s + (0.5 if c == "tanh" else 0)


study = optuna.create_study(storage=storage, study_name="python-made", direction="maximize",
                            sampler=optuna.samplers.RandomSampler(seed=7))
study.set_user_attr("origin", "python")
study.optimize(objective, n_trials=8)
study.enqueue_trial({"x": 0.5})
print(json.dumps({"version": optuna.__version__, "kind": kind, "read": read, "written": summary(study)}))
