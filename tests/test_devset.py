"""The development set of other provinces' plans (../shared/gold/dev): extraction quality against hand coding.

Thresholds of issue 22 ("The genre, not the examples"), on d01–d16: tasks F1 ≥ 0.97, assignments F1 ≥ 0.95,
co-assignment edges F1 ≥ 0.93, themes F1 ≥ 0.93, metadata ≥ 0.97 — measured with the project's shared scorer
(../shared/eval) as the development set's README says: the plans copied on their own into a folder (the .json and
README must not be read as plans), a fresh parse cache, d11, d12, d14 and d16 matched by outline id.

A plan that cannot be read on this machine for a reason outside the parser — the scanned d11 without the OCR
engine, the .doc d16 without LibreOffice — is left out of the figures and named in the test's output (a
warning), never scored as zero nor passed silently; every other plan must load. The thresholds are the issue's,
whatever is left out.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import warnings

import pytest
from conftest import DEV, ROOT, SHARED

EVAL = SHARED / "eval"
THRESHOLDS = {"tasks_f1": 0.97, "assignments_f1": 0.95, "edges_f1": 0.93, "themes_f1": 0.93, "metadata_acc": 0.97}
PATH_DOCS = "d11,d12,d14,d16"
#: Plans that need a tool outside the parser to be read at all, and the problem kinds that say it is missing.
NEEDS_TOOL = {"d11": ("no_text_layer", "OCR (tesseract with Vietnamese)"),
              "d16": ("no_converter", "LibreOffice (soffice) to convert the .doc")}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (DEV.is_dir() and (EVAL / "score.py").is_file()),
                       reason="../shared/gold/dev and ../shared/eval are not beside the checkout"),
]


def test_development_set_scores(tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    for f in sorted(DEV.glob("d[0-9][0-9]_*")):
        if f.suffix in (".txt", ".md", ".html", ".pdf", ".doc"):
            shutil.copy(f, plans / f.name)
    pred = tmp_path / "pred.json"
    env = {"TTDN_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, str(EVAL / "predict.py"), str(plans), str(pred)], cwd=ROOT, env=env, check=True)
    result = json.loads(pred.read_text(encoding="utf-8"))
    assert result["ok"], result.get("error")
    stems = sorted(p.stem for p in DEV.glob("d[0-9][0-9]_*.json"))
    loaded = {p["plan_id"] for p in result["plans"]}
    missing = [s for s in stems if s not in loaded]
    # a plan left out only when the tool it needs is missing here, as its problem row says; any other is a failure
    from ttdn_analysis import load_corpus
    problems = load_corpus(plans, cache=False).problems if missing else None
    excluded = []
    for stem in missing:
        need = NEEDS_TOOL.get(stem[:3])
        said = need is not None and problems is not None and bool(
            (problems.source_file.astype(str).str.contains(stem) & (problems.kind == need[0])).any())
        assert said, f"{stem} did not load, and not for want of a tool outside the parser"
        excluded.append(f"{stem} (needs {need[1]})")
    if excluded:
        warnings.warn("development set scored without " + ", ".join(excluded), stacklevel=1)
    docs = ",".join(s for s in stems if s in loaded)
    out = subprocess.run([sys.executable, str(EVAL / "score.py"), str(pred), "--gold", str(DEV), "--json",
                          "--docs", docs, "--path-docs", PATH_DOCS],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    scores = json.loads(next(line for line in out.splitlines() if line.startswith("{")))
    for metric, minimum in THRESHOLDS.items():
        assert scores[metric] >= minimum, (metric, scores[metric], f"excluded: {excluded}", out)
