"""Pure cmaes (ask/tell, [0,1]-normalised, first evaluation random) on rastrigin4 over 60 seeds: the reference
distribution for the CMA-ES quality discussion in bench/README.md. Run: PYTHONPATH=<cmaes checkout> python3 bench/cma_pure_reference.py"""
import numpy as np, math, sys
from cmaes import CMA
def rastrigin(x): return 40 + sum(v*v - 10*math.cos(2*math.pi*v) for v in x)
res = []
for seed in range(60):
    rng = np.random.RandomState(seed)
    best = rastrigin(rng.uniform(-5.12, 5.12, 4))
    opt = CMA(mean=np.full(4, 0.5), sigma=1/6, bounds=np.array([[0.0, 1.0]]*4), seed=seed+1, n_max_resampling=40)
    n = 1
    while n < 1000:
        sols = []
        for _ in range(opt.population_size):
            x = opt.ask(); v = rastrigin(-5.12 + 10.24 * x); n += 1
            best = min(best, v); sols.append((x, v))
            if n >= 1000: break
        if len(sols) == opt.population_size: opt.tell(sols)
    res.append(best)
res.sort()
print("median60", (res[29]+res[30])/2, "mean", np.mean(res), "<=2.99", sum(r < 2.99 for r in res))
