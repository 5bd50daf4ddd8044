"""Multi-objective quality of Optuna's samplers: median hypervolume of the Pareto front after N trials on ZDT1,
ZDT2 and ZDT3 (10-D, reference point [1.1, 11]) over several seeds. Same functions and output as
`dotnet run -c Release --project bench/Sharptune.Bench -- hypervolume`.
Usage: python3 optuna_hypervolume.py SAMPLER N_TRIALS SEEDS [FNS]   (SAMPLER: nsga2 | nsga3 | random | tpe)
Prints one JSON line per function: {"optuna":..., "fn":..., "n":..., "median_hv":..., "ms_per_trial":..., "values":[...]}"""
import json, math, statistics, sys, time
import optuna
optuna.logging.set_verbosity(optuna.logging.WARNING)

def zdt(kind):
    def f(t):
        x = [t.suggest_float(f"x{i}", 0, 1) for i in range(10)]
        f1 = x[0]; g = 1 + 9 * sum(x[1:]) / 9
        if kind == 1: h = 1 - math.sqrt(f1 / g)
        elif kind == 2: h = 1 - (f1 / g) ** 2
        else: h = 1 - math.sqrt(f1 / g) - (f1 / g) * math.sin(10 * math.pi * f1)
        return f1, g * h
    f.__name__ = f"zdt{kind}"
    return f

def hv2(points, r):
    pts = sorted(p for p in points if p[0] < r[0] and p[1] < r[1])
    hv, last = 0.0, r[1]
    for p in pts:
        if p[1] < last:
            hv += (r[0] - p[0]) * (last - p[1]); last = p[1]
    return hv

def make(s, seed):
    S = optuna.samplers
    if s == "nsga2": return S.NSGAIISampler(seed=seed)
    if s == "nsga3": return S.NSGAIIISampler(seed=seed)
    if s == "random": return S.RandomSampler(seed=seed)
    if s == "tpe": return S.TPESampler(seed=seed)
    raise SystemExit("unknown sampler")

if __name__ == "__main__":
    s, n, seeds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    fns = sys.argv[4].split(",") if len(sys.argv) > 4 else ["zdt1", "zdt2", "zdt3"]
    for name in fns:
        fn = zdt(int(name[-1])); vals = []; t0 = time.time()
        for seed in range(seeds):
            st = optuna.create_study(sampler=make(s, seed), directions=["minimize", "minimize"])
            st.optimize(fn, n_trials=n)
            vals.append(hv2([t.values for t in st.best_trials], (1.1, 11.0)))
        dt = time.time() - t0
        print(json.dumps({"optuna": optuna.__version__, "sampler": s, "fn": name, "n": n, "median_hv": statistics.median(vals),
                          "ms_per_trial": dt / (n * seeds) * 1000, "values": vals}), flush=True)
