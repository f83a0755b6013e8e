"""The loader's cache: validated entries (a wrong schema is a miss and is rewritten), atomic writes, a size cap with
least-recently-used pruning, info and clear, and tagging cached apart from the parse."""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest

from ttdn_analysis import load_corpus
from ttdn_analysis.cache import (
    cache_info,
    clear_cache,
    entry_path,
    prune_cache,
    read_entry,
    write_entry,
)
from ttdn_analysis.schema import COLUMNS, PARSE_TABLES, TABLES

ROOT = Path(__file__).resolve().parents[1]
PLANS = ROOT / "data" / "plans"
TWO = ["dong-nai-2024-ubnd-ttdn.md", "gia-lai-2025-ubnd-ttdn.txt"]


def _folder(tmp_path: Path, names=TWO) -> Path:
    d = tmp_path / "plans"
    d.mkdir(exist_ok=True)
    for n in names:
        shutil.copy(PLANS / n, d / n)
    return d


def _entries(root: Path, area: str) -> list[Path]:
    return sorted((root / "v2" / area).rglob("*.zip"))


def _same(a, b) -> None:
    for t in TABLES:
        pd.testing.assert_frame_equal(getattr(a, t), getattr(b, t), obj=t)


def test_entries_of_a_wrong_schema_are_misses_and_are_rewritten(tmp_path, monkeypatch):
    """Issue 14 item 7: a valid file with the wrong schema crashed the load (KeyError) or dropped a plan for good."""
    root = tmp_path / "cache"
    monkeypatch.setenv("TTDN_CACHE_DIR", str(root))
    plans = _folder(tmp_path)
    fresh = load_corpus(plans, cache=False)
    load_corpus(plans)
    for p in _entries(root, "corpus"):
        p.unlink()
    stale = _entries(root, "plans")
    assert len(stale) == 2
    old = {"plans": pd.DataFrame({"plan_id": ["x"], "source_file": [""]}),  # an older schema: no content_hash
           "tasks": pd.DataFrame({"plan_id": ["x"], "task_id": ["x:1"]})}
    write_entry(stale[0], old)
    stale[1].write_bytes(b"PK\x03\x04 cut off")  # a damaged entry
    again = load_corpus(plans)
    _same(again, fresh)
    for p in stale:  # both replaced by valid entries
        assert read_entry(p, PARSE_TABLES) is not None
    corpus_entry = _entries(root, "corpus")[0]
    write_entry(corpus_entry, {t: pd.DataFrame({"x": [1]}) for t in TABLES})  # a corpus entry of another schema
    _same(load_corpus(plans), fresh)
    assert read_entry(corpus_entry, TABLES) is not None


def test_cache_hits_give_the_tables_of_a_fresh_load(tmp_path, monkeypatch):
    monkeypatch.setenv("TTDN_CACHE_DIR", str(tmp_path / "cache"))
    plans = _folder(tmp_path)
    fresh = load_corpus(plans, cache=False)
    _same(load_corpus(plans), fresh)   # fills the cache
    _same(load_corpus(plans), fresh)   # the corpus entry
    for p in _entries(tmp_path / "cache", "corpus"):
        p.unlink()
    _same(load_corpus(plans), fresh)   # the plans' and themes' entries


def test_a_failed_write_leaves_no_file(tmp_path):
    path = entry_path("plans", "abcdef", tmp_path)
    assert not write_entry(path, {"plans": pd.DataFrame({"x": [object()]})})  # Arrow cannot hold it
    assert not path.exists() and list(path.parent.iterdir()) == []


def test_the_cache_stays_under_its_cap_least_recently_used_first(tmp_path, monkeypatch):
    """Issue 14 item 8: the cache grew forever (2,000 plans: 186 MB in 12,006 files)."""
    root = tmp_path / "cache"
    n = 20_000
    df = pd.DataFrame({"source_file": ["p.txt"] * n, "line": range(n), "severity": ["info"] * n,
                       "kind": ["unplaced_line"] * n, "message": [f"line {i}" for i in range(n)]})
    keys = ["aa01", "aa02", "aa03", "aa04"]
    for k in keys:
        write_entry(entry_path("plans", k, root), {"problems": df})
    size = cache_info(root).total
    now = time.time()
    for i, k in enumerate(keys):  # aa01 used longest ago ... aa04 just now
        os.utime(entry_path("plans", k, root), (now - 100 + i, now - 100 + i))
    assert read_entry(entry_path("plans", "aa01", root), ["problems"]) is not None  # a hit: the most recent now
    (entry_path("plans", "aa09", root).parent / "aa09.zip.x1.tmp").write_bytes(b"debris")
    old = entry_path("plans", "aa09", root).parent / "aa09.zip.x1.tmp"
    os.utime(old, (now - 7200, now - 7200))
    removed = prune_cache(root, limit=int(size * 0.3))
    left = sorted(p.name for p in _entries(root, "plans"))
    assert removed == 3 and left == ["aa01.zip"] and not old.exists()
    monkeypatch.setenv("TTDN_CACHE_DIR", str(root))
    monkeypatch.setenv("TTDN_CACHE_MAX_MB", "0.05")
    load_corpus(_folder(tmp_path))
    assert cache_info(root).total <= 0.05 * 2 ** 20


def test_info_and_clear_touch_only_the_cache(tmp_path):
    root = tmp_path / "cache"
    write_entry(entry_path("themes", "ab12", root), {"task_themes": pd.DataFrame(columns=COLUMNS["task_themes"])})
    (root / "0123456789abcdef0123456789abcdef").mkdir(parents=True)  # an older layout's entry
    (root / "0123456789abcdef0123456789abcdef" / "plans.parquet").write_bytes(b"x" * 100)
    (root / "my-notes.txt").write_text("not the cache's", encoding="utf-8")
    info = cache_info(root)
    assert info.entries["themes"] == 1 and info.other_bytes == 100
    assert "themes: 1 entries" in str(info)
    assert clear_cache(root) == info.total + 100
    assert sorted(p.name for p in root.iterdir()) == ["my-notes.txt"]


def _edited(codebook, how: str):
    """The codebook with one theme's terms extended, one theme dropped, or one theme added (a copy)."""
    import dataclasses

    from ttdn_analysis.registry.codebook import Codebook
    themes = list(codebook.themes)
    if how == "term":
        themes[0] = dataclasses.replace(themes[0], terms=(*themes[0].terms, "thông tin đối ngoại"))
    elif how == "drop":
        themes = themes[1:]
    elif how == "add":
        themes.append(dataclasses.replace(themes[0], key="zz_new", terms=("kế hoạch",)))
    major, minor, n = codebook.version.split(".")
    return Codebook(version=f"{major}.{minor}.{int(n) + 1}", themes=themes, path=codebook.path, focus=codebook.focus)


@pytest.mark.parametrize("how", ["term", "drop", "add"])
def test_a_codebook_edit_retags_only_the_changed_themes_and_equals_a_full_tagging(tmp_path, monkeypatch, how):
    """Issue 15: tagging is cached apart from the parse (and per theme), so an edit to themes.toml re-tags without
    parsing again, and only the themes whose definition changed."""
    import ttdn_analysis.corpus as corpus_mod
    from ttdn_analysis.analysis.tagging import tag_tasks
    from ttdn_analysis.registry.codebook import load_codebook
    monkeypatch.setenv("TTDN_CACHE_DIR", str(tmp_path / "cache"))
    plans = _folder(tmp_path)
    first = load_corpus(plans)
    edited = _edited(load_codebook(), how)
    tagged: list[list[str]] = []

    def parse(*args, **kwargs):
        raise AssertionError("parsed again")

    def tag(tasks, codebook=None):
        tagged.append([t.key for t in codebook.themes])
        return tag_tasks(tasks, codebook)

    monkeypatch.setattr(corpus_mod, "parse_plan", parse)
    monkeypatch.setattr(corpus_mod, "tag_tasks", tag)
    monkeypatch.setattr(corpus_mod, "load_codebook", lambda: edited)
    monkeypatch.setattr(corpus_mod, "tagging_fingerprint", lambda: "an-edited-codebook")
    again = load_corpus(plans)
    expect = {"term": [[edited.themes[0].key]] * 2, "drop": [], "add": [["zz_new"]] * 2}[how]
    assert tagged == expect
    full = pd.concat([tag_tasks(first.tasks[first.tasks.plan_id == pid].astype({"province": object,
                      "merged_province": object, "level": object}), edited) for pid in first.plans.plan_id],
                     ignore_index=True)
    got = again.task_themes.astype(dict.fromkeys(("theme", "focus", "province", "merged_province", "level"), object))
    full = full[got.columns].astype(dict.fromkeys(("theme", "focus", "province", "merged_province", "level"), object))
    full["year"] = full["year"].astype("Int64")
    full["source_file"] = full["source_file"].astype(str)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), full, check_dtype=False)
    pd.testing.assert_frame_equal(again.tasks, first.tasks)
    if how != "drop":  # the edit matters: rows of the edited theme changed
        key = expect[0][0]
        assert not again.task_themes[again.task_themes.theme == key].reset_index(drop=True).equals(
            first.task_themes[first.task_themes.theme == key].reset_index(drop=True))
    assert set(again.task_themes.codebook_version) == {edited.version}


def test_a_parallel_load_through_the_cache_gives_the_tables_of_a_fresh_load(tmp_path, monkeypatch):
    """Workers store each plan's tables and the loading process reads them back as Arrow tables (one conversion
    per table for the whole corpus); the result is the same, types included, as a load without the cache."""
    from ttdn_analysis.corpus import PARALLEL_FROM
    monkeypatch.setenv("TTDN_CACHE_DIR", str(tmp_path / "cache"))
    d = tmp_path / "many"
    d.mkdir()
    texts = [(PLANS / n).read_text(encoding="utf-8") for n in TWO]
    for i in range(PARALLEL_FROM):
        (d / f"plan-{i:02d}.md").write_text(texts[i % 2] + f"\n(bản {i})\n", encoding="utf-8")
    fresh = load_corpus(d, cache=False, workers=1)
    _same(load_corpus(d, workers=2), fresh)  # parsed by workers, read back from the cache
    for p in _entries(tmp_path / "cache", "corpus"):
        p.unlink()
    _same(load_corpus(d, workers=2), fresh)  # every plan a cache hit, read without workers


def test_the_checks_across_plans_are_kept_until_the_plans_change(tmp_path, monkeypatch):
    """The arrival checks (near duplicates above all) depend on the plans only: a reload after a codebook edit
    takes their findings from the cache; a changed plan runs them again."""
    import ttdn_analysis.corpus as corpus_mod
    monkeypatch.setenv("TTDN_CACHE_DIR", str(tmp_path / "cache"))
    plans = _folder(tmp_path)
    (plans / "copy.md").write_text((plans / TWO[0]).read_text(encoding="utf-8") + "\n(bản sao)\n",
                                   encoding="utf-8")
    first = load_corpus(plans)
    assert "near_duplicate" in set(first.problems.kind)
    assert len(_entries(tmp_path / "cache", "checks")) == 1
    real, calls = corpus_mod.check_rows, []

    def counted(tables):
        calls.append(len(tables["plans"]))
        return real(tables)

    monkeypatch.setattr(corpus_mod, "check_rows", counted)
    for p in _entries(tmp_path / "cache", "corpus"):
        p.unlink()
    _same(load_corpus(plans), first)
    assert calls == []  # the findings came from the cache
    (plans / "copy.md").write_text("KẾ HOẠCH\nThông tin đối ngoại năm 2026\n", encoding="utf-8")
    changed = load_corpus(plans)
    assert calls == [3] and "near_duplicate" not in set(changed.problems.kind)


def test_an_edit_to_the_checks_code_is_a_corpus_cache_miss(tmp_path, monkeypatch):
    """The corpus entry is keyed by the code that assembles and checks the corpus too, not only the parser's:
    a changed check is run again instead of a stale problems table being served."""
    import ttdn_analysis.corpus as corpus_mod
    monkeypatch.setenv("TTDN_CACHE_DIR", str(tmp_path / "cache"))
    plans = _folder(tmp_path)
    load_corpus(plans)
    calls = []
    real_rows, real_hash = corpus_mod.check_rows, corpus_mod._code_hash
    monkeypatch.setattr(corpus_mod, "check_rows", lambda tables: calls.append(1) or real_rows(tables))
    load_corpus(plans)
    assert calls == []  # unchanged code: the corpus entry
    monkeypatch.setattr(corpus_mod, "_code_hash", lambda p: real_hash(p) + ("-edited" if "checks" in str(p) else ""))
    load_corpus(plans)
    assert calls == [1]
