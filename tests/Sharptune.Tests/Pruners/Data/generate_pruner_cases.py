#!/usr/bin/env python3
"""Records Optuna's pruning decisions on scripted histories, for Sharptune's parity tests.

Run once (from the repository root) and check in the output:

    apt-get install -y python3-optuna python3-scipy
    PYTHONPATH=/tmp/optuna /usr/bin/python3 \
        tests/Sharptune.Tests/Pruners/Data/generate_pruner_cases.py \
        > tests/Sharptune.Tests/Pruners/Data/pruner_cases.json

``PYTHONPATH=/tmp/optuna`` selects the Optuna 5 source tree; without it Debian's Optuna 3.1 runs (its pruning
rules are the same, only some error messages differ). The versions used are written into the output.

Each case drives an ask-and-tell study through a list of operations; every ``should_prune`` records Optuna's
answer (as ``prune`` on the report it follows), every ``suggest`` records the trial numbers the sampler saw through ``study.get_trials`` (HyperbandPruner
shows it only the trial's bracket), and the final state of every trial (state, values, SuccessiveHalving rung
attributes, Hyperband bracket) is recorded at the end. The C# tests replay the same operations on a Sharptune
study and compare everything. Histories are drawn from a seeded NumPy generator, so the output is reproducible.
"""

from __future__ import annotations

import binascii
import json
import math
import sys
import warnings

import numpy as np
import optuna
import scipy
from optuna.pruners import HyperbandPruner
from optuna.pruners import MedianPruner
from optuna.pruners import NopPruner
from optuna.pruners import PatientPruner
from optuna.pruners import PercentilePruner
from optuna.pruners import SuccessiveHalvingPruner
from optuna.pruners import ThresholdPruner
from optuna.trial import TrialState
import scipy.stats

warnings.filterwarnings("ignore")
optuna.logging.set_verbosity(optuna.logging.ERROR)

try:
    from optuna.pruners import WilcoxonPruner
except ImportError:  # Optuna < 3.6
    WilcoxonPruner = None


# ----- pruner specifications (the C# tests build the same pruner from the same dictionary) -----


def make_pruner(spec):
    kind = spec["type"]
    args = dict(spec.get("args", {}))
    if kind == "median":
        return MedianPruner(**args)
    if kind == "percentile":
        return PercentilePruner(**args)
    if kind == "successive_halving":
        return SuccessiveHalvingPruner(**args)
    if kind == "hyperband":
        return HyperbandPruner(**args)
    if kind == "threshold":
        return ThresholdPruner(**args)
    if kind == "patient":
        wrapped = args.pop("wrapped_pruner")
        return PatientPruner(None if wrapped is None else make_pruner(wrapped), **args)
    if kind == "wilcoxon":
        return WilcoxonPruner(**args)
    if kind == "nop":
        return NopPruner()
    raise ValueError(kind)


class RecordingSampler(optuna.samplers.BaseSampler):
    """Returns the lower bound and remembers which trials it saw through study.get_trials."""

    def __init__(self):
        self.seen = None

    def infer_relative_search_space(self, study, trial):
        return {}

    def sample_relative(self, study, trial, search_space):
        return {}

    def sample_independent(self, study, trial, param_name, param_distribution):
        self.seen = [t.number for t in study.get_trials(deepcopy=False)]
        return param_distribution.low


class Case:
    def __init__(self, name, pruner, direction="minimize", study_name=None, description=""):
        self.name = name
        self.pruner_spec = pruner
        self.direction = direction
        self.study_name = study_name or f"pruner-parity-{name}"
        self.description = description
        self.sampler = RecordingSampler()
        self.pruner = make_pruner(pruner)
        self.study = optuna.create_study(
            study_name=self.study_name, direction=direction, pruner=self.pruner, sampler=self.sampler
        )
        self.ops = []
        self.live = {}

    # operations
    def ask(self):
        trial = self.study.ask()
        self.live[trial.number] = trial
        self.ops.append({"op": "ask", "trial": trial.number})
        return trial.number

    def suggest(self, n):
        self.live[n].suggest_float("x", 0.0, 1.0)
        self.ops.append({"op": "suggest", "trial": n, "seen": self.sampler.seen})

    def report(self, n, step, value):
        self.live[n].report(float(value), int(step))
        self.ops.append({"op": "report", "trial": n, "step": int(step), "value": float(value)})

    def should_prune(self, n):
        decision = bool(self.live[n].should_prune())
        last = self.ops[-1]
        if last["op"] == "report" and last["trial"] == n and "prune" not in last:
            last["prune"] = decision  # a report followed by should_prune is one operation
        else:
            self.ops.append({"op": "should_prune", "trial": n, "prune": decision})
        return decision

    def tell(self, n, state, value=None):
        if state == "COMPLETE":
            self.study.tell(self.live[n], float(value))
            self.ops.append({"op": "tell", "trial": n, "state": state, "value": float(value)})
        else:
            self.study.tell(self.live[n], state=TrialState[state])
            self.ops.append({"op": "tell", "trial": n, "state": state})
        del self.live[n]

    def add(self, state, value, intermediate):
        trial = optuna.trial.create_trial(
            state=TrialState[state],
            value=value,
            intermediate_values={int(k): float(v) for k, v in intermediate.items()},
        )
        self.study.add_trial(trial)
        self.ops.append(
            {
                "op": "add",
                "state": state,
                "value": value,
                "intermediate": [[int(k), float(v)] for k, v in intermediate.items()],
            }
        )

    def to_json(self):
        final = []
        for t in self.study.get_trials(deepcopy=False):
            entry = {
                "number": t.number,
                "state": t.state.name,
                "values": t.values,
                "rungs": {k: v for k, v in t.system_attrs.items() if k.startswith("completed_rung_")},
            }
            if isinstance(self.pruner, HyperbandPruner):
                entry["bracket"] = self.pruner._get_bracket_id(self.study, t)
            final.append(entry)
        return {
            "name": self.name,
            "description": self.description,
            "study_name": self.study_name,
            "direction": self.direction,
            "pruner": self.pruner_spec,
            "ops": self.ops,
            "trials": final,
        }


# ----- trial drivers -----


def run_trial(case, reports, policy="obey", final=None, suggest=False):
    """Runs one trial: reports each (step, value), asks should_prune after each, and finishes it.

    policy: "obey" tells PRUNED at the first prune decision; "ignore" keeps going; "estimate" tells COMPLETE with
    the mean so far at the first prune decision (WilcoxonPruner's documented workaround); "fail" tells FAIL at the
    end; "running" leaves the trial RUNNING.
    """
    n = case.ask()
    if suggest:
        case.suggest(n)
    done = []
    for step, value in reports:
        case.report(n, step, value)
        done.append(value)
        if case.should_prune(n):
            if policy == "obey":
                case.tell(n, "PRUNED")
                return n
            if policy == "estimate":
                case.tell(n, "COMPLETE", float(np.mean(done)))
                return n
    if policy == "fail":
        case.tell(n, "FAIL")
    elif policy == "running":
        pass
    else:
        value = final if final is not None else last_finite(done)
        case.tell(n, "COMPLETE", value)
    return n


def run_interleaved(case, histories, width, suggest=False, policy="obey"):
    """Runs trials `width` at a time, one report per running trial in turn (asynchronous workers)."""
    pending = list(histories)
    running = []  # [number, iterator, values]
    while pending or running:
        while pending and len(running) < width:
            n = case.ask()
            if suggest:
                case.suggest(n)
            running.append([n, iter(pending.pop(0)), []])
        for slot in list(running):
            n, it, done = slot
            item = next(it, None)
            if item is None:
                case.tell(n, "COMPLETE", last_finite(done))
                running.remove(slot)
                continue
            step, value = item
            case.report(n, step, value)
            done.append(value)
            if case.should_prune(n) and policy == "obey":
                case.tell(n, "PRUNED")
                running.remove(slot)


def last_finite(values):
    for v in reversed(values):
        if not math.isnan(v):
            return float(v)
    return 0.0


def curve(rng, n_steps, level, noise=0.05, rate=None, steps=None):
    """A learning curve: level + decay + noise, one value per step."""
    rate = rate if rate is not None else rng.uniform(0.05, 0.4)
    start = rng.uniform(0.5, 2.0)
    steps = list(range(n_steps)) if steps is None else steps
    return [(s, level + start * math.exp(-rate * s) + noise * rng.normal()) for s in steps]


def with_nans(rng, history, p):
    return [(s, float("nan") if rng.random() < p else v) for s, v in history]


def with_gaps(rng, history, keep):
    kept = [(s, v) for s, v in history if rng.random() < keep]
    return kept or history[:1]


# ----- the cases -----


def build_cases():
    rng = np.random.default_rng(20240607)
    cases = []

    c = Case("median_minimize_defaults", {"type": "median", "args": {}},
             description="MedianPruner() on 14 sequential trials of 12 steps; pruned trials stop.")
    for _ in range(14):
        run_trial(c, curve(rng, 12, rng.uniform(0.0, 1.0)))
    cases.append(c)

    c = Case("median_maximize_warmup_interval",
             {"type": "median", "args": {"n_startup_trials": 3, "n_warmup_steps": 4, "interval_steps": 3}},
             direction="maximize", description="Maximize with warm-up 4 and interval 3.")
    for _ in range(12):
        run_trial(c, [(s, -v) for s, v in curve(rng, 16, rng.uniform(-1.0, 0.0))])
    cases.append(c)

    c = Case("median_nan_gaps_duplicates", {"type": "median", "args": {"n_startup_trials": 2}},
             description="NaN values (one trial all NaN), step gaps and a repeated step report.")
    for i in range(12):
        h = with_gaps(rng, with_nans(rng, curve(rng, 14, rng.uniform(0, 1)), 0.15), 0.7)
        if i == 6:
            h = [(s, float("nan")) for s, _ in h]
        if i == 8:
            h = h[:3] + [h[2]] + h[3:]  # the same step twice: the second report is ignored
        run_trial(c, h, policy="ignore" if i % 3 == 0 else "obey")
    cases.append(c)

    c = Case("median_n_min_trials_states", {"type": "median", "args": {"n_startup_trials": 0, "n_min_trials": 3}},
             description="n_min_trials=3 with trials of different lengths, FAIL and RUNNING trials ignored.")
    for i in range(14):
        n_steps = int(rng.integers(3, 12))
        policy = "fail" if i % 5 == 4 else "running" if i % 7 == 6 else "obey"
        run_trial(c, curve(rng, n_steps, rng.uniform(0, 1)), policy=policy)
    cases.append(c)

    c = Case("percentile_25_minimize",
             {"type": "percentile", "args": {"percentile": 25.0, "n_startup_trials": 3, "n_warmup_steps": 2, "interval_steps": 2}},
             description="PercentilePruner(25) with warm-up 2 and interval 2.")
    for _ in range(14):
        run_trial(c, curve(rng, 12, rng.uniform(0, 1)))
    cases.append(c)

    c = Case("percentile_75_maximize_infinities",
             {"type": "percentile", "args": {"percentile": 75.0, "n_startup_trials": 2}}, direction="maximize",
             description="Maximize with +inf and -inf intermediate values (NumPy interpolation gives NaN near infinities).")
    for i in range(14):
        h = curve(rng, 10, rng.uniform(0, 1))
        if i in (1, 4):
            h = [(s, float("inf") if s % 4 == 3 else v) for s, v in h]
        if i in (2, 7, 9):
            h = [(s, float("-inf") if s % 3 == 1 else v) for s, v in h]
        run_trial(c, h, policy="ignore" if i < 6 else "obey")
    cases.append(c)

    c = Case("percentile_0_minimize", {"type": "percentile", "args": {"percentile": 0.0, "n_startup_trials": 1}},
             description="Percentile 0: only trials at least as good as the best COMPLETE value survive.")
    for i in range(10):
        run_trial(c, curve(rng, 8, rng.uniform(0, 1)), policy="ignore" if i % 2 else "obey")
    cases.append(c)

    c = Case("percentile_100_maximize", {"type": "percentile", "args": {"percentile": 100.0, "n_startup_trials": 1}},
             direction="maximize", description="Percentile 100 when maximizing (compares with the minimum).")
    for i in range(10):
        run_trial(c, [(s, -v) for s, v in curve(rng, 8, rng.uniform(-1, 0))], policy="ignore" if i % 3 == 0 else "obey")
    cases.append(c)

    c = Case("sha_auto_minimize", {"type": "successive_halving", "args": {}},
             description="SuccessiveHalvingPruner() with min_resource='auto' (rungs at 1, 4, 16).")
    for _ in range(18):
        run_trial(c, curve(rng, 30, rng.uniform(0, 1)))
    cases.append(c)

    c = Case("sha_explicit_maximize_interleaved",
             {"type": "successive_halving", "args": {"min_resource": 2, "reduction_factor": 3, "min_early_stopping_rate": 1}},
             direction="maximize", description="Four asynchronous workers; rungs at 6 and 18.")
    run_interleaved(c, [[(s, -v) for s, v in curve(rng, 24, rng.uniform(-1, 0))] for _ in range(16)], width=4)
    cases.append(c)

    c = Case("sha_bootstrap_nan",
             {"type": "successive_halving", "args": {"min_resource": 1, "reduction_factor": 2, "bootstrap_count": 2}},
             description="bootstrap_count=2 prunes until a rung holds three values; NaN at a rung prunes.")
    for i in range(14):
        h = curve(rng, 10, rng.uniform(0, 1))
        if i in (5, 9):
            h = [(s, float("nan") if s == 2 else v) for s, v in h]
        run_trial(c, h, policy="ignore" if i % 4 == 3 else "obey")
    cases.append(c)

    c = Case("sha_auto_sparse_reports", {"type": "successive_halving", "args": {"reduction_factor": 3}},
             description="Reports every 10 steps up to 250: min_resource becomes 2; rungs are crossed between reports.")
    for _ in range(12):
        run_trial(c, curve(rng, 0, rng.uniform(0, 1), rate=0.01, steps=list(range(0, 251, 10))))
    cases.append(c)

    c = Case("hyperband_auto_minimize", {"type": "hyperband", "args": {}},
             description="HyperbandPruner() with max_resource='auto'; the sampler sees only same-bracket trials.")
    for _ in range(30):
        run_trial(c, curve(rng, 27, rng.uniform(0, 1)), suggest=True)
    cases.append(c)

    c = Case("hyperband_explicit_maximize_interleaved",
             {"type": "hyperband", "args": {"min_resource": 1, "max_resource": 81, "reduction_factor": 3}},
             direction="maximize", description="Explicit max_resource=81, three asynchronous workers.")
    run_interleaved(c, [[(s, -v) for s, v in curve(rng, 30, rng.uniform(-1, 0))] for _ in range(24)], width=3,
                    suggest=True)
    cases.append(c)

    c = Case("hyperband_bootstrap_reduction_2",
             {"type": "hyperband", "args": {"min_resource": 2, "max_resource": 32, "reduction_factor": 2, "bootstrap_count": 1}},
             study_name="hyperband-bootstrap", description="Four brackets (η=2, 2..32), bootstrap_count=1.")
    for _ in range(24):
        run_trial(c, curve(rng, 32, rng.uniform(0, 1)), suggest=True)
    cases.append(c)

    c = Case("threshold_upper_minimize", {"type": "threshold", "args": {"upper": 1.0}},
             description="ThresholdPruner(upper=1.0).")
    for _ in range(8):
        run_trial(c, curve(rng, 10, rng.uniform(0, 0.8), noise=0.3))
    cases.append(c)

    c = Case("threshold_lower_warmup_interval_nan",
             {"type": "threshold", "args": {"lower": 0.0, "n_warmup_steps": 2, "interval_steps": 3}},
             description="ThresholdPruner(lower=0) with warm-up 2, interval 3, NaN and gaps.")
    for _ in range(10):
        h = with_gaps(rng, with_nans(rng, curve(rng, 14, rng.uniform(-0.6, 0.4), noise=0.3), 0.1), 0.8)
        run_trial(c, h, policy="ignore")
    cases.append(c)

    c = Case("threshold_both_bounds_infinities", {"type": "threshold", "args": {"lower": -1.0, "upper": 1.0}},
             direction="maximize", description="Both bounds; infinities are outside them.")
    for i in range(8):
        h = curve(rng, 8, rng.uniform(-1, 0), noise=0.4)
        if i in (2, 5):
            h = [(s, float("inf") if s == 5 else v) for s, v in h]
        run_trial(c, h, policy="ignore")
    cases.append(c)

    c = Case("patient_alone_minimize", {"type": "patient", "args": {"wrapped_pruner": None, "patience": 2}},
             description="PatientPruner(None, patience=2): early stopping on a plateau.")
    for _ in range(8):
        h = curve(rng, 20, rng.uniform(0, 1), noise=0.08, rate=rng.uniform(0.2, 1.5))
        run_trial(c, h, policy="ignore")
    cases.append(c)

    c = Case("patient_median_maximize_nan",
             {"type": "patient", "args": {"wrapped_pruner": {"type": "median", "args": {"n_startup_trials": 2}},
                                          "patience": 1, "min_delta": 0.05}},
             direction="maximize", description="PatientPruner(MedianPruner, patience=1, min_delta=0.05), NaN values.")
    for i in range(12):
        h = with_nans(rng, [(s, -v) for s, v in curve(rng, 14, rng.uniform(-1, 0), noise=0.1)], 0.1)
        run_trial(c, h)
    cases.append(c)

    c = Case("patient_zero_patience_min_delta",
             {"type": "patient", "args": {"wrapped_pruner": None, "patience": 0, "min_delta": 0.01}},
             description="patience=0: the last value alone must improve on all earlier ones by more than min_delta.")
    for _ in range(6):
        run_trial(c, with_nans(rng, curve(rng, 12, rng.uniform(0, 1), noise=0.05), 0.1), policy="ignore")
    cases.append(c)

    if WilcoxonPruner is not None:
        instances = rng.uniform(-1, 1, 20)

        def wilcoxon_history(param, instance_values, order_rng, maximize=False, rounding=None):
            order = order_rng.permutation(len(instance_values))
            out = []
            for i in order:
                loss = (param - instance_values[i]) ** 2 + 0.01 * order_rng.normal()
                if rounding is not None:
                    loss = round(loss, rounding)
                out.append((int(i), -loss if maximize else loss))
            return out

        c = Case("wilcoxon_minimize_defaults", {"type": "wilcoxon", "args": {}},
                 description="WilcoxonPruner() on 20 instances in shuffled order; pruned trials report their mean.")
        for _ in range(14):
            run_trial(c, wilcoxon_history(rng.uniform(-1, 1), instances, rng), policy="estimate")
        cases.append(c)

        c = Case("wilcoxon_maximize_threshold",
                 {"type": "wilcoxon", "args": {"p_threshold": 0.3, "n_startup_steps": 5}}, direction="maximize",
                 description="Maximize, p_threshold=0.3, n_startup_steps=5; pruned trials stop.")
        for _ in range(14):
            run_trial(c, wilcoxon_history(rng.uniform(-1, 1), instances, rng, maximize=True))
        cases.append(c)

        # Rounded values tie; n_startup_steps=51 keeps every judged test above 50 pairs, where all SciPy versions
        # use the tie-corrected normal approximation.
        many = rng.uniform(-1, 1, 70)
        c = Case("wilcoxon_ties_zeros_normal_approximation",
                 {"type": "wilcoxon", "args": {"p_threshold": 0.2, "n_startup_steps": 51}},
                 description="70 instances rounded to 1 decimal (ties and zero differences), judged with 51+ pairs.")
        for _ in range(8):
            run_trial(c, wilcoxon_history(round(rng.uniform(-0.5, 0.5), 1), many, rng, rounding=1), policy="estimate")
        cases.append(c)

        c = Case("wilcoxon_best_without_intermediates_and_nonfinite", {"type": "wilcoxon", "args": {}},
                 description="An added best trial without intermediate values, then non-finite values.")
        c.add("COMPLETE", -5.0, {})
        run_trial(c, wilcoxon_history(0.2, instances, rng), policy="estimate")
        c.add("COMPLETE", -10.0, {i: float(instances[i] ** 2) for i in range(20)})
        h = wilcoxon_history(0.7, instances, rng)
        h[3] = (h[3][0], float("inf"))
        run_trial(c, h, policy="estimate")
        run_trial(c, wilcoxon_history(0.9, instances, rng), policy="estimate")
        run_trial(c, [(25 + i, 0.5) for i in range(3)] + wilcoxon_history(0.8, instances, rng),
                  policy="estimate")
        cases.append(c)

    c = Case("nop", {"type": "nop"}, description="NopPruner never prunes.")
    for _ in range(6):
        run_trial(c, curve(rng, 6, rng.uniform(0, 1)))
    cases.append(c)
    return cases


# ----- argument errors -----


def argument_errors():
    specs = [
        {"type": "percentile", "args": {"percentile": -1.0}},
        {"type": "percentile", "args": {"percentile": 100.5}},
        {"type": "percentile", "args": {"percentile": 50.0, "n_startup_trials": -1}},
        {"type": "percentile", "args": {"percentile": 50.0, "n_warmup_steps": -1}},
        {"type": "percentile", "args": {"percentile": 50.0, "interval_steps": 0}},
        {"type": "percentile", "args": {"percentile": 50.0, "n_min_trials": 0}},
        {"type": "median", "args": {"n_startup_trials": -2}},
        {"type": "median", "args": {"n_warmup_steps": -3}},
        {"type": "median", "args": {"interval_steps": -1}},
        {"type": "median", "args": {"n_min_trials": -1}},
        {"type": "successive_halving", "args": {"min_resource": 0}},
        {"type": "successive_halving", "args": {"reduction_factor": 1}},
        {"type": "successive_halving", "args": {"min_early_stopping_rate": -1}},
        {"type": "successive_halving", "args": {"min_resource": 1, "bootstrap_count": -1}},
        {"type": "successive_halving", "args": {"bootstrap_count": 1}},
        {"type": "hyperband", "args": {"bootstrap_count": 2}},
        {"type": "threshold", "args": {}},
        {"type": "threshold", "args": {"lower": 2.0, "upper": 1.0}},
        {"type": "threshold", "args": {"upper": 1.0, "n_warmup_steps": -1}},
        {"type": "threshold", "args": {"upper": 1.0, "interval_steps": 0}},
        {"type": "patient", "args": {"wrapped_pruner": None, "patience": -1}},
        {"type": "patient", "args": {"wrapped_pruner": None, "patience": 1, "min_delta": -0.5}},
        {"type": "wilcoxon", "args": {"n_startup_steps": -1}},
        {"type": "wilcoxon", "args": {"p_threshold": 1.5}},
        {"type": "wilcoxon", "args": {"p_threshold": -0.1}},
    ]
    out = []
    for spec in specs:
        try:
            make_pruner(json.loads(json.dumps(spec)))
        except (ValueError, TypeError) as e:
            out.append({"pruner": spec, "error": type(e).__name__, "message": str(e)})
        else:
            raise AssertionError(f"no error for {spec}")
    return out


# ----- numerics checked on their own -----


def percentile_checks():
    rng = np.random.default_rng(7)
    samples = [
        [1.0, 2.0, 3.0, 10.0],
        [5.0],
        [1.0, float("inf")],
        [1.0, 2.0, float("inf")],
        [1.0, float("inf"), float("inf")],
        [float("-inf"), 1.0],
        [float("-inf"), float("-inf"), 3.0],
        [float("nan"), 2.0, float("nan"), 1.0],
        [float("nan"), float("nan")],
        [0.1, 0.2, 0.30000000000000004, 0.7],
    ] + [list(rng.normal(size=int(rng.integers(1, 12)))) for _ in range(12)]
    out = []
    for values in samples:
        for q in (0.0, 12.5, 25.0, 33.3, 50.0, 66.7, 75.0, 99.9, 100.0):
            with np.errstate(all="ignore"):
                result = float(np.nanpercentile(np.array(values, dtype=float), q))
            out.append({"values": [float(v) for v in values], "q": q, "result": result})
    return out


def wilcoxon_checks():
    """SciPy p-values on samples where every SciPy version agrees: no ties or zeros, or more than 50 values."""
    rng = np.random.default_rng(11)
    out = []
    for n in list(range(1, 16)) + [20, 30, 45, 50, 51, 60, 80]:
        for shift in (-0.6, 0.0, 0.4):
            d = rng.normal(shift, 1.0, n)
            if n > 50 and shift == 0.0:
                d = np.round(d, 1)  # ties and zeros, normal approximation
            for alternative in ("greater", "less"):
                p = float(scipy.stats.wilcoxon(d, alternative=alternative, zero_method="zsplit").pvalue)
                out.append({"differences": [float(x) for x in d], "alternative": alternative, "p": p})
    return out


def crc32_checks():
    names = ["pruner-parity-hyperband_auto_minimize", "hyperband-bootstrap", "no-name-1234", "étude_ü", ""]
    return [
        {"text": f"{name}_{number}", "crc32": binascii.crc32(f"{name}_{number}".encode())}
        for name in names
        for number in (0, 1, 7, 123, 99999)
    ]


def main():
    cases = build_cases()
    document = {
        "generator": "tests/Sharptune.Tests/Pruners/Data/generate_pruner_cases.py",
        "optuna_version": optuna.__version__,
        "numpy_version": np.__version__,
        "scipy_version": scipy.__version__,
        "cases": [c.to_json() for c in cases],
        "argument_errors": argument_errors(),
        "nanpercentile": percentile_checks(),
        "wilcoxon": wilcoxon_checks(),
        "crc32": crc32_checks(),
    }
    sys.stdout.write(dump(document))


def dump(value, indent=""):
    """JSON with one operation, trial, check or error per line (compact inside a line, diff-friendly)."""
    compact = {"separators": (",", ":"), "ensure_ascii": False}
    if isinstance(value, dict) and any(isinstance(v, list) and v and isinstance(v[0], dict) for v in value.values()):
        inner = indent + " "
        items = [f"{inner}{json.dumps(k)}:{dump(v, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}" + ("\n" if not indent else "")
    if isinstance(value, list) and value and isinstance(value[0], dict):
        inner = indent + " "
        return "[\n" + ",\n".join(inner + dump(v, inner) for v in value) + "\n" + indent + "]"
    return json.dumps(value, **compact)


if __name__ == "__main__":
    main()
