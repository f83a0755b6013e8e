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
    MARKER,
    CacheError,
    CacheWarning,
    cache_info,
    clear_cache,
    entry_path,
    is_cache,
    open_cache,
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
                       "kind": ["unplaced_line"] * n, "message": [f"line {i}" for i in range(n)],
                       "page": [None] * n})
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
    assert sorted(p.name for p in root.iterdir()) == ["CACHEDIR.TAG", "my-notes.txt"]  # the marker stays


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
    from ttdn_analysis.registry.codebook import load_codebook
    from ttdn_analysis.tagging import tag_tasks
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

    import ttdn_analysis.loading.themes as themes_mod
    import ttdn_analysis.loading.worker as worker_mod
    monkeypatch.setattr(worker_mod, "parse_plan", parse)
    monkeypatch.setattr(themes_mod, "tag_tasks", tag)
    monkeypatch.setattr(themes_mod, "load_codebook", lambda: edited)
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
    import ttdn_analysis.loading.assembly as assembly_mod
    monkeypatch.setenv("TTDN_CACHE_DIR", str(tmp_path / "cache"))
    plans = _folder(tmp_path)
    (plans / "copy.md").write_text((plans / TWO[0]).read_text(encoding="utf-8") + "\n(bản sao)\n",
                                   encoding="utf-8")
    first = load_corpus(plans)
    assert "near_duplicate" in set(first.problems.kind)
    assert len(_entries(tmp_path / "cache", "checks")) == 3 + 2  # each plan's own checks, the comparison, its state
    real, calls = assembly_mod.near_duplicates, []

    def counted(plans, sets, first_line):
        calls.append(len(plans))
        return real(plans, sets, first_line)

    monkeypatch.setattr(assembly_mod, "near_duplicates", counted)
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
    import ttdn_analysis.loading.keys as keys_mod
    monkeypatch.setenv("TTDN_CACHE_DIR", str(tmp_path / "cache"))
    plans = _folder(tmp_path)
    load_corpus(plans)
    calls = []
    real_assemble, real_code = corpus_mod.assemble, keys_mod.loader_code
    monkeypatch.setattr(corpus_mod, "assemble", lambda *a, **k: calls.append(1) or real_assemble(*a, **k))
    load_corpus(plans)
    assert calls == []  # unchanged code: the corpus entry
    monkeypatch.setattr(keys_mod, "loader_code", lambda: real_code() + "-edited")  # checks.py or loading/ edited
    load_corpus(plans)
    assert calls == [1]


# --- The cache owns only what it wrote (issue 24) ----------------------------------------------------------------

def _research_folder(root: Path) -> dict[str, bytes]:
    """A user's folder with subfolders named as the cache's older layouts and even as its current one."""
    files = {"corpus/interviews.csv": b"a,b\n", "themes/notes.md": b"# themes\n",
             "0123456789abcdef0123456789abcdef/draft.docx": b"PK", "v2/plans/ab/ab12.zip": b"my zip",
             "thesis.txt": b"chapter 1"}
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return files


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_clear_and_trimming_never_touch_a_folder_the_cache_did_not_create(tmp_path):
    """Issue 24: `ttdn cache clear` with TTDN_CACHE_DIR at a research folder removed every subfolder named `corpus`,
    `themes` or 32 hex digits."""
    files = _research_folder(tmp_path)
    with pytest.raises(CacheError) as err:
        clear_cache(tmp_path)
    assert err.value.code == "cache_not_ours" and MARKER in str(err.value) and str(tmp_path) in str(err.value)
    assert prune_cache(tmp_path, limit=0) == 0
    assert not write_entry(entry_path("plans", "cd34", tmp_path), {})
    info = cache_info(tmp_path)
    assert info.problem == "cache_not_ours" and info.total == 0 and info.other_bytes == 0
    assert _tree(tmp_path) == files and not is_cache(tmp_path)


def test_clear_removes_only_entries_of_its_own_naming(tmp_path):
    root = tmp_path / "cache"
    for k in ("ab12", "ab34"):
        write_entry(entry_path("plans", k, root), {"problems": pd.DataFrame(columns=COLUMNS["problems"])})
    assert (root / MARKER).read_text(encoding="ascii").startswith("Signature: 8a477f597d28d172789f06886806bc55")
    mine = {"v2/plans/ab/notes.txt": b"mine", "v2/plans/xy/ab99.zip": b"not a shard of hex",
            "v2/other/ab/ab12.zip": b"not an area", "v2/plans/ab/AB12.zip": b"not its case"}
    for name, data in mine.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    (root / "v2" / "plans" / "ab" / "ab56.zip").symlink_to(tmp_path / "elsewhere.zip")
    (tmp_path / "elsewhere.zip").write_bytes(b"a file a link points at")
    assert cache_info(root).entries["plans"] == 2
    assert prune_cache(root, limit=1) == 2
    clear_cache(root)
    left = _tree(root)
    assert left.pop(MARKER).startswith(b"Signature:")
    assert (root / "v2" / "plans" / "ab" / "ab56.zip").is_symlink()  # a link is never the cache's own file
    assert left == {**mine, "v2/plans/ab/ab56.zip": b"a file a link points at"}
    assert (tmp_path / "elsewhere.zip").read_bytes() == b"a file a link points at"


def test_a_folder_of_files_as_cache_is_refused_and_the_load_goes_on_without_it(tmp_path, monkeypatch):
    files = _research_folder(tmp_path / "research")
    monkeypatch.setenv("TTDN_CACHE_DIR", str(tmp_path / "research"))
    plans = _folder(tmp_path)
    with pytest.warns(CacheWarning, match="no CACHEDIR.TAG marker") as seen:
        got = load_corpus(plans)
    assert seen[0].message.code == "cache_not_ours"
    _same(got, load_corpus(plans, cache=False))
    assert _tree(tmp_path / "research") == files  # nothing written, nothing removed


def test_a_file_as_cache_folder_is_a_clear_warning(tmp_path, monkeypatch):
    """Issue 24: TTDN_CACHE_DIR pointing at a file silently disabled the cache."""
    f = tmp_path / "cache.txt"
    f.write_text("a file", encoding="utf-8")
    monkeypatch.setenv("TTDN_CACHE_DIR", str(f))
    with pytest.warns(CacheWarning, match="names a file, not a folder") as seen:
        got = load_corpus(_folder(tmp_path))
    assert seen[0].message.code == "cache_is_file" and len(got.plans) == 2
    assert f.read_text(encoding="utf-8") == "a file"
    with pytest.raises(CacheError, match="not a folder"):
        clear_cache(f)


def test_a_new_or_empty_folder_becomes_the_cache_with_its_marker(tmp_path, monkeypatch):
    empty = tmp_path / "empty"
    empty.mkdir()
    for root in (empty, tmp_path / "new" / "cache"):
        monkeypatch.setenv("TTDN_CACHE_DIR", str(root))
        load_corpus(_folder(tmp_path))
        assert is_cache(root) and open_cache(root) == root
        assert cache_info(root).entries["plans"] == 2


def _foreign(path: Path, tables: dict[str, pd.DataFrame]) -> None:
    """An entry as another program (or an older version) could leave it: Arrow tables of the right names and
    columns in a ZIP, without the cache's signature."""
    import zipfile

    import pyarrow as pa
    import pyarrow.ipc as ipc
    with zipfile.ZipFile(path, "w") as zf:
        for name, df in tables.items():
            sink = pa.BufferOutputStream()
            table = pa.Table.from_pandas(df, preserve_index=False)
            with ipc.new_file(sink, table.schema) as w:
                w.write_table(table)
            zf.writestr(f"{name}.arrow", sink.getvalue().to_pybytes())


def test_foreign_and_damaged_entries_are_misses_never_a_crash(tmp_path, monkeypatch):
    """Issue 24: a foreign or corrupt entry crashed every command (or served another program's rows as tables)."""
    root = tmp_path / "cache"
    monkeypatch.setenv("TTDN_CACHE_DIR", str(root))
    plans = _folder(tmp_path)
    fresh = load_corpus(plans, cache=False)
    load_corpus(plans)
    names = {"plans": PARSE_TABLES, "themes": ("task_themes", "theme_keys"), "corpus": TABLES,
             "checks": ("problems",)}
    columns = {**COLUMNS, "theme_keys": ["theme", "fingerprint"]}
    for value in ("x", 1):  # values that do not fit the tables, values that would be served as a plan
        for area, tables in names.items():
            for p in _entries(root, area):
                _foreign(p, {t: pd.DataFrame({c: [value] for c in columns[t]}) for t in tables})
        _same(load_corpus(plans), fresh)
    corpus_entry = _entries(root, "corpus")[0]
    write_entry(corpus_entry, {t: pd.DataFrame({c: ["x"] for c in COLUMNS[t]}) for t in TABLES})  # signed, unfit
    _same(load_corpus(plans), fresh)
    for cut in (0, 10, 200, corpus_entry.stat().st_size // 2):  # truncated entries
        for p in _entries(root, "plans") + _entries(root, "corpus"):
            data = p.read_bytes()
            p.write_bytes(data[:cut])
        _same(load_corpus(plans), fresh)


def test_a_plan_edited_during_the_load_is_not_stored_under_its_old_hash(tmp_path, monkeypatch):
    """Issue 24: a plan edited while a load ran stored the new parse under the old content hash; after reverting
    the edit, the edited plan's tasks were served."""
    import ttdn_analysis.loading.worker as worker_mod
    monkeypatch.setenv("TTDN_CACHE_DIR", str(tmp_path / "cache"))
    plans = _folder(tmp_path)
    target = plans / TWO[1]
    original = target.read_bytes()
    fresh = load_corpus(plans, cache=False)
    real = worker_mod.read_plan

    def edited_while_reading(path, **kwargs):
        if Path(path) == target:  # the officer saves an edit after the loader hashed the folder
            target.write_bytes(original.replace("Sở Ngoại vụ".encode(), "Sở Tư pháp".encode()))
        return real(path, **kwargs)

    monkeypatch.setattr(worker_mod, "read_plan", edited_while_reading)
    during = load_corpus(plans)
    assert "Sở Tư pháp" in set(during.assignments.agency)
    monkeypatch.setattr(worker_mod, "read_plan", real)
    target.write_bytes(original)  # the edit reverted
    _same(load_corpus(plans), fresh)
    _same(load_corpus(plans), fresh)  # and from the cache


def test_a_transient_failure_is_never_kept_as_a_verdict(tmp_path, monkeypatch):
    """Issue 24: a MemoryError was cached as a permanent verdict on the file."""
    import ttdn_analysis.loading.worker as worker_mod
    monkeypatch.setenv("TTDN_CACHE_DIR", str(tmp_path / "cache"))
    plans = _folder(tmp_path)
    fresh = load_corpus(plans, cache=False)
    real = worker_mod.read_plan

    def out_of_memory(path, **kwargs):
        if Path(path).name == TWO[0]:
            raise MemoryError
        return real(path, **kwargs)

    monkeypatch.setattr(worker_mod, "read_plan", out_of_memory)
    failed = load_corpus(plans)
    assert "parse_failed" in set(failed.problems.kind) and len(failed.plans) == 1
    monkeypatch.setattr(worker_mod, "read_plan", real)
    _same(load_corpus(plans), fresh)


# --- Streaming assembly and incremental checks (issue 27) ---------------------------------------------------------

def test_the_corpus_assembled_from_stored_plans_has_the_tables_of_an_in_memory_assembly(tmp_path, monkeypatch):
    """Each plan's tables go to the store as parsed and the corpus is put together from the stored files (Arrow
    tables, kept compressed until their table is built and converted in slices): the same rows, in the same order
    and with the same types, as assembling the plans' DataFrames in memory."""
    import ttdn_analysis.corpus as corpus_mod
    from ttdn_analysis.loading.assembly import assemble, typed
    from ttdn_analysis.loading.worker import plan_or_message
    monkeypatch.setenv("TTDN_CACHE_DIR", str(tmp_path / "cache"))
    plans = _folder(tmp_path, sorted(p.name for p in PLANS.iterdir() if p.suffix in (".txt", ".md")))
    streamed = load_corpus(plans)  # parsed, stored, read back from the store
    for p in _entries(tmp_path / "cache", "corpus"):
        p.unlink()
    import ttdn_analysis.loading.assembly as assembly_mod
    from ttdn_analysis.cache import Packed
    real, seen = corpus_mod.stored_plan, []

    def spy(*args):
        got = real(*args)
        seen.append(got)
        return got

    monkeypatch.setattr(corpus_mod, "stored_plan", spy)
    monkeypatch.setattr(assembly_mod, "RUN_ROWS", 7)  # each table converted in many slices, then concatenated
    again = load_corpus(plans)  # every plan read from the store
    # the plans wait for the assembly compressed, all but their one-row plans table
    assert seen and all(isinstance(g["tasks"], Packed) and not isinstance(g["plans"], Packed) for g in seen)
    found, problems, _ = corpus_mod._discover(plans, False)
    ids = corpus_mod.plan_ids(f.display for f in found.files)
    from ttdn_analysis.loading.keys import Job
    jobs = [Job(f.display, ids[f.display], (), None) for f in found.files]
    frames = [plan_or_message(j) for j in jobs]  # DataFrames in memory, nothing stored
    assert all(isinstance(f, dict) and isinstance(f["tasks"], pd.DataFrame) for f in frames)
    memory = assemble(found.files, frames, problems, None)
    typed(memory)
    for t in TABLES:
        pd.testing.assert_frame_equal(getattr(streamed, t), memory[t], obj=t)
        pd.testing.assert_frame_equal(getattr(again, t), memory[t], obj=t)
    assert streamed.tasks["plan_id"].drop_duplicates().tolist() == [ids[f.display] for f in found.files]


def test_a_new_plan_is_compared_only_with_the_corpus_and_its_copy_is_found(tmp_path, monkeypatch):
    """A plan added to a folder loaded before is compared with each plan (not the whole corpus with itself): a new
    plan identical in its tasks to an old one is reported, and so is the old one, as a full comparison reports
    them; the other plans' findings stay."""
    import ttdn_analysis.loading.assembly as assembly_mod
    monkeypatch.setenv("TTDN_CACHE_DIR", str(tmp_path / "cache"))
    names = sorted(p.name for p in PLANS.iterdir() if p.suffix in (".txt", ".md"))
    plans = _folder(tmp_path, names)
    before = load_corpus(plans)
    assert "near_duplicate" not in set(before.problems.kind.astype(str))
    real, calls = assembly_mod.near_duplicates, []

    def counted(plans, sets, first_line):
        calls.append(len(plans))
        return real(plans, sets, first_line)

    monkeypatch.setattr(assembly_mod, "near_duplicates", counted)
    (plans / "zz-copy.txt").write_text((plans / names[0]).read_text(encoding="utf-8") + "\n(bản sao)\n",
                                       encoding="utf-8")
    after = load_corpus(plans)
    assert len(calls) == 2 and set(calls) == {2}  # two pairs worded (the copy and its original), no full run
    rows = after.problems[after.problems.kind == "near_duplicate"]
    assert sorted(Path(f).name for f in rows.source_file) == sorted([names[0], "zz-copy.txt"])
    assert rows.message.str.contains(Path(names[0]).stem).any()
    for p in _entries(tmp_path / "cache", "corpus") + _entries(tmp_path / "cache", "checks"):
        p.unlink()
    calls.clear()
    full = load_corpus(plans)  # the whole comparison, from nothing kept
    assert calls == [len(names) + 1]
    _same(after, full)
