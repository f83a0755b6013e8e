"""Reports: run the notebooks with parameters (papermill) and write self-contained, offline HTML and an index page."""
from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from ttdn_analysis.corpus import Corpus, load_corpus
from ttdn_analysis.plotting.labels import check_lang, labels
from ttdn_analysis.plotting.notebook import esc, isolate
from ttdn_analysis.registry.codebook import load_codebook
from ttdn_analysis.report.brief import headline

__all__ = ["NOTEBOOKS", "PARAMETERS_TAG", "INJECTED_TAG", "HIDE_TAG", "ReportError", "notebooks_dir",
           "codebook_version", "execute_notebook", "header_html", "export_html", "page_html", "index_html",
           "build_reports", "refresh_notebooks"]

#: The report notebooks (file stems, in order) and the label key of each report's title.
NOTEBOOKS: dict[str, str] = {
    "01_corpus_overview": "report_01",
    "02_agency_networks": "report_02",
    "03_theme_coverage": "report_03",
    "04_leadership_brief": "report_04",
}

#: Cell tags: the notebook's default parameters; the values papermill injects after them; cells that run (and may
#: be checked by nbval) but stay out of the HTML report.
PARAMETERS_TAG = "parameters"
INJECTED_TAG = "injected-parameters"
HIDE_TAG = "report-hide"

#: Page style of every report and of the index: a lean sheet of the project's own (no notebook front-end styles),
#: readable on screen and laid out on A4 in print: headings kept with what follows them, charts zoomed to the page
#: width, numbers, dates and words never broken across lines.
_CSS = """
html { color-scheme: light; }
body { font-family: Arial, 'Noto Sans', 'DejaVu Sans', sans-serif; color: #1a1a1a; background: #fff;
  line-height: 1.45; max-width: 72rem; margin: 0 auto; padding: 0 1.5rem 2rem; }
h1 { font-size: 1.7rem; margin: 0.4em 0 0.3em; }
h2 { font-size: 1.35rem; margin: 1.6em 0 0.5em; }
h3 { font-size: 1.1rem; margin: 1.2em 0 0.4em; }
a { color: #0b4f8a; }
.ttdn-skip { position: absolute; left: -10000px; top: 0; }
.ttdn-skip:focus { position: static; }
.ttdn-report-header { border-bottom: 2px solid #0072B2; margin: 0 0 1.5em 0; padding: 0.5em 0 1em 0; }
.ttdn-report-header table, table.ttdn-table { border-collapse: collapse; font-size: 0.9em; margin: 0.4em 0 1em;
  max-width: 100%; }
.ttdn-report-header td, .ttdn-report-header th, table.ttdn-table td, table.ttdn-table th {
  border: 1px solid #c8c8c8; padding: 3px 8px; text-align: left; vertical-align: top; overflow-wrap: break-word;
  word-break: normal; hyphens: manual; }
table.ttdn-table thead th { background: #f2f2f2; }
.ttdn-report-header code { font-size: 0.85em; white-space: nowrap; }
table.ttdn-figures th { width: 14em; }
.ttdn-nobr { white-space: nowrap; }
td.ttdn-num, .ttdn-num { white-space: nowrap; text-align: right; font-variant-numeric: tabular-nums; }
pre.ttdn-output { white-space: pre-wrap; overflow-wrap: break-word; font-size: 0.85em; }
.ttdn-output-html { overflow-x: auto; }
figure.ttdn-chart { margin: 0.5em 0 1.5em; }
.ttdn-chart-caption { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%);
  white-space: nowrap; }
details.ttdn-chart-data > summary { cursor: pointer; color: #0b4f8a; margin: 0.3em 0; }
@media print {
  @page { size: A4; margin: 12mm; }
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
  h1, h2, h3, h4, summary { break-after: avoid; page-break-after: avoid; }
  .ttdn-keep, .ttdn-chart-drawing, tr, .ttdn-report-header p { break-inside: avoid; page-break-inside: avoid; }
  html:not(.ttdn-print-fit) .ttdn-chart-drawing { zoom: 0.6; }
  .modebar-container { display: none !important; }
  .ttdn-report-header code { font-size: 6.5pt; }
  .ttdn-skip { display: none; }
  .ttdn-output-html { overflow: visible; }
  a { color: inherit; text-decoration: none; }
}
"""

#: Without JavaScript no chart can be drawn: the empty drawing areas are hidden and each chart's caption is shown
#: above its data table.
_NOSCRIPT_CSS = (".ttdn-chart-drawing { display: none; } "
                 ".ttdn-chart-caption { position: static; width: auto; height: auto; clip-path: none; "
                 "white-space: normal; font-weight: bold; }")

#: On printing, each chart is zoomed to the printable width of an A4 page (186 mm = 703 CSS px), so none is cut;
#: the print sheet's fixed zoom applies where this script does not run.
_PRINT_JS = """
(function () {
  var width = 700;
  window.addEventListener('beforeprint', function () {
    document.querySelectorAll('.ttdn-chart-drawing').forEach(function (el) {
      el.style.zoom = '';
      el.style.width = '';
      var w = el.getBoundingClientRect().width;
      // the drawing keeps the width it was drawn at (a zoomed block would otherwise widen, and plotly redraw it)
      el.style.width = w + 'px';
      el.style.zoom = w > width ? String(width / w) : '1';
    });
    document.documentElement.classList.add('ttdn-print-fit');
  });
  window.addEventListener('afterprint', function () {
    document.querySelectorAll('.ttdn-chart-drawing').forEach(function (el) {
      el.style.zoom = '';
      el.style.width = '';
    });
    document.documentElement.classList.remove('ttdn-print-fit');
  });
})();
"""


class ReportError(RuntimeError):
    """A report notebook failed: the message names the notebook and the cell's error."""


def notebooks_dir() -> Path:
    """The folder of the report notebooks: ``notebooks/`` of the repository, shipped as ``ttdn_analysis.notebooks``.

    Returns
    -------
    Path

    Examples
    --------
    >>> sorted(p.name for p in notebooks_dir().glob("0*.ipynb"))[0]
    '01_corpus_overview.ipynb'
    """
    return Path(str(resources.files("ttdn_analysis.notebooks")))


def codebook_version() -> str:
    """Version of the theme codebook stamped on every report.

    Returns
    -------
    str

    Examples
    --------
    >>> codebook_version().count(".") >= 1
    True
    """
    return str(load_codebook().version)


def _kernel_manager_class() -> type:
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import KernelManager

    package_root = str(Path(__file__).resolve().parents[2])

    class CurrentPythonKernelManager(KernelManager):
        """Runs ipykernel with this interpreter, whatever kernelspecs are installed, and keeps it quiet."""

        @property
        def kernel_spec(self) -> KernelSpec:
            path = os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH", "")) if p)
            return KernelSpec(argv=[sys.executable, "-Xfrozen_modules=off", "-m", "ipykernel_launcher",
                                    "-f", "{connection_file}", "--IPKernelApp.log_level=CRITICAL"],
                              display_name=f"Python {sys.version_info.major} ({sys.executable})",
                              language="python",
                              env={"PYTHONPATH": path, "PYDEVD_DISABLE_FILE_VALIDATION": "1",
                                   "PYTHONWARNINGS": "ignore::DeprecationWarning"})

    return CurrentPythonKernelManager


def execute_notebook(path: str | os.PathLike, params: Mapping[str, Any] | None = None,
                     cwd: str | os.PathLike | None = None, timeout: int = 600) -> Any:
    """Run the notebook at *path* with *params* through papermill, in this interpreter; return it executed.

    Parameters
    ----------
    path : path
        The ``.ipynb`` file (not changed).
    params : mapping, optional
        Values for the notebook's cell tagged ``parameters``; papermill writes them into a cell tagged
        ``injected-parameters`` right after it.
    cwd : path, optional
        Working directory of the kernel; default the notebook's folder.
    timeout : int, default 600
        Seconds allowed per cell.

    Returns
    -------
    nbformat.NotebookNode

    Raises
    ------
    ReportError
        When a cell fails, naming the notebook, the cell and the error.

    Examples
    --------
    >>> import nbformat, tempfile
    >>> path = Path(tempfile.mkdtemp()) / "n.ipynb"
    >>> nbformat.write(nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
    ...     nbformat.v4.new_code_cell("print(x + 1)")]), str(path))
    >>> execute_notebook(path, {"x": 41}).cells[-1].outputs[0].text.strip()
    '42'
    """
    import papermill

    path = Path(path)
    try:
        return papermill.execute_notebook(
            str(path), None, parameters=dict(params or {}), kernel_name="ttdn_analysis", language="python",
            progress_bar=False, log_output=False, request_save_on_cell_execute=False, execution_timeout=timeout,
            kernel_manager_class=_kernel_manager_class(), record_timing=False,
            resources={"metadata": {"path": str(cwd or path.parent)}})
    except papermill.PapermillExecutionError as exc:
        raise ReportError(f"{path.name}, cell {exc.exec_count}: {exc.ename}: {exc.evalue}") from exc


def header_html(corpus: Corpus, title: str, lang: str = "vi", generated: str | None = None,
                version: str | None = None) -> str:
    """The block stamped at the top of every report: title, UTC generation date, codebook version, plan files.

    Parameters
    ----------
    corpus : Corpus
        Its plans are listed: file name, province, year and SHA-256 of the content.
    title : str
    lang : {"vi", "en"}, default "vi"
    generated : str, optional
        Date to print; default today (UTC), or ``SOURCE_DATE_EPOCH`` when set.
    version : str, optional
        Codebook version; default :func:`codebook_version`.

    Returns
    -------
    str
        HTML; every value escaped.

    Examples
    --------
    >>> c = load_corpus([], cache=False)
    >>> "<h1>A &amp; B</h1>" in header_html(c, "A & B", generated="2025-01-01", version="1")
    True
    """
    L = labels(check_lang(lang))
    generated = generated or _today()
    version = codebook_version() if version is None else version
    plans = corpus.plans.sort_values("source_file", kind="stable") if len(corpus.plans) else corpus.plans
    rows = [f"<tr><td>{isolate(Path(str(p.source_file)).name)}</td><td>{isolate(p.province)}</td>"
            f'<td class="ttdn-num">{esc(p.year)}</td><td><code>{esc(p.content_hash)}</code></td></tr>'
            for p in plans.itertuples(index=False)]
    table = (f'<table><thead><tr><th scope="col">{esc(L["file"])}</th><th scope="col">{esc(L["province"])}</th>'
             f'<th scope="col">{esc(L["year"])}</th><th scope="col">{esc(L["sha256"])}</th></tr></thead>'
             f"<tbody>{''.join(rows)}</tbody></table>") if rows else f"<p>{esc(L['none'])}</p>"
    return (f'<header class="ttdn-report-header">\n<h1>{esc(title)}</h1>\n'
            f"<p>{esc(L['generated'])}: {esc(generated)} · {esc(L['codebook'])}: {esc(version)}</p>\n"
            f"<p><strong>{esc(L['files_used'])}</strong> ({len(rows)})</p>\n{table}\n</header>")


def _today() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")  # reproducible builds
    when = datetime.fromtimestamp(int(epoch), UTC) if epoch and epoch.isdigit() else datetime.now(UTC)
    return when.date().isoformat()


def export_html(nb: Any, header: str = "", title: str = "", lang: str = "vi") -> str:
    """One self-contained HTML page of an executed notebook: its outputs, *header* on top, no code.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook (not changed).
    header : str
        HTML put first in the page, before ``<main>`` (:func:`header_html`).
    title : str
        The page's ``<title>``.
    lang : {"vi", "en"}, default "vi"
        The page's language attribute and the language of the texts the page adds.

    Returns
    -------
    str
        A valid HTML5 page from the project's own lean template (:func:`page_html`): the outputs of the cells in
        order, in ``<main>``; cells tagged ``report-hide``, the injected parameters, code and warnings (stderr)
        left out. Each heading is kept with the block after it in print; a hyphen-joined token of the text (a
        document number such as "36-NQ/TW", a file name) never breaks across lines; a chart without a title of its
        own is named by the heading above it; control characters inside scripts (plotly.js has U+0001 and U+001A) are
        written as JavaScript escapes, which HTML allows. Nothing is loaded from the network: plotly.js is
        embedded by the notebooks' renderer.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1", outputs=[
    ...     nbformat.v4.new_output("display_data", {"text/html": "<p>shown</p>"}),
    ...     nbformat.v4.new_output("stream", name="stderr", text="a warning")])])
    >>> page = export_html(nb, header="<header>h</header>", title="T")
    >>> "<p>shown</p>" in page, "a warning" in page, "<title>T</title>" in page, '<main id="main">' in page
    (True, False, True, True)
    """
    blocks = _blocks(nb)
    body = "\n".join(_keep_headings(_name_charts(blocks, lang)))
    return page_html(body, title, lang, header=header, script=_PRINT_JS)


def page_html(body: str, title: str, lang: str = "vi", header: str = "", script: str = "") -> str:
    """The page around *body*: doctype, language, the style sheet, a skip link, *header*, ``<main>``.

    Parameters
    ----------
    body : str
        HTML of the page's content (put in ``<main id="main">``).
    title : str
        The ``<title>`` (escaped).
    lang : {"vi", "en"}, default "vi"
    header : str
        HTML put before ``<main>`` (a ``<header>``: the page's banner).
    script : str
        JavaScript put at the end of the body (none when empty).

    Returns
    -------
    str

    Examples
    --------
    >>> page = page_html("<p>x</p>", "A & B", "en")
    >>> page.startswith('<!DOCTYPE html>'), '<html lang="en">' in page, "<title>A &amp; B</title>" in page
    (True, True, True)
    """
    skip = labels(check_lang(lang), "charts")["skip"]
    tail = f"<script>{_script_safe(script)}</script>\n" if script else ""
    return (f'<!DOCTYPE html>\n<html lang="{esc(lang)}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{esc(title)}</title>\n<style>{_CSS}</style>\n"
            f"<noscript><style>{_NOSCRIPT_CSS}</style></noscript>\n</head>\n<body>\n"
            f'<a class="ttdn-skip" href="#main">{esc(skip)}</a>\n{header}\n<main id="main">\n{body}\n</main>\n'
            f"{tail}</body>\n</html>\n")


def _blocks(nb: Any) -> list[str]:
    """The HTML of every output shown in the report, in order (hidden cells, inputs and stderr left out)."""
    from nbconvert.filters import markdown2html_mistune

    out: list[str] = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & {HIDE_TAG, INJECTED_TAG, PARAMETERS_TAG}:
            continue
        if cell.cell_type == "markdown":
            out.append(_clean(markdown2html_mistune(cell.source)))
            continue
        if cell.cell_type != "code":
            continue
        for o in cell.get("outputs", []):
            kind = o.get("output_type")
            if kind == "stream":
                if o.get("name") == "stdout" and o.get("text", "").strip():
                    out.append(f'<pre class="ttdn-output">{esc(o["text"].rstrip())}</pre>')
            elif kind == "error":
                out.append(f'<pre class="ttdn-output">{esc(o.get("ename", ""))}: {esc(o.get("evalue", ""))}</pre>')
            elif kind in ("display_data", "execute_result"):
                data = o.get("data", {})
                if "text/html" in data:
                    out.append(_clean(_joined(data["text/html"])))
                elif "text/markdown" in data:
                    out.append(_clean(markdown2html_mistune(_joined(data["text/markdown"]))))
                elif "text/plain" in data:
                    out.append(f'<pre class="ttdn-output">{esc(_joined(data["text/plain"]).rstrip())}</pre>')
    return [b for b in out if b.strip()]


def _joined(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


_SCRIPT = re.compile(r"(<script\b[^>]*>)(.*?)(</script>)", re.S | re.I)
#: Characters HTML forbids in a document (C0 controls but tab, LF, FF, CR; DEL; C1 controls; noncharacters).
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")


def _script_safe(code: str) -> str:
    """JavaScript with every character HTML forbids written as a ``\\uXXXX`` escape.

    The same program: the characters stand inside string and regular-expression literals, where the escape means
    the character.
    """
    return _FORBIDDEN.sub(lambda m: f"\\u{ord(m.group()):04x}", code)


def _clean(fragment: str) -> str:
    """An output's HTML made valid HTML5: no ``type`` on scripts, no presentational table attributes, forbidden
    characters escaped inside scripts and removed elsewhere."""
    parts = []
    last = 0
    for m in _SCRIPT.finditer(fragment):
        parts.append(_FORBIDDEN.sub("", fragment[last:m.start()]))
        opening = re.sub(r'\s+type="text/javascript"', "", m.group(1))
        parts.append(opening + _script_safe(m.group(2)) + m.group(3))
        last = m.end()
    parts.append(_FORBIDDEN.sub("", fragment[last:]))
    html_ = _keep_tokens_whole("".join(parts))
    html_ = re.sub(r'(<table\b[^>]*?)\s+border="\d*"', r"\1", html_)
    return html_.replace('<tr style="text-align: right;">', "<tr>")


#: A token a line may not break inside: letters and digits joined by hyphens or dashes (with slashes, dots and
#: colons), such as a document number "36-NQ/TW", a range "78–10/8" or a file name. Browsers may break after a
#: hyphen before a letter, and a PDF reader then rejoins the two halves without the hyphen ("36NQ/TW").
_TOKEN = re.compile(r"(?<![\w\-‐‑–/.:])\w+(?:[/.:]\w+)*(?:[-‐‑–]\w+(?:[/.:]\w+)*)+")
#: Longer tokens (links, long file names) may still break: kept whole they could not fit a table column.
_TOKEN_MAX = 40
#: Elements whose text is not shown as HTML text (or may not hold a ``<span>``).
_NO_SPAN = ("script", "style", "svg", "math", "textarea", "title", "option")
_TAG = re.compile(r"<(/?)([a-zA-Z][\w:-]*)[^>]*?(/?)>|<!--.*?-->", re.S)


def _keep_tokens_whole(fragment: str) -> str:
    """*fragment* with every hyphen-joined token of its text (:data:`_TOKEN`, at most :data:`_TOKEN_MAX`
    characters) in a ``span.ttdn-nobr``, which never breaks across lines; markup, attribute values and the text of
    scripts, styles and SVG unchanged.

    Examples
    --------
    >>> _keep_tokens_whole('<td title="a-b">Nghị quyết 36-NQ/TW, 2024</td>')
    '<td title="a-b">Nghị quyết <span class="ttdn-nobr">36-NQ/TW</span>, 2024</td>'
    >>> _keep_tokens_whole("<script>var x = a-b;</script>")
    '<script>var x = a-b;</script>'
    """
    out: list[str] = []
    inside: list[str] = []
    last = 0

    def text(chunk: str) -> str:
        if inside:
            return chunk
        return _TOKEN.sub(lambda m: (f'<span class="ttdn-nobr">{m.group()}</span>'
                                     if len(m.group()) <= _TOKEN_MAX else m.group()), chunk)

    for m in _TAG.finditer(fragment):
        out.append(text(fragment[last:m.start()]))
        out.append(m.group())
        last = m.end()
        name = (m.group(2) or "").lower()
        if name in _NO_SPAN and not m.group(3):
            if m.group(1):
                if name in inside:
                    del inside[len(inside) - 1 - inside[::-1].index(name):]
            else:
                inside.append(name)
    out.append(text(fragment[last:]))
    return "".join(out)


_HEADING = re.compile(r"^\s*<h([1-6])\b[^>]*>(.*?)</h\1>\s*$", re.S)
_UNTITLED = re.compile(r'(<figure class="ttdn-chart"[^>]*?) data-untitled>(<figcaption[^>]*>)(.*?)(</figcaption>)',
                       re.S)


def _name_charts(blocks: list[str], lang: str) -> list[str]:
    """A chart without a title of its own is named by the heading above it (its series name it otherwise)."""
    heading = ""
    out = []
    for block in blocks:
        m = _HEADING.match(block)
        if m:
            heading = m.group(2)
        elif heading and "data-untitled" in block:
            def named(f: re.Match[str], h: str = heading) -> str:
                return f"{f.group(1)}>{f.group(2)}{h} — {f.group(3)}{f.group(4)}"

            block = _UNTITLED.sub(named, block)
        out.append(block)
    return out


def _keep_headings(blocks: list[str]) -> list[str]:
    """Each heading with the block after it in one ``div.ttdn-keep``, which print keeps on one page if it can."""
    out: list[str] = []
    i = 0
    while i < len(blocks):
        if _HEADING.match(blocks[i]) and i + 1 < len(blocks) and not _HEADING.match(blocks[i + 1]):
            out.append(f'<div class="ttdn-keep">\n{blocks[i]}\n{blocks[i + 1]}\n</div>')
            i += 2
        else:
            out.append(blocks[i] if _HEADING.match(blocks[i]) else f'<div class="ttdn-output-html">{blocks[i]}</div>')
            i += 1
    return out


def index_html(corpus: Corpus, reports: Sequence[Path], lang: str = "vi", generated: str | None = None,
               version: str | None = None) -> str:
    """The index page: one line per report (linked), the headline figures and sentences, the plan files.

    Parameters
    ----------
    corpus : Corpus
        The corpus the reports were built from.
    reports : sequence of Path
        The report files, linked by file name (the index lives in the same folder).
    lang : {"vi", "en"}, default "vi"
    generated, version : str, optional
        As for :func:`header_html`.

    Returns
    -------
    str
        A page without any script or external resource; every value escaped.

    Examples
    --------
    >>> page = index_html(load_corpus([], cache=False), [Path("01_corpus_overview.html")], "en",
    ...                   generated="2026-01-01", version="1")
    >>> '<a href="01_corpus_overview.html">' in page, "<script" in page
    (True, False)
    """
    L, X = labels(check_lang(lang)), labels(lang, "index")
    items = []
    for path in reports:
        key = NOTEBOOKS.get(path.stem)
        name, line = (L[key], X[key]) if key else (path.stem, "")
        items.append(f'<li><a href="{esc(path.name)}">{esc(name)}</a> — {esc(line)}</li>')
    rows, sentences = headline(corpus, lang)
    figures = "".join(f'<tr><th scope="row">{esc(k)}</th><td>{esc(v)}</td></tr>' for k, v in rows)
    said = "".join(f"<li>{s.html()}</li>" for s in sentences)
    files = header_html(corpus, X["sources"], lang, generated, version).replace("h1>", "h2>")
    body = (f"<h1>{esc(X['title'])}</h1>\n<p>{esc(X['intro'])}</p>\n"
            f"<h2>{esc(X['reports'])}</h2>\n<ul>{''.join(items)}</ul>\n"
            f"<h2>{esc(X['headline'])}</h2>\n<table class=\"ttdn-table ttdn-figures\">{figures}</table>\n"
            f"<ul>{said}</ul>\n{files}")
    return page_html(body, X["title"], lang)


def build_reports(data_dir: str | os.PathLike, out_dir: str | os.PathLike, lang: str = "vi",
                  provinces: Sequence[str] | None = None, years: Sequence[int] | None = None, timeout: int = 600,
                  jobs: int | None = None, progress: Callable[[str], None] | None = None) -> list[Path]:
    """Run the four report notebooks on *data_dir*; write one offline HTML file each and ``index.html``.

    Parameters
    ----------
    data_dir : path
        Folder of plan files (as for :func:`ttdn_analysis.load_corpus`).
    out_dir : path
        Created if needed; gets ``01_corpus_overview.html`` … ``04_leadership_brief.html`` and ``index.html``.
    lang : {"vi", "en"}, default "vi"
        Language of the reports' labels and sentences.
    provinces, years : optional
        Restrict the reports to these provinces (any spelling ``canonical_province`` reads: "dak lak") / years.
    timeout : int
        Seconds allowed per notebook cell.
    jobs : int, optional
        Notebooks run at the same time, each in its own kernel; default the number of CPUs (at most 4).
    progress : callable, optional
        Called with the name of each report when it is done (e.g. to move a progress bar).

    Returns
    -------
    list of Path
        The reports in notebook order, then the index page.

    Raises
    ------
    FileNotFoundError
        When *data_dir* does not exist.
    ValueError
        For a province name that is none.
    ReportError
        When a notebook fails.

    Notes
    -----
    The notebooks (shipped in the package, :func:`notebooks_dir`) get ``data_dir`` (absolute), ``lang``,
    ``provinces`` and ``years`` through papermill, and run with the notebooks folder as working directory. The
    corpus is loaded here too, for the header (file names and SHA-256 hashes) and the index; the cache makes that
    cheap. Set ``SOURCE_DATE_EPOCH`` to fix the generation date.

    Examples
    --------
    Four kernels take half a minute, so this example is not run here (tests/test_report.py builds reports):

    >>> build_reports("data/plans", "reports")  # doctest: +SKIP
    [PosixPath('reports/01_corpus_overview.html'), ..., PosixPath('reports/index.html')]
    """
    check_lang(lang)
    data_dir = Path(data_dir).resolve()
    if not data_dir.is_dir():
        raise FileNotFoundError(f"no such data folder: {data_dir}")
    provinces = _canonical_provinces(provinces)
    nb_dir = notebooks_dir()
    paths = [nb_dir / f"{stem}.ipynb" for stem in NOTEBOOKS]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    corpus = load_corpus(data_dir).select(provinces, years)
    version, generated = codebook_version(), _today()
    params = {"data_dir": str(data_dir), "lang": lang, "provinces": _listed(provinces), "years": _listed(years)}
    L = labels(lang)
    done: dict[Path, Any] = {}
    with ThreadPoolExecutor(max_workers=max(1, jobs or min(4, os.cpu_count() or 1))) as pool:
        futures = {pool.submit(execute_notebook, p, params, nb_dir, timeout): p for p in paths}
        for future in as_completed(futures):
            done[futures[future]] = future.result()
            if progress:
                progress(futures[future].stem)
    written = []
    for path in paths:
        title = L[NOTEBOOKS[path.stem]]
        page = export_html(done[path], header_html(corpus, title, lang, generated, version), title, lang)
        written.append(_write(out / f"{path.stem}.html", page))
    written.append(_write(out / "index.html", index_html(corpus, written, lang, generated, version)))
    return written


def _canonical_provinces(names: Sequence[str] | str | None) -> list[str] | None:
    """Province names as the tables write them ("dak lak" -> "Đắk Lắk"); ValueError for a name that is none."""
    from ttdn_analysis.registry.provinces import canonical_province

    if names is None:
        return None
    listed = [names] if isinstance(names, str) else list(names)
    canon = [canonical_province(n) for n in listed]
    unknown = [n for n, c in zip(listed, canon) if c is None]
    if unknown:
        raise ValueError(f"unknown province(s): {', '.join(map(repr, unknown))}")
    return [c for c in canon if c is not None]


def _listed(value: Any) -> list | None:
    if value is None:
        return None
    return [value] if isinstance(value, (str, int)) else list(value)


def _write(path: Path, text: str) -> Path:
    """Write *text* to *path* through a temporary file of a name of its own (two builds into one folder never
    share one), so a failed run never leaves half a report."""
    from ttdn_analysis.io.safety import atomic_path

    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path


def refresh_notebooks(folder: str | os.PathLike | None = None, timeout: int = 600) -> list[Path]:
    """Re-run the notebooks in place with their default parameters, so nbval compares against current outputs.

    Parameters
    ----------
    folder : path, optional
        Default :func:`notebooks_dir` (the repository's ``notebooks/`` in a checkout).
    timeout : int, default 600
        Seconds allowed per cell.

    Returns
    -------
    list of Path
        The notebooks rewritten.

    Notes
    -----
    Outputs of cells tagged ``nbval-ignore-output`` (charts, set-up) are cleared after the run: they embed
    plotly.js and are not compared. Run metadata (papermill's, timings) and warnings (stderr, with temporary
    paths) are not kept, so a rerun on the same plans changes nothing. Use after a change to extraction, themes or
    the seed plans (``make notebooks``).

    Examples
    --------
    It rewrites ``notebooks/`` (``make notebooks``), so this example is not run here:

    >>> refresh_notebooks()  # doctest: +SKIP
    """
    import nbformat

    written = []
    for path in sorted(Path(folder or notebooks_dir()).glob("[0-9][0-9]_*.ipynb")):
        nb = execute_notebook(path, None, cwd=path.parent, timeout=timeout)
        nb.metadata.pop("papermill", None)
        for cell in nb.cells:
            cell.metadata.pop("papermill", None)
            cell.metadata.pop("execution", None)
            if cell.cell_type != "code":
                continue
            if "nbval-ignore-output" in cell.metadata.get("tags", []):
                cell.outputs = []
                cell.execution_count = None
            cell.outputs = [o for o in cell.outputs if not (o.output_type == "stream" and o.get("name") == "stderr")]
        nbformat.write(nb, str(path))
        written.append(path)
    return written
