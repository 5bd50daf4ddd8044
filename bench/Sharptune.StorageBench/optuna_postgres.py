"""Optuna on PostgreSQL with 4 worker processes (psycopg2), the workload of Sharptune.StorageBench "postgres":
random sampler, 5-dimensional sphere, 250 trials per worker. Prints trials per second (process start included).
Usage: python3 optuna_postgres.py postgresql://user:pass@host/db"""
import multiprocessing as mp
import sys
import time
import uuid

import optuna
import psycopg2

optuna.logging.set_verbosity(optuna.logging.WARNING)


def sphere(tr, d=5):
    return sum((tr.suggest_float(f"x{i}", -5, 5) - 1) ** 2 for i in range(d))


def worker(url, n):
    study = optuna.load_study(study_name="bench", storage=url, sampler=optuna.samplers.RandomSampler())
    study.optimize(sphere, n_trials=n)


if __name__ == "__main__":
    base = sys.argv[1]
    schema = "optbench_" + uuid.uuid4().hex[:10]
    dsn = base.replace("postgresql://", "postgres://")
    con = psycopg2.connect(base)
    con.autocommit = True
    con.cursor().execute(f"CREATE SCHEMA {schema}")
    url = base + ("&" if "?" in base else "?") + "options=-csearch_path%3D" + schema
    try:
        optuna.create_study(study_name="bench", storage=url)
        workers, n = 4, 250
        t = time.time()
        ps = [mp.Process(target=worker, args=(url, n)) for _ in range(workers)]
        for p in ps:
            p.start()
        for p in ps:
            p.join()
        dt = time.time() - t
        print(f"{optuna.__version__}\trandom-sphere5-postgres-{workers}workers\t{workers * n}\t{dt:.3f}s\t{workers * n / dt:.1f} trials/s", flush=True)
    finally:
        con.cursor().execute(f"DROP SCHEMA {schema} CASCADE")
