"""The cmaes package alone on rosenbrock4 or rastrigin4 (ask/tell on [0, 1]^4, centre start, sigma 1/6, 40 resamplings
as Optuna's CmaEsSampler passes, first evaluation random, 1000 evaluations), optionally reseeding the optimizer's
generator before every ask as Optuna's CmaEsSampler does (randint(1, 2**16) + evaluation number).

Usage: python3 bench/cma_pure_loop.py rosenbrock4|rastrigin4 SEEDS [reseed]
Prints the median and the sorted best values (the CMA-ES discussion in bench/README.md, issue 21)."""
import math
import statistics
import sys

import numpy as np
from cmaes import CMA


def rastrigin(x):
    return 40 + sum(v * v - 10 * math.cos(2 * math.pi * v) for v in x)


def rosenbrock(x):
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(3))


def main():
    fn, lo, hi = (rastrigin, -5.12, 5.12) if sys.argv[1] == "rastrigin4" else (rosenbrock, -2, 2)
    reseed = len(sys.argv) > 3 and sys.argv[3] == "reseed"
    res = []
    for seed in range(int(sys.argv[2])):
        rng = np.random.RandomState(seed)
        best = fn(rng.uniform(lo, hi, 4))
        opt = CMA(mean=np.full(4, 0.5), sigma=1 / 6, bounds=np.array([[0.0, 1.0]] * 4), seed=seed + 1, n_max_resampling=40)
        n = 1
        while n < 1000:
            sols = []
            for _ in range(opt.population_size):
                if reseed:
                    opt._rng.seed(rng.randint(1, 2**16) + n)
                x = opt.ask()
                v = fn(lo + (hi - lo) * x)
                n += 1
                best = min(best, v)
                sols.append((x, v))
                if n >= 1000:
                    break
            if len(sols) == opt.population_size:
                opt.tell(sols)
        res.append(best)
    print(sys.argv[1:], "median", statistics.median(res))
    print(sorted(res))


if __name__ == "__main__":
    main()
