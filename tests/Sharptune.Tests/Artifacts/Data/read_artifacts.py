"""Prints, as JSON, the artifacts Python Optuna lists for a study and each of its trials, with each content's text.

Usage: python3 read_artifacts.py JOURNAL_FILE STUDY_NAME STORE_DIR

With Optuna 3.2 or later it calls optuna.artifacts (get_all_artifact_meta, download_artifact). Optuna 3.1 (Debian's)
has no optuna.artifacts: it then reads the same system attributes through the storage and parses their JSON the
way get_all_artifact_meta does, and reads the content file from the FileSystemArtifactStore directory.
"""
import json
import os
import shutil
import sys
import tempfile

import optuna

journal, study_name, store_dir = sys.argv[1:4]
optuna.logging.set_verbosity(optuna.logging.WARNING)
try:
    from optuna.storages.journal import JournalFileBackend as Backend
except ImportError:  # Optuna 3.1
    from optuna.storages import JournalFileStorage as Backend
storage = optuna.storages.JournalStorage(Backend(journal))
study = optuna.load_study(study_name=study_name, storage=storage)

try:
    from optuna.artifacts import FileSystemArtifactStore, download_artifact, get_all_artifact_meta

    store = FileSystemArtifactStore(store_dir)
    api = "optuna.artifacts"

    def metas(study_or_trial):
        return [
            {"artifact_id": m.artifact_id, "filename": m.filename, "mimetype": m.mimetype, "encoding": m.encoding}
            for m in get_all_artifact_meta(study_or_trial, storage=storage)
        ]

    def content(artifact_id):
        work = tempfile.mkdtemp()
        try:
            path = os.path.join(work, "download")
            download_artifact(artifact_store=store, file_path=path, artifact_id=artifact_id)
            with open(path, "rb") as f:
                return f.read().decode("utf-8")
        finally:
            shutil.rmtree(work)

except ImportError:
    api = "system attributes"

    def metas(study_or_trial):
        attrs = study_or_trial.system_attrs
        return [json.loads(v) for k, v in attrs.items() if k.startswith("artifacts:")]

    def content(artifact_id):
        with open(os.path.join(store_dir, artifact_id), "rb") as f:
            return f.read().decode("utf-8")


def describe(items):
    return [dict(m, content=content(m["artifact_id"])) for m in items]


print(json.dumps({
    "optuna_version": optuna.__version__,
    "api": api,
    "study": describe(metas(study)),
    "trials": [describe(metas(t)) for t in study.trials],
}))
