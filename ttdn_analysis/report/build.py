"""Reports: run the notebooks with parameters (papermill) and write self-contained, offline HTML and an index page."""
from __future__ import annotations

import copy
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from ttdn_analysis.corpus import Corpus, load_corpus
from ttdn_analysis.plotting.labels import check_lang, labels
from ttdn_analysis.plotting.notebook import esc
from ttdn_analysis.registry.codebook import load_codebook
from ttdn_analysis.report.brief import headline

__all__ = ["NOTEBOOKS", "PARAMETERS_TAG", "INJECTED_TAG", "HIDE_TAG", "ReportError", "notebooks_dir",
           "codebook_version", "execute_notebook", "header_html", "export_html", "index_html", "build_reports",
           "refresh_notebooks"]

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

#: Page style of every report and of the index: tables, the header block, and print on A4 without cut charts.
_CSS = """
.ttdn-report-header { font-family: var(--jp-content-font-family, sans-serif); border-bottom: 2px solid #0072B2;
  margin: 0 0 1.5em 0; padding: 0 0 1em 0; }
.ttdn-report-header h1 { margin-top: 0.3em; }
.ttdn-report-header table, table.ttdn-table { border-collapse: collapse; font-size: 0.9em; }
.ttdn-report-header td, .ttdn-report-header th, table.ttdn-table td, table.ttdn-table th {
  border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
.ttdn-report-header code { font-size: 0.85em; word-break: break-all; }
.jp-RenderedHTMLCommon table.ttdn-table td, .jp-RenderedHTMLCommon table.ttdn-table th {
  text-align: left; vertical-align: top; max-width: 40em; overflow-wrap: anywhere; }
.jp-RenderedHTMLCommon table.ttdn-table { table-layout: auto; max-width: 100%; }
.jp-OutputArea-output { overflow-x: auto; }
@media print {
  @page { size: A4; margin: 12mm; }
  body, .jp-Notebook { padding: 0 !important; margin: 0 !important; }
  .js-plotly-plot, .plotly-graph-div, table, tr, h2, h3 { break-inside: avoid; page-break-inside: avoid; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  .modebar-container { display: none !important; }
  .ttdn-report-header code { font-size: 0.7em; }
}
"""

#: On printing, each chart is zoomed to the printable width of an A4 page (186 mm = 703 CSS px), so none is cut.
_PRINT_JS = """
(function () {
  var width = 700;
  window.addEventListener('beforeprint', function () {
    document.querySelectorAll('.js-plotly-plot').forEach(function (el) {
      var w = el.getBoundingClientRect().width;
      if (w > width) { el.style.zoom = String(width / w); }
    });
  });
  window.addEventListener('afterprint', function () {
    document.querySelectorAll('.js-plotly-plot').forEach(function (el) { el.style.zoom = ''; });
  });
})();
"""

# The lab template without its three CDN scripts (require.js, MathJax, mermaid): the reports need none of them,
# plotly.js is embedded by the notebooks' renderer. The header block goes first in <main>.
_TEMPLATE = (
    "{%- extends 'lab/index.html.j2' -%}\n"
    "{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}\n"
    "{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}\n"
    "{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}\n"
    "{%- block extra_css -%}\n<style type=\"text/css\">" + _CSS + "</style>\n{%- endblock extra_css -%}\n"
    "{%- block body_header -%}\n{{ super() }}\n{{ resources.ttdn_header }}\n{%- endblock body_header -%}\n"
    "{%- block body_footer -%}\n<script>" + _PRINT_JS + "</script>\n{{ super() }}\n{%- endblock body_footer -%}\n"
)


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
    rows = [f"<tr><td>{esc(Path(str(p.source_file)).name)}</td><td>{esc(p.province)}</td>"
            f"<td>{esc(p.year)}</td><td><code>{esc(p.content_hash)}</code></td></tr>"
            for p in plans.itertuples(index=False)]
    table = (f"<table><thead><tr><th>{esc(L['file'])}</th><th>{esc(L['province'])}</th><th>{esc(L['year'])}</th>"
             f"<th>{esc(L['sha256'])}</th></tr></thead><tbody>{''.join(rows)}</tbody></table>") if rows \
        else f"<p>{esc(L['none'])}</p>"
    return (f'<header class="ttdn-report-header">\n<h1>{esc(title)}</h1>\n'
            f"<p>{esc(L['generated'])}: {esc(generated)} · {esc(L['codebook'])}: {esc(version)}</p>\n"
            f"<p><strong>{esc(L['files_used'])}</strong> ({len(rows)})</p>\n{table}\n</header>")


def _today() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")  # reproducible builds
    when = datetime.fromtimestamp(int(epoch), UTC) if epoch and epoch.isdigit() else datetime.now(UTC)
    return when.date().isoformat()


def export_html(nb: Any, header: str = "", title: str = "", lang: str = "vi") -> str:
    """One self-contained HTML page of an executed notebook: inputs and prompts hidden, *header* on top.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook (not changed).
    header : str
        HTML put first in the page (:func:`header_html`).
    title : str
        The page's ``<title>``.
    lang : {"vi", "en"}, default "vi"
        The page's language attribute.

    Returns
    -------
    str
        The page. Cells tagged ``report-hide``, the injected parameters and warnings (stderr) are left out; nothing
        is loaded from
        the network (the lab template's require.js, MathJax and mermaid scripts are dropped, plotly.js is
        embedded in the notebook's output); a print stylesheet lays it out on A4.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1", outputs=[
    ...     nbformat.v4.new_output("display_data", {"text/html": "<p>shown</p>"}),
    ...     nbformat.v4.new_output("stream", name="stderr", text="a warning")])])
    >>> page = export_html(nb, header="<header>h</header>", title="T")
    >>> "<p>shown</p>" in page, "a warning" in page, "<title>T</title>" in page
    (True, False, True)
    """
    import jinja2
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor
    from traitlets.config import Config

    nb = copy.deepcopy(nb)
    for cell in nb.cells:  # warnings are for the researcher at the notebook, not for the report's reader
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not (o.output_type == "stream" and o.get("name") == "stderr")]
    if title:
        nb.metadata["title"] = title
    cfg = Config()
    cfg.TagRemovePreprocessor.remove_cell_tags = {HIDE_TAG, INJECTED_TAG}
    cfg.TagRemovePreprocessor.enabled = True
    exporter = HTMLExporter(config=cfg, template_name="lab", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, language_code=lang,
                            extra_loaders=[jinja2.DictLoader({"ttdn_report.html.j2": _TEMPLATE})],
                            template_file="ttdn_report.html.j2")
    exporter.register_preprocessor(TagRemovePreprocessor(config=cfg), enabled=True)
    body, _ = exporter.from_notebook_node(nb, resources={"ttdn_header": header})
    return body


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
    figures = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
    said = "".join(f"<li>{s.html()}</li>" for s in sentences)
    files = header_html(corpus, X["sources"], lang, generated, version).replace("h1>", "h2>")
    style = _CSS + "body { font-family: Arial, 'Noto Sans', sans-serif; max-width: 60em; margin: 2em auto; " \
                   "padding: 0 1em; line-height: 1.5; } th { width: 14em; }"
    return (f'<!DOCTYPE html>\n<html lang="{esc(lang)}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{esc(X['title'])}</title>\n<style>{style}</style>\n</head>\n<body>\n"
            f"<h1>{esc(X['title'])}</h1>\n<p>{esc(X['intro'])}</p>\n"
            f"<h2>{esc(X['reports'])}</h2>\n<ul>{''.join(items)}</ul>\n"
            f"<h2>{esc(X['headline'])}</h2>\n<table class=\"ttdn-table\">{figures}</table>\n<ul>{said}</ul>\n"
            f"{files}\n"
            "</body>\n</html>\n")


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
