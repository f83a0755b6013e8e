"""Dependencies run one way: every import in the package (module level and inside functions) goes down the layers,
and none closes a cycle; loading a corpus imports no plotting, notebook or machine-learning library."""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "ttdn_analysis"

#: The layers, lowest first (text/schema/labels → registry → ingest → parse → tagging → cache/checks/loading/corpus →
#: analysis → plotting/io → report → cli): a module may import its own layer or a lower one, never a higher one. The
#: longest matching prefix decides; a package's ``__init__`` sits in the lowest layer of its modules (it runs whenever
#: any of them is imported), except the package root, which is the public facade on top.
LAYERS: dict[str, int] = {
    "ttdn_analysis._version": 0, "ttdn_analysis.text": 0, "ttdn_analysis.schema": 0, "ttdn_analysis.labels": 0,
    "ttdn_analysis.messages": 0,
    "ttdn_analysis.registry": 1,
    "ttdn_analysis.ingest": 2,
    "ttdn_analysis.parse": 3,
    "ttdn_analysis.tagging": 4,
    "ttdn_analysis.cache": 5, "ttdn_analysis.checks": 5, "ttdn_analysis.loading": 5, "ttdn_analysis.corpus": 5,
    "ttdn_analysis.analysis": 6,
    "ttdn_analysis.plotting": 7, "ttdn_analysis.io": 7,
    "ttdn_analysis.report": 8,
    "ttdn_analysis.cli": 9, "ttdn_analysis.__main__": 9,
}
TOP = 9

#: Libraries that loading a corpus must not import (charts, notebook machinery, machine learning).
HEAVY = ("plotly", "nbclient", "nbconvert", "nbformat", "papermill", "sklearn", "IPython")


@dataclass(frozen=True)
class Edge:
    importer: str
    imported: str
    line: int


def modules_of(src: Path, package: str) -> dict[str, Path]:
    """Dotted module name -> file, for every ``.py`` under *src* (the folder of *package*)."""
    out = {}
    for f in sorted(src.rglob("*.py")):
        parts = list(f.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join([package, *parts])] = f
    return out


def _target(name: str, modules: dict[str, Path]) -> str | None:
    """The package module *name* refers to (itself, or its nearest enclosing module), or None if outside."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def import_edges(modules: dict[str, Path]) -> list[Edge]:
    """Every import of a package module by a package module, wherever it is written in the file."""
    edges = []
    for mod, path in modules.items():
        is_pkg = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = mod if is_pkg else mod.rpartition(".")[0]
                    for _ in range(node.level - 1):
                        base = base.rpartition(".")[0]
                    stem = f"{base}.{node.module}" if node.module else base
                else:
                    stem = node.module or ""
                # "from pkg import sub" imports the submodule when there is one, else a name of pkg
                names = [f"{stem}.{a.name}" if f"{stem}.{a.name}" in modules else stem for a in node.names]
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and node.func.attr == "import_module" and node.args
                  and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                names = [node.args[0].value]
            for name in names:
                target = _target(name, modules)
                if target is not None and target != mod:
                    edges.append(Edge(mod, target, node.lineno))
    return edges


def layer_of(mod: str, modules: dict[str, Path], layers: dict[str, int], root: str, top: int) -> int | None:
    """The layer of *mod* (None when no layer names it)."""
    if mod == root:
        return top
    if modules[mod].name == "__init__.py":
        inner = [layer_of(m, modules, layers, root, top) for m in modules if m.startswith(mod + ".")]
        known = [x for x in inner if x is not None]
        if known:
            return min(known)
    match = max((p for p in layers if mod == p or mod.startswith(p + ".")), key=len, default=None)
    return layers[match] if match else None


def check(src: Path, package: str, layers: dict[str, int], top: int) -> tuple[list[str], list[str], list[str]]:
    """(modules no layer names, upward imports, import cycles) of the package in *src*, as readable lines."""
    modules = modules_of(src, package)
    edges = import_edges(modules)
    lay = {m: layer_of(m, modules, layers, package, top) for m in modules}
    unlisted = sorted(m for m, x in lay.items() if x is None)
    upward = sorted(f"{e.importer} (layer {lay[e.importer]}) imports {e.imported} (layer {lay[e.imported]}) "
                    f"at line {e.line}" for e in edges
                    if lay[e.importer] is not None and lay[e.imported] is not None
                    and lay[e.imported] > lay[e.importer])
    g = nx.DiGraph((e.importer, e.imported) for e in edges)
    cycles = sorted(" -> ".join(sorted(c)) for c in nx.strongly_connected_components(g) if len(c) > 1)
    return unlisted, upward, cycles


def test_every_module_has_a_layer():
    unlisted, _, _ = check(ROOT / PACKAGE, PACKAGE, LAYERS, TOP)
    assert unlisted == [], f"add these modules to LAYERS in {Path(__file__).name}: {unlisted}"


def test_no_upward_import():
    _, upward, _ = check(ROOT / PACKAGE, PACKAGE, LAYERS, TOP)
    assert upward == [], "imports against the layers:\n" + "\n".join(upward)


def test_no_import_cycle():
    _, _, cycles = check(ROOT / PACKAGE, PACKAGE, LAYERS, TOP)
    assert cycles == [], "import cycles:\n" + "\n".join(cycles)


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_the_check_finds_upward_imports_cycles_and_unlisted_modules(tmp_path):
    """The walker itself: an import inside a function, a relative import, a package __init__ that re-exports an
    upper module, importlib with a literal, a cycle and a module no layer names are all caught."""
    src = _write(tmp_path / "pkg", {
        "__init__.py": "",
        "low/__init__.py": "",
        "low/a.py": "def f():\n    from pkg.high import b\n",              # upward, inside a function
        "low/c.py": "from . import a\n",                                    # relative, same layer: fine
        "mid/__init__.py": "from pkg.mid.top_part import X\n",              # __init__ takes mid.base's layer
        "mid/base.py": "",
        "mid/top_part.py": "X = 1\n",
        "high/__init__.py": "",
        "high/b.py": "import importlib\nimportlib.import_module('pkg.high.d')\n",
        "high/d.py": "from pkg.high.b import *\n",                          # b <-> d: a cycle
        "stray.py": "",
    })
    layers = {"pkg.low": 0, "pkg.mid.base": 1, "pkg.mid.top_part": 2, "pkg.high": 3}
    unlisted, upward, cycles = check(src, "pkg", layers, 9)
    assert unlisted == ["pkg.stray"]
    assert upward == ["pkg.low.a (layer 0) imports pkg.high.b (layer 3) at line 2",
                      "pkg.mid (layer 1) imports pkg.mid.top_part (layer 2) at line 1"]
    assert cycles == ["pkg.high.b -> pkg.high.d"]


def test_loading_a_corpus_imports_no_heavy_library(tmp_path):
    code = ("import sys, ttdn_analysis as t\n"
            "c = t.load_corpus('data/plans')\n"          # cold: parses and tags, fills the cache
            "c = t.load_corpus('data/plans')\n"          # warm: from the cache
            "assert len(c.plans) == 5, c.plans\n"
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n")
    env = {**os.environ, "TTDN_CACHE_DIR": str(tmp_path / "cache")}
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.strip() == "[]", f"load_corpus imported {run.stdout.strip()}"


@pytest.mark.parametrize("name", ["graphs", "themes", "compare", "citations", "timeline", "agencies", "provinces",
                                  "lineage", "plots"])
def test_documented_namespaces_still_import(name):
    import ttdn_analysis

    assert getattr(ttdn_analysis, name).__name__.startswith("ttdn_analysis.")
