"""The corpus a researcher gets: provenance valid for the current call, unique plan ids, a keyword-only Corpus,
manifest faults as problem rows, typed tables, the catalogue of problem kinds, the per-plan summary."""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from ttdn_analysis import load_corpus
from ttdn_analysis.corpus import Corpus, plan_ids
from ttdn_analysis.schema import PROBLEM_KINDS, TABLES, problem_kinds_table

ROOT = Path(__file__).resolve().parents[1]
PLANS = ROOT / "data" / "plans"
SEED = PLANS / "dong-nai-2024-ubnd-ttdn.md"
TWO = ["dong-nai-2024-ubnd-ttdn.md", "gia-lai-2025-ubnd-ttdn.txt"]


def _sources(c) -> set[str]:
    out = set(c.files)
    for t in TABLES:
        df = getattr(c, t)
        if "source_file" in df.columns:
            out |= set(df["source_file"].dropna().astype(str))
    return out


def test_source_file_is_valid_for_the_current_call_after_cache_hits(tmp_path, monkeypatch):
    """Issue 13 item 1: loaded from notebooks/ once, the root then showed '../data/plans/…' paths."""
    monkeypatch.setenv("TTDN_CACHE_DIR", str(tmp_path / "cache"))
    plans = tmp_path / "data" / "plans"
    plans.mkdir(parents=True)
    for name in TWO:
        shutil.copy(PLANS / name, plans / name)
    (plans / "notes.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100))  # a problem row's file too
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")
    first = load_corpus("../data/plans")
    assert all(s.startswith("../data/plans/") for s in _sources(first))
    monkeypatch.chdir(tmp_path)
    hit = load_corpus("data/plans")  # the corpus entry
    assert all(s.startswith("data/plans/") and Path(s).exists() for s in _sources(hit)), _sources(hit)
    assert len(hit.plans) == 2 and len(_sources(hit)) == 3
    shutil.copy(PLANS / "dak-lak-2025-ubnd-ttdn.txt", plans / "dak-lak-2025-ubnd-ttdn.txt")
    monkeypatch.chdir(tmp_path / "notebooks")
    mixed = load_corpus(Path("..") / "data" / "plans")  # a new corpus: two plans' entries and one new plan
    assert all(s.startswith("../data/plans/") and Path(s).exists() for s in _sources(mixed)), _sources(mixed)
    for t in ("plans", "tasks", "assignments", "task_themes", "citations"):
        df = getattr(mixed, t)
        by_plan = df.groupby("plan_id")["source_file"].agg(set)
        assert all(len(v) == 1 and Path(next(iter(v))).stem == pid for pid, v in by_plan.items()), t


def test_plan_ids_are_unique_when_file_stems_collide(tmp_path):
    """Issue 13 item 2: plan.txt and plan.md shared one id; their tasks merged and task_ids collided."""
    shutil.copy(SEED, tmp_path / "plan.md")
    shutil.copy(PLANS / "gia-lai-2025-ubnd-ttdn.txt", tmp_path / "plan.txt")
    c = load_corpus(tmp_path, cache=False)
    assert sorted(c.plans.plan_id) == ["plan_md", "plan_txt"]
    assert c.tasks.task_id.is_unique
    single = {n: len(load_corpus([p], cache=False).tasks) for n, p in (("plan_md", SEED),
                                                                      ("plan_txt", PLANS / TWO[1]))}
    assert dict(zip(c.summary().plan_id, c.summary().tasks)) == single


def test_plan_ids_are_stable_and_unique_across_folders(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    files = [str(tmp_path / "a" / "plan.txt"), str(tmp_path / "b" / "plan.txt"), str(tmp_path / "a" / "x.md")]
    ids = plan_ids(files)
    assert len(set(ids.values())) == 3 and ids[files[2]] == "x"
    assert all(re.fullmatch(r"plan_txt_[0-9a-f]{6}", ids[f]) for f in files[:2])
    assert plan_ids(files) == ids  # the same on every call


def test_corpus_is_built_by_keyword_and_select_keeps_every_table(corpus):
    """Issue 13 item 4: a positional argument put the file list into Corpus.citations."""
    with pytest.raises(TypeError):
        Corpus(corpus.plans, corpus.tasks, corpus.assignments, corpus.task_themes, corpus.problems)  # type: ignore[misc]
    sel = corpus.select(provinces="Gia Lai")
    ids = set(sel.plans.plan_id)
    assert ids and all(set(getattr(sel, t).plan_id) <= ids for t in TABLES if t != "problems")
    assert isinstance(sel.citations, pd.DataFrame) and len(sel.citations) > 0
    assert sel.files == [f for f in corpus.files if f in set(sel.plans.source_file)]
    assert set(sel.plans.province.cat.categories) == {"Gia Lai"}


def test_manifest_faults_are_rows_and_the_plans_still_load(tmp_path):
    """Issue 13 item 7: an extra field crashed the load, a bad year dropped the plan, a non-UTF-8 manifest and a row
    naming a missing file said nothing."""
    for name in TWO:
        shutil.copy(PLANS / name, tmp_path / name)
    (tmp_path / "manifest.csv").write_bytes(
        ("file,year,level,title\n"
         f"{TWO[0]},2O24,province,Đăng tin\n"
         f"{TWO[1]},2026,province,Đăng tin,thêm\n"
         "missing.txt,2024,,\n").encode("cp1258"))
    c = load_corpus(tmp_path, cache=False)
    assert len(c.plans) == 2
    rows = c.problems[c.problems.kind == "manifest"]
    assert set(rows.source_file.map(lambda s: Path(s).name)) == {"manifest.csv"}
    said = {0 if pd.isna(line) else int(line): msg for line, msg in zip(rows.line, rows.message)}
    assert "Windows-1258" in said[0]
    assert "year '2O24' is not a year" in said[2]
    assert "the header has 4" in said[3]
    assert "'missing.txt'" in said[4] and "not among the plans" in said[4]
    years = dict(zip(c.plans.plan_id, c.plans.year))
    assert years["dong-nai-2024-ubnd-ttdn"] == 2024  # the plan's own year, not the bad value
    assert years["gia-lai-2025-ubnd-ttdn"] == 2026  # the usable values of the long row are used


def test_tables_are_typed_and_the_corpus_prints_short(corpus, tmp_path):
    """Issue 13 item 10."""
    assert pd.api.types.is_datetime64_any_dtype(corpus.plans["date"])
    assert pd.api.types.is_datetime64_any_dtype(corpus.citations["date"])
    assert pd.api.types.is_datetime64_any_dtype(corpus.tasks["time_start"])
    assert pd.api.types.is_datetime64_any_dtype(corpus.tasks["time_end"])
    for t, cols in {"plans": ["province", "level"], "assignments": ["province", "role"],
                    "task_themes": ["theme", "focus"], "problems": ["kind", "severity"]}.items():
        for col in cols:
            assert isinstance(getattr(corpus, t)[col].dtype, pd.CategoricalDtype), (t, col)
    assert list(corpus.plans.province.cat.categories) == list(corpus.tasks.province.cat.categories)
    assert corpus.plans.set_index("plan_id").loc["dong-nai-2024-ubnd-ttdn", "date"] == pd.Timestamp("2023-11-08")
    assert repr(corpus).startswith("Corpus(5 plans, 89 tasks, ") and "\n" not in repr(corpus)
    from ttdn_analysis.io.tables import export_corpus
    export_corpus(corpus, tmp_path, "csv")
    lines = pd.read_csv(tmp_path / "tasks.csv", encoding="utf-8-sig")["text_lines"]
    assert not lines.astype(str).str.startswith("[").any() and lines.astype(str).str.match(r"^\d+(, \d+)*$").all()


def test_readme_lists_exactly_the_catalogue_of_problem_kinds():
    """Issue 13 item 11: the README's list of kinds is checked against schema.PROBLEM_KINDS."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- problem-kinds -->\n(.*?)<!-- /problem-kinds -->", text, re.S)
    assert block, "README has no <!-- problem-kinds --> block"
    listed = re.findall(r"^\| `([a-z_]+)` \| (error|warning|info) \|", block.group(1), re.M)
    assert dict(listed) == {k: v.severity for k, v in PROBLEM_KINDS.items()}
    assert block.group(1) == problem_kinds_table(), "paste schema.problem_kinds_table() into README's block"


def test_every_problem_row_is_of_a_catalogued_kind(corpus, tmp_path):
    shutil.copy(SEED, tmp_path / SEED.name)
    (tmp_path / "x.bin").write_bytes(bytes(range(256)))
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "sub").mkdir()
    for c in (corpus, load_corpus(tmp_path, cache=False)):
        assert set(c.problems.kind.astype(str)) <= set(PROBLEM_KINDS)
        assert set(c.problems.severity.astype(str)) <= {"error", "warning", "info"}


def test_tests_do_not_write_into_the_users_cache():
    """Issue 13 item 12: an autouse fixture points TTDN_CACHE_DIR at a temporary folder."""
    from ttdn_analysis.cache import cache_dir
    assert not cache_dir().resolve().is_relative_to((Path.home() / ".cache").resolve())
    assert os.environ["TTDN_CACHE_DIR"] == str(cache_dir())


def test_summary_has_the_lead_share_and_the_problems_by_kind(corpus):
    """Issue 12: corpus.summary() shows per plan the share of tasks with a lead and the problems by kind."""
    s = corpus.summary().set_index("plan_id")
    a, t = corpus.assignments, corpus.tasks
    for pid, row in s.iterrows():
        led = a[(a.plan_id == pid) & (a.role == "lead")].task_id.nunique()
        assert row.lead_share == round(led / (t.plan_id == pid).sum(), 3)
        src = corpus.plans.set_index("plan_id").loc[pid, "source_file"]
        kinds = corpus.problems[corpus.problems.source_file == src].kind.astype(str).value_counts()
        assert row.problems_by_kind == ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
        assert row.problems == kinds.sum()
    assert (s.lead_share < 1).any()  # the seeds have tasks without a lead (no_lead rows)


# ---------------------------------------------------------------------------------------------------------------
# The per-file budget (issue 24) and the streaming loader (issue 27)


def _slow_in_worker(job):
    """A worker task (runs in a worker process): a plan named 'stuck-*' blocks the worker's own timer and sleeps,
    as code that never returns to Python would; 'hungry-*' asks for 4 GiB; the others load."""
    import signal
    import time

    import ttdn_analysis.loading.worker as worker_mod
    name = Path(job.path).name
    if name.startswith("stuck"):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(120)
    if name.startswith("hungry"):
        real = worker_mod.read_plan

        def hungry(path, **kwargs):
            worker_mod.read_plan = real
            return bytearray(4 * 2 ** 30)

        worker_mod.read_plan = hungry
    return worker_mod.run_stored(job)


def _budget_jobs(folder: Path, seconds: float, memory: int):
    from ttdn_analysis.loading.keys import Job
    return [Job(str(p), p.stem, (), None, seconds=seconds, memory=memory) for p in sorted(folder.glob("*.txt"))]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX worker processes")
def test_a_worker_past_its_budget_is_stopped_and_the_file_gets_too_slow_or_too_large(tmp_path, monkeypatch):
    """Issue 24: the budget is enforced by the process that parses the file: a worker that asks for more memory
    than its cap gets too_large, one stuck past its time budget is stopped by the loading process (too_slow), and
    every other plan of the load is read."""
    import time

    from ttdn_analysis.loading import scheduling
    from ttdn_analysis.loading.worker import Failed
    monkeypatch.setattr(scheduling, "GRACE", 1.0)
    text = (PLANS / "gia-lai-2025-ubnd-ttdn.txt").read_text(encoding="utf-8")
    for i in range(scheduling.PARALLEL_FROM):
        (tmp_path / f"p{i:03d}.txt").write_text(text + f"\n(bản {i})\n", encoding="utf-8")
    (tmp_path / "stuck.txt").write_text(text + "\n(stuck)\n", encoding="utf-8")
    (tmp_path / "hungry.txt").write_text(text + "\n(hungry)\n", encoding="utf-8")
    jobs = _budget_jobs(tmp_path, seconds=2.0, memory=512 * 2 ** 20)
    t0 = time.monotonic()
    results = scheduling.parse_all(jobs, 2, _slow_in_worker)
    by_name = {Path(j.path).name: r for j, r in zip(jobs, results)}
    assert by_name["stuck.txt"] == Failed("too_slow", by_name["stuck.txt"].message)
    assert "took over 2 s" in by_name["stuck.txt"].message
    assert isinstance(by_name["hungry.txt"], Failed) and by_name["hungry.txt"].kind == "too_large"
    assert "512 MiB" in by_name["hungry.txt"].message
    assert all(isinstance(r, dict) for n, r in by_name.items() if n.startswith("p")), by_name
    assert time.monotonic() - t0 < 100  # stopped, not waited for (it sleeps 120 s)


def test_a_slow_file_read_in_this_process_is_too_slow_never_cached(tmp_path, monkeypatch):
    """The time budget holds in the loading process too (a few plans): the file is one too_slow row, the other
    plan loads, and the verdict is not kept (the next load reads the file)."""
    import time

    import ttdn_analysis.loading.worker as worker_mod
    monkeypatch.setenv("TTDN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("TTDN_FILE_MAX_SECONDS", "5")
    plans = tmp_path / "plans"
    plans.mkdir()
    for n in TWO:
        shutil.copy(PLANS / n, plans / n)
    real = worker_mod.read_plan

    def slow(path, **kwargs):
        if Path(path).name == TWO[0]:
            time.sleep(60)
        return real(path, **kwargs)

    monkeypatch.setattr(worker_mod, "read_plan", slow)
    c = load_corpus(plans)
    rows = c.problems[c.problems.kind == "too_slow"]
    assert rows.source_file.map(lambda s: Path(s).name).tolist() == [TWO[0]]
    assert "took over 5 s" in rows.message.iloc[0]
    assert c.plans.source_file.map(lambda s: Path(s).name).tolist() == [TWO[1]]
    monkeypatch.setattr(worker_mod, "read_plan", real)
    again = load_corpus(plans)
    assert "too_slow" not in set(again.problems.kind) and len(again.plans) == 2


def test_a_load_without_the_cache_streams_through_a_spill_folder_and_leaves_nothing(tmp_path, monkeypatch):
    """Without the cache, workers write each plan's tables to the load's own folder and send back only True; the
    tables are those of a load in this process, and the folder is gone afterwards."""
    import tempfile

    from ttdn_analysis.loading import scheduling
    text = SEED.read_text(encoding="utf-8")
    for i in range(scheduling.PARALLEL_FROM):
        (tmp_path / f"plan-{i:02d}.md").write_text(text + f"\n(bản {i})\n", encoding="utf-8")
    sent = []
    real = scheduling._round

    def spy(jobs, todo, n, run, ping=False, tick=None):
        done, lost, usable = real(jobs, todo, n, run, ping, tick)
        sent.extend(done.values())
        return done, lost, usable

    monkeypatch.setattr(scheduling, "_round", spy)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    streamed = load_corpus(tmp_path, cache=False, workers=2)
    assert sent and all(r is True for r in sent)  # no tables sent between processes
    assert list((tmp_path / "tmp").iterdir()) == []
    alone = load_corpus(tmp_path, cache=False, workers=1)
    for t in TABLES:
        pd.testing.assert_frame_equal(getattr(streamed, t), getattr(alone, t))


def test_progress_names_the_plan_being_read_and_is_silent_off_a_terminal(monkeypatch, capsys):
    from ttdn_analysis.loading import scheduling
    monkeypatch.setenv("TTDN_PROGRESS", "1")
    names = [f"d/plan-{i}.txt" for i in range(30)]

    def slowly(items):
        import time
        for x in items:
            time.sleep(0.02)  # past tqdm's refresh interval, so that the bar is drawn with the plan's name
            yield x

    assert list(scheduling.progress(slowly(names), len(names), str)) == names
    err = capsys.readouterr().err
    assert "plans" in err and re.search(r"plan-\d+\.txt", err)
    monkeypatch.setenv("TTDN_PROGRESS", "0")
    assert list(scheduling.progress(names, len(names), str)) == names
    assert capsys.readouterr().err == ""
    monkeypatch.delenv("TTDN_PROGRESS")
    monkeypatch.delitem(__import__("sys").modules, "ipykernel", raising=False)
    list(scheduling.progress(names, len(names), str))
    assert capsys.readouterr().err == ""  # pytest's captured stderr is no terminal
