"""Writes the Python side of the artifact interop fixture with Optuna 5 (Debian's Optuna 3.1 has no
optuna.artifacts): a journal storage file, a FileSystemArtifactStore directory and expected.json, which lists the
artifact metadata get_all_artifact_meta returns for the study and for each trial, with each content's text.

Run from this directory:  PYTHONPATH=/path/to/optuna-source python3 make_artifact_fixture.py
"""
import json
import os
import shutil
import tempfile

import optuna
from optuna.artifacts import FileSystemArtifactStore, get_all_artifact_meta, upload_artifact
from optuna.storages import JournalStorage
from optuna.storages.journal import JournalFileBackend

here = os.path.dirname(os.path.abspath(__file__))
journal = os.path.join(here, "python_artifacts.log")
store_dir = os.path.join(here, "python_artifact_store")
if os.path.exists(journal):
    os.remove(journal)
shutil.rmtree(store_dir, ignore_errors=True)
os.makedirs(store_dir)

storage = JournalStorage(JournalFileBackend(journal))
store = FileSystemArtifactStore(store_dir)
study = optuna.create_study(study_name="artifacts-from-python", storage=storage, sampler=optuna.samplers.RandomSampler(seed=1))
work = tempfile.mkdtemp()


def write(name, text):
    path = os.path.join(work, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def objective(trial):
    x = trial.suggest_float("x", -5, 5)
    upload_artifact(artifact_store=store, file_path=write("model.json", json.dumps({"x": x})), study_or_trial=trial)
    if trial.number == 1:
        upload_artifact(artifact_store=store, file_path=write("notes.txt.gz", "not really gzip"), study_or_trial=trial)
        upload_artifact(artifact_store=store, file_path=write("weights.bin", "w"), study_or_trial=trial, mimetype="application/x-weights", encoding="identity")
    return x * x


study.optimize(objective, n_trials=3)
upload_artifact(artifact_store=store, file_path=write("summary.csv", "trial,value\n"), study_or_trial=study)


def describe(metas):
    out = []
    for m in metas:
        with store.open_reader(m.artifact_id) as r:
            content = r.read().decode("utf-8")
        out.append({"artifact_id": m.artifact_id, "filename": m.filename, "mimetype": m.mimetype, "encoding": m.encoding, "content": content})
    return out


expected = {
    "optuna_version": optuna.__version__,
    "study": describe(get_all_artifact_meta(study)),
    "trials": [describe(get_all_artifact_meta(t, storage=storage)) for t in study.trials],
}
with open(os.path.join(here, "python_artifacts_expected.json"), "w", encoding="utf-8") as f:
    json.dump(expected, f, indent=2)
    f.write("\n")
shutil.rmtree(work)
