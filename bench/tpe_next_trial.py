"""Next-trial draws of Optuna's default TPESampler on a fixed history (compare with `Sharptune.Bench suite-draws`).

Usage: tpe_next_trial.py FUNCTION N_HISTORY N_DRAWS > out.json

Runs FUNCTION of tpe_quality_suite.py for N_HISTORY trials (TPESampler(seed=12345)), then for seeds 0 … N_DRAWS − 1
asks one more trial with a fresh TPESampler(seed=s), runs the function on it and fails the trial (so it does not
count). Prints the history and the parameters of every draw: the end-to-end sampling of the next trial (which
parameters are sampled jointly, which on their own, with which trials), not only the estimators.
"""
import json
import sys

import optuna

import tpe_quality_suite as suite


def record(name, n_hist, n_draw):
    """The history of FUNCTION after n_hist trials and the parameters of n_draw next-trial draws (seeds 0 … n_draw − 1)."""
    fn = getattr(suite, name)
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=12345))
    study.optimize(fn, n_trials=n_hist)
    history = [
        {
            "params": t.params,
            "distributions": {k: optuna.distributions.distribution_to_json(d) for k, d in t.distributions.items()},
            "value": t.value,
        }
        for t in study.trials
    ]
    draws = []
    for s in range(n_draw):
        study.sampler = optuna.samplers.TPESampler(seed=s)
        trial = study.ask()
        fn(trial)
        draws.append(trial.params)
        study.tell(trial, state=optuna.trial.TrialState.FAIL)
    return history, draws


def main():
    name, n_hist, n_draw = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    history, draws = record(name, n_hist, n_draw)
    json.dump({"optuna": optuna.__version__, "fn": name, "history": history, "draws": draws}, sys.stdout)


if __name__ == "__main__":
    main()
