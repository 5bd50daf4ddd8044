#!/usr/bin/env python3
"""Records what Optuna 5's TPE builds from fixed trial histories, for Sharptune's differential tests.

Run from the repository root against the Optuna 5 source tree and check in the output:

    PYTHONPATH=/path/to/optuna-5 /usr/bin/python3 \
        tests/Sharptune.Tests/Tpe/Data/generate_tpe_cases.py > tests/Sharptune.Tests/Tpe/Data/tpe_cases.json

Every case is a study (directions, trials in number order, one RUNNING "current" trial that is being sampled) and
a list of samplings, each over an ordered search space. For each sampling the script repeats the steps of
``TPESampler._sample`` with Optuna's internal functions (``_split_trials`` with the default gamma,
``TPESampler._build_parzen_estimator`` for the below and above sets) and records

* the trial numbers of the below and above sets,
* every component of both ``_ParzenEstimator`` mixtures: the normalized weights, per numeric dimension the kernel
  means, bandwidths and the (adapted) truncation bounds, per categorical dimension the kernel rows,
* candidates drawn from the below mixture with log l(x), log g(x) at each of them,
* a larger set of draws from the below mixture (for a two-sample test of Sharptune's draws).

Equal observations: Optuna computes bandwidths after ``np.argsort(mus)``, NumPy's default (unstable) quicksort, so
among observations with the same value the one that receives the gap to the lower neighbour, the one that receives
the gap to the upper neighbour and those that are clipped depend on NumPy's sort. In multivariate TPE this decides
which trial's kernel is wide or narrow in that dimension. Sharptune follows NumPy's scalar introsort (the one of NumPy
1.x on this machine, recorded under ``argsorts``); the script also records each estimator as built with a stable
argsort (``*_stable`` keys), which the tests use to show that the order of equal values matters.

Histories come from seeded NumPy generators, so the output is reproducible.
"""

from __future__ import annotations

import json
import math
import sys
import warnings

import numpy as np
import optuna
from optuna.distributions import CategoricalDistribution
from optuna.distributions import distribution_to_json
from optuna.distributions import FloatDistribution
from optuna.distributions import IntDistribution
from optuna.samplers import TPESampler
from optuna.samplers._tpe import parzen_estimator as parzen_estimator_module
from optuna.samplers._tpe.probability_distributions import _BatchedCategoricalDistributions
from optuna.samplers._tpe.sampler import _split_trials
from optuna.samplers._tpe.sampler import default_gamma
from optuna.samplers._tpe.sampler import default_gamma_multiobjective
from optuna.trial import create_trial
from optuna.trial import TrialState

warnings.filterwarnings("ignore")
optuna.logging.set_verbosity(optuna.logging.ERROR)

N_CANDIDATES = 48
N_DRAWS = 1500


def draw(rng, dist):
    """A random external value of a distribution."""
    if isinstance(dist, CategoricalDistribution):
        return dist.choices[rng.randint(len(dist.choices))]
    if isinstance(dist, IntDistribution):
        if dist.log:
            v = int(round(math.exp(rng.uniform(math.log(dist.low), math.log(dist.high)))))
            return min(max(v, dist.low), dist.high)
        k = rng.randint((dist.high - dist.low) // dist.step + 1)
        return dist.low + k * dist.step
    if dist.step is not None:
        k = rng.randint(int(round((dist.high - dist.low) / dist.step)) + 1)
        return float(min(dist.low + k * dist.step, dist.high))
    if dist.log:
        return float(math.exp(rng.uniform(math.log(dist.low), math.log(dist.high))))
    return float(rng.uniform(dist.low, dist.high))


def numeric(params, dists):
    """A deterministic objective-like number from the parameters."""
    total = 0.0
    for i, (name, value) in enumerate(sorted(params.items())):
        dist = dists[name]
        if isinstance(dist, CategoricalDistribution):
            total += 0.7 * (i + 1) * dist.choices.index(value)
        elif dist.log:
            total += (math.log(value) - math.log(dist.low) - 0.3 * (math.log(dist.high) - math.log(dist.low))) ** 2
        else:
            span = dist.high - dist.low
            total += ((value - dist.low) / span - 0.4 + 0.05 * i) ** 2 * (i + 1)
    return total


class History:
    def __init__(self, name, directions, multivariate, seed):
        self.name = name
        self.directions = directions
        self.multivariate = multivariate
        self.rng = np.random.RandomState(seed)
        self.trials = []  # dicts (JSON) in number order
        self.samplings = []

    def add(self, state, params, dists, values=None, intermediate=None, constraints=None, system_attrs=None):
        self.trials.append(
            {
                "state": state,
                "values": values,
                "params": params,
                "distributions": {k: distribution_to_json(d) for k, d in dists.items()},
                "intermediate": {str(k): v for k, v in (intermediate or {}).items()},
                "constraints": constraints or {},
                "system_attrs": system_attrs or {},
                "_dists": dists,
            }
        )

    def sample_params(self, dists):
        return {k: draw(self.rng, d) for k, d in dists.items()}

    def sampling(self, space):
        self.samplings.append(space)


def make_optuna_study(h):
    study = optuna.create_study(
        directions=h.directions, sampler=TPESampler(multivariate=h.multivariate, seed=0)
    )
    current = None
    for t in h.trials:
        state = TrialState[t["state"]]
        values = t["values"]
        ft = create_trial(
            state=state,
            values=values,
            params=t["params"],
            distributions=t["_dists"],
            intermediate_values={int(k): v for k, v in t["intermediate"].items()},
            constraints=t["constraints"] or None,
            system_attrs=t["system_attrs"],
        )
        study.add_trial(ft)
    trials = study.get_trials(deepcopy=False)
    current = trials[-1]
    assert current.state == TrialState.RUNNING
    return study, current


def describe(mpe):
    mix = mpe._mixture_distribution
    dims = []
    for d in mix.distributions:
        if isinstance(d, _BatchedCategoricalDistributions):
            dims.append({"kind": "categorical", "rows": [[float(v) for v in row] for row in d.weights]})
        else:
            dims.append(
                {
                    "kind": "numeric",
                    "mu": [float(v) for v in d.mu],
                    "sigma": [float(v) for v in d.sigma],
                    "low": float(d.adapted_low),
                    "high": float(d.adapted_high),
                    "log": bool(d.is_log),
                    "step": float(d.step),
                }
            )
    return {"weights": [float(w) for w in mix.weights], "dims": dims}


class _StableArgsortNumpy:
    """NumPy with a stable ``argsort``: equal observations keep their trial order (see the module notes)."""

    def __getattr__(self, name):
        return getattr(np, name)

    @staticmethod
    def argsort(a, *args, **kwargs):
        return np.argsort(a, kind="stable")


def estimators(sampler, study, space, below, above, stable):
    original = parzen_estimator_module.np
    if stable:
        parzen_estimator_module.np = _StableArgsortNumpy()
    try:
        return (
            sampler._build_parzen_estimator(study, space, below, handle_below=True),
            sampler._build_parzen_estimator(study, space, above, handle_below=False),
        )
    finally:
        parzen_estimator_module.np = original


def observed(sampler, study, space, trials):
    return [t.number for t in trials if space.keys() <= sampler._get_params(t, study).keys()]


def run_sampling(h, study, current, space, index):
    sampler = study.sampler
    trials = study._get_trials(
        deepcopy=False,
        states=[TrialState.COMPLETE, TrialState.PRUNED, TrialState.RUNNING],
        use_cache=False,
    )
    trials = [t for t in trials if t.number != current.number]
    gamma = default_gamma if len(study.directions) <= 1 else default_gamma_multiobjective
    n = sum(t.state != TrialState.RUNNING for t in trials)
    below, above = _split_trials(study, trials, gamma(n))
    mpe_below, mpe_above = estimators(sampler, study, space, below, above, stable=False)
    stable_below, stable_above = estimators(sampler, study, space, below, above, stable=True)

    rs = np.random.RandomState(1000 + index)
    candidates = mpe_below.sample(rs, N_CANDIDATES)
    draws = mpe_below.sample(rs, N_DRAWS)
    return {
        "space": [[k, distribution_to_json(d)] for k, d in space.items()],
        "n_below": gamma(n),
        "below": [t.number for t in below],
        "above": [t.number for t in above],
        "below_observed": observed(sampler, study, space, below),
        "above_observed": observed(sampler, study, space, above),
        "below_estimator": describe(mpe_below),
        "above_estimator": describe(mpe_above),
        "below_estimator_stable": describe(stable_below),
        "above_estimator_stable": describe(stable_above),
        "candidates": [[float(v) for v in candidates[k]] for k in space],
        "log_l": [float(v) for v in mpe_below.log_pdf(candidates)],
        "log_g": [float(v) for v in mpe_above.log_pdf(candidates)],
        "log_l_stable": [float(v) for v in stable_below.log_pdf(candidates)],
        "log_g_stable": [float(v) for v in stable_above.log_pdf(candidates)],
        "draws": [[float("%.12g" % v) for v in draws[k]] for k in space],
    }


# ----- the histories -----


def case_float():
    h = History("float_minimize", ["minimize"], True, 1)
    dists = {"x": FloatDistribution(-5, 5), "y": FloatDistribution(-3, 7)}
    for _ in range(30):
        p = h.sample_params(dists)
        h.add("COMPLETE", p, dists, values=[numeric(p, dists)])
    h.add("RUNNING", {}, {})
    h.sampling(dists)
    h.sampling({"y": dists["y"]})
    return h


def case_log_step_int():
    # Enough trials for the ramped default weights (above > 25) and the 100-kernel cap of the magic clip.
    h = History("log_step_int_maximize", ["maximize"], True, 2)
    dists = {
        "batch": IntDistribution(16, 128, step=16),
        "dropout": FloatDistribution(0.0, 0.5, step=0.05),
        "layers": IntDistribution(1, 8),
        "lr": FloatDistribution(1e-5, 1e-1, log=True),
        "units": IntDistribution(16, 256, log=True),
    }
    for _ in range(130):
        p = h.sample_params(dists)
        h.add("COMPLETE", p, dists, values=[-numeric(p, dists)])
    h.add("RUNNING", {}, {})
    h.sampling(dists)
    return h


def case_categorical_pruned():
    h = History("categorical_pruned", ["minimize"], True, 3)
    dists = {
        "act": CategoricalDistribution(["relu", "tanh"]),
        "k": CategoricalDistribution([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
        "opt": CategoricalDistribution(["adam", "sgd", "rmsprop"]),
        "x": FloatDistribution(0, 1),
    }
    for i in range(45):
        p = h.sample_params(dists)
        v = numeric(p, dists)
        if i % 5 == 3:
            steps = 1 + (i % 3)
            inter = {s: v + 0.1 * (steps - s) for s in range(steps)}
            if i % 15 == 8:
                inter[steps - 1] = float("nan")
            h.add("PRUNED", p, dists, intermediate=inter)
        elif i % 11 == 10:
            h.add("PRUNED", p, dists)  # no intermediate value
        elif i % 13 == 12:
            h.add("FAIL", p, dists)
        else:
            h.add("COMPLETE", p, dists, values=[v])
    h.add("WAITING", {}, {})
    h.add("RUNNING", {}, {})
    h.sampling(dists)
    return h


def case_conditional():
    h = History("conditional", ["minimize"], True, 4)
    kind = CategoricalDistribution(["a", "b", "c"])
    z = FloatDistribution(0, 1)
    a_x = FloatDistribution(-1, 1)
    a_n = IntDistribution(0, 10)
    b_lr = FloatDistribution(1e-4, 1.0, log=True)
    for _ in range(50):
        k = draw(h.rng, kind)
        dists = {"kind": kind, "z": z}
        if k == "a":
            dists.update({"a_x": a_x, "a_n": a_n})
        elif k == "b":
            dists["b_lr"] = b_lr
        p = {"kind": k}
        p.update({n: draw(h.rng, d) for n, d in dists.items() if n != "kind"})
        h.add("COMPLETE", p, dists, values=[numeric(p, dists)])
    h.add("RUNNING", {}, {})
    h.sampling({"kind": kind, "z": z})  # the intersection space, jointly
    h.sampling({"a_x": a_x})  # conditional parameters on their own
    h.sampling({"a_n": a_n})
    h.sampling({"b_lr": b_lr})
    h.sampling({"a_n": a_n, "a_x": a_x})  # a group
    return h


def case_independent():
    h = History("independent", ["minimize"], False, 5)
    dists = {
        "c": CategoricalDistribution([None, True, 2.5, "s"]),
        "i": IntDistribution(-3, 3),
        "lf": FloatDistribution(0.01, 100, log=True),
        "li": IntDistribution(1, 1000, log=True),
        "s": FloatDistribution(-1, 1, step=0.25),
    }
    for _ in range(40):
        p = h.sample_params(dists)
        h.add("COMPLETE", p, dists, values=[numeric(p, dists)])
    h.add("RUNNING", {"i": 1}, {"i": dists["i"]})
    for name, d in dists.items():
        h.sampling({name: d})
    return h


def case_constraints():
    h = History("constraints", ["minimize"], True, 6)
    dists = {"n": IntDistribution(0, 20), "x": FloatDistribution(-2, 2), "y": FloatDistribution(0, 4)}
    for i in range(40):
        p = h.sample_params(dists)
        v = numeric(p, dists)
        feasible = i in (0, 7, 19)
        cons = {"c0": -1.0, "c1": -0.5} if feasible else {"c0": round(h.rng.uniform(0, 2), 3), "c1": -0.5 if i % 2 else 0.25}
        if i == 19:
            h.add("PRUNED", p, dists, intermediate={0: v, 1: v / 2}, constraints=cons)
        elif i % 9 == 4:
            h.add("PRUNED", p, dists, intermediate={0: v}, constraints=cons)  # infeasible pruned trials
        else:
            h.add("COMPLETE", p, dists, values=[v], constraints=cons)
    h.add("RUNNING", {}, {})
    h.sampling(dists)
    return h


def case_multi_objective(name, directions, multivariate, n_trials, seed, with_constraints):
    h = History(name, directions, multivariate, seed)
    dists = {
        "c": CategoricalDistribution(["p", "q", "r", "s"]),
        "i": IntDistribution(0, 6),
        "x": FloatDistribution(0, 1),
        "y": FloatDistribution(0.1, 10, log=True),
    }
    for i in range(n_trials):
        p = h.sample_params(dists)
        base = numeric(p, dists)
        # Coarse values: equal vectors and many points on a rank make the hypervolume tie-break matter.
        vals = [round(base, 1), round(p["x"] * 3, 0) - p["i"] * 0.5]
        if len(directions) == 3:
            vals.append(round(math.log(p["y"]), 0))
        cons = None
        if with_constraints:
            cons = {"g": -1.0 if i % 4 else round(p["x"] - 0.3, 3)}
        if i % 10 == 9:
            # No intermediate values: Optuna 5 reads `study.direction` for a PRUNED trial that reported one, which
            # raises in a multi-objective study.
            h.add("PRUNED", p, dists, constraints=cons)
        else:
            h.add("COMPLETE", p, dists, values=vals, constraints=cons)
    h.add("RUNNING", {}, {})
    if multivariate:
        h.sampling(dists)
    else:
        for n, d in dists.items():
            h.sampling({n: d})
    return h


def case_constant_liar():
    h = History("constant_liar_running", ["minimize"], True, 8)
    dists = {"c": CategoricalDistribution(["u", "v", "w"]), "x": FloatDistribution(-1, 1), "k": IntDistribution(1, 9)}
    for i in range(30):
        p = h.sample_params(dists)
        h.add("COMPLETE", p, dists, values=[numeric(p, dists)])
        if i in (12, 25):
            # RUNNING trials between finished ones: one with its own parameters only, one with relative parameters
            # published by another worker (and one own parameter that wins over the published one).
            q = h.sample_params(dists)
            if i == 12:
                h.add("RUNNING", q, dists)
            else:
                rel = {"c": q["c"], "x": q["x"], "k": 5}
                h.add(
                    "RUNNING",
                    {"k": q["k"]},
                    {"k": dists["k"]},
                    system_attrs={"tpe:relative_params:0": json.dumps(rel)},
                )
    q = h.sample_params(dists)
    h.add("RUNNING", {"x": q["x"]}, {"x": dists["x"]})  # lacks c and k: not an observation of the joint space
    h.add("RUNNING", {}, {})
    h.sampling(dists)
    h.sampling({"x": dists["x"]})
    return h


def case_ties_and_bounds():
    h = History("ties_and_bounds", ["minimize"], True, 9)
    dists = {"x": FloatDistribution(0, 1), "n": IntDistribution(0, 3), "s": FloatDistribution(0, 1, step=0.5)}
    xs = [0.0, 1.0, 0.5, 0.5, 0.0, 0.25, 1.0, 0.5, 0.75, 0.5, 0.5, 0.1]
    for i, x in enumerate(xs):
        p = {"x": x, "n": i % 4, "s": [0.0, 0.5, 1.0][i % 3]}
        h.add("COMPLETE", p, dists, values=[float(i % 3)])  # many equal values
    h.add("RUNNING", {}, {})
    h.sampling(dists)
    return h


def case_few():
    # Two finished trials: the below set has one observation, the above set one.
    h = History("few_observations", ["maximize"], True, 10)
    dists = {"x": FloatDistribution(-1, 1), "c": CategoricalDistribution(["a", "b"])}
    h.add("COMPLETE", {"x": 0.25, "c": "b"}, dists, values=[1.0])
    h.add("COMPLETE", {"x": -0.5, "c": "a"}, dists, values=[2.0])
    h.add("RUNNING", {}, {})
    h.sampling(dists)
    return h


def main():
    histories = [
        case_float(),
        case_log_step_int(),
        case_categorical_pruned(),
        case_conditional(),
        case_independent(),
        case_constraints(),
        case_multi_objective("multi_objective_independent", ["minimize", "maximize"], None, 80, 7, False),
        case_multi_objective("multi_objective_multivariate", ["minimize", "minimize"], True, 60, 11, False),
        case_multi_objective(
            "multi_objective_constraints", ["minimize", "maximize", "minimize"], True, 70, 12, True
        ),
        case_constant_liar(),
        case_ties_and_bounds(),
        case_few(),
    ]
    cases = []
    for h in histories:
        study, current = make_optuna_study(h)
        samplings = [run_sampling(h, study, current, space, i) for i, space in enumerate(h.samplings)]
        for t in h.trials:
            del t["_dists"]
        cases.append(
            {
                "name": h.name,
                "directions": h.directions,
                "multivariate": h.multivariate,
                "trials": h.trials,
                "samplings": samplings,
            }
        )
    # NumPy's default argsort on arrays with many equal values (the order Optuna's bandwidth rule sees).
    rs = np.random.RandomState(77)
    argsorts = []
    for n in [1, 2, 5, 16, 17, 18, 33, 64, 100, 257, 1000]:
        for levels in [2, 5, 40]:
            a = rs.randint(levels, size=n).astype(float) * 0.25 - 1.0
            argsorts.append({"keys": [float(v) for v in a], "order": [int(i) for i in np.argsort(a)]})
    a = np.repeat([3.0, 1.0, 2.0], 200)  # long runs of equal keys
    argsorts.append({"keys": [float(v) for v in a], "order": [int(i) for i in np.argsort(a)]})

    out = {
        "optuna_version": optuna.__version__,
        "argsorts": argsorts,
        "numpy_version": np.__version__,
        "n_candidates": N_CANDIDATES,
        "n_draws": N_DRAWS,
        "cases": cases,
    }
    json.dump(out, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
