"""Shared fixtures: the seed plans shipped in data/plans."""
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PLANS = ROOT / "data" / "plans"


@pytest.fixture(scope="session")
def plans_dir() -> Path:
    return PLANS


@pytest.fixture(scope="session")
def corpus():
    from ttdn_analysis import load_corpus
    return load_corpus(PLANS, cache=False)


def plan_lines(name: str) -> list[str]:
    return (PLANS / name).read_text(encoding="utf-8").split("\n")
