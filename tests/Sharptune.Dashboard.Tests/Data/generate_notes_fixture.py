"""Writes notes_fixture.db and notes_fixture.json: study and trial notes saved by optuna-dashboard's own note code.

Run from the repository root (optuna-dashboard's package needs bottle, so its _note module is loaded by path):

    PYTHONPATH=/work/optuna-src /usr/bin/python3 \
        tests/Sharptune.Dashboard.Tests/Data/generate_notes_fixture.py /work/optuna-dashboard-src

The SQLite file holds one study ("noted") of four trials. optuna-dashboard's save_note writes the study note twice
(so its version is 2 and the shorter second body leaves an emptied chunk behind), a 5,000-character trial note (three
chunks of at most 2045 characters) and a short non-ASCII trial note; trial 3 has none. The JSON file lists what
optuna-dashboard's get_note reads back, which the test compares with what Sharptune reads.
"""
import importlib.util
import json
import os
import sys

import optuna

here = os.path.dirname(os.path.abspath(__file__))
dashboard_src = sys.argv[1] if len(sys.argv) > 1 else "/work/optuna-dashboard-src"
spec = importlib.util.spec_from_file_location("_note", os.path.join(dashboard_src, "optuna_dashboard", "_note.py"))
note = importlib.util.module_from_spec(spec)
spec.loader.exec_module(note)

db = os.path.join(here, "notes_fixture.db")
if os.path.exists(db):
    os.remove(db)
optuna.logging.set_verbosity(optuna.logging.WARNING)
study = optuna.create_study(study_name="noted", storage="sqlite:///" + db, sampler=optuna.samplers.RandomSampler(seed=1))
study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=4)
trials = study.get_trials(deepcopy=False)

long_body = "".join(f"line {i:04d}: the quick brown fox\n" for i in range(5000 // 29 + 1))[:5000]
note.save_note(study, "# First draft\n\n" + "x" * 3000)
note.save_note(study, "## Study note\n\nSaved twice by optuna-dashboard; the second body is shorter.")
note.save_note(optuna.Trial(study, trials[0]._trial_id), long_body)
note.save_note(optuna.Trial(study, trials[1]._trial_id), "Trial 1: *très* bien — 試行 ✓")
note.save_note(optuna.Trial(study, trials[2]._trial_id), "")

attrs = study._storage.get_study_system_attrs(study._study_id)
expected = {
    "optuna_version": optuna.__version__,
    "study_name": "noted",
    "study_note": note.get_note_from_system_attrs(attrs, None),
    "trial_notes": [
        {"number": t.number, "trial_id": t._trial_id, "note": note.get_note_from_system_attrs(attrs, t._trial_id)}
        for t in trials
    ],
}
with open(os.path.join(here, "notes_fixture.json"), "w", encoding="utf-8") as f:
    json.dump(expected, f, ensure_ascii=False, indent=2)
    f.write("\n")
print(f"wrote {db} and notes_fixture.json with optuna {optuna.__version__}")
