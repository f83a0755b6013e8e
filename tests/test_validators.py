"""The reports as checkers and clients nobody here wrote see them: the W3C Nu HTML Checker, axe-core in Chromium, and
Chromium's print to PDF read back with pdftotext.

The Nu checker (npm ``vnu-jar``, needs Java) and axe-core (npm ``axe-core``) are installed by npm into
``.cache/npm`` of the project the first time (``.ci/run`` has npm and Java); without npm, Java, Chromium or
pdftotext the tests that need them are skipped, saying which is missing. The pages are the reports of the seed
plans made hostile (test_report.build_once).
"""
from __future__ import annotations

import base64
import itertools
import json
import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
import test_browser
import test_report

ROOT = Path(__file__).resolve().parent.parent
NPM_DIR = ROOT / ".cache" / "npm"
#: The versions the reports were last checked with (npm packages).
VNU = "vnu-jar@26.9.27"
AXE = "axe-core@4.14.1"
PAGES = test_browser.PAGES
pytestmark = [pytest.mark.slow]


def _npm_package(spec: str, inside: str) -> Path:
    """The file *inside* of npm package *spec*, installed into .cache/npm when missing; skip when npm cannot."""
    name = spec.rsplit("@", 1)[0]
    path = NPM_DIR / "node_modules" / name / inside
    if path.is_file():
        return path
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip(f"npm not installed: cannot install {spec} (CI: apt-get install -y npm)")
    NPM_DIR.mkdir(parents=True, exist_ok=True)
    run = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--prefix", str(NPM_DIR), spec],
                         capture_output=True, text=True, timeout=600)
    if run.returncode != 0 or not path.is_file():
        pytest.skip(f"npm could not install {spec}: {run.stderr.strip()[-300:]}")
    return path


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    return test_report.build_once(tmp_path_factory, "injected")


# --------------------------------------------------------------------------- W3C Nu HTML Checker

@pytest.fixture(scope="module")
def nu_messages(reports):
    java = shutil.which("java")
    if java is None:
        pytest.skip("java not installed: the Nu HTML Checker needs it (CI: apt-get install -y default-jre-headless)")
    jar = _npm_package(VNU, "build/dist/vnu.jar")
    run = subprocess.run([java, "-jar", str(jar), "--format", "json", "--exit-zero-always",
                          *[str(p) for p in reports[1]]], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    messages = json.loads(run.stderr or run.stdout)["messages"]
    by_page: dict[str, list[dict]] = {p.name: [] for p in reports[1]}
    for m in messages:
        by_page.setdefault(Path(m.get("url", "?")).name, []).append(m)
    return by_page


@pytest.mark.parametrize("name", PAGES)
def test_nu_checker_finds_no_error_and_no_warning(nu_messages, name):
    found = [f"{m.get('type')}/{m.get('subType', '')} line {m.get('lastLine')}: {m.get('message')}"
             for m in nu_messages[name] if m.get("type") == "error" or m.get("subType") == "warning"
             or m.get("type") == "non-document-error"]
    assert found == []


# --------------------------------------------------------------------------- axe-core in Chromium

@pytest.fixture(scope="module")
def chromium():
    if test_browser.CHROMIUM is None:
        pytest.skip("chromium not installed (CI: apt-get install -y chromium)")
    return test_browser.CHROMIUM


@pytest.fixture(scope="module")
def axe_results(reports, chromium, tmp_path_factory):
    axe = _npm_package(AXE, "axe.min.js").read_text(encoding="utf-8")
    out = {}
    for page in reports[1]:
        tools = test_browser.DevTools(chromium, tmp_path_factory.mktemp("axe-profile"))
        try:
            tools.open(page.as_uri())
            tools.evaluate(axe + "\n;true")
            out[page.name] = tools.evaluate(
                "axe.run(document).then(r => r.violations.map(v => ({id: v.id, impact: v.impact, "
                "nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))")
        finally:
            tools.close()
    return out


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_violation(axe_results, name):
    assert axe_results[name] == []


# --------------------------------------------------------------------------- printed to A4

#: What the printed page should show, read from the page in print media: headings, legend texts, and the words
#: and numbers of the HTML text (not of the charts' drawings, not of what print hides).
_PRINT_FACTS = """
(() => {
  window.dispatchEvent(new Event('beforeprint'));
  const shown = el => el.checkVisibility({checkVisibilityCSS: true, checkOpacity: true})
      && !el.closest('.ttdn-chart-caption, .ttdn-skip, svg, script, style, noscript');
  const headings = Array.from(document.querySelectorAll('h1, h2, h3, h4, summary')).filter(shown)
      .map(h => h.innerText);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const texts = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.parentElement && shown(n.parentElement)) texts.push(n.textContent);
  }
  const legends = Array.from(document.querySelectorAll('.legend .legendtext')).map(t => t.textContent);
  const drawings = Array.from(document.querySelectorAll('.ttdn-chart-drawing')).map(d => {
    const box = d.getBoundingClientRect();
    const inner = Array.from(d.querySelectorAll('.legend, .textpoint text, .gtitle')).map(e => e.getBoundingClientRect())
        .filter(r => r.width > 0);
    const out = inner.filter(r => r.left < box.left - 1 || r.right > box.right + 1);
    return {width: box.width, right: box.right, outside: out.length};
  });
  return {headings, texts, legends, drawings};
})()
"""

_NUMBER = re.compile(r"(?<![\w/.,:])\d+(?:[.,:/]\d+)+%?|\d{4}-\d{2}-\d{2}")


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


@pytest.fixture(scope="module")
def printed(reports, chromium, tmp_path_factory):
    """Each page printed to an A4 PDF by Chromium (its own print path, print CSS and the page's beforeprint), and
    the PDF's text as pdftotext reads it, page by page."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext not installed (CI: apt-get install -y poppler-utils)")
    folder = tmp_path_factory.mktemp("pdf")
    return {page.name: _print(page, chromium, pdftotext, tmp_path_factory.mktemp("print-profile"), folder)
            for page in reports[1]}


def _print(page: Path, chromium: str, pdftotext: str, profile: Path, folder: Path) -> dict:
    """*page* printed by Chromium into *folder*: the print facts of the page, the PDF's text page by page (layout)
    and in reading order (flow), the PDF's path."""
    tools = test_browser.DevTools(chromium, profile)
    try:
        tools.open(page.as_uri())
        pdf = tools.call("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})
        tools.call("Emulation.setEmulatedMedia", {"media": "print"})
        facts = tools.evaluate(_PRINT_FACTS)
    finally:
        tools.close()
    path = folder / f"{page.stem}.pdf"
    path.write_bytes(base64.b64decode(pdf["data"]))
    layout = subprocess.run([pdftotext, "-layout", str(path), "-"], capture_output=True, text=True,
                            timeout=120, check=True).stdout
    flow = subprocess.run([pdftotext, str(path), "-"], capture_output=True, text=True, timeout=120,
                          check=True).stdout
    return {"facts": facts, "pages": layout.split("\f"), "flow": flow, "pdf": path}


#: Lines at the end of a page (and at the start of the next) a heading wrapped over may take.
_HEADING_LINES = 4


def _stranded_headings(pages: list[str], headings: set[str]) -> list[tuple[int, str]]:
    """(page number, text) of each page (but the last) that ends with a heading: its last lines make up a whole
    heading (one line, or wrapped over several), or begin a heading the next page's first lines complete. A last
    line that merely ends like a heading (a table cell "tỉnh" under a heading "… tỉnh") is not one."""
    found = []
    pages = [pg for pg in pages if pg.strip()]
    for number, (text, after) in enumerate(itertools.pairwise(pages), start=1):
        lines = [_norm(line) for line in text.splitlines() if line.strip()]
        following = " ".join([_norm(line) for line in after.splitlines() if line.strip()][:_HEADING_LINES])
        for k in range(1, min(_HEADING_LINES, len(lines)) + 1):
            tail = " ".join(lines[-k:])
            if tail in headings or any(h.startswith(tail + " ") and f"{tail} {following}".startswith(h)
                                       for h in headings):
                found.append((number, tail))
                break
    return found


@pytest.mark.parametrize(("pages", "expected"), [
    (["Text\nSở Nội vụ      tỉnh\n", "Cơ quan\n"], []),  # a cell that ends like a heading
    (["Text\nCác cơ quan chủ trì của tỉnh\n", "Cơ quan\n"], [(1, "Các cơ quan chủ trì của tỉnh")]),
    (["Text\nCác cơ quan chủ trì\ncủa tỉnh\n", "Cơ quan\n"], [(1, "Các cơ quan chủ trì của tỉnh")]),  # wrapped
    (["Text\nCác cơ quan chủ\n", "trì của tỉnh\nCơ quan\n"], [(1, "Các cơ quan chủ")]),  # split over two pages
    (["Text\nCác cơ quan chủ\n", "Cơ quan\n"], []),  # the words a heading begins with, but not it
    (["Text\nCác cơ quan chủ trì của tỉnh\n"], []),  # the last page
])
def test_stranded_heading_check(pages, expected):
    """The check below tells a heading at the foot of a page from text that only shares its last words."""
    assert _stranded_headings(pages, {"Các cơ quan chủ trì của tỉnh", "Cơ quan"}) == expected


@pytest.mark.parametrize("name", PAGES)
def test_printed_pages_end_with_no_heading(printed, name):
    """No page ends with a heading whose content is on the next page."""
    p = printed[name]
    headings = {_norm(h) for h in p["facts"]["headings"] if _norm(h)}
    assert _stranded_headings(p["pages"], headings) == []


@pytest.mark.parametrize("name", PAGES)
def test_printed_text_keeps_every_word_and_number_whole(printed, name):
    """Every word and every number or date of the page's text is in the PDF unbroken (none split across lines,
    none cut off at the page edge)."""
    assert _broken_tokens(printed[name]) == ([], [])


def _broken_tokens(p: dict) -> tuple[list[str], list[str]]:
    """The words of a printed page's text missing from its PDF, and its numbers and dates not there whole (at
    most 20 of each)."""
    flow = _norm(p["flow"])
    words_pdf = set(re.findall(r"\w+", flow))
    text = _norm(" ".join(p["facts"]["texts"]))
    missing_words = sorted(set(re.findall(r"\w+", text)) - words_pdf)
    split_numbers = sorted({n for n in _NUMBER.findall(text) if n not in flow})
    return missing_words[:20], split_numbers[:20]


#: The print rules the test below takes out of the page, to show that its page needs them.
_KEEP_RULES = ("h1, h2, h3, h4, summary { break-after: avoid; page-break-after: avoid; }", ".ttdn-keep, ")
_NOBR_RULE = ".ttdn-nobr { white-space: nowrap; }"


def _crowded_page() -> str:
    """A report page that crowds print: 24 headings, each over a table of 1-11 rows whose nine columns squeeze
    file names, document numbers, dates and long phrases (export_html of a notebook, as the reports are made)."""
    import nbformat
    import pandas as pd

    from ttdn_analysis.report.build import export_html

    cells = []
    for i in range(24):
        rows = (i * 5) % 11 + 1
        table = pd.DataFrame({
            "Tệp": [f"gia-lai-2025-ubnd-{i}-kh-ttdn.txt"] * rows, "Mục": [f"II.{i}"] * rows,
            "Dòng": range(100, 100 + rows),
            "Trước": ["quốc lần thứ XIII của Đảng và 5 năm thực hiện Nghị quyết số"] * rows,
            "Từ khóa": ["36-NQ/TW, 45-CT/TU"] * rows,
            "Ghi chú": ["Nghị quyết về chiến lược phát triển bền vững kinh tế biển Việt Nam đến năm 2030"] * rows,
            "Cơ quan": ["Sở Văn hóa, Thể thao và Du lịch phối hợp với Ban Tuyên giáo và Dân vận Tỉnh ủy"] * rows,
            "Sau": ["ngày 22/10/2018 của Ban Chấp hành Trung ương Đảng (khóa XII)"] * rows})
        cells += [nbformat.v4.new_markdown_cell(f"## Mục {i + 1}: các cơ quan chủ trì và phối hợp của tỉnh"),
                  nbformat.v4.new_code_cell("", outputs=[nbformat.v4.new_output(
                      "display_data", {"text/html": table.to_html(index=False, classes="ttdn-table")})])]
    return export_html(nbformat.v4.new_notebook(cells=cells), title="T")


def test_print_rules_hold_on_a_crowded_page_and_are_what_holds_it(chromium, tmp_path):
    """On a page made to put headings at page feet and codes in narrow columns, printing strands no heading and
    breaks no token; without the keep rules headings are stranded, without the no-break rule a token breaks."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext not installed (CI: apt-get install -y poppler-utils)")
    page = _crowded_page()
    without_keep = page
    for rule in _KEEP_RULES:
        assert rule in without_keep
        without_keep = without_keep.replace(rule, "")
    assert _NOBR_RULE in page
    results = {}
    for name, html_ in (("ours", page), ("without-keep", without_keep),
                        ("without-nobr", page.replace(_NOBR_RULE, ""))):
        path = tmp_path / f"{name}.html"
        path.write_text(html_, encoding="utf-8")
        p = _print(path, chromium, pdftotext, tmp_path / f"profile-{name}", tmp_path)
        results[name] = (_stranded_headings(p["pages"], {_norm(h) for h in p["facts"]["headings"]}),
                         _broken_tokens(p))
    assert results["ours"] == ([], ([], []))
    assert results["without-keep"][0] != []
    assert results["without-nobr"][1] != ([], [])


@pytest.mark.parametrize("name", PAGES[:-1])
def test_printed_charts_fit_the_page_with_their_legends(printed, name):
    p = printed[name]
    drawings = p["facts"]["drawings"]
    assert drawings, "no chart"
    assert all(d["outside"] == 0 for d in drawings), drawings
    assert max(d["width"] for d in drawings) <= test_browser.A4_WIDTH, drawings
    flow = _norm(p["flow"])
    cut = [t for t in p["facts"]["legends"] if _norm(t) and _norm(t) not in flow]
    assert cut == []  # every legend entry is printed


def test_printed_page_is_a4(printed):
    info = subprocess.run(["pdfinfo", str(printed["02_agency_networks.html"]["pdf"])], capture_output=True,
                          text=True, check=False).stdout if shutil.which("pdfinfo") else ""
    if not info:
        pytest.skip("pdfinfo not installed")
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert size and abs(float(size.group(1)) - 595.3) < 2 and abs(float(size.group(2)) - 841.9) < 2, info


def test_npm_folder_is_ignored_by_git():
    """The checkers npm installs stay out of the repository."""
    ignored = subprocess.run(["git", "check-ignore", "-q", str(NPM_DIR / "x")], cwd=ROOT, check=False)
    if ignored.returncode == 128:
        pytest.skip("not a git checkout")
    assert ignored.returncode == 0
    assert os.path.relpath(NPM_DIR, ROOT) == os.path.join(".cache", "npm")


def test_readme_shows_a_printed_page():
    """README's Reports section shows page 1 of a printed brief (docs/make_printed_page.py): a PNG of an A4 page,
    small enough to sit in the repository."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    reports = readme[readme.index("\n## Reports\n"):]
    reports = reports[:reports.index("\n## ", 1)]
    image = ROOT / "docs" / "printed-brief-page1.png"
    assert "](docs/printed-brief-page1.png)" in reports and "docs/make_printed_page.py" in reports
    data = image.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) < 300_000
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert abs(height / width - 297 / 210) < 0.01 and width >= 500, (width, height)
