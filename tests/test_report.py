"""Reports: four offline pages and an index with provenance, inert whatever a plan, manifest or file name says; the
facts and sentences behind them; notebooks run through papermill without noise; the interface text file."""
from __future__ import annotations

import os
import re
import shutil
import string
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from ttdn_analysis.corpus import Corpus, load_corpus
from ttdn_analysis.labels import LANGUAGES, label_table
from ttdn_analysis.registry.codebook import load_codebook
from ttdn_analysis.report import brief
from ttdn_analysis.report.build import NOTEBOOKS, build_reports, execute_notebook, header_html, index_html
from ttdn_analysis.schema import COLUMNS

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "data" / "plans"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
INJECTED_PLAN = "gia-lai-2025-ubnd-ttdn.txt"
NEW_PLAN = "binh-dinh-2026-ubnd-ttdn.txt"
NEXT_YEAR = "gia-lai-2026-ubnd-ttdn.txt"
#: A file renamed to carry markdown links (a file name cannot hold "//").
HOSTILE_FILE = "dak-lak-2024-so-xay-dung ![f](http:127.0.0.1:9) [j](javascript:alert(3)).txt"
#: Markdown images and links to the network, to javascript: and to data: in a plan's header, tasks and agencies,
#: and in the manifest (issue 14 item 1).
HOSTILE_MANIFEST = ("file,title,issuer\n"
                    f"{INJECTED_PLAN},![m](http://127.0.0.1:9/m.png),[j](javascript:alert(2))\n")
HOSTILE_VISIBLE = ["Quảng bá ![t](http://127.0.0.1:9/t.png) trên mạng xã hội", "![m](http://127.0.0.1:9/m.png)",
                   "[j](javascript:alert(2))"]

# Built once per test session and shared with test_browser.py (which imports this module).
_BUILT: dict[str, tuple[Path, list[Path]]] = {}


@pytest.fixture(autouse=True, scope="module")
def _own_cache(tmp_path_factory):
    """Never write into the user's ~/.cache: this module's loads (and the kernels) use a cache of their own."""
    before = os.environ.get("TTDN_CACHE_DIR")
    os.environ["TTDN_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if before is None:
        os.environ.pop("TTDN_CACHE_DIR", None)
    else:
        os.environ["TTDN_CACHE_DIR"] = before


def _copy_plans(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for f in sorted(PLANS.iterdir()):
        if f.is_file():
            shutil.copy2(f, dest / f.name)
    return dest


def _inject(data: Path) -> None:
    """Make the seed plans hostile: HTML and markdown links in one plan, in the manifest and in a file name."""
    plan = data / INJECTED_PLAN
    lines = plan.read_text(encoding="utf-8").split("\n")
    at = next(i for i, ln in enumerate(lines) if ln.startswith("III. "))
    task = [f"6. Thử {SCRIPT}", "", f"Nội dung: kiểm tra {IMG} trong báo cáo.", "",
            "Đơn vị chủ trì: Sở Thông tin và Truyền thông.", "",
            "7. Quảng bá ![t](http://127.0.0.1:9/t.png) trên mạng xã hội", "",
            "Đơn vị chủ trì: Sở Lạ ![l](http://127.0.0.1:9/l.png).", "",
            "Đơn vị phối hợp: [j](javascript:alert(1)), "
            "[d](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==).", ""]
    lines = ["SỞ ![X](HTTP://127.0.0.1:9/X.PNG)", *lines[:at], *task, *lines[at:]]
    plan.write_text("\n".join(lines), encoding="utf-8")
    (data / "manifest.csv").write_text(HOSTILE_MANIFEST, encoding="utf-8")
    (data / "dak-lak-2024-so-xay-dung-ttdn.txt").rename(data / HOSTILE_FILE)


def build_once(tmp_path_factory: pytest.TempPathFactory, which: str = "injected") -> tuple[Path, list[Path]]:
    """Reports of the seed plans made hostile ("injected"), or of the seed plans plus a new province and Gia Lai's
    next plan ("added")."""
    if which not in _BUILT:
        data = _copy_plans(tmp_path_factory.mktemp(f"plans-{which}"))
        if which == "injected":
            _inject(data)
        else:
            text = (PLANS / INJECTED_PLAN).read_text(encoding="utf-8")
            (data / NEW_PLAN).write_text(text.replace("Gia Lai", "Bình Định").replace("2025", "2026"),
                                         encoding="utf-8")
            (data / NEXT_YEAR).write_text(text.replace("2025", "2026"), encoding="utf-8")
        out = tmp_path_factory.mktemp(f"reports-{which}")
        before = os.environ.get("TTDN_CACHE_DIR")
        os.environ["TTDN_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))  # the kernels inherit it
        try:
            _BUILT[which] = (data, build_reports(data, out))
        finally:
            if before is None:
                os.environ.pop("TTDN_CACHE_DIR", None)
            else:
                os.environ["TTDN_CACHE_DIR"] = before
    return _BUILT[which]


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    return build_once(tmp_path_factory, "injected")


@pytest.fixture(scope="module")
def pages(reports):
    return {p.name: p.read_text(encoding="utf-8") for p in reports[1]}


# --------------------------------------------------------------------------- the built reports (slow)

@pytest.mark.slow
def test_four_reports_and_an_index(reports):
    _, paths = reports
    assert [p.name for p in paths] == [f"{stem}.html" for stem in NOTEBOOKS] + ["index.html"]
    assert all(p.stat().st_size > 100_000 for p in paths[:4])  # plotly.js is inside
    assert not list(paths[0].parent.glob(".*.tmp"))  # written through temporary files, none left


@pytest.mark.slow
def test_header_lists_files_and_hashes(reports, pages):
    data, _ = reports
    plans = load_corpus(data).plans
    assert len(plans) == 5
    version = load_codebook().version
    for name, page in pages.items():
        assert '<header class="ttdn-report-header">' in page, name
        assert re.search(r"\d{4}-\d{2}-\d{2}", page), name
        for p in plans.itertuples():
            assert Path(p.source_file).name in page, (name, p.source_file)
            assert p.content_hash in page, (name, p.content_hash)
        assert f": {version}</p>" in page, name  # the codebook version


@pytest.mark.slow
def test_offline(pages):
    for name, page in pages.items():
        assert '<script src="http' not in page, name
        assert not re.search(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=[\"']?(?:https?:)?//", page), name
        if name != "index.html":
            assert page.count("plotly.js v") == 1, name  # embedded once
            assert 'id="ttdn-fig-' in page, name
            assert "@media print" in page and "size: A4" in page, name


@pytest.mark.slow
def test_code_and_checks_hidden(pages):
    for name, page in pages.items():
        assert 'class="jp-InputArea' not in page, name
        assert "load_corpus(" not in page, name
        assert "# Parameters" not in page and "injected-parameters" not in page, name
        assert "NBVAL_CHECK_OUTPUT" not in page, name
        assert 'class="jp-RenderedText' not in page, name  # no monospaced text tables: every table is HTML


@pytest.mark.slow
def test_plan_text_escaped_and_inert(pages):
    overview = pages["01_corpus_overview.html"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in overview  # the injected task is listed, as text
    for text in HOSTILE_VISIBLE:
        assert text in overview, text
    assert HOSTILE_FILE in pages["index.html"]
    for name, page in pages.items():
        assert SCRIPT not in page, name
        assert IMG not in page and "onerror=alert(1)>" not in page, name
        markup = re.sub(r"<script\b.*?</script>", "", page, flags=re.S)  # plotly.js's own code aside
        assert not re.search(r"<img\b", markup), name
        assert not re.search(r"""(?:href|src)\s*=\s*["']?\s*(?:javascript|data|https?):""", markup, re.I), name


@pytest.mark.slow
def test_index_links_the_reports_with_headline_facts(reports, pages):
    index = pages["index.html"]
    for stem in NOTEBOOKS:
        assert f'<a href="{stem}.html">' in index
    assert "<script" not in index and "<link" not in index
    data, _ = reports
    c = load_corpus(data)
    rows, sentences = brief.headline(c)
    for label, value in rows:
        assert f'<th scope="row">{label}</th><td>{value}</td>' in index
    assert sentences and all(s.html() in index for s in sentences)


@pytest.mark.slow
def test_network_report_names_agencies_and_successors(pages):
    page = pages["02_agency_networks.html"]
    assert '"mode":"markers+text"' in page  # names on the network charts
    # Sở Thông tin và Truyền thông is the most central agency; its 2026 successor is printed beside it
    assert "Sở Thông tin và Truyền thông (nay có thể là Sở Văn hóa, Thể thao và Du lịch" in page


@pytest.mark.slow
def test_new_plan_appears_on_rerun(tmp_path_factory):
    _, paths = build_once(tmp_path_factory, "added")
    for p in paths:
        page = p.read_text(encoding="utf-8")
        assert "Bình Định" in page, p.name
        assert NEW_PLAN in page, p.name


@pytest.mark.slow
def test_brief_says_what_changed(tmp_path_factory, pages):
    # the seeds: Đắk Lắk's 2024 and 2025 plans are of different kinds (implementation, annual), so no pair
    assert "Chưa có tỉnh nào có hai kế hoạch cùng loại" in pages["04_leadership_brief.html"]
    _, paths = build_once(tmp_path_factory, "added")
    page = next(p for p in paths if p.name == "04_leadership_brief.html").read_text(encoding="utf-8")
    assert "Những thay đổi giữa các kế hoạch liên tiếp của một tỉnh" in page
    # the plan's task list (9 of Gia Lai's 23 items; the other 14 are agency blocks of TỔ CHỨC THỰC HIỆN)
    assert "<strong>Gia Lai</strong>, kế hoạch 2025 → 2026: 9 → 9 nhiệm vụ (+0)" in page
    assert "Các cơ quan chủ trì không đổi." in page
    assert "khoảng tin cậy 95%" in page and "không phân biệt được với dao động ngẫu nhiên" in page


@pytest.mark.slow
def test_reports_are_byte_identical_on_a_rerun(tmp_path, monkeypatch):
    """Idempotence: the same plans give the same HTML (date pinned with SOURCE_DATE_EPOCH), cold and warm cache."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    monkeypatch.setenv("TTDN_CACHE_DIR", str(tmp_path / "cache"))
    data = _copy_plans(tmp_path / "plans")
    first = build_reports(data, tmp_path / "a", jobs=2)
    second = build_reports(data, tmp_path / "b", jobs=1)
    assert [p.name for p in first] == [p.name for p in second]
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name
    assert "2026-01-01" in first[0].read_text(encoding="utf-8")


# --------------------------------------------------------------------------- building blocks

def test_english_labels(tmp_path):
    data = _copy_plans(tmp_path / "plans")
    for f in data.iterdir():
        if f.name != "dong-nai-2024-ubnd-ttdn.md":
            f.unlink()
    corpus = load_corpus(data)
    assert "Plan files used" in header_html(corpus, "T", lang="en", generated="2026-01-01", version="x")
    assert "Các tệp kế hoạch được sử dụng" in header_html(corpus, "T", generated="2026-01-01", version="x")
    page = index_html(corpus, [tmp_path / "04_leadership_brief.html"], "en", "2026-01-01", "x")
    assert '<a href="04_leadership_brief.html">Leadership brief</a>' in page


def test_missing_data_folder_and_unknown_province(tmp_path):
    with pytest.raises(FileNotFoundError):
        build_reports(tmp_path / "nope", tmp_path / "out")
    with pytest.raises(ValueError, match="Atlantis"):
        build_reports(PLANS, tmp_path / "out", provinces=["dak lak", "Atlantis"])
    assert not (tmp_path / "out").exists()


def test_select_filters_every_table():
    corpus = load_corpus(PLANS)
    part = corpus.select(provinces=["Đắk Lắk"], years=2024)
    assert set(part.plans["province"]) == {"Đắk Lắk"} and set(part.plans["year"]) == {2024}
    for table in (part.tasks, part.assignments, part.task_themes):
        assert set(table["plan_id"]) <= set(part.plans["plan_id"])
    assert corpus.select() is corpus


_RUN_QUIETLY = r"""
import sys, nbformat
from ttdn_analysis.report.build import execute_notebook
nb = nbformat.v4.new_notebook(cells=[
    nbformat.v4.new_code_cell('lang = "vi"\nyears = None', metadata={"tags": ["parameters"]}),
    nbformat.v4.new_code_cell("print(lang, years)")])
nbformat.write(nb, sys.argv[1])
out = execute_notebook(sys.argv[1], {"lang": "en", "years": [2024, 2025]})
print([c.metadata.get("tags") for c in out.cells])
print(out.cells[-1].outputs[0].text.strip())
"""


def test_notebooks_run_through_papermill_without_kernel_noise(tmp_path):
    run = subprocess.run([sys.executable, "-c", _RUN_QUIETLY, str(tmp_path / "p.ipynb")], capture_output=True,
                         text=True, cwd=tmp_path, timeout=300)
    assert run.returncode == 0, run.stderr
    tags, printed = run.stdout.strip().splitlines()
    assert tags == "[['parameters'], ['injected-parameters'], []]"
    assert printed == "en [2024, 2025]"
    assert run.stderr == ""  # no kernel warnings


def test_a_failing_notebook_names_the_cell(tmp_path):
    from ttdn_analysis.report.build import ReportError

    path = tmp_path / "bad.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 / 0")]), str(path))
    with pytest.raises(ReportError, match=r"bad.ipynb, cell 1: ZeroDivisionError"):
        execute_notebook(path)


# --------------------------------------------------------------------------- interface text

def test_every_text_in_both_languages_with_the_same_placeholders():
    fields = string.Formatter()
    for section, keys in label_table().items():
        for key, texts in keys.items():
            assert sorted(texts) == sorted(LANGUAGES), (section, key)
            names = [sorted({f for _, f, _, _ in fields.parse(texts[lang]) if f}) for lang in LANGUAGES]
            assert names[0] == names[1], (section, key, names)
            assert all(t.count("**") % 2 == 0 for t in texts.values()), (section, key)


def test_report_titles_and_index_lines_exist_for_every_notebook():
    table = label_table()
    for key in NOTEBOOKS.values():
        assert key in table["ui"] and key in table["index"]


# --------------------------------------------------------------------------- the facts behind the sentences

def _table(name: str, rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame([{c: r.get(c) for c in COLUMNS[name]} for r in rows], columns=COLUMNS[name])


def _corpus(plans: list[dict], tasks: list[dict], assignments: list[dict], themes: list[dict] | None = None
            ) -> Corpus:
    return Corpus(plans=_table("plans", plans), tasks=_table("tasks", tasks),
                  assignments=_table("assignments", assignments), task_themes=_table("task_themes", themes or []),
                  problems=_table("problems", []), citations=_table("citations", []))


def _plan(pid: str, province: str, year: int, issuer: str = "UBND tỉnh") -> dict:
    return {"plan_id": pid, "province": province, "year": year, "issuer": issuer, "level": "province",
            "kind": "annual", "source_file": f"{pid}.txt"}


def _lead(pid: str, task: str, agency: str, role: str = "lead", province: str = "X", year: int = 2024) -> dict:
    return {"plan_id": pid, "task_id": f"{pid}:{task}", "agency": agency, "role": role, "is_collective": False,
            "agency_type": "state_department", "province": province, "year": year}


def _tasks(pid: str, n: int, province: str = "X", year: int = 2024) -> list[dict]:
    return [{"plan_id": pid, "task_id": f"{pid}:{i}", "path": str(i), "title": f"t{i}", "text": f"t{i}",
             "province": province, "year": year} for i in range(1, n + 1)]


def test_plan_changes_compare_leads_by_their_2026_successor():
    c = _corpus(
        plans=[_plan("a", "X", 2024), _plan("b", "X", 2025), _plan("c", "X", 2027), _plan("d", "Y", 2025)],
        tasks=_tasks("a", 3) + _tasks("b", 5, year=2025) + _tasks("c", 1, year=2027) + _tasks("d", 2, "Y", 2025),
        assignments=[_lead("a", "1", "Sở Kế hoạch và Đầu tư"), _lead("a", "2", "Sở Y tế"),
                     _lead("a", "3", "Sở Nội vụ", "support"),
                     _lead("b", "1", "Sở Tài chính", year=2025), _lead("b", "2", "Công an tỉnh", year=2025),
                     _lead("c", "1", "Sở Y tế", year=2027)])
    ch = brief.plan_changes(c)
    # a → b only: b → c skips a year, d is another province
    assert ch[["plan_a", "plan_b", "tasks_a", "tasks_b", "agencies_a", "agencies_b"]].values.tolist() == \
        [["a", "b", 3, 5, 3, 2]]
    assert ch.loc[0, "leads_added"] == ["Công an tỉnh"]  # Sở Tài chính took over Sở Kế hoạch và Đầu tư: no change
    assert ch.loc[0, "leads_dropped"] == ["Sở Y tế"]


def test_change_sentences_escape_and_name_successors():
    ch = pd.DataFrame([{"province": "X <b>", "plan_a": "a", "plan_b": "b", "year_a": 2024, "year_b": 2025,
                        "tasks_a": 3, "tasks_b": 2, "agencies_a": 3, "agencies_b": 2,
                        "leads_added": [], "leads_dropped": ["Ban Tuyên giáo Tỉnh ủy"]}])
    [said] = brief.change_sentences(ch, {}, "vi")
    html = said._repr_html_()
    assert "<strong>X &lt;b&gt;</strong>, kế hoạch 2024 → 2025: 3 → 2 nhiệm vụ (-1)" in html
    assert "Không còn chủ trì nhiệm vụ nào: Ban Tuyên giáo Tỉnh ủy (nay là Ban Tuyên giáo và Dân vận Tỉnh ủy)" in html


def test_theme_changes_come_with_an_interval_and_a_test():
    tasks = _tasks("a", 20, "Gia Lai", 2024) + _tasks("b", 20, "Gia Lai", 2025)
    tagged = [{"plan_id": "a", "task_id": f"a:{i}", "theme": "border", "focus": "central", "sentences": 1}
              for i in range(1, 3)] + [{"plan_id": "b", "task_id": f"b:{i}", "theme": "border", "focus": "central",
                                        "sentences": 1} for i in range(1, 19)]
    c = _corpus([_plan("a", "Gia Lai", 2024), _plan("b", "Gia Lai", 2025)], tasks, [], tagged)
    ch = brief.plan_changes(c)
    moves = brief.theme_changes(c, ch, n_boot=300)
    table = moves[("a", "b")]
    assert table.set_index("theme").loc["border", ["share_a", "share_b"]].tolist() == [0.1, 0.9]
    assert bool(table.set_index("theme").loc["border", "distinguishable"])
    said = [s.html() for s in brief.change_sentences(ch, moves, "en")[0].items]
    border = next(s for s in said if s.startswith("Land border"))
    assert "2 of 20 tasks (10%) in 2024, 18 of 20 (90%) in 2025" in border and "beyond noise" in border


def test_brief_rankings_break_ties_by_name():
    c = _corpus(plans=[_plan("b", "Y", 2025, "UBND B"), _plan("a", "X", 2025, "UBND A")],
                tasks=_tasks("a", 2, year=2025) + _tasks("b", 2, "Y", 2025),
                assignments=[_lead("a", "1", "Sở Y tế", year=2025), _lead("b", "1", "Sở Nội vụ", "lead", "Y", 2025),
                             _lead("a", "2", "Sở Nội vụ", year=2025)])
    f = brief.brief_facts(c, "en")
    assert f.by_tasks["plan_id"].tolist() == ["a", "b"]  # equal tasks: by the plan's name
    assert f.top_leads[["agency", "tasks", "plans"]].values.tolist() == [["Sở Nội vụ", 2, 2], ["Sở Y tế", 1, 1]]
    s = brief.brief_sentences(f, "en")
    # both annual provincial plans of 2025, so they may be set side by side; b's lead share (1 of 2) is marked
    assert s["tasks"].items[0].html() == (
        "Among the annual provincial plans of 2025, the plan X 2025 · UBND A has the most tasks (2); the plan "
        "Y 2025 · UBND B ¹ has the fewest (2) (based on 2 plan(s), 2025; function report.brief.brief_facts).")
    assert {k: s["lead"].values[k] for k in ("agency", "n", "k")} == {"agency": "Sở Nội vụ", "n": 2, "k": 2}


def test_network_reading_from_the_numbers():
    summ = pd.DataFrame({"province": ["B", "A", "C"], "nodes": [4, 4, 2], "edges": [3, 3, 1],
                         "density": [0.5, 0.5, 1.0], "plans": 1, "peer": [("annual", "province", 2025)] * 3})
    cent = {"A": pd.DataFrame({"agency": ["Sở Kế hoạch và Đầu tư"]}), "B": pd.DataFrame({"agency": []})}
    cmp = pd.DataFrame({"label_a": ["A", "A", "B"], "label_b": ["B", "C", "C"], "shared_nodes": [3, 1, 1],
                        "node_jaccard": [0.6, 0.2, 0.2]})
    absent = pd.DataFrame({"central_in": ["A", "B"], "absent_from": ["C", "C"]})
    said = [s.html() for s in brief.network_reading(summ, cent, cmp, absent, "vi").items]
    assert said[0].startswith("<strong>A</strong> có mạng phối hợp lớn nhất")  # tie with B: by name
    assert "nhỏ nhất là <strong>C</strong>" in said[0]
    assert "cao nhất ở <strong>C</strong> (1,00) và thấp nhất ở <strong>B</strong> (0,50)" in said[1]
    assert said[2] == "Cơ quan có bậc có trọng số cao nhất ở mỗi tỉnh: A: Sở Kế hoạch và Đầu tư (nay là Sở Tài chính)."
    assert "<strong>A</strong> và <strong>B</strong> (3 cơ quan chung, Jaccard 0,60)" in said[3]
    assert "<strong>B</strong> và <strong>C</strong> (Jaccard 0,20)" in said[3]
    assert said[4].startswith("Có 2 trường hợp")


def test_sentences_never_render_markup_from_values():
    s = brief.Sentence("**{a}** {b}", {"a": "![x](http://h/x.png)", "b": "<a href='javascript:x'>y</a> **z**"})
    assert s.html() == "<strong>![x](http://h/x.png)</strong> &lt;a href=&#x27;javascript:x&#x27;&gt;y&lt;/a&gt; **z**"
