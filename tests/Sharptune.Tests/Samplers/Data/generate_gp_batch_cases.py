"""Optuna 5's batch acquisitions (qLogEI, qLogCEI, qLogEHVI) on fixed Gaussian processes, for GpBatchAcquisitionTests.

Run from the repository root with Optuna 5 on the path and torch installed (Debian's python3-torch works):

    PYTHONPATH=/path/to/optuna /usr/bin/python3 tests/Sharptune.Tests/Samplers/Data/generate_gp_batch_cases.py

The Gaussian processes get fixed hyperparameters (no fitting), so the cases test the acquisitions alone. Optuna draws
its fixed normal samples from torch's scrambled Sobol engine, which .NET cannot reproduce; the script replaces that
one function with seeded NumPy normal draws and writes the draws into the fixture, so both sides use the same ones.
Everything else is Optuna's own code: ConditionalGPRegressor, the acquisitions, the box decomposition.
"""

from __future__ import annotations

import json
import os

import numpy as np
import torch

import optuna
import optuna._gp.acqf as acqf_module
import optuna._gp.gp as gp_module

assert optuna.__version__.startswith("5."), optuna.__version__

draws: dict[str, list[list[float]]] = {}


def seeded_normal_draws(dim: int, n_samples: int, seed: int) -> torch.Tensor:
    z = np.random.RandomState(seed).standard_normal((n_samples, dim))
    draws[str(seed)] = z.tolist()
    return torch.from_numpy(z)


gp_module.sample_from_normal_sobol = seeded_normal_draws
acqf_module.sample_from_normal_sobol = seeded_normal_draws


def make_gpr(rng: np.random.RandomState, X: np.ndarray, is_cat: np.ndarray, y: np.ndarray) -> tuple[gp_module.GPRegressor, dict]:
    d = X.shape[1]
    isl = rng.uniform(3.0, 30.0, d)
    scale = float(rng.uniform(0.6, 1.5))
    noise = float(rng.uniform(1e-5, 1e-2))
    gpr = gp_module.GPRegressor(
        is_categorical=torch.from_numpy(is_cat),
        X_train=torch.from_numpy(X),
        y_train=torch.from_numpy(y),
        inverse_squared_lengthscales=torch.from_numpy(isl),
        kernel_scale=torch.tensor(scale, dtype=torch.float64),
        noise_var=torch.tensor(noise, dtype=torch.float64),
    )
    gpr._cache_matrix()
    return gpr, {"y": y.tolist(), "isl": isl.tolist(), "scale": scale, "noise": noise}


def inputs(rng: np.random.RandomState, n: int, d: int, n_cat_choices: list[int]) -> tuple[np.ndarray, np.ndarray]:
    # The last len(n_cat_choices) dimensions are categorical, holding choice indices as Optuna's search space does.
    X = rng.uniform(0, 1, (n, d))
    is_cat = np.zeros(d, dtype=bool)
    for k, c in enumerate(n_cat_choices):
        j = d - len(n_cat_choices) + k
        is_cat[j] = True
        X[:, j] = rng.randint(0, c, n)
    return X, is_cat


def standardize(v: np.ndarray) -> np.ndarray:
    return (v - v.mean()) / v.std()


def evaluate(acqf: acqf_module.BaseAcquisitionFunc, queries: np.ndarray) -> tuple[list, list]:
    values, grads = [], []
    for q in queries:
        v, g = acqf.eval_acqf_with_grad(q.copy())
        values.append(v)
        grads.append(g.tolist())
    batch = acqf.eval_acqf_no_grad(queries.copy())
    assert np.allclose(batch, values, rtol=1e-9, atol=1e-9)
    return values, grads


def case(name: str, seed: int, *, n: int, d: int, cats: list[int], n_running: int, n_objectives: int,
         n_constraints: int, n_samples: int, infeasible: bool = False) -> dict:
    draws.clear()
    rng = np.random.RandomState(seed)
    X, is_cat = inputs(rng, n, d, cats)
    X_running, _ = inputs(rng, n_running, d, cats)
    queries, _ = inputs(rng, 6, d, cats)
    # One query at a running point and one next to it.
    queries[0] = X_running[0]
    queries[1] = X_running[0]
    queries[1, ~is_cat] += 0.01
    objectives = []
    gprs = []
    for _ in range(n_objectives):
        y = standardize(np.sin(3 * X[:, 0]) + X[:, 1] ** 2 + rng.normal(0, 0.3, n))
        gpr, desc = make_gpr(rng, X, is_cat, y)
        gprs.append(gpr)
        objectives.append(desc)
    constraints = []
    cgprs = []
    for _ in range(n_constraints):
        c = standardize(np.cos(2 * X[:, 1]) - X[:, 0] + rng.normal(0, 0.3, n))
        gpr, desc = make_gpr(rng, X, is_cat, c)
        desc["threshold"] = float(rng.uniform(-0.5, 0.5))
        cgprs.append(gpr)
        constraints.append(desc)
    qmc_seed = int(rng.randint(1 << 20))
    out: dict = {
        "name": name, "x": X.tolist(), "categorical": is_cat.tolist(), "running": X_running.tolist(),
        "objectives": objectives, "constraints": constraints, "samples": n_samples, "seed": qmc_seed,
        "queries": queries.tolist(),
    }
    if n_objectives == 1:
        threshold = -np.inf if infeasible else float(max(objectives[0]["y"]))
        out["threshold"] = "-inf" if infeasible else threshold
        if n_constraints == 0:
            acqf = acqf_module.qLogEI(gprs[0], None, threshold, n_samples, qmc_seed, X_running)
            out["fantasies"] = acqf._cond_gpr.get_fantasy_samples().numpy().tolist()
        else:
            acqf = acqf_module.qLogCEI(gprs[0], None, threshold, n_samples, qmc_seed, cgprs,
                                       [c["threshold"] for c in constraints], X_running)
    else:
        Y_train = torch.from_numpy(np.array([o["y"] for o in objectives]).T)
        acqf = acqf_module.qLogEHVI(gprs, None, Y_train, n_samples, qmc_seed, X_running)
    out["values"], out["gradients"] = evaluate(acqf, queries)
    out["draws"] = dict(draws)
    return out


cases = [
    case("qlogei-continuous", 1, n=8, d=2, cats=[], n_running=2, n_objectives=1, n_constraints=0, n_samples=32),
    case("qlogei-categorical", 22, n=12, d=3, cats=[3], n_running=3, n_objectives=1, n_constraints=0, n_samples=32),
    case("qlogei-one-running", 3, n=10, d=4, cats=[], n_running=1, n_objectives=1, n_constraints=0, n_samples=64),
    case("qlogcei", 4, n=10, d=3, cats=[2], n_running=2, n_objectives=1, n_constraints=2, n_samples=32),
    case("qlogcei-infeasible", 5, n=9, d=2, cats=[], n_running=2, n_objectives=1, n_constraints=1, n_samples=32,
         infeasible=True),
    case("qlogehvi-2", 6, n=10, d=2, cats=[], n_running=2, n_objectives=2, n_constraints=0, n_samples=32),
    case("qlogehvi-3-categorical", 7, n=12, d=3, cats=[3], n_running=1, n_objectives=3, n_constraints=0,
         n_samples=16),
]

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gp_batch_cases.json")
with open(path, "w") as f:
    json.dump({"optuna": optuna.__version__, "torch": torch.__version__, "cases": cases}, f)
print(f"wrote {len(cases)} cases to {path}")
