"""Hostile and pathological input: each case is built here, small on disk, and ends in a clean result or a
problem row — never a crash, never a lost plan, never work that grows faster than the file.

Times and peak memory of the large cases are recorded in bench/RESULTS.md (``bench/bench_hostile.py``), not
asserted here; these tests check the behaviour (and count work where growth is the defect).
"""
from __future__ import annotations

import io
import os
import shutil
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ttdn_analysis import load_corpus
from ttdn_analysis.ingest.html import html_lines
from ttdn_analysis.ingest.limits import MAX_LINES, MiB
from ttdn_analysis.ingest.read import read_plan
from ttdn_analysis.parse import lines as lines_mod


def test_rejoining_keys_each_character_a_bounded_number_of_times(monkeypatch):
    """Issue 14 item 4: re-joining a long field list re-keyed the growing line at every join (quadratic)."""
    keyed = []
    real = lines_mod.line_key

    def counting(s: str) -> str:
        keyed.append(len(s))
        return real(s)

    monkeypatch.setattr(lines_mod, "line_key", counting)
    work = {}
    for n in (1_000, 2_000):
        keyed.clear()
        raw = ["Đơn vị chủ trì: Sở Thông tin và Truyền thông"] * n
        out = lines_mod.prepare_lines(raw)
        assert len(out) == 1 and out[0].start == 1 and out[0].end == n  # one field wrapped over n lines
        assert out[0].text == " ".join(raw)
        work[n] = sum(keyed)
    assert work[2_000] <= 2.1 * work[1_000]  # linear: twice the lines, twice the work (it was four times)
    assert work[2_000] <= 8 * 2_000 * len(raw[0])  # a few passes over each character (it was about 1,000)


_FRAGMENTS = ["Đơn vị chủ trì:", "Sở Thông tin và Truyền thông", "của", "(", ")", "“", "”", "kinh-", "A-", "II.",
              "1.", "- xã hội", "x" * 44, "Nơi nhận", "¹ chú thích", "ngày 2 tháng 3 năm 2024", "CHỮ HOA"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_FRAGMENTS), min_size=1, max_size=4).map(" ".join), max_size=60))
def test_rejoined_lines_keep_every_physical_line_once(raw):
    out = lines_mod.prepare_lines(raw)
    skipped = {ln.start for ln in out if ln.skip}  # footnotes and chrome: own lines, a wrap may span them
    covered = sorted([i for ln in out if not ln.skip for i in range(ln.start, ln.end + 1) if i not in skipped]
                     + sorted(skipped))
    assert covered == [i for i, r in enumerate(raw, 1) if lines_mod.clean_line(r)]
    for ln in out:  # the logical text is its physical lines, in order, joined by one space or none
        parts = [lines_mod.clean_line(raw[i - 1]) for i in range(ln.start, ln.end + 1)
                 if (i not in skipped or ln.skip) and lines_mod.clean_line(raw[i - 1])]
        assert ln.text.replace(" ", "") == "".join(parts).replace(" ", "")


# ---------------------------------------------------------------------------------------------------------------
# Files that are not what they say, or not plans at all: one clear problem row each, the other plans load

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "plans" / "dong-nai-2024-ubnd-ttdn.md"


def _kinds(c, name: str) -> list[str]:
    rows = c.problems[c.problems.source_file.astype(str).map(lambda s: Path(s).name) == name]
    return sorted(rows.kind.astype(str))


def _message(c, name: str, kind: str) -> str:
    rows = c.problems[(c.problems.source_file.astype(str).map(lambda s: Path(s).name) == name)
                      & (c.problems.kind == kind)]
    assert len(rows) == 1, c.problems.to_string()
    return rows.message.iloc[0]


def test_content_is_sniffed_whatever_the_name_says(tmp_path):
    """Issue 14 item 11: a PNG saved as .txt, a PDF renamed .md, text that is mostly NUL bytes."""
    shutil.copy(SEED, tmp_path / SEED.name)
    (tmp_path / "scan.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (tmp_path / "report.md").write_bytes(b"%PDF-1.7\n" + "Số: 1/KH-UBND".encode() + bytes(200))
    (tmp_path / "nul.txt").write_bytes("Số: 1/KH-UBND\nKẾ HOẠCH\n".encode() + b"\x00" * 5000)
    (tmp_path / "nul-late.txt").write_bytes("KẾ HOẠCH\n".encode() * 1200 + b"\x00\x01\x02" * 4000)
    c = load_corpus(tmp_path, cache=False)
    assert list(c.plans.source_file.map(lambda s: Path(s).name)) == [SEED.name]
    assert _message(c, "scan.txt", "wrong_format").startswith("this is a PNG image, not a text plan: ")
    assert "OCR" in _message(c, "scan.txt", "wrong_format")
    assert _message(c, "report.md", "wrong_format") == "this is a PDF document, not a text plan: rename it to .pdf"
    assert _kinds(c, "nul.txt") == ["wrong_format"] and "binary" in _message(c, "nul.txt", "wrong_format")
    assert _kinds(c, "nul-late.txt") == ["unreadable"] and "binary" in _message(c, "nul-late.txt", "unreadable")


def test_utf16_text_from_notepad_is_read():
    data = SEED.read_text(encoding="utf-8").encode("utf-16")
    p = Path(os.environ["TTDN_CACHE_DIR"]) / "utf16-plan.md"
    p.write_bytes(data)
    doc = read_plan(p)
    assert doc.encoding == "utf-16" and doc.lines == SEED.read_text(encoding="utf-8").split("\n")


def test_control_characters_are_cleaned_at_load_and_exports_work(tmp_path):
    """Issue 14 item 3: Word's manual line break and stray control characters loaded with no problem row, then
    broke the xlsx and GraphML exports."""
    text = SEED.read_text(encoding="utf-8")
    text = text.replace("- Đơn vị chủ trì: Sở Ngoại vụ", "- Đơn vị chủ trì:\x0bSở Ngoại\x00 vụ\x1b", 1)
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "p.md").write_text(text, encoding="utf-8")
    c = load_corpus(tmp_path / "plans", cache=False)
    rows = c.problems[c.problems.kind == "control_characters"]
    assert len(rows) == 1 and "manual line break" in rows.message.iloc[0] and "removed" in rows.message.iloc[0]
    for t in ("tasks", "assignments", "task_themes", "citations"):
        for col in getattr(c, t).select_dtypes("object"):
            assert not getattr(c, t)[col].astype(str).str.contains("[\x00-\x08\x0b\x0c\x0e-\x1f]").any(), (t, col)
    assert "Sở Ngoại vụ" in set(c.assignments.agency)
    from ttdn_analysis.io.tables import export_corpus
    written = export_corpus(c, tmp_path / "out", "xlsx")
    assert any(p.suffix == ".xlsx" for p in written) and any(p.suffix == ".graphml" for p in written)


def test_deeply_nested_web_page_is_refused_in_linear_time():
    """Issue 14 item 4: 10,000 unclosed nested tags took 76 s and ended in RecursionError."""
    page = ("<html><body>" + "<div>Sở Ngoại vụ " * 10_000 + "</body></html>").encode()
    lines, problems = html_lines(page)
    assert lines == [] and [p["kind"] for p in problems] == ["too_large"]
    assert "levels deep" in problems[0]["message"] and "RecursionError" not in problems[0]["message"]
    ok = ("<html><body>" + "<div>" * 200 + "<p>1. Việc một</p>" + "</div>" * 200 + "</body></html>").encode()
    assert html_lines(ok) == (["1. Việc một"], [])  # a deep but bounded page is read without recursion


def _tiny_paragraphs_docx(n: int) -> bytes:
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    body = "".join(f"<w:p><w:r><w:t>{i}</w:t></w:r></w:p>" for i in range(n))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                    'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxml'
                    'formats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                    'officedocument.wordprocessingml.document.main+xml"/></Types>')
        zf.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                    'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        zf.writestr("word/document.xml", f'<?xml version="1.0"?><w:document {w}><w:body>{body}</w:body></w:document>')
    return buf.getvalue()


def test_limits_apply_to_text_extracted_from_documents(tmp_path):
    """Issue 14 item 4: the text limit was not applied to text extracted from .docx/.html."""
    (tmp_path / "many.docx").write_bytes(_tiny_paragraphs_docx(MAX_LINES + 1))
    big = "<p>" + "Sở Ngoại vụ phối hợp. " * 300_000 + "</p>"  # about 6.6 MiB of text in a 6.6 MiB page
    (tmp_path / "big.html").write_text(f"<html><body>{big}</body></html>", encoding="utf-8")
    shutil.copy(SEED, tmp_path / SEED.name)
    c = load_corpus(tmp_path, cache=False)
    assert _kinds(c, "many.docx") == ["too_large"] and "100000 lines" in _message(c, "many.docx", "too_large")
    assert _kinds(c, "big.html") == ["too_large"] and "over 5 MiB" in _message(c, "big.html", "too_large")
    assert len(c.plans) == 1


def test_oversized_file_is_refused_without_reading_it(tmp_path):
    """Issue 14 item 5: the corpus cache key read every file whole (2 GB cost 2.2 GB of memory)."""
    import tracemalloc
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as fh:  # sparse: 3 GiB on paper, nothing on disk
        fh.truncate(3 * 1024 * MiB)
    shutil.copy(SEED, tmp_path / SEED.name)
    tracemalloc.start()
    try:
        c = load_corpus(tmp_path, cache=True)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert _kinds(c, "huge.txt") == ["too_large"]
    assert _message(c, "huge.txt", "too_large").startswith("the file is 3 GiB; a plan file may be at most 50 MiB")
    assert len(c.plans) == 1 and peak < 200 * MiB


def test_entries_the_loader_meets_but_skips_each_say_so(tmp_path):
    """Issue 14 item 10: a folder named x.txt, link loops, dangling links, FIFOs, links out of the folder."""
    plans = tmp_path / "plans"
    plans.mkdir()
    shutil.copy(SEED, plans / SEED.name)
    (plans / "x.txt").mkdir()
    (plans / "archive").mkdir()
    (plans / ".DS_Store").write_bytes(b"\x00\x00")
    (plans / "loop.txt").symlink_to(plans / "loop.txt")
    (plans / "gone.txt").symlink_to(plans / "missing.txt")
    outside = tmp_path / "secret.txt"
    outside.write_text("Số: 9/KH-UBND\nmật khẩu\n", encoding="utf-8")
    (plans / "outside.txt").symlink_to(outside)
    (plans / "inside.md").symlink_to(plans / SEED.name)
    if hasattr(os, "mkfifo"):
        os.mkfifo(plans / "pipe.txt")
    c = load_corpus(plans, cache=False)
    got = {Path(s).name: k for s, k in zip(c.problems.source_file.astype(str), c.problems.kind.astype(str))
           if k in ("skipped", "unreadable", "duplicate")}
    expect = {"x.txt": "skipped", "archive": "skipped", ".DS_Store": "skipped", "loop.txt": "skipped",
              "gone.txt": "skipped", "outside.txt": "skipped", "inside.md": "duplicate"}
    if hasattr(os, "mkfifo"):
        expect["pipe.txt"] = "skipped"
    assert got == expect
    assert "folder named like a plan file" in _message(c, "x.txt", "skipped")
    assert "loop" in _message(c, "loop.txt", "skipped") and "missing" in _message(c, "gone.txt", "skipped")
    assert "follow_links=True" in _message(c, "outside.txt", "skipped")
    assert "pipe" in _message(c, "pipe.txt", "skipped")
    assert len(c.plans) == 1
    followed = load_corpus(plans, cache=False, follow_links=True)
    assert "outside.txt" in set(followed.problems.source_file.map(lambda s: Path(s).name)[
        followed.problems.kind == "no_tasks"])


def test_a_parser_error_is_a_plain_message(tmp_path, monkeypatch):
    """Issue 14 item 12: a raw 'RecursionError: maximum recursion depth exceeded' was shown."""
    import ttdn_analysis.loading.worker as worker_mod

    def deep(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(worker_mod, "parse_plan", deep)
    shutil.copy(SEED, tmp_path / SEED.name)
    c = load_corpus(tmp_path, cache=False)
    msg = _message(c, SEED.name, "parse_failed")
    assert "nested too deeply" in msg and "RecursionError" not in msg


# ---------------------------------------------------------------------------------------------------------------
# A worker process that dies does not lose the load (issue 14 item 6)


def _die_on_marked(job):
    """A worker task that kills its own process for plans named 'die-always', and 'die-once' the first time."""
    from ttdn_analysis.loading.worker import plan_or_message as _safe_plan_tables
    name = Path(job.path).name
    if name.startswith("die-always"):
        os._exit(9)
    if name.startswith("zz-die-once"):
        flag = Path(job.path).with_suffix(".died")
        if not flag.exists():
            flag.write_text("x")
            os._exit(9)
    return _safe_plan_tables(job)


def _jobs(folder: Path):
    from ttdn_analysis.loading.keys import Job as _Job
    return [_Job(str(p), p.stem, (), None) for p in sorted(folder.glob("*.txt"))]


def test_dead_worker_plan_is_retried_alone_then_reported(tmp_path):
    from ttdn_analysis.loading.scheduling import PARALLEL_FROM
    from ttdn_analysis.loading.scheduling import parse_all as _parse_all
    from ttdn_analysis.loading.worker import DIED as _DIED
    text = "Không phải kế hoạch.\n"
    for i in range(PARALLEL_FROM + 4):
        (tmp_path / f"p{i:03d}.txt").write_text(text + f"{i}\n", encoding="utf-8")
    (tmp_path / "die-always.txt").write_text(text, encoding="utf-8")
    (tmp_path / "zz-die-once.txt").write_text(text, encoding="utf-8")  # dies on its first run, in a later round
    jobs = _jobs(tmp_path)
    results = _parse_all(jobs, workers=2, run=_die_on_marked)
    by_name = {Path(j.path).name: r for j, r in zip(jobs, results)}
    assert by_name["die-always.txt"] == _DIED
    assert isinstance(by_name["zz-die-once.txt"], dict)  # retried alone, and read
    assert all(isinstance(r, dict) for n, r in by_name.items() if n.startswith("p"))
    assert [Path(j.path).name for j in jobs] == sorted(by_name)  # results in the jobs' order


def test_parallel_load_uses_a_safe_start_method(monkeypatch):
    import multiprocessing as mp

    from ttdn_analysis.loading import scheduling
    methods = []
    real = mp.get_context

    def spy(method=None):
        methods.append(method)
        return real(method)

    monkeypatch.setattr(mp, "get_context", spy)
    pool = scheduling.pool(1)
    pool.shutdown()
    assert methods and methods[-1] in ("forkserver", "spawn")


def test_parallel_and_serial_loads_agree(tmp_path):
    from ttdn_analysis.corpus import PARALLEL_FROM
    text = SEED.read_text(encoding="utf-8")
    for i in range(PARALLEL_FROM):
        (tmp_path / f"plan-{i:02d}.md").write_text(text + f"\n(bản {i})\n", encoding="utf-8")
    a = load_corpus(tmp_path, cache=False, workers=1)
    b = load_corpus(tmp_path, cache=False, workers=2)
    for t in ("plans", "tasks", "assignments", "task_themes", "problems", "citations"):
        assert getattr(a, t).equals(getattr(b, t)), t
    assert len(a.plans) == PARALLEL_FROM


if sys.platform == "win32":  # pragma: no cover
    pytestmark = pytest.mark.skip(reason="symlinks and FIFOs need a POSIX system")


def test_a_script_without_a_main_guard_still_loads_with_a_clear_warning(tmp_path):
    """The safe start methods import the caller's script in each worker; a script without `if __name__ ==
    "__main__":` must not load the plans again there: it is told so, and its plans are read in its own process."""
    import subprocess

    from ttdn_analysis.corpus import PARALLEL_FROM
    plans = tmp_path / "plans"
    plans.mkdir()
    for i in range(PARALLEL_FROM + 2):
        (plans / f"p{i:02d}.txt").write_text(f"Không phải kế hoạch {i}.\n", encoding="utf-8")
    script = tmp_path / "quick.py"
    script.write_text(f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom ttdn_analysis import load_corpus\n"
                      f"c = load_corpus({str(plans)!r}, cache=False, workers=2)\nprint('PLANS', len(c.plans))\n",
                      encoding="utf-8")
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=600,
                         env={**os.environ, "PYTHONWARNINGS": "default"})
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.count("PLANS") == 1 and f"PLANS {PARALLEL_FROM + 2}" in run.stdout
    assert 'if __name__ == "__main__":' in run.stderr and "read in this process" in run.stderr
