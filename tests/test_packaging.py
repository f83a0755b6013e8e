"""Packaging: a lean core with extras, no upper caps, the version in one place, every subpackage and data file in
the wheel; a wheel installed into a fresh environment runs ``ttdn report`` outside the checkout."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
CORE = {"pandas", "pyarrow", "networkx", "scikit-learn", "scipy", "pyvi", "tqdm"}


def _name(requirement: str) -> str:
    return re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0].lower()


def test_core_is_lean_and_extras_hold_the_rest():
    core = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    assert core == CORE
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert {"formats", "xlsx", "reports", "lab", "test", "all"} <= set(extras)
    assert {"python-docx", "pypdf", "beautifulsoup4", "cryptography", "pypdfium2", "pytesseract", "pillow"} == {
        _name(r) for r in extras["formats"]}
    assert {"plotly", "papermill", "nbconvert", "nbclient", "ipykernel"} <= {_name(r) for r in extras["reports"]}
    assert "jupyterlab" in {_name(r) for r in extras["lab"]}
    assert {"ruff", "mypy", "pytest", "nbval"} <= {_name(r) for r in extras["test"]}


def test_no_upper_caps():
    requirements = PYPROJECT["project"]["dependencies"] + [
        r for rs in PYPROJECT["project"]["optional-dependencies"].values() for r in rs]
    assert [r for r in requirements if "<" in r or "==" in r] == []


def test_version_in_one_place():
    from ttdn_analysis._version import __version__

    assert "version" not in PYPROJECT["project"] and "version" in PYPROJECT["project"]["dynamic"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "ttdn_analysis._version.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)


def test_every_subpackage_and_data_folder_is_packaged():
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    found = {".".join(p.relative_to(ROOT).parts) for p in (ROOT / "ttdn_analysis").rglob("*")
             if p.is_dir() and p.name != "__pycache__" and any(p.iterdir())}
    assert found - listed == set(), "add to [tool.setuptools] packages"
    assert "ttdn_analysis.notebooks" in listed
    assert PYPROJECT["tool"]["setuptools"]["package-dir"] == {"ttdn_analysis.notebooks": "notebooks"}


def test_constraints_pin_the_core():
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[name.lower().replace("_", "-")] = version
    assert CORE | {"plotly", "papermill", "nbconvert", "ipykernel", "openpyxl"} <= set(pins)
    assert all(re.fullmatch(r"[\w.+!-]+", v) for v in pins.values())


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    run = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(out)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    [whl] = out.glob("ttdn_analysis-*.whl")
    return whl


@pytest.mark.slow
def test_wheel_holds_code_data_and_notebooks(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for sub in ("analysis", "ingest", "io", "parse", "plotting", "registry", "report"):
        assert f"ttdn_analysis/{sub}/__init__.py" in names, sub
    for f in (ROOT / "ttdn_analysis" / "registry" / "data").iterdir():
        assert f"ttdn_analysis/registry/data/{f.name}" in names, f.name
    assert "ttdn_analysis/labels.toml" in names
    for nb in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        assert f"ttdn_analysis/notebooks/{nb.name}" in names, nb.name
    assert not any(n.startswith(("tests/", "data/", "bench/")) for n in names)


@pytest.mark.slow
def test_wheel_in_a_fresh_environment_runs_the_report(wheel, tmp_path):
    """Outside the checkout: the fresh environment gets the wheel, and the dependencies of this one through a .pth
    file and JUPYTER_PATH (nbconvert's templates are data files of its prefix) -- no network at test time -- so that
    only the package itself comes from the wheel."""
    venv = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    run = subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (Path(site) / "_deps_of_the_test_env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    work = tmp_path / "elsewhere"
    shutil.copytree(ROOT / "data" / "plans", work / "plans")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env |= {"TTDN_CACHE_DIR": str(tmp_path / "cache"), "PATH": f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
            "JUPYTER_PATH": str(Path(sys.prefix) / "share" / "jupyter")}
    where = subprocess.run([str(python), "-c", "import ttdn_analysis; print(ttdn_analysis.__file__)"], cwd=work,
                           capture_output=True, text=True, env=env, check=True).stdout.strip()
    assert where.startswith(str(venv)), where
    report = subprocess.run([str(venv / "bin" / "ttdn"), "report", "--data", "plans", "--out", "out"], cwd=work,
                            capture_output=True, text=True, env=env, timeout=900)
    assert report.returncode == 0, report.stderr[-3000:]
    assert sorted(p.name for p in (work / "out").iterdir()) == [
        "01_corpus_overview.html", "02_agency_networks.html", "03_theme_coverage.html", "04_leadership_brief.html",
        "index.html"]
    assert "gia-lai-2025-ubnd-ttdn.txt" in (work / "out" / "04_leadership_brief.html").read_text(encoding="utf-8")
