"""HTML reports: four offline files with provenance, escaped plan text, new plans picked up on a rerun."""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from ttdn_analysis.corpus import load_corpus
from ttdn_analysis.report.build import NOTEBOOKS, build_reports, header_html, inject_parameters


ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "data" / "plans"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
INJECTED_PLAN = "gia-lai-2025-ubnd-ttdn.txt"
NEW_PLAN = "binh-dinh-2026-ubnd-ttdn.txt"

# Built once per test session and shared with test_browser.py (which imports this module).
_BUILT: dict[str, tuple[Path, list[Path]]] = {}


def _copy_plans(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for f in sorted(PLANS.iterdir()):
        if f.is_file():
            shutil.copy2(f, dest / f.name)
    return dest


def _inject(plan: Path) -> None:
    """Add a task "6. Thử <script>…" (with an <img onerror> in its text) at the end of section II."""
    lines = plan.read_text(encoding="utf-8").split("\n")
    at = next(i for i, ln in enumerate(lines) if ln.startswith("III. "))
    task = [f"6. Thử {SCRIPT}", "", f"Nội dung: kiểm tra {IMG} trong báo cáo.", "",
            "Đơn vị chủ trì: Sở Thông tin và Truyền thông.", ""]
    plan.write_text("\n".join(lines[:at] + task + lines[at:]), encoding="utf-8")


def build_once(tmp_path_factory: pytest.TempPathFactory, which: str = "injected") -> tuple[Path, list[Path]]:
    """Reports of the seed plans, one of them with an HTML injection ("injected"), or of the seed plans plus a
    new province ("added")."""
    if which not in _BUILT:
        data = _copy_plans(tmp_path_factory.mktemp(f"plans-{which}"))
        if which == "injected":
            _inject(data / INJECTED_PLAN)
        else:
            text = (PLANS / INJECTED_PLAN).read_text(encoding="utf-8")
            (data / NEW_PLAN).write_text(text.replace("Gia Lai", "Bình Định").replace("2025", "2026"),
                                         encoding="utf-8")
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


@pytest.fixture(scope="session")
def reports(tmp_path_factory):
    return build_once(tmp_path_factory, "injected")


@pytest.fixture(scope="session")
def pages(reports):
    return {p.name: p.read_text(encoding="utf-8") for p in reports[1]}


def test_four_reports(reports):
    _, paths = reports
    assert [p.name for p in paths] == [f"{stem}.html" for stem in NOTEBOOKS]
    assert all(p.stat().st_size > 100_000 for p in paths)  # plotly.js is inside


def test_header_lists_files_and_hashes(reports, pages):
    data, _ = reports
    plans = load_corpus(data).plans
    assert len(plans) == 5
    for name, page in pages.items():
        assert '<header class="ttdn-report-header">' in page, name
        assert re.search(r"\d{4}-\d{2}-\d{2}", page), name
        for p in plans.itertuples():
            assert Path(p.source_file).name in page, (name, p.source_file)
            assert p.content_hash in page, (name, p.content_hash)
        assert "2026.11.1" in page or "n/a" in page  # codebook version


def test_offline(pages):
    for name, page in pages.items():
        assert '<script src="http' not in page, name
        assert not re.search(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=[\"']?(?:https?:)?//", page), name
        assert page.count("plotly.js v") == 1, name  # embedded once
        assert 'id="ttdn-fig-' in page, name


def test_code_hidden(pages):
    for name, page in pages.items():
        assert "class=\"jp-InputArea" not in page, name
        assert "load_corpus(" not in page, name
        assert "# Parameters" not in page, name


def test_plan_text_escaped(pages):
    overview = pages["01_corpus_overview.html"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in overview  # the injected task is listed, as text
    for name, page in pages.items():
        assert SCRIPT not in page, name
        assert IMG not in page, name
        assert "onerror=alert(1)>" not in page, name


def test_new_plan_appears_on_rerun(tmp_path_factory):
    _, paths = build_once(tmp_path_factory, "added")
    for p in paths:
        page = p.read_text(encoding="utf-8")
        assert "Bình Định" in page, p.name
        assert NEW_PLAN in page, p.name


def test_english_labels(tmp_path):
    data = _copy_plans(tmp_path / "plans")
    for f in data.iterdir():
        if f.name != "dong-nai-2024-ubnd-ttdn.md":
            f.unlink()
    corpus = load_corpus(data)
    assert "Plan files used" in header_html(corpus, "T", lang="en", generated="2026-01-01", version="x")
    assert "Các tệp kế hoạch được sử dụng" in header_html(corpus, "T", generated="2026-01-01", version="x")


def test_inject_parameters_after_tagged_cell():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# t"),
        nbformat.v4.new_code_cell('lang = "vi"', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("print(lang)"),
    ])
    once = inject_parameters(nb, {"lang": "en", "years": [2024]})
    twice = inject_parameters(once, {"lang": "vi"})
    assert [c.source for c in once.cells][1:3] == ['lang = "vi"', "# Parameters\nlang = 'en'\nyears = [2024]"]
    assert "injected-parameters" in once.cells[2].metadata["tags"]
    assert len(twice.cells) == 4 and twice.cells[2].source == "# Parameters\nlang = 'vi'"
    assert len(nb.cells) == 3  # the input is not changed


def test_select_filters_every_table():
    corpus = load_corpus(PLANS)
    part = corpus.select(provinces=["Đắk Lắk"], years=2024)
    assert set(part.plans["province"]) == {"Đắk Lắk"} and set(part.plans["year"]) == {2024}
    for table in (part.tasks, part.assignments, part.task_themes):
        assert set(table["plan_id"]) <= set(part.plans["plan_id"])
    assert corpus.select() is corpus


def test_missing_data_folder(tmp_path):
    with pytest.raises(FileNotFoundError):
        build_reports(tmp_path / "nope", tmp_path / "out")


def test_reports_are_byte_identical_on_a_rerun(tmp_path, monkeypatch):
    """Idempotence: the same plans give the same HTML (date pinned with SOURCE_DATE_EPOCH), cold and warm cache."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    monkeypatch.setenv("TTDN_CACHE_DIR", str(tmp_path / "cache"))
    data = _copy_plans(tmp_path / "plans")
    first = build_reports(data, tmp_path / "a")
    second = build_reports(data, tmp_path / "b")
    assert [p.name for p in first] == [p.name for p in second]
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name
    assert "2026-01-01" in first[0].read_text(encoding="utf-8")
