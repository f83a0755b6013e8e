"""Shared fixtures: the seed plans shipped in data/plans, and a cache folder of the test session's own."""
import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PLANS = ROOT / "data" / "plans"
#: The shared folder beside the checkout (CI has it): hand-coded references and the development set.
SHARED = ROOT.parent / "shared"
GOLD_002 = SHARED / "gold" / "002_3d21d89fb6211e3a.json"
DEV = SHARED / "gold" / "dev"

# Before any test module imports the package: the tests never write into the user's ~/.cache/ttdn_analysis.
_SESSION_CACHE = tempfile.mkdtemp(prefix="ttdn-test-cache-")
os.environ["TTDN_CACHE_DIR"] = _SESSION_CACHE


@pytest.fixture(autouse=True)
def _own_cache(monkeypatch):
    """Every test runs with TTDN_CACHE_DIR set to the session's temporary folder (a test may point it elsewhere)."""
    monkeypatch.setenv("TTDN_CACHE_DIR", _SESSION_CACHE)
    yield


@pytest.fixture(scope="session")
def plans_dir() -> Path:
    return PLANS


@pytest.fixture(scope="session")
def corpus():
    from ttdn_analysis import load_corpus
    return load_corpus(PLANS, cache=False)


def plan_lines(name: str) -> list[str]:
    return (PLANS / name).read_text(encoding="utf-8").split("\n")


@pytest.fixture(scope="session")
def gold_002() -> Path:
    """The hand-coded reference of seed plan 002 (Đồng Nai 2024); the test is skipped, saying why, without it."""
    if not GOLD_002.is_file():
        pytest.skip(f"hand-coded reference {GOLD_002} not found (../shared is not beside the checkout)")
    return GOLD_002
