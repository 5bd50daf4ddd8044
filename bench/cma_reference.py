"""Reference values for CmaEsSamplerTests.UpdatesMatchTheCmaesPackageOnFixedSolutions: the cmaes package (CyberAgentAILab,
HEAD, for lr_adapt) told three fixed generations. Run: PYTHONPATH=<cmaes checkout> python3 bench/cma_reference.py"""
import numpy as np, json
from cmaes import CMA, SepCMA, CMAwM
def sols(n, lam, shift):
    out = []
    for k in range(lam):
        x = np.array([((0.137 * (k + 1) * (i + 2) + shift) % 1.0) for i in range(n)])
        out.append((x, float(((x - 0.3) ** 2).sum())))
    return out
res = {}
for name, ctor in [("cma", lambda: CMA(mean=np.full(3, 0.5), sigma=1/6, bounds=np.array([[0,1]]*3), seed=1)),
                   ("sep", lambda: SepCMA(mean=np.full(3, 0.5), sigma=1/6, bounds=np.array([[0,1]]*3), seed=1)),
                   ("lra", lambda: CMA(mean=np.full(3, 0.5), sigma=1/6, bounds=np.array([[0,1]]*3), seed=1, lr_adapt=True))]:
    opt = ctor()
    for g in range(3):
        opt.tell(sols(3, opt.population_size, 0.05 * g))
    C = opt._C if name != "sep" else opt._C
    res[name] = {"mean": opt._mean.tolist(), "sigma": float(opt._sigma), "C": np.asarray(C).tolist(), "ps": opt._p_sigma.tolist(), "pc": opt._pc.tolist()}
opt = CMAwM(mean=np.full(3, 0.5), sigma=1/6, bounds=np.array([[0,1]]*3), steps=np.array([0.0, 0.25, 0.1]), seed=1)
for g in range(3):
    opt.tell(sols(3, opt.population_size, 0.05 * g))
res["margin"] = {"mean": opt._cma._mean.tolist(), "sigma": float(opt._cma._sigma), "A": opt._A.tolist(), "C": opt._cma._C.tolist()}
print(json.dumps(res))
