"""Writes visualization_fixtures.json: studies (their trials) and Optuna 5's figure data for each plot.

Run with Optuna 5's source tree (the CI has Debian's Optuna 3.1, which lacks some of these functions, and reads
the checked-in JSON instead):

    PYTHONPATH=/work/optuna-src /usr/bin/python3 generate_visualization_fixtures.py

Each study is built from explicit trials (seeded random values), so the C# tests rebuild the same studies from
the JSON and compare their figure data with Optuna's internal `_get_*_info` results.
"""

from __future__ import annotations

import datetime
import json
import math
import random

import numpy as np
import optuna
from optuna.distributions import CategoricalDistribution
from optuna.distributions import distribution_to_json
from optuna.distributions import FloatDistribution
from optuna.distributions import IntDistribution
from optuna.trial import create_trial
from optuna.trial import TrialState
from optuna.visualization._contour import _get_contour_info
from optuna.visualization._edf import _get_edf_info
from optuna.visualization._hypervolume_history import _get_hypervolume_history_info
from optuna.visualization._intermediate_values import _get_intermediate_plot_info
from optuna.visualization._optimization_history import _get_optimization_history_info_list
from optuna.visualization._parallel_coordinate import _get_parallel_coordinate_info
from optuna.visualization._param_importances import _get_importances_infos
from optuna.visualization._pareto_front import _get_pareto_front_info
from optuna.visualization._rank import _get_rank_info
from optuna.visualization._slice import _get_slice_plot_info
from optuna.visualization._timeline import _get_timeline_info

optuna.logging.set_verbosity(optuna.logging.ERROR)
T0 = datetime.datetime(2026, 1, 2, 3, 4, 5)


def num(x):
    """JSON number, with non-finite values as strings (the C# side parses them back)."""
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        x = float(x)
        if math.isnan(x):
            return "NaN"
        if math.isinf(x):
            return "Infinity" if x > 0 else "-Infinity"
        return x
    return x


def nums(xs):
    return [num(x) for x in xs]


def value(v):
    if v is None or isinstance(v, str):
        return v
    return num(v)


def add_trial(study, rng, number, state, values, params, dists, steps=0, constraints=None, user_attrs=None):
    start = T0 + datetime.timedelta(seconds=number * 2)
    complete = None if state == TrialState.RUNNING else start + datetime.timedelta(seconds=1 + number % 3)
    system_attrs = {}
    if constraints is not None:
        for i, c in enumerate(constraints):
            system_attrs[f"constraints:c{i}"] = c
    inter = {s: rng.uniform(0, 10) / (s + 1) for s in range(steps)}
    trial = create_trial(
        state=state,
        values=values if state == TrialState.COMPLETE else None,
        params=params,
        distributions=dists,
        intermediate_values=inter,
        system_attrs=system_attrs,
        user_attrs=user_attrs or {},
    )
    trial.datetime_start = start
    trial.datetime_complete = complete
    study.add_trial(trial)


def single_study(name, n, seed, direction="minimize", constraints=False, odd_values=False):
    rng = random.Random(seed)
    study = optuna.create_study(study_name=name, direction=direction)
    for i in range(n):
        kind = rng.choice(["a", "b", "c"])
        params = {
            "x": rng.uniform(-5, 5),
            "lr": 10 ** rng.uniform(-4, 0),
            "n": rng.randint(1, 8),
            "kind": kind,
        }
        dists = {
            "x": FloatDistribution(-5, 5),
            "lr": FloatDistribution(1e-4, 1.0, log=True),
            "n": IntDistribution(1, 8),
            "kind": CategoricalDistribution(["a", "b", "c"]),
        }
        if kind == "a":
            params["y"] = rng.uniform(0, 1)
            dists["y"] = FloatDistribution(0, 1)
        state = TrialState.COMPLETE
        if i % 7 == 3:
            state = TrialState.PRUNED
        elif i % 11 == 5:
            state = TrialState.FAIL
        v = params["x"] ** 2 + math.log10(params["lr"]) ** 2 + params["n"] + (1.0 if kind == "b" else 0.0)
        if odd_values and i == 4:
            v = float("inf")
        if odd_values and i == 9:
            v = float("-inf")
        cons = [rng.uniform(-1, 0.5), rng.uniform(-1, 0.2)] if constraints else None
        add_trial(study, rng, i, state, [v], params, dists, steps=(i % 4) + 1 if state != TrialState.FAIL else 0, constraints=cons, user_attrs={"fold": i % 3})
    return study


def numeric_cat_study():
    rng = random.Random(5)
    study = optuna.create_study(study_name="maximize-numeric", direction="maximize")
    for i in range(14):
        params = {"units": rng.choice([16, 32, 64, 128]), "scale": rng.choice([1, 2.5, 10]), "depth": rng.randint(1, 64), "drop": rng.choice([0.0, 0.25, 0.5])}
        dists = {
            "units": CategoricalDistribution([16, 32, 64, 128]),
            "scale": CategoricalDistribution([1, 2.5, 10]),
            "depth": IntDistribution(1, 64, log=True),
            "drop": FloatDistribution(0.0, 0.5, step=0.25),
        }
        v = math.log2(params["units"]) - params["scale"] * 0.1 + math.log(params["depth"]) - params["drop"]
        add_trial(study, rng, i, TrialState.COMPLETE, [v], params, dists, steps=3)
    return study


def multi_study(name, n, m, seed, constraints=False, directions=None):
    rng = random.Random(seed)
    directions = directions or ["minimize"] * m
    study = optuna.create_study(study_name=name, directions=directions)
    for i in range(n):
        params = {"a": rng.uniform(0, 1), "b": rng.uniform(0, 1), "c": rng.choice(["p", "q"])}
        dists = {"a": FloatDistribution(0, 1), "b": FloatDistribution(0, 1), "c": CategoricalDistribution(["p", "q"])}
        vals = [params["a"] + 0.1 * k + rng.uniform(0, 0.3) for k in range(m)]
        vals[1] = 1.0 - params["a"] + params["b"] * 0.2
        if i % 9 == 4:
            vals = list(vals)
            vals[0] = vals[0]  # keep
        state = TrialState.FAIL if i % 10 == 7 else TrialState.COMPLETE
        cons = [rng.uniform(-1, 0.4)] if constraints else None
        add_trial(study, rng, i, state, vals, params, dists, constraints=cons)
    return study


def empty_study():
    return optuna.create_study(study_name="empty")


def all_failed_study():
    rng = random.Random(3)
    study = optuna.create_study(study_name="all-failed")
    for i in range(3):
        add_trial(study, rng, i, TrialState.FAIL, None, {"x": 0.5 * i}, {"x": FloatDistribution(0, 1)})
    return study


def one_trial_study():
    rng = random.Random(4)
    study = optuna.create_study(study_name="one-trial")
    add_trial(study, rng, 0, TrialState.COMPLETE, [1.5], {"x": 0.5, "k": "u"}, {"x": FloatDistribution(0, 1), "k": CategoricalDistribution(["u", "v"])}, steps=2)
    return study


def trial_json(t):
    return {
        "number": t.number,
        "state": t.state.name,
        "values": None if t.values is None else nums(t.values),
        "params": {k: value(v) for k, v in t.params.items()},
        "distributions": {k: distribution_to_json(d) for k, d in t.distributions.items()},
        "intermediate_values": {str(k): num(v) for k, v in t.intermediate_values.items()},
        "system_attrs": {k: num(v) for k, v in t.system_attrs.items()},
        "user_attrs": t.user_attrs,
        "datetime_start": t.datetime_start.isoformat() if t.datetime_start else None,
        "datetime_complete": t.datetime_complete.isoformat() if t.datetime_complete else None,
    }


def study_json(s):
    return {"name": s.study_name, "directions": [d.name for d in s.directions], "trials": [trial_json(t) for t in s.trials]}


def values_info(vi):
    if vi is None:
        return None
    return {"values": nums(vi.values), "stds": None if vi.stds is None else nums(vi.stds), "label_name": vi.label_name, "states": [s.name for s in vi.states]}


def history(infos):
    return [{"trial_numbers": list(i.trial_numbers), "values_info": values_info(i.values_info), "best_values_info": values_info(i.best_values_info)} for i in infos]


def catch(f):
    try:
        return f()
    except ValueError as e:
        return {"error": str(e)}


def axis(a):
    return {
        "name": a.name,
        "range": nums(a.range),
        "is_log": a.is_log,
        "is_cat": a.is_cat,
        "indices": [value(v) for v in a.indices],
        "values": [value(v) for v in a.values],
    }


def contour(info):
    return {
        "sorted_params": info.sorted_params,
        "reverse_scale": info.reverse_scale,
        "target_name": info.target_name,
        "sub_plot_infos": [
            [
                {
                    "xaxis": axis(s.xaxis),
                    "yaxis": axis(s.yaxis),
                    "z_values": [[k[0], k[1], num(v)] for k, v in sorted(s.z_values.items())],
                    "constraints": list(s.constraints),
                }
                for s in row
            ]
            for row in info.sub_plot_infos
        ],
    }


def slice_info(info):
    return {
        "target_name": info.target_name,
        "subplots": [
            {
                "param_name": s.param_name,
                "x": [value(v) for v in s.x],
                "y": nums(s.y),
                "trial_numbers": list(s.trial_numbers),
                "is_log": s.is_log,
                "is_numerical": s.is_numerical,
                "constraints": list(s.constraints),
                "x_labels": None if s.x_labels is None else [value(v) for v in s.x_labels],
            }
            for s in info.subplots
        ],
    }


def dim(d):
    return {"label": d.label, "values": nums(d.values), "range": nums(d.range), "is_log": d.is_log, "is_cat": d.is_cat, "tickvals": nums(d.tickvals), "ticktext": list(d.ticktext), "has_missing": d.has_missing}


def parallel(info):
    return {
        "dims_objectives": [dim(d) for d in info.dims_objectives],
        "dims_params": [dim(d) for d in info.dims_params],
        "reverse_scale": info.reverse_scale,
        "colorbar_title": info.colorbar_title,
        "color_values": nums(info.color_values),
        "is_rank_color": info.is_rank_color,
        "draw_order": [int(i) for i in info.draw_order],
        "feasibility": None if info.feasibility is None else [bool(b) for b in info.feasibility],
    }


def rank(info):
    def sub(s):
        return {
            "xaxis": {"name": s.xaxis.name, "range": nums(s.xaxis.range), "is_log": s.xaxis.is_log, "is_cat": s.xaxis.is_cat},
            "yaxis": {"name": s.yaxis.name, "range": nums(s.yaxis.range), "is_log": s.yaxis.is_log, "is_cat": s.yaxis.is_cat},
            "xs": [value(v) for v in s.xs],
            "ys": [value(v) for v in s.ys],
            "trials": [t.number for t in s.trials],
            "zs": nums(s.zs),
            "colors": [nums(c) for c in s.colors],
        }

    return {
        "params": list(info.params),
        "target_name": info.target_name,
        "zs": nums(info.zs),
        "colors": [nums(c) for c in info.colors],
        "has_custom_target": info.has_custom_target,
        "sub_plot_infos": [[sub(s) for s in row] for row in info.sub_plot_infos],
    }


def pareto(info):
    def tw(lst):
        return [[t.number, nums(v)] for t, v in lst]

    return {
        "n_targets": info.n_targets,
        "target_names": list(info.target_names),
        "best": tw(info.best_trials_with_values),
        "non_best": tw(info.non_best_trials_with_values),
        "infeasible": tw(info.infeasible_trials_with_values),
        "axis_order": list(info.axis_order),
        "include_dominated_trials": info.include_dominated_trials,
        "has_constraints": info.has_constraints,
    }


def timeline(info):
    return [
        {"number": b.number, "start": b.start.isoformat(), "complete": b.complete.isoformat(), "state": b.state.name, "hovertext": b.hovertext, "infeasible": b.infeasible}
        for b in info.bars
    ]


def importances(infos):
    return [
        {"importance_values": nums(i.importance_values), "param_names": list(i.param_names), "importance_labels": list(i.importance_labels), "target_name": i.target_name}
        for i in infos
    ]


def single_cases(s):
    return {
        "history": history(_get_optimization_history_info_list(s, None, "Objective Value", False)),
        "history_target": history(_get_optimization_history_info_list(s, lambda t: t.number * 0.5, "Half number", False)),
        "intermediate": [{"trial_number": i.trial_number, "values": [[st, num(v)] for st, v in i.sorted_intermediate_values], "feasible": i.feasible} for i in _get_intermediate_plot_info(s).trial_infos],
        "slice": slice_info(_get_slice_plot_info(s, None, None, "Objective Value")),
        "contour": catch(lambda: contour(_get_contour_info(s, None, None, "Objective Value"))),
        "parallel": parallel(_get_parallel_coordinate_info(s, None, None, "Objective Value")),
        "edf": {"x": nums(_get_edf_info(s).x_values), "lines": [{"study_name": l.study_name, "y": nums(l.y_values)} for l in _get_edf_info(s).lines]},
        "rank": rank(_get_rank_info(s, None, None, "Objective Value")),
        "timeline": timeline(_get_timeline_info(s)),
        "timeline_recent": timeline(_get_timeline_info(s, n_recent_trials=3)),
        "importances": importances(_get_importances_infos(s, None, None, None, "Objective Value")),
    }


def main():
    studies = {}
    cases = {}
    for s in [
        single_study("single", 24, 1),
        single_study("single-constrained", 20, 2, constraints=True),
        single_study("single-odd", 16, 3, odd_values=True),
        single_study("single-max", 15, 9, direction="maximize"),
        numeric_cat_study(),
        empty_study(),
        all_failed_study(),
        one_trial_study(),
    ]:
        studies[s.study_name] = study_json(s)
        cases[s.study_name] = single_cases(s)
    # Contour and rank of two named parameters (a single panel) and the slice of a subset.
    s = single_study("single", 24, 1)
    cases["single"]["contour_pair"] = contour(_get_contour_info(s, ["x", "lr"], None, "Objective Value"))
    cases["single"]["rank_pair"] = rank(_get_rank_info(s, ["x", "kind"], None, "Objective Value"))
    cases["single"]["slice_subset"] = slice_info(_get_slice_plot_info(s, ["n", "kind"], None, "Objective Value"))
    cases["single"]["parallel_subset"] = parallel(_get_parallel_coordinate_info(s, ["y", "lr"], None, "Objective Value"))
    # Several studies: legends by study, error bars, EDF lines.
    a, b = single_study("single", 24, 1), single_study("single-constrained", 20, 2, constraints=True)
    cases["several"] = {
        "studies": ["single", "single-constrained"],
        "history": history(_get_optimization_history_info_list([a, b], None, "Objective Value", False)),
        "history_error_bar": history(_get_optimization_history_info_list([a, b], None, "Objective Value", True)),
        "edf": {"x": nums(_get_edf_info([a, b]).x_values), "lines": [{"study_name": l.study_name, "y": nums(l.y_values)} for l in _get_edf_info([a, b]).lines]},
    }
    for s, ref in [
        (multi_study("multi2", 25, 2, 11), [2.0, 2.0]),
        (multi_study("multi2-constrained", 25, 2, 12, constraints=True, directions=["minimize", "maximize"]), [2.0, -1.0]),
        (multi_study("multi3", 15, 3, 13), [2.0, 2.0, 2.0]),
    ]:
        studies[s.study_name] = study_json(s)
        hv = _get_hypervolume_history_info(s, np.asarray(ref, dtype=float))
        cases[s.study_name] = {
            "pareto": pareto(_get_pareto_front_info(s)),
            "pareto_no_dominated": pareto(_get_pareto_front_info(s, include_dominated_trials=False, target_names=[f"t{i}" for i in range(len(s.directions))])),
            "hypervolume": {"reference_point": ref, "trial_numbers": list(hv.trial_numbers), "values": nums(hv.values)},
            "parallel": parallel(_get_parallel_coordinate_info(s, None, None, "Objective Value")),
            "history_target": history(_get_optimization_history_info_list(s, lambda t: t.values[0], "First", False)),
            "importances": importances(_get_importances_infos(s, None, None, None, "Objective Value")),
            "importances_target": importances(_get_importances_infos(s, None, ["a", "b"], lambda t: t.values[1], "Second")),
        }
    with open("visualization_fixtures.json", "w") as f:
        json.dump({"optuna_version": optuna.__version__, "studies": studies, "cases": cases}, f, indent=1)


if __name__ == "__main__":
    main()
