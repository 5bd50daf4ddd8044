"""Reads every study and trial note of a SQLite storage with optuna-dashboard's own note code and prints them as JSON.

Used to check that notes Sharptune writes are read back by optuna-dashboard (see README.md next to this file):

    PYTHONPATH=/work/optuna-src /usr/bin/python3 \
        tests/Sharptune.Dashboard.Tests/Data/read_notes_with_optuna_dashboard.py /tmp/sharptune-notes.db /work/optuna-dashboard-src
"""
import importlib.util
import json
import os
import sys

import optuna

db, dashboard_src = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "/work/optuna-dashboard-src"
spec = importlib.util.spec_from_file_location("_note", os.path.join(dashboard_src, "optuna_dashboard", "_note.py"))
note = importlib.util.module_from_spec(spec)
spec.loader.exec_module(note)

storage = optuna.storages.RDBStorage("sqlite:///" + db)
out = []
for summary in storage.get_all_studies():
    study = optuna.load_study(study_name=summary.study_name, storage=storage)
    trial = lambda t: optuna.Trial(study, t._trial_id)
    out.append({
        "study_name": study.study_name,
        "study_note": note.get_note(study),
        "trial_notes": {str(t.number): note.get_note(trial(t)) for t in study.get_trials(deepcopy=False)},
    })
print(json.dumps(out, ensure_ascii=False, indent=2))
