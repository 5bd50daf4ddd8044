"""Writes the CLI fixtures: a journal file with deterministic studies, and the output of Optuna 5's CLI on it.

Run from the repository root with Optuna 5's source:
    TZ=UTC PYTHONPATH=/work/optuna-src /usr/bin/python3 tests/Sharptune.Cli.Tests/Fixtures/make_cli_fixtures.py
It writes cli_study.journal (the studies) and cli_outputs.json (arguments and standard output of each command).
"""

import datetime
import json
import os
import subprocess
import sys

import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.storages import JournalStorage
from optuna.storages.journal import JournalFileBackend
from optuna.trial import FrozenTrial, TrialState

HERE = os.path.dirname(os.path.abspath(__file__))
JOURNAL = os.path.join(HERE, "cli_study.journal")
OUTPUTS = os.path.join(HERE, "cli_outputs.json")

BASE = datetime.datetime(2026, 3, 14, 9, 26, 53, 589793)


def at(seconds):
    return BASE + datetime.timedelta(seconds=seconds)


def frozen(number, state, values, start, complete, params, dists, user_attrs=None):
    return FrozenTrial(
        number=number,
        state=state,
        value=None,
        values=values,
        datetime_start=start,
        datetime_complete=complete,
        params=params,
        distributions=dists,
        user_attrs=user_attrs or {},
        system_attrs={},
        intermediate_values={},
        trial_id=0,
    )


def build():
    if os.path.exists(JOURNAL):
        os.remove(JOURNAL)
    storage = JournalStorage(JournalFileBackend(JOURNAL))

    dists = {
        "lr": FloatDistribution(1e-5, 1.0, log=True),
        "layers": IntDistribution(1, 8),
        "opt": CategoricalDistribution(["adam", "sgd", "yes"]),
        "drop": FloatDistribution(0.0, 0.5, step=0.1),
    }
    single = optuna.create_study(study_name="single", storage=storage, direction="minimize")
    single.set_user_attr("owner", "ci")
    single.add_trial(frozen(0, TrialState.COMPLETE, [0.25], at(0), at(1.5),
                            {"lr": 1e-05, "layers": 3, "opt": "adam", "drop": 0.1}, dists,
                            {"note": "first run", "tags": ["a", "b"], "epochs": 10}))
    single.add_trial(frozen(1, TrialState.COMPLETE, [0.125], at(2), at(3.25),
                            {"lr": 0.0031622776601683794, "layers": 8, "opt": "yes", "drop": 0.5},
                            dists, {"note": "2026-01-01 10:00:00"}))
    single.add_trial(frozen(2, TrialState.PRUNED, None, at(4), at(64),
                            {"lr": 0.5, "layers": 1}, {"lr": dists["lr"], "layers": dists["layers"]}))
    single.add_trial(frozen(3, TrialState.FAIL, None, at(70), at(90070.000001),
                            {"opt": "sgd"}, {"opt": dists["opt"]}))
    single.add_trial(frozen(4, TrialState.COMPLETE, [float("inf")], at(100), at(100),
                            {"lr": 1.0, "layers": 2, "opt": "sgd", "drop": 0.0}, dists))
    single.add_trial(frozen(5, TrialState.RUNNING, None, at(200), None, {}, {}))

    multi = optuna.create_study(study_name="multi", storage=storage, directions=["minimize", "maximize"])
    xd = {"x": FloatDistribution(-5.0, 5.0)}
    multi.add_trial(frozen(0, TrialState.COMPLETE, [1.0, 2.0], at(10), at(11), {"x": 1.5}, xd))
    multi.add_trial(frozen(1, TrialState.COMPLETE, [0.5, 1.0], at(12), at(13), {"x": -2.25}, xd))
    multi.add_trial(frozen(2, TrialState.COMPLETE, [2.0, 1.0], at(14), at(15), {"x": 4.0}, xd))
    multi.add_trial(frozen(3, TrialState.FAIL, None, at(16), at(17), {"x": 0.0}, xd))

    named = optuna.create_study(study_name="named metrics", storage=storage, directions=["maximize", "minimize"])
    named.set_metric_names(["accuracy", "latency"])
    named.add_trial(frozen(0, TrialState.COMPLETE, [0.9, 12.5], at(20), at(21), {"x": 0.5}, xd))
    named.add_trial(frozen(1, TrialState.COMPLETE, [0.95, 30.0], at(22), at(23), {"x": 1.0}, xd))

    optuna.create_study(study_name="empty", storage=storage, direction="maximize")


def cli(args):
    env = dict(os.environ)
    env.pop("OPTUNA_STORAGE", None)
    code = "import sys; from optuna.cli import main; sys.exit(main())"
    result = subprocess.run([sys.executable, "-c", code] + args, env=env, capture_output=True, text=True)
    return result.returncode, result.stdout


def main():
    build()
    cases = []
    storage = ["--storage", JOURNAL]
    names = ["single", "multi", "named metrics"]
    for fmt in ["value", "json", "yaml"]:
        cases.append(["study-names", "-f", fmt])
        for flatten in [[], ["--flatten"]]:
            cases.append(["studies", "-f", fmt] + flatten)
            for name in names:
                cases.append(["trials", "--study-name", name, "-f", fmt] + flatten)
                cases.append(["best-trials", "--study-name", name, "-f", fmt] + flatten)
            cases.append(["best-trial", "--study-name", "single", "-f", fmt] + flatten)
            cases.append(["trials", "--study-name", "empty", "-f", fmt] + flatten)
    space = json.dumps({
        "c": {"name": "CategoricalDistribution", "attributes": {"choices": ["only"]}},
        "f": {"name": "FloatDistribution", "attributes": {"low": 1.5, "high": 1.5, "log": False, "step": None}},
        "i": {"name": "IntDistribution", "attributes": {"low": 7, "high": 7, "log": False, "step": 1}},
    })
    for fmt in ["value", "json", "yaml"]:
        for flatten in [[], ["--flatten"]]:
            cases.append(["ask", "--study-name", "empty", "--search-space", space, "-f", fmt] + flatten)
            cases.append(["ask", "--study-name", "empty", "-f", fmt] + flatten)

    outputs = []
    for args in cases:
        # Asks add trials: every case runs on a fresh copy of the journal built above.
        tmp = JOURNAL + ".tmp"
        with open(JOURNAL, "rb") as src, open(tmp, "wb") as dst:
            dst.write(src.read())
        code, out = cli(args + ["--storage", tmp])
        os.remove(tmp)
        if code != 0:
            raise SystemExit(f"optuna {' '.join(args)} failed with {code}")
        outputs.append({"args": args, "stdout": out})
    with open(OUTPUTS, "w") as f:
        json.dump({"optuna": optuna.__version__, "cases": outputs}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
