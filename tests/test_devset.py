"""The development set of other provinces' plans (../shared/gold/dev): extraction quality against hand coding.

Thresholds of the issue "Read the genre, not the five seeds": tasks F1 ≥ 0.97, assignments F1 ≥ 0.93, co-assignment
edges F1 ≥ 0.90, metadata ≥ 0.95 — measured with the project's shared scorer (../shared/eval), the plans copied on
their own into a folder (the .json and README must not be read as plans), with a fresh parse cache.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from conftest import DEV, ROOT, SHARED

EVAL = SHARED / "eval"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (DEV.is_dir() and (EVAL / "score.py").is_file()),
                       reason="../shared/gold/dev and ../shared/eval are not beside the checkout"),
]


def test_development_set_scores(tmp_path, monkeypatch):
    plans = tmp_path / "plans"
    plans.mkdir()
    for f in sorted(DEV.glob("*.txt")):
        shutil.copy(f, plans / f.name)
    pred = tmp_path / "pred.json"
    env = {"TTDN_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, str(EVAL / "predict.py"), str(plans), str(pred)], cwd=ROOT, env=env, check=True)
    assert json.loads(pred.read_text(encoding="utf-8"))["ok"]
    out = subprocess.run([sys.executable, str(EVAL / "score.py"), str(pred), "--gold", str(DEV), "--json"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    scores = json.loads(next(line for line in out.splitlines() if line.startswith("{")))
    assert scores["tasks_f1"] >= 0.97, out
    assert scores["assignments_f1"] >= 0.93, out
    assert scores["edges_f1"] >= 0.90, out
    assert scores["metadata_acc"] >= 0.95, out
