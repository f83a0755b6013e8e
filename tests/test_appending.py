"""A corpus that grows (issue 27): a load of the same folders with a few new plans reads only those plans, and its
tables are exactly those of a whole load: the same rows in the same order, the same problems, the same near
duplicates; anything it cannot grow from is loaded whole."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ttdn_analysis.corpus as corpus_module
import ttdn_analysis.loading.appending as appending
import ttdn_analysis.loading.worker as worker
from ttdn_analysis import load_corpus
from ttdn_analysis.schema import TABLES

ROOT = Path(__file__).resolve().parents[1]
PLANS = ROOT / "data" / "plans"
SEEDS = sorted(p.name for p in PLANS.iterdir() if p.suffix in (".txt", ".md"))


def _same(a, b) -> None:
    for t in TABLES:
        pd.testing.assert_frame_equal(getattr(a, t), getattr(b, t), obj=t)


@pytest.fixture
def spy(monkeypatch, tmp_path):
    """Counts the plans parsed and records whether each load grew the corpus."""
    monkeypatch.setenv("TTDN_CACHE_DIR", str(tmp_path / "cache"))
    seen = {"parsed": 0, "grown": []}
    parse = worker.parse_plan

    def counting(*a, **k):
        seen["parsed"] += 1
        return parse(*a, **k)

    grow = corpus_module.grow

    def recording(*a, **k):
        out = grow(*a, **k)
        seen["grown"].append(out is not None)
        return out

    monkeypatch.setattr(worker, "parse_plan", counting)
    monkeypatch.setattr(corpus_module, "grow", recording)
    return seen


def _folder(tmp_path: Path, names=SEEDS[:3]) -> Path:
    d = tmp_path / "plans"
    d.mkdir(exist_ok=True)
    for n in names:
        shutil.copy(PLANS / n, d / n)
    return d


def _variant(src: str, dst: Path, mark: str = "bản sao") -> Path:
    """A near copy of the seed plan *src*: its text and one line more."""
    dst.write_text((PLANS / src).read_text(encoding="utf-8") + f"\n({mark})\n", encoding="utf-8")
    return dst


def test_a_new_plan_is_read_alone_and_the_corpus_is_that_of_a_whole_load(tmp_path, spy):
    plans = _folder(tmp_path)
    load_corpus(plans)
    spy["parsed"] = 0
    _variant(SEEDS[0], plans / "dak-lak-2024-copy.txt")  # in the middle of the file order
    grown = load_corpus(plans)
    assert spy["parsed"] == 1 and spy["grown"][-1] is True
    whole = load_corpus(plans, cache=False)
    _same(grown, whole)
    assert "near_duplicate" in set(grown.problems["kind"].astype(str))  # the copy and its original are found
    spy["parsed"] = 0
    _same(load_corpus(plans), whole)  # the segment is read back as the corpus
    assert spy["parsed"] == 0


def test_several_additions_chain_segments_and_are_written_whole_after_the_last(tmp_path, spy, monkeypatch):
    monkeypatch.setattr(appending, "MAX_CHAIN", 2)
    plans = _folder(tmp_path, SEEDS)
    load_corpus(plans)
    for k, year in enumerate(("2031", "2032", "2033")):
        _variant("dak-lak-2025-ubnd-ttdn.txt", plans / f"c{k}-dak-lak-{year}.txt", mark=year)
        grown = load_corpus(plans)
        assert spy["grown"][-1] is True
        _same(grown, load_corpus(plans, cache=False))
    _same(load_corpus(plans), load_corpus(plans, cache=False))


@pytest.mark.parametrize("change", ["removed", "edited", "duplicate_before", "checks_pruned"])
def test_what_it_cannot_grow_from_is_loaded_whole(tmp_path, spy, change):
    plans = _folder(tmp_path)
    cache = tmp_path / "cache"
    load_corpus(plans)
    if change == "removed":
        (plans / SEEDS[0]).unlink()
    elif change == "edited":
        p = plans / SEEDS[1]
        p.write_text(p.read_text(encoding="utf-8") + "\nThêm một dòng.\n", encoding="utf-8")
    elif change == "duplicate_before":  # the new file comes first: the old plan would become the duplicate
        shutil.copy(plans / SEEDS[2], plans / "0-copy.txt")
    else:
        _variant(SEEDS[0], plans / "b-new.txt")
        for p in (cache / "v2" / "checks").rglob("*.zip"):
            p.unlink()
    again = load_corpus(plans)
    assert spy["grown"][-1] is False
    _same(again, load_corpus(plans, cache=False))


def test_a_later_duplicate_and_an_unreadable_file_join_a_grown_corpus(tmp_path, spy):
    plans = _folder(tmp_path)
    load_corpus(plans)
    shutil.copy(plans / SEEDS[0], plans / "zz-copy.txt")
    (plans / "zz-broken.docx").write_bytes(b"not a zip")
    grown = load_corpus(plans)
    assert spy["grown"][-1] is True
    _same(grown, load_corpus(plans, cache=False))
    assert {"duplicate", "wrong_format"} <= set(grown.problems["kind"].astype(str))


def test_candidates_keep_every_plan_that_can_share_enough():
    """A plan whose sample shares little with the new plan's cannot reach the share of a finding; one that shares
    enough, or whose sample is too small to tell, is compared."""
    rng = np.random.default_rng(7)
    base = np.unique(rng.integers(0, 2 ** 32, 20_000, dtype=np.uint64).astype(np.uint32))
    other = np.unique(rng.integers(0, 2 ** 32, 20_000, dtype=np.uint64).astype(np.uint32))
    small = base[:100]
    plans = [base[: int(len(base) * 0.85)], other, small, np.concatenate([base[:2000], other[:8000]])]
    member = np.concatenate([np.full(len(appending.sample_of(p)), i) for i, p in enumerate(plans)])
    h = np.concatenate([appending.sample_of(p) for p in plans])
    got = appending.candidates(appending.sample_of(base), member, h, len(plans)).tolist()
    assert got == [0, 2]  # contained in the new plan; too small a sample to tell; not the unrelated ones


def test_the_near_duplicate_search_finds_what_a_plain_pairwise_reading_of_its_rule_finds():
    """The sparse search (issue 27: clusters of plans filled in from one template, boilerplate in every plan) gives
    the findings of the rule read plainly: candidates share enough rare shingles (in 2 to max(5, n/20) plans),
    the share is over all shingles, the best partner wins, the first id on a tie; 32- and 64-bit shingles."""
    from collections import Counter

    from ttdn_analysis.checks import NEAR_DUPLICATE, near_duplicates

    rng = np.random.default_rng(11)
    for dtype, clusters, n in ((np.uint32, 24, 120), (np.uint64, 30, 90), (np.uint32, 16, 80)):
        base = [rng.integers(0, 2 ** 31, 300).astype(dtype) for _ in range(clusters)]
        boiler = rng.integers(0, 2 ** 31, 200).astype(dtype)
        sets = {}
        for i in range(n):
            parts = [base[i % clusters][rng.random(300) < rng.uniform(0.7, 1.0)],
                     rng.integers(0, 2 ** 31, int(rng.integers(0, 120))).astype(dtype),
                     boiler[rng.random(200) < 0.9]]
            sets[f"p{i:03d}"] = np.unique(np.concatenate(parts))
        sets["p000"] = sets["p001"].copy()  # an exact copy: a tie between partners is possible
        ids = sorted(sets)
        df = Counter(h for p in ids for h in sets[p].tolist())
        cap = max(5, len(ids) // 20)
        rare = {p: {h for h in sets[p].tolist() if 1 < df[h] <= cap} for p in ids}
        expected = {}
        for a in ids:
            best = None
            for b in ids:
                if b == a or len(rare[a] & rare[b]) / (len(rare[a]) + 1) < NEAR_DUPLICATE / 2:
                    continue
                share = len(set(sets[a].tolist()) & set(sets[b].tolist())) / len(sets[a])
                if share >= NEAR_DUPLICATE and (best is None or share > best[0]):
                    best = (share, b)
            if best is not None:
                expected[a] = best[1]
        plans = pd.DataFrame({"plan_id": ids, "source_file": [f"d/{p}.txt" for p in ids]})
        rows = near_duplicates(plans, sets, dict.fromkeys(ids, 1))
        got = {r["source_file"][2:-4]: re.search(r"\(plan (p\d+)\)", r["message"]).group(1) for r in rows}
        assert got == expected and len(got) > 5, (dtype, clusters)
