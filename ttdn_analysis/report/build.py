"""Reports: run the notebooks with parameters and export self-contained HTML."""
from __future__ import annotations

import argparse
import copy
import os
import sys
import time
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ttdn_analysis.corpus import Corpus, _as_list, load_corpus
from ttdn_analysis.plotting.labels import LABELS, labels
from ttdn_analysis.plotting.notebook import esc

__all__ = ["NOTEBOOKS", "PARAMETERS_TAG", "INJECTED_TAG", "HIDE_TAG", "codebook_version", "inject_parameters", "execute_notebook", "header_html", "export_html", "build_reports", "refresh_notebooks", "main"]

#: The report notebooks (file stems, in order) and the label key of each report's title.
NOTEBOOKS: dict[str, str] = {
    "01_corpus_overview": "report_01",
    "02_agency_networks": "report_02",
    "03_theme_coverage": "report_03",
    "04_leadership_brief": "report_04",
}


#: Cell tags: the notebook's default parameters, the values injected by :func:`inject_parameters`, and cells
#: that run (and may be checked by nbval) but are left out of the HTML report.
PARAMETERS_TAG = "parameters"


INJECTED_TAG = "injected-parameters"


HIDE_TAG = "report-hide"


_DEFAULT_NOTEBOOKS_DIR = Path(__file__).resolve().parents[2] / "notebooks"


# The lab template without its three CDN scripts (require.js, MathJax, mermaid): the reports need none of them,
# plotly.js is embedded by the notebooks' renderer. The header block goes first in <main>.
_TEMPLATE = """\
{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}
<style type="text/css">
.ttdn-report-header { font-family: var(--jp-content-font-family, sans-serif); border-bottom: 2px solid #0072B2; margin: 0 0 1.5em 0; padding: 0 0 1em 0; }
.ttdn-report-header h1 { margin-top: 0.3em; }
.ttdn-report-header table, table.ttdn-table { border-collapse: collapse; font-size: 0.9em; }
.ttdn-report-header td, .ttdn-report-header th, table.ttdn-table td, table.ttdn-table th {
  border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
.ttdn-report-header code { font-size: 0.85em; word-break: break-all; }
.jp-RenderedHTMLCommon table.ttdn-table td, .jp-RenderedHTMLCommon table.ttdn-table th {
  text-align: left; vertical-align: top; max-width: 40em; }
</style>
{%- endblock extra_css -%}
{%- block body_header -%}
{{ super() }}
{{ resources.ttdn_header }}
{%- endblock body_header -%}
"""


def codebook_version() -> str:
    """Version of the theme codebook, or ``"n/a"`` when the themes module is unavailable."""
    try:
        from ttdn_analysis.registry.codebook import load_codebook
        return str(load_codebook().version)
    except Exception:
        return "n/a"


def inject_parameters(nb: Any, params: Mapping[str, Any]) -> Any:
    """Return a copy of *nb* with a code cell tagged ``injected-parameters`` assigning *params*.

    The cell goes right after the cell tagged ``parameters`` (papermill's convention), or first when there is
    none; an earlier injected cell is replaced. Values are written with :func:`repr`.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("lang = 'vi'", metadata={"tags": ["parameters"]}),
    ...                                      nbformat.v4.new_code_cell("print(lang)")])
    >>> out = inject_parameters(nb, {"lang": "en"})
    >>> [c.source for c in out.cells]
    ["lang = 'vi'", "# Parameters\\nlang = 'en'", 'print(lang)']
    """
    import nbformat

    nb = copy.deepcopy(nb)
    source = "# Parameters\n" + "\n".join(f"{k} = {v!r}" for k, v in params.items())
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": [INJECTED_TAG, HIDE_TAG]})
    cell.pop("id", None)
    tags = [c.get("metadata", {}).get("tags", []) for c in nb.cells]
    nb.cells = [c for c, t in zip(nb.cells, tags) if INJECTED_TAG not in t]
    tags = [t for t in tags if INJECTED_TAG not in t]
    at = next((i + 1 for i, t in enumerate(tags) if PARAMETERS_TAG in t), 0)
    nb.cells.insert(at, cell)
    for i, c in enumerate(nb.cells):  # stable ids: nbformat >= 4.5 wants them unique
        if nb.nbformat == 4 and nb.nbformat_minor >= 5:
            c["id"] = c.get("id") or f"cell-{i}"
    if nb.nbformat == 4 and nb.nbformat_minor >= 5:
        cell["id"] = "injected-parameters"
    return nb


def _kernel_manager_class():
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import KernelManager

    class CurrentPythonKernelManager(KernelManager):
        """Runs ipykernel with this interpreter, whatever kernelspecs are installed."""

        @property
        def kernel_spec(self) -> KernelSpec:
            return KernelSpec(argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                              display_name=f"Python {sys.version_info.major} ({sys.executable})",
                              language="python")

    return CurrentPythonKernelManager


def _kernel_env() -> dict[str, str]:
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parent.parent)  # the kernel imports this very package
    env["PYTHONPATH"] = os.pathsep.join([root] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return env


def _client(path: Path, params: Mapping[str, Any] | None, cwd: str | os.PathLike | None, timeout: int):
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    if params:
        nb = inject_parameters(nb, params)
    return NotebookClient(nb, timeout=timeout, kernel_name="python3", kernel_manager_class=_kernel_manager_class(),
                          resources={"metadata": {"path": str(cwd or path.parent)}})


def execute_notebook(path: str | os.PathLike, params: Mapping[str, Any] | None = None,
                     cwd: str | os.PathLike | None = None, timeout: int = 600) -> Any:
    """Read the notebook at *path*, inject *params*, run it with nbclient in this interpreter; return it.

    The kernel runs in *cwd* (default: the notebook's folder) with ``sys.executable``, so no kernelspec needs
    to be installed. A failing cell raises :class:`nbclient.exceptions.CellExecutionError`.
    """
    client = _client(Path(path), params, cwd, timeout)
    client.execute(env=_kernel_env())
    return client.nb


def _execute_all(paths: Sequence[Path], params: Mapping[str, Any], cwd: Path, timeout: int, jobs: int) -> list:
    """Run several notebooks at once (each in its own kernel), at most *jobs* at a time; keep their order."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    async def run_all() -> list:
        gate = asyncio.Semaphore(max(1, jobs))

        async def one(path: Path):
            async with gate:
                client = _client(path, params, cwd, timeout)
                await client.async_execute(env=_kernel_env())
                return client.nb

        return list(await asyncio.gather(*(one(p) for p in paths)))

    # a thread of its own, so that this also works where an event loop is already running (Jupyter)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, run_all()).result()


def header_html(corpus: Corpus, title: str, lang: str = "vi", generated: str | None = None,
                version: str | None = None) -> str:
    """The block stamped at the top of every report: title, UTC generation date, codebook version, plan files.

    Every value is HTML-escaped.

    Examples
    --------
    >>> c = load_corpus([], cache=False)
    >>> "<h1>A &amp; B</h1>" in header_html(c, "A & B", generated="2025-01-01", version="1")
    True
    """
    L = labels(lang)
    generated = generated or _today()
    version = codebook_version() if version is None else version
    rows = []
    plans = corpus.plans.sort_values("source_file", kind="stable") if len(corpus.plans) else corpus.plans
    for p in plans.itertuples(index=False):
        rows.append(f"<tr><td>{esc(Path(str(p.source_file)).name)}</td><td>{esc(p.province)}</td>"
                    f"<td>{esc(p.year)}</td><td><code>{esc(p.content_hash)}</code></td></tr>")
    table = (f"<table><thead><tr><th>{esc(L['file'])}</th><th>{esc(L['province'])}</th><th>{esc(L['year'])}</th>"
             f"<th>{esc(L['sha256'])}</th></tr></thead><tbody>{''.join(rows)}</tbody></table>") if rows \
        else f"<p>{esc(L['none'])}</p>"
    return (f'<header class="ttdn-report-header">\n<h1>{esc(title)}</h1>\n'
            f"<p>{esc(L['generated'])}: {esc(generated)} · {esc(L['codebook'])}: {esc(version)}</p>\n"
            f"<p><strong>{esc(L['files_used'])}</strong> ({len(rows)})</p>\n{table}\n</header>")


def _today() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")  # reproducible builds
    when = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch and epoch.isdigit() \
        else datetime.now(timezone.utc)
    return when.date().isoformat()


def export_html(nb: Any, header: str = "", title: str = "", lang: str = "vi") -> str:
    """One self-contained HTML page of an executed notebook: inputs and prompts hidden, *header* on top.

    Cells tagged ``report-hide`` (and the injected parameters) are left out. The page loads nothing from the
    network: the lab template's require.js, MathJax and mermaid scripts are dropped, and plotly.js comes
    embedded in the notebook's output.
    """
    import jinja2
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor
    from traitlets.config import Config

    nb = copy.deepcopy(nb)
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


def build_reports(data_dir: str | os.PathLike, out_dir: str | os.PathLike, lang: str = "vi",
                  notebooks_dir: str | os.PathLike | None = None, provinces: Sequence[str] | None = None,
                  years: Sequence[int] | None = None, timeout: int = 600, jobs: int | None = None) -> list[Path]:
    """Run the four report notebooks on *data_dir* and write one offline HTML file per notebook to *out_dir*.

    Parameters
    ----------
    data_dir : path
        Folder of plan files (as for :func:`ttdn_analysis.load_corpus`).
    out_dir : path
        Created if needed; gets ``01_corpus_overview.html`` … ``04_leadership_brief.html``.
    lang : {"vi", "en"}, default "vi"
        Language of the reports' labels and sentences.
    notebooks_dir : path, optional
        Where the ``.ipynb`` files are; default the repository's ``notebooks`` folder.
    provinces, years : optional
        Restrict the reports to these provinces / years.
    timeout : int
        Seconds allowed per notebook cell.
    jobs : int, optional
        Notebooks run at the same time, each in its own kernel; default the number of CPUs (at most 4).

    Returns
    -------
    list of Path
        The HTML files written, in notebook order.

    Notes
    -----
    The notebooks get ``data_dir`` (absolute), ``lang``, ``provinces`` and ``years`` through a cell tagged
    ``injected-parameters`` after their ``parameters`` cell, and run with the notebooks folder as working
    directory. The corpus is loaded once more here for the header (file names and SHA-256 hashes); the Parquet
    cache makes that cheap. Set ``SOURCE_DATE_EPOCH`` to fix the generation date.
    """
    labels(lang)
    data_dir = Path(data_dir).resolve()
    if not data_dir.exists():
        raise FileNotFoundError(f"no such data folder: {data_dir}")
    nb_dir = Path(notebooks_dir) if notebooks_dir is not None else _DEFAULT_NOTEBOOKS_DIR
    nb_dir = nb_dir.resolve()
    paths = [nb_dir / f"{stem}.ipynb" for stem in NOTEBOOKS]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise FileNotFoundError(f"report notebooks missing: {', '.join(missing)}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    corpus = load_corpus(data_dir).select(provinces, years)
    version = codebook_version()
    generated = _today()
    params = {"data_dir": str(data_dir), "lang": lang, "provinces": _as_list(provinces), "years": _as_list(years)}
    jobs = jobs or min(4, os.cpu_count() or 1)
    notebooks = _execute_all(paths, params, nb_dir, timeout, jobs)
    L = labels(lang)
    written = []
    for (stem, title_key), nb in zip(NOTEBOOKS.items(), notebooks):
        title = L[title_key]
        page = export_html(nb, header_html(corpus, title, lang, generated, version), title, lang)
        target = out / f"{stem}.html"
        target.write_text(page, encoding="utf-8")
        written.append(target)
    return written


def refresh_notebooks(notebooks_dir: str | os.PathLike = "notebooks", timeout: int = 600) -> list[Path]:
    """Re-run the notebooks in place with their default parameters, so nbval compares against current outputs.

    Outputs of cells tagged ``nbval-ignore-output`` (charts, set-up) are cleared after the run: they embed
    plotly.js and are not compared. Use after a change to extraction, themes or the seed plans
    (``make notebooks``).
    """
    import nbformat

    written = []
    for path in sorted(Path(notebooks_dir).glob("[0-9][0-9]_*.ipynb")):
        nb = execute_notebook(path, None, cwd=path.parent, timeout=timeout)
        for cell in nb.cells:
            if cell.cell_type == "code" and "nbval-ignore-output" in cell.metadata.get("tags", []):
                cell.outputs = []
                cell.execution_count = None
        nbformat.write(nb, path)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """``python -m ttdn_analysis.report --data DIR --out DIR [--lang en]``."""
    ap = argparse.ArgumentParser(prog="python -m ttdn_analysis.report", description=__doc__)
    ap.add_argument("--data", default="data/plans", help="folder of plan files")
    ap.add_argument("--out", default="reports", help="folder for the HTML reports")
    ap.add_argument("--lang", choices=sorted(LABELS), default="vi")
    ap.add_argument("--province", action="append", dest="provinces", help="only this province (repeatable)")
    ap.add_argument("--year", action="append", dest="years", type=int, help="only this year (repeatable)")
    ap.add_argument("--jobs", type=int, default=None, help="notebooks run at once (default: CPUs, at most 4)")
    ap.add_argument("--refresh-notebooks", action="store_true",
                    help="re-run notebooks/ in place (stored outputs for nbval) instead of writing reports")
    args = ap.parse_args(argv)
    if args.refresh_notebooks:
        for p in refresh_notebooks():
            print(p)
        return 0
    t0 = time.perf_counter()
    for p in build_reports(args.data, args.out, lang=args.lang, provinces=args.provinces, years=args.years,
                           jobs=args.jobs):
        print(p)
    print(f"{time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
