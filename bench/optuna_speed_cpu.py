"""optuna_speed.py's cmaes and nsga2 workloads, reporting wall and CPU (process) time, so runs on a shared machine can
be compared on CPU time as well. Usage: python3 optuna_speed_cpu.py cmaes|nsga2"""
import math, sys, time
import optuna
optuna.logging.set_verbosity(optuna.logging.WARNING)

def sphere(tr, d=5): return sum((tr.suggest_float(f'x{i}', -5, 5) - 1) ** 2 for i in range(d))
def zdt1(tr):
    x = [tr.suggest_float(f'x{i}', 0, 1) for i in range(10)]
    f1 = x[0]; g = 1 + 9 * sum(x[1:]) / 9
    return f1, g * (1 - math.sqrt(f1 / g))

def run(name, sampler, n, obj=sphere, directions=None):
    kw = dict(sampler=sampler)
    if directions: kw['directions'] = directions
    s = optuna.create_study(**kw)
    t, c = time.time(), time.process_time(); s.optimize(obj, n_trials=n); dt, dc = time.time() - t, time.process_time() - c
    print(f'{optuna.__version__}\t{name}\t{n}\t{dt:.3f}s\t{dt / n * 1000:.3f}ms/trial\tcpu {dc / n * 1000:.3f}ms/trial', flush=True)

w = sys.argv[1]
S = optuna.samplers
if w == 'cmaes': run('cmaes-sphere5', S.CmaEsSampler(seed=0), 1000)
elif w == 'nsga2': run('nsga2-zdt1', S.NSGAIISampler(seed=0), 5000, obj=zdt1, directions=['minimize', 'minimize'])
else: raise SystemExit('unknown workload')
