"""The broad quality suite: 23 functions (smooth, multimodal, noisy, 4-20 dimensions, log and stepped parameters,
integers, categoricals with 2-10 choices, conditional subspaces, two-objective) run by an Optuna sampler over many
seeds. bench/Sharptune.Bench (`suite` command) implements the same functions with the same parameter names, bounds,
suggestion order and formulas, so both print comparable lines.

Usage: PYTHONPATH=/path/to/optuna-5 python3 tpe_quality_suite.py SAMPLER N_TRIALS SEEDS [--fn a,b] [--jobs 2] [--first 0] [--lag 0]
       python3 tpe_quality_suite.py --check > check.json   (then: Sharptune.Bench suite-check check.json)
SAMPLER: tpe (TPESampler(seed=s), Optuna 5's defaults) | random | cmaes
--lag L emulates L + 1 trials in flight deterministically (ask/tell, each trial told L asks late), as
Sharptune.Bench suite --lag does.
Prints one JSON line per function: {"optuna":..., "sampler":..., "fn":..., "n":..., "median":..., "values":[...]}.
The score is the best value (minimized); for two-objective functions it is the area of the reference box that the
Pareto front of the COMPLETE trials does not dominate (box area minus hypervolume, lower is better)."""

import json
import math
import statistics
import sys
from multiprocessing import Pool

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def pnoise(xs):
    """Deterministic pseudo-noise in [-1, 1) from parameter values (a hash of them, so both languages agree)."""
    s = 0.0
    for i, v in enumerate(xs):
        s += v * (12.9898 + 78.233 * i)
    f = math.sin(s) * 43758.5453
    return 2.0 * (f - math.floor(f)) - 1.0


def floats(t, n, low, high, prefix="x"):
    return [t.suggest_float(f"{prefix}{i}", low, high) for i in range(n)]


# ----- smooth -----


def rosenbrock4(t):
    """optuna_quality.py's rosenbrock4 (for the CMA-ES comparison)."""
    x = [t.suggest_float(f"x{i}", -2, 2) for i in range(4)]
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(3))


def rastrigin4(t):
    """optuna_quality.py's rastrigin4 (for the CMA-ES comparison)."""
    x = [t.suggest_float(f"x{i}", -5.12, 5.12) for i in range(4)]
    return 10 * 4 + sum(v * v - 10 * math.cos(2 * math.pi * v) for v in x)


def sphere12(t):
    x = floats(t, 12, -5, 5)
    return sum((v - (-2 + 0.35 * i)) ** 2 for i, v in enumerate(x))


def ellipsoid8(t):
    x = floats(t, 8, -5, 5)
    return sum(10 ** (2 * i / 7) * (v - 1) ** 2 for i, v in enumerate(x))


def rosenbrock6(t):
    x = floats(t, 6, -2, 2)
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(5))


def abs20(t):
    x = floats(t, 20, -3, 3)
    return sum(abs(v - (-2 + 0.2 * i)) ** 1.5 for i, v in enumerate(x))


# ----- multimodal -----


def styblinski6(t):
    x = floats(t, 6, -5, 5)
    return sum(v ** 4 - 16 * v ** 2 + 5 * v for v in x) / 2 + 39.16616570377142 * 6


def ackley6(t):
    x = floats(t, 6, -5, 5)
    a = -20 * math.exp(-0.2 * math.sqrt(sum(v * v for v in x) / 6))
    b = -math.exp(sum(math.cos(2 * math.pi * v) for v in x) / 6)
    return a + b + 20 + math.e


def levy8(t):
    x = floats(t, 8, -10, 10)
    w = [1 + (v - 1) / 4 for v in x]
    s = math.sin(math.pi * w[0]) ** 2
    for i in range(7):
        s += (w[i] - 1) ** 2 * (1 + 10 * math.sin(math.pi * w[i] + 1) ** 2)
    return s + (w[7] - 1) ** 2 * (1 + math.sin(2 * math.pi * w[7]) ** 2)


HART_A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
HART_P = [
    [0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
    [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
    [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650],
    [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381],
]
HART_ALPHA = [1.0, 1.2, 3.0, 3.2]


def hartmann6(t):
    x = floats(t, 6, 0, 1)
    s = 0.0
    for i in range(4):
        s += HART_ALPHA[i] * math.exp(-sum(HART_A[i][j] * (x[j] - HART_P[i][j]) ** 2 for j in range(6)))
    return 3.322368011415515 - s


def griewank10(t):
    x = floats(t, 10, -20, 20)
    p = 1.0
    for i, v in enumerate(x):
        p *= math.cos(v / math.sqrt(i + 1))
    return 1 + sum(v * v for v in x) / 4000 - p


def schwefel4(t):
    x = floats(t, 4, -500, 500)
    return 418.9828872724338 * 4 - sum(v * math.sin(math.sqrt(abs(v))) for v in x)


# ----- noisy -----


def noisy_sphere6(t):
    x = floats(t, 6, -5, 5)
    return sum((v - 1) ** 2 for v in x) + 0.3 * (pnoise(x) + 1)


def noisy_rastrigin5(t):
    x = floats(t, 5, -5.12, 5.12)
    return 10 * 5 + sum(v * v - 10 * math.cos(2 * math.pi * v) for v in x) + (pnoise(x) + 1)


# ----- log, step, int, categorical -----


def log6(t):
    p = [t.suggest_float(f"p{i}", 1e-4, 1e2, log=True) for i in range(6)]
    return sum((math.log10(v) - (-3 + i)) ** 2 for i, v in enumerate(p))


STEPS8 = [0.1, 0.25, 0.5, 0.05, 0.2, 0.1, 0.5, 0.25]


def step8(t):
    x = [t.suggest_float(f"s{i}", -2, 2, step=STEPS8[i]) for i in range(8)]
    return sum((i + 1) * abs(v - (-1.3 + 0.37 * i)) for i, v in enumerate(x))


INT_TARGETS = [3, -7, 0, 5, -2, 8]


def ints9(t):
    n = [t.suggest_int(f"n{i}", -10, 10) for i in range(6)]
    m1 = t.suggest_int("m1", 1, 1000, log=True)
    m2 = t.suggest_int("m2", 1, 1000, log=True)
    q = t.suggest_int("q", 0, 100, step=5)
    s = sum((v - INT_TARGETS[i]) ** 2 for i, v in enumerate(n)) / 10
    return s + (math.log10(m1) - 2) ** 2 + (math.log10(m2) - 0.5) ** 2 + abs(q - 35) / 20


def categorical10(t):
    s = 0.0
    for i in range(10):
        k = 2 + (i % 9)
        c = t.suggest_categorical(f"c{i}", [f"v{j}" for j in range(k)])
        j = int(c[1:])
        s += (i + 1) / 10 * (((j * 7 + i * 3) % k) / (k - 1))
    return s


OPTIMIZERS = ["sgd", "adam", "rmsprop", "adagrad"]
ACTIVATIONS = ["relu", "tanh", "gelu"]
INITS = ["he", "xavier", "normal", "uniform", "orthogonal"]


def hpo12(t):
    lr = t.suggest_float("lr", 1e-5, 1.0, log=True)
    wd = t.suggest_float("weight_decay", 1e-6, 1e-1, log=True)
    layers = t.suggest_int("layers", 1, 8)
    units = t.suggest_int("units", 16, 1024, log=True)
    batch = t.suggest_int("batch", 32, 512, step=32)
    dropout = t.suggest_float("dropout", 0.0, 0.6, step=0.1)
    momentum = t.suggest_float("momentum", 0.5, 0.99)
    opt = t.suggest_categorical("optimizer", OPTIMIZERS)
    act = t.suggest_categorical("activation", ACTIVATIONS)
    norm = t.suggest_categorical("batch_norm", [True, False])
    init = t.suggest_categorical("init", INITS)
    warmup = t.suggest_int("warmup", 0, 10)
    o = OPTIMIZERS.index(opt)
    f = (math.log10(lr) + 3 + (1.0 if o == 0 else 0.0)) ** 2
    f += 0.3 * (math.log10(wd) + 4) ** 2
    f += (layers - 4) ** 2 / 8 + (math.log2(units) - 8) ** 2 / 4
    f += ((batch - 128) / 128) ** 2 + 4 * (dropout - 0.3) ** 2
    f += (5 * (momentum - 0.9) ** 2 if o == 0 else 0.0)
    f += [0.4, 0.0, 0.1, 0.3][o] + [0.1, 0.2, 0.0][ACTIVATIONS.index(act)]
    f += (0.0 if norm else 0.15) + [0.0, 0.05, 0.3, 0.25, 0.1][INITS.index(init)]
    f += (warmup - 3) ** 2 / 50
    return f


MODES = ["a", "b", "c"]


def interact6(t):
    x = t.suggest_float("x", 0, 10)
    y = t.suggest_float("y", 0, 10)
    mode = t.suggest_categorical("mode", MODES)
    k = t.suggest_int("k", 1, 20)
    z = t.suggest_float("z", 0.01, 100, log=True)
    w = t.suggest_float("w", 0, 1, step=0.125)
    i = MODES.index(mode)
    tx, ty = [(2, 8), (5, 5), (8, 2)][i]
    f = ((x - tx) ** 2 + (y - ty) ** 2) / 4 + [0.0, 0.5, 0.2][i]
    f += (k - 3 * (i + 1)) ** 2 / 20 + (math.log10(z) - (i - 1)) ** 2 / 2 + abs(w - 0.25 * (i + 1))
    return f


# ----- conditional -----


def cond_models(t):
    kind = t.suggest_categorical("kind", ["svm", "rf", "knn", "mlp"])
    if kind == "svm":
        c = t.suggest_float("svm_c", 1e-3, 1e3, log=True)
        g = t.suggest_float("svm_gamma", 1e-4, 1e1, log=True)
        kernel = t.suggest_categorical("svm_kernel", ["rbf", "poly", "linear"])
        return 0.05 + (math.log10(c) - 1) ** 2 / 8 + (math.log10(g) + 2) ** 2 / 8 + {"rbf": 0.0, "poly": 0.2, "linear": 0.3}[kernel]
    if kind == "rf":
        n = t.suggest_int("rf_trees", 10, 500, log=True)
        d = t.suggest_int("rf_depth", 2, 32)
        mf = t.suggest_float("rf_max_features", 0.1, 1.0)
        return (math.log10(n) - 2.3) ** 2 / 2 + (d - 14) ** 2 / 200 + (mf - 0.35) ** 2
    if kind == "knn":
        k = t.suggest_int("knn_k", 1, 100, log=True)
        wt = t.suggest_categorical("knn_weights", ["uniform", "distance"])
        return 0.15 + abs(math.log(k) - math.log(9)) / 5 + (0.0 if wt == "distance" else 0.1)
    lr = t.suggest_float("mlp_lr", 1e-5, 1e-1, log=True)
    h = t.suggest_int("mlp_hidden", 8, 512, log=True)
    alpha = t.suggest_float("mlp_alpha", 1e-6, 1e-1, log=True)
    layers = t.suggest_int("mlp_layers", 1, 4)
    return 0.1 + (math.log10(lr) + 3) ** 2 / 4 + (math.log2(h) - 7) ** 2 / 10 + (math.log10(alpha) + 4) ** 2 / 10 + (layers - 2) ** 2 / 10


UNIT_TARGETS = [64, 128, 32, 16, 8]


def cond_layers(t):
    n = t.suggest_int("n_layers", 1, 5)
    f = 0.0
    for i in range(n):
        u = t.suggest_int(f"units_{i}", 4, 256, log=True)
        d = t.suggest_float(f"dropout_{i}", 0.0, 0.5)
        f += (math.log2(u) - math.log2(UNIT_TARGETS[i])) ** 2 / 4 + (d - 0.1 * (i + 1)) ** 2
    lr = t.suggest_float("lr", 1e-5, 1e-1, log=True)
    return f + abs(n - 3) * 0.5 + (math.log10(lr) + 3) ** 2 / 4


def cond_nested(t):
    opt = t.suggest_categorical("optimizer", ["sgd", "adam", "rmsprop"])
    lr = t.suggest_float("lr", 1e-5, 1.0, log=True)
    batch = t.suggest_int("batch", 16, 256, log=True)
    f = (math.log2(batch) - 6) ** 2 / 10
    if opt == "sgd":
        m = t.suggest_float("momentum", 0.0, 0.99)
        nesterov = t.suggest_categorical("nesterov", [True, False])
        f += (math.log10(lr) + 1.5) ** 2 + 4 * (m - 0.9) ** 2 + (0.0 if nesterov else 0.1)
    elif opt == "adam":
        b1 = t.suggest_float("beta1", 0.8, 0.999)
        ams = t.suggest_categorical("amsgrad", [True, False])
        f += (math.log10(lr) + 3.3) ** 2 + 20 * (b1 - 0.9) ** 2
        if ams:
            eps = t.suggest_float("eps", 1e-10, 1e-6, log=True)
            f += (math.log10(eps) + 8) ** 2 / 4 - 0.05
        else:
            f += 0.05
    else:
        rho = t.suggest_float("rho", 0.8, 0.99)
        f += (math.log10(lr) + 2.5) ** 2 + 30 * (rho - 0.95) ** 2 + 0.1
    return f


# ----- two objectives (score: reference box area minus the hypervolume of the front) -----


def mo_zdt2_6(t):
    x = floats(t, 6, 0, 1)
    g = 1 + 9 * sum(x[1:]) / 5
    return x[0], g * (1 - (x[0] / g) ** 2)


MO_CHOICES = ["a", "b", "c", "d"]


def mo_mixed(t):
    x = t.suggest_float("x", 0, 1)
    n = t.suggest_int("n", 1, 10)
    c = t.suggest_categorical("c", MO_CHOICES)
    lr = t.suggest_float("lr", 1e-4, 1.0, log=True)
    i = MO_CHOICES.index(c)
    f1 = x + 0.1 * i + 0.05 * (n - 1)
    f2 = (1 - x) ** 2 + (math.log10(lr) + 2) ** 2 / 4 + (n - 5) ** 2 / 25 + [0.3, 0.0, 0.1, 0.2][i]
    return f1, f2


REFERENCE = {"mo_zdt2_6": (1.1, 11.0), "mo_mixed": (2.0, 3.5)}


def hv_gap(points, ref):
    """Area of the box [0, ref] not dominated by the points (objectives are non-negative, minimized)."""
    pts = sorted(p for p in points if p[0] < ref[0] and p[1] < ref[1])
    hv = 0.0
    best2 = ref[1]
    for f1, f2 in pts:
        if f2 < best2:
            hv += (ref[0] - f1) * (best2 - f2)
            best2 = f2
    return ref[0] * ref[1] - hv


FUNCTIONS = [
    sphere12, ellipsoid8, rosenbrock6, abs20,
    styblinski6, ackley6, levy8, hartmann6, griewank10, schwefel4,
    noisy_sphere6, noisy_rastrigin5,
    log6, step8, ints9, categorical10, hpo12, interact6,
    cond_models, cond_layers, cond_nested,
    mo_zdt2_6, mo_mixed,
]


def _cmaes_without_lr_adapt():
    """Optuna 5 passes ``lr_adapt`` to ``cmaes.CMA``, which the cmaes 0.9 package of Debian does not know; with
    ``lr_adapt=False`` (Optuna's default) dropping the argument changes nothing. (Module-level class: Optuna pickles
    the optimizer into the trials' system attributes.)"""
    import cmaes

    import inspect

    if cmaes.CMA is _CmaWithoutLrAdapt or "lr_adapt" in inspect.signature(cmaes.CMA).parameters:
        return
    _CmaWithoutLrAdapt.base = cmaes.CMA
    cmaes.CMA = _CmaWithoutLrAdapt


class _CmaWithoutLrAdapt:
    base = None

    def __new__(cls, *args, lr_adapt=False, **kwargs):
        assert not lr_adapt
        return cls.base(*args, **kwargs)


def make(sampler, seed):
    if sampler == "tpe":
        return optuna.samplers.TPESampler(seed=seed)
    if sampler == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    if sampler == "cmaes":
        _cmaes_without_lr_adapt()
        return optuna.samplers.CmaEsSampler(seed=seed)
    raise SystemExit(f"unknown sampler {sampler}")


def run_lagged(study, fn, n, lag):
    """Deterministic emulation of lag + 1 trials in flight (as Sharptune.Bench's --lag): each trial is evaluated when
    asked and told after the next lag asks, so the sampler always sees that many RUNNING trials."""
    in_flight = []
    for _ in range(n):
        trial = study.ask()
        in_flight.append((trial, fn(trial)))
        if len(in_flight) > lag:
            t, v = in_flight.pop(0)
            study.tell(t, v)
    for t, v in in_flight:
        study.tell(t, v)


def run_one(job):
    sampler, name, n, seed, lag = job
    fn = globals()[name]
    multi = name in REFERENCE
    study = optuna.create_study(directions=["minimize", "minimize"] if multi else ["minimize"], sampler=make(sampler, seed))
    if lag > 0:
        run_lagged(study, fn, n, lag)
    else:
        study.optimize(fn, n_trials=n)
    if multi:
        pts = [tuple(t.values) for t in study.get_trials(states=[optuna.trial.TrialState.COMPLETE])]
        return hv_gap(pts, REFERENCE[name])
    return study.best_value


def check():
    """Prints parameters and values of random trials of every function (`suite-check` of Sharptune.Bench compares)."""
    cases = []
    for fn in FUNCTIONS:
        multi = fn.__name__ in REFERENCE
        study = optuna.create_study(
            directions=["minimize", "minimize"] if multi else ["minimize"],
            sampler=optuna.samplers.RandomSampler(seed=1),
        )
        study.optimize(fn, n_trials=20)
        for t in study.trials:
            cases.append({"fn": fn.__name__, "params": t.params, "values": t.values})
    json.dump(cases, sys.stdout)


def main():
    args = sys.argv[1:]
    if args[0] == "--check":
        check()
        return
    sampler, n, seeds = args[0], int(args[1]), int(args[2])
    only = None
    jobs = 1
    if "--fn" in args:
        only = args[args.index("--fn") + 1].split(",")
    if "--jobs" in args:
        jobs = int(args[args.index("--jobs") + 1])
    first = int(args[args.index("--first") + 1]) if "--first" in args else 0
    lag = int(args[args.index("--lag") + 1]) if "--lag" in args else 0
    extra = [rosenbrock4, rastrigin4]  # only on request (--fn), for the CMA-ES comparison
    names = [f.__name__ for f in FUNCTIONS + extra if (only is None and f not in extra) or (only is not None and f.__name__ in only)]
    with Pool(jobs) as pool:
        for name in names:
            values = pool.map(run_one, [(sampler, name, n, s, lag) for s in range(first, first + seeds)])
            line = {"optuna": optuna.__version__, "sampler": sampler, "fn": name, "n": n}
            if lag > 0:
                line["lag"] = lag
            line.update({"median": statistics.median(values), "values": values})
            print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
