#!/usr/bin/env python3
"""Records Optuna 5's parameter importances on studies of known structure, for Sharptune's parity tests.

Run from the repository root with Optuna 5 on the path and check in the output:

    PYTHONPATH=<optuna 5 source> /usr/bin/python3 \
        tests/Sharptune.Tests/Importance/Data/generate_importance_cases.py \
        > tests/Sharptune.Tests/Importance/Data/importance_cases.json

Every study is written out trial by trial (state, values, parameters in internal representation, distributions
as Optuna's JSON), so the C# tests rebuild the same study without Optuna. Each case names an evaluator, its
options, the parameters and target asked for, and records Optuna's result as an ordered list of
[name, importance] pairs, or the exception type and message when Optuna refuses. fANOVA and mean decrease
impurity are seeded (seed 0); their values depend on scikit-learn's random stream, which Sharptune does not
reproduce, so the tests compare them with a tolerance. Non-finite objective values are written as strings.
"""

from __future__ import annotations

import json
import math
import random
import sys
import warnings

import optuna
from optuna.distributions import distribution_to_json
from optuna.importance import FanovaImportanceEvaluator
from optuna.importance import get_param_importances
from optuna.importance import MeanDecreaseImpurityImportanceEvaluator
from optuna.importance import PedAnovaImportanceEvaluator
import sklearn

optuna.logging.set_verbosity(optuna.logging.ERROR)
warnings.simplefilter("ignore")

TARGETS = {
    None: None,
    "value0": lambda t: t.values[0],
    "value1": lambda t: t.values[1],
    "neg_value0": lambda t: -t.values[0],
}


def number(v: float) -> float | str:
    return v if math.isfinite(v) else repr(v)


def dump_study(study: optuna.Study) -> dict:
    # Each parameter keeps one distribution in these studies, so distributions are written once per study.
    distributions: dict[str, str] = {}
    trials = []
    for t in study.get_trials(deepcopy=False):
        for k, d in t.distributions.items():
            assert distributions.setdefault(k, distribution_to_json(d)) == distribution_to_json(d)
        trials.append(
            {
                "state": t.state.name,
                "values": None if t.values is None else [number(v) for v in t.values],
                "params": {k: t.distributions[k].to_internal_repr(v) for k, v in t.params.items()},
            }
        )
    return {
        "directions": [d.name for d in study.directions],
        "distributions": distributions,
        "trials": trials,
    }


def emit(obj, indent: str = "") -> str:
    """JSON with one line per trial and per case, so the file stays small and diffs stay readable."""
    if isinstance(obj, dict) and any(isinstance(v, (dict, list)) for v in obj.values()) and "state" not in obj \
            and "evaluator" not in obj:
        inner = indent + " "
        items = [f"{inner}{json.dumps(k)}: {emit(v, inner)}" for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    if isinstance(obj, list) and obj and isinstance(obj[0], dict):
        inner = indent + " "
        return "[\n" + ",\n".join(inner + emit(v, inner) for v in obj) + "\n" + indent + "]"
    return json.dumps(obj)


def evaluator(kind: str, options: dict):
    if kind == "ped":
        return PedAnovaImportanceEvaluator(**options)
    if kind == "fanova":
        return FanovaImportanceEvaluator(seed=0, **options)
    if kind == "mdi":
        return MeanDecreaseImpurityImportanceEvaluator(seed=0, **options)
    raise ValueError(kind)


def run_case(study, kind, options=None, params=None, target=None, normalize=True):
    options = options or {}
    case = {"evaluator": kind, "options": options, "params": params, "target": target, "normalize": normalize}
    try:
        result = get_param_importances(
            study,
            evaluator=evaluator(kind, options),
            params=params,
            target=TARGETS[target],
            normalize=normalize,
        )
        case["result"] = [[k, float(v)] for k, v in result.items()]
    except Exception as e:  # noqa: BLE001 - recorded for the tests
        case["error"] = {"type": type(e).__name__, "message": str(e)}
    return case


def all_evaluators(study, **kwargs):
    return [run_case(study, kind, **kwargs) for kind in ("ped", "fanova", "mdi")]


def linear_study():
    # f = 10 x0 + x1 + 0.1 x2 + noise; x3, x4 do not matter. One trial fails, one returns +inf.
    rng = random.Random(1)
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))

    def f(trial):
        x = [trial.suggest_float(f"x{i}", 0, 1) for i in range(5)]
        if trial.number == 7:
            return float("inf")
        if trial.number == 11:
            raise RuntimeError("failed on purpose")
        return 10 * x[0] + x[1] + 0.1 * x[2] + rng.gauss(0, 0.01)

    study.optimize(f, n_trials=300, catch=(RuntimeError,))
    cases = all_evaluators(study)
    cases += all_evaluators(study, normalize=False)
    cases += [
        run_case(study, "ped", {"target_quantile": 0.2}),
        run_case(study, "ped", {"target_quantile": 0.05, "region_quantile": 0.5}),
        run_case(study, "ped", {"evaluate_on_local": False}),
        run_case(study, "ped", {"region_quantile": 0.5, "evaluate_on_local": False}),
        run_case(study, "ped", params=["x2", "x0"]),
        run_case(study, "ped", target="neg_value0"),
        run_case(study, "ped", params=[]),
        run_case(study, "ped", params=["x0", "nope"]),
        run_case(study, "fanova", params=["x0", "x1", "x2"]),
        run_case(study, "fanova", params=[]),
        run_case(study, "fanova", params=["nope"]),
        run_case(study, "mdi", params=["x0", "x1", "x3"]),
        run_case(study, "mdi", {"n_trees": 16, "max_depth": 3}),
        run_case(study, "fanova", {"n_trees": 16, "max_depth": 3}),
    ]
    return study, cases


def mixed_study():
    # A categorical that matters, a log-scale int, a log float, a stepped float, an int, a bool and a fixed value.
    rng = random.Random(2)
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1))
    offsets = {"linear": 0.0, "rbf": 3.0, "poly": 1.0}

    def f(trial):
        kernel = trial.suggest_categorical("kernel", ["linear", "rbf", "poly"])
        n = trial.suggest_int("n", 1, 1024, log=True)
        lr = trial.suggest_float("lr", 1e-4, 1.0, log=True)
        trial.suggest_float("dropout", 0.0, 0.5, step=0.1)
        trial.suggest_int("units", 0, 10)
        trial.suggest_categorical("flag", [True, False])
        trial.suggest_float("fixed", 1.0, 1.0)
        return offsets[kernel] + 0.5 * math.log2(n) + (math.log10(lr) + 2) ** 2 + rng.gauss(0, 0.1)

    study.optimize(f, n_trials=300)
    cases = all_evaluators(study)
    cases += [
        run_case(study, "ped", {"evaluate_on_local": False}),
        run_case(study, "ped", params=["fixed"]),
        run_case(study, "fanova", params=["fixed"]),
        # Sorted on purpose: Optuna's MDI labels the importances of named parameters in the order given while
        # computing them in name order, so an unsorted list would swap labels there (Sharptune labels by name).
        run_case(study, "mdi", params=["flag", "kernel"]),
    ]
    return study, cases


def conditional_study():
    # "C" exists only for svm trials, "depth" only for tree trials; both matter inside their branch.
    rng = random.Random(3)
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=2))

    def f(trial):
        model = trial.suggest_categorical("model", ["svm", "tree"])
        x = trial.suggest_float("x", -1, 1)
        if model == "svm":
            c = trial.suggest_float("C", 1e-3, 1e3, log=True)
            y = abs(math.log10(c)) + 0.2
        else:
            depth = trial.suggest_int("depth", 1, 10)
            y = 0.3 * abs(depth - 6)
        return y + 0.1 * x * x + rng.gauss(0, 0.05)

    study.optimize(f, n_trials=300)
    cases = all_evaluators(study)
    cases += [
        run_case(study, "ped", params=["C", "depth"]),
        run_case(study, "ped", {"target_quantile": 0.2, "region_quantile": 0.6}),
        run_case(study, "fanova", params=["C"]),
        run_case(study, "mdi", params=["depth", "x"]),
        run_case(study, "fanova", params=["C", "depth"]),
    ]
    return study, cases


def tpe_study():
    # TPE concentrates its trials: the local (default) and global PED-ANOVA answers differ.
    rng = random.Random(4)
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=3), direction="maximize")

    def f(trial):
        a = trial.suggest_float("a", -5, 5)
        b = trial.suggest_int("b", 0, 20)
        c = trial.suggest_categorical("c", ["p", "q", "r", "s"])
        return -(a - 1) ** 2 - 0.1 * (b - 7) ** 2 + (0.5 if c == "q" else 0.0) + rng.gauss(0, 0.05)

    study.optimize(f, n_trials=200)
    cases = all_evaluators(study)
    cases += [run_case(study, "ped", {"evaluate_on_local": False})]
    return study, cases


def multi_objective_study():
    # x0 drives the first objective, x1 the second, x2 both a little; x3 nothing.
    rng = random.Random(5)
    study = optuna.create_study(
        directions=["minimize", "maximize"], sampler=optuna.samplers.RandomSampler(seed=4)
    )

    def f(trial):
        x = [trial.suggest_float(f"x{i}", 0, 1) for i in range(4)]
        return (x[0] + 0.2 * x[2] + rng.gauss(0, 0.01), -3 * x[1] - 0.2 * x[2] + rng.gauss(0, 0.01))

    study.optimize(f, n_trials=250)
    cases = [
        run_case(study, "ped"),
        run_case(study, "ped", {"target_quantile": 0.3}),
        run_case(study, "ped", {"target_quantile": 0.05, "region_quantile": 0.5}),
        run_case(study, "ped", target="value0"),
        run_case(study, "fanova"),
        run_case(study, "mdi"),
        run_case(study, "fanova", target="value0"),
        run_case(study, "mdi", target="value1"),
    ]
    return study, cases


def tiny_study():
    # One COMPLETE trial: every evaluator answers zeros (normalized: equal shares).
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=5))
    study.optimize(lambda t: t.suggest_float("u", 0, 1) + t.suggest_int("v", 0, 3), n_trials=1)
    return study, all_evaluators(study) + all_evaluators(study, normalize=False)


def main() -> None:
    studies = {}
    for name, build in [
        ("linear", linear_study),
        ("mixed", mixed_study),
        ("conditional", conditional_study),
        ("tpe", tpe_study),
        ("multi_objective", multi_objective_study),
        ("tiny", tiny_study),
    ]:
        study, cases = build()
        studies[name] = {**dump_study(study), "cases": cases}
    out = {"optuna": optuna.__version__, "sklearn": sklearn.__version__, "studies": studies}
    sys.stdout.write(emit(out) + "\n")


if __name__ == "__main__":
    main()
