"""Table export: the corpus tables, theme coverage and agency centrality as CSV, Parquet or one Excel workbook, with
the agency networks (pooled and per province and year) beside them."""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ttdn_analysis.analysis.coverage import coverage
from ttdn_analysis.analysis.networks import _native, _sort_key, centrality_table
from ttdn_analysis.corpus import Corpus
from ttdn_analysis.io.graphs import agency_network, write_networks
from ttdn_analysis.io.safety import atomic_path, safe_frame
from ttdn_analysis.registry.codebook import load_codebook
from ttdn_analysis.schema import TABLES

__all__ = ["FORMATS", "SHEETS", "export_corpus", "export_tables", "coverage_table", "centrality_tables"]

#: Table formats :func:`export_corpus` writes.
FORMATS = ("csv", "parquet", "xlsx")

#: What each sheet (or file) of an export holds, in the order written.
SHEETS = {
    "plans": "one row per plan: province, year, issuer, level, number, date, title, file",
    "tasks": "one row per task: outline number, title, text, source lines, timeframe",
    "assignments": "one row per agency assigned to a task: lead or support, source line",
    "task_themes": "one row per task and theme it mentions, with the matched terms and the line",
    "problems": "what could not be read or placed, by file and line",
    "citations": "every legal or policy document a plan cites, with its line",
    "sections": "the text outside tasks (preamble, purpose and requirements, section introductions, budget), by line",
    "coverage": "share of the tasks of each province, year and level that mention each theme",
    "centrality": "agency network metrics, for all plans and for each province and year",
}

# Columns holding a date (ISO text or datetime): typed dates in .xlsx.
_DATE_COLUMNS = {"plans": ("date",), "citations": ("date",), "tasks": ("time_start", "time_end")}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_EXCEL_CELL_MAX = 32_767  # characters Excel keeps in one cell


def _flat_value(v: Any) -> Any:
    """A list cell as text: ``[174, 176]`` → ``"174, 176"``; pairs ``[[0, 174], [42, 176]]`` → ``"0:174, 42:176"``."""
    if isinstance(v, (list, tuple, np.ndarray)):
        return ", ".join(":".join(map(str, x)) if isinstance(x, (list, tuple, np.ndarray)) else str(x) for x in v)
    return v


def _flat(df: pd.DataFrame) -> pd.DataFrame:
    """List cells (e.g. ``text_lines``) as comma-separated text, for formats without lists."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object and out[col].map(lambda v: isinstance(v, (list, tuple, np.ndarray))).any():
            out[col] = out[col].map(_flat_value)
    return out


def _data_folder(corpus: Corpus) -> Path | None:
    """The folder all source files are in (their deepest common folder), or None when there are none."""
    files = _source_files(corpus)
    if not files:
        return None
    parents = [str(Path(f).resolve().parent) for f in files]
    try:
        return Path(os.path.commonpath(parents))
    except ValueError:  # files on different drives
        return None


def _source_files(corpus: Corpus) -> list[str]:
    names: set[str] = set()
    for t in TABLES:
        df = getattr(corpus, t, None)
        if isinstance(df, pd.DataFrame) and "source_file" in df.columns:
            names.update(str(v) for v in df["source_file"].dropna().unique())
    return sorted(names)


def _relative(path: str, base: Path) -> str:
    """*path* relative to *base*, with "/" separators (the file name alone when no relative path exists)."""
    try:
        return Path(os.path.relpath(Path(path).resolve(), base)).as_posix()
    except ValueError:
        return Path(path).name


def _relative_paths(df: pd.DataFrame, mapping: dict[str, str], base: Path | None) -> pd.DataFrame:
    """``source_file`` relative to the data folder, and the same paths inside problem messages."""
    if base is None or not mapping:
        return df
    out = df.copy()
    if "source_file" in out.columns:
        out["source_file"] = out["source_file"].astype(object).map(lambda s: mapping.get(str(s), s),
                                                                   na_action="ignore")
    if "message" in out.columns:
        olds = sorted(mapping, key=len, reverse=True)
        prefix = str(base) + os.sep

        def fix(msg: Any) -> Any:
            if not isinstance(msg, str):
                return msg
            for old in olds:
                if old in msg:
                    msg = msg.replace(old, mapping[old])
            return msg.replace(prefix, "")

        out["message"] = out["message"].astype(object).map(fix, na_action="ignore")
    return out


def coverage_table(corpus: Corpus, by: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Theme coverage in long form, for a sheet: one row per group and theme.

    Parameters
    ----------
    corpus : Corpus
        A loaded corpus (tasks and task_themes).
    by : tuple of str, optional
        Task columns that make the groups. Default province, year and level (so that a department's plan and its
        province's plan of one year are not pooled), or province and year when the tasks carry no level.

    Returns
    -------
    DataFrame
        The *by* columns, theme, label (Vietnamese), tasks (the group's tasks), tasks_with_theme, task_share and
        codebook_version, from :func:`ttdn_analysis.analysis.coverage.coverage`; sorted by group, then codebook order.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from ttdn_analysis.analysis.tagging import tag_tasks
    >>> tasks = pd.DataFrame({"plan_id": ["a", "a"], "task_id": ["1", "2"], "province": "Gia Lai", "year": 2025,
    ...                       "text": ["Thông tin về biên giới", "Tập huấn nghiệp vụ"]})
    >>> t = coverage_table(SimpleNamespace(tasks=tasks, task_themes=tag_tasks(tasks)))
    >>> t[t.theme == "border"][["province", "theme", "tasks", "tasks_with_theme", "task_share"]].values.tolist()
    [['Gia Lai', 'border', 2, 1, 0.5]]
    """
    tasks = corpus.tasks
    if by is None:
        by = ("province", "year", "level") if tasks is not None and "level" in tasks.columns else ("province", "year")
    cols = [*by, "theme", "label", "tasks", "tasks_with_theme", "task_share", "codebook_version"]
    if tasks is None or not len(tasks):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    counts = coverage(corpus, by=by, measure="tasks")
    shares = coverage(corpus, by=by, measure="task_share")
    totals = tasks.groupby(list(by), dropna=False, sort=True, observed=True).size()
    labels = {t.key: t.label_vi for t in load_codebook().themes}
    rows = []
    for group in counts.index:
        if int(totals.get(group, 0)) == 0:
            continue  # a combination of categories that no plan has
        key = group if isinstance(group, tuple) else (group,)
        for theme in counts.columns:
            rows.append({**dict(zip(by, key)), "theme": theme, "label": labels.get(theme, ""),
                         "tasks": int(totals.get(group, 0)), "tasks_with_theme": int(counts.loc[group, theme]),
                         "task_share": float(shares.loc[group, theme]),
                         "codebook_version": counts.attrs.get("codebook_version")})
    return pd.DataFrame(rows, columns=cols)


def centrality_tables(assignments: pd.DataFrame, on: str = "2026-01-01") -> pd.DataFrame:
    """Agency centrality in the network of all plans and in each province's and year's network, in one table.

    Parameters
    ----------
    assignments : DataFrame
        The corpus ``assignments`` table.
    on : str
        Date of the ``successor`` column. Default ``"2026-01-01"``.

    Returns
    -------
    DataFrame
        network (``"all"`` or ``"<province> <year>"``), province, year (empty for ``"all"``), then the columns of
        :func:`ttdn_analysis.analysis.networks.centrality_table` and successor; the pooled network first.

    Examples
    --------
    >>> a = pd.DataFrame({"plan_id": "p", "task_id": ["p:1", "p:1"], "agency": ["Sở Ngoại vụ", "Công an tỉnh"],
    ...                   "role": ["lead", "support"], "province": "Gia Lai", "year": 2025})
    >>> centrality_tables(a)[["network", "agency", "degree"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['all', 'Công an tỉnh', 1], ['all', 'Sở Ngoại vụ', 1], ['Gia Lai 2025', 'Công an tỉnh', 1],
     ['Gia Lai 2025', 'Sở Ngoại vụ', 1]]
    """
    parts = []
    scopes: list[tuple[str, Any, Any, pd.DataFrame]] = [("all", None, None, assignments)]
    if len(assignments) and {"province", "year"} <= set(assignments.columns):
        prov = assignments["province"].astype(object).map(_native)
        year = assignments["year"].astype(object).map(_native)
        keys = sorted(set(zip(prov, year)),
                      key=lambda k: (_sort_key(k[0] or ""), _sort_key(-1 if k[1] is None else k[1])))
        for p, y in keys:
            mask = (prov.isna() if p is None else prov == p) & (year.isna() if y is None else year == y)
            parts_name = f"{p if p is not None else '?'} {y if y is not None else '?'}"
            scopes.append((parts_name, p, y, assignments[mask.to_numpy(dtype=bool)]))
    for name, p, y, sel in scopes:
        if not len(sel):
            continue
        g = agency_network(sel, on=on)
        table = centrality_table(g)
        if not len(table):
            continue
        table.insert(0, "network", name)
        table.insert(1, "province", p)
        table.insert(2, "year", y)
        table["successor"] = [g.nodes[a].get("successor") for a in table["agency"]]
        parts.append(table)
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ["network", "province", "year", "agency"]})
    out = pd.concat(parts, ignore_index=True)
    out["year"] = out["year"].astype("Int64")
    return out


def _typed_dates(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Date columns as datetimes (ISO text that is not a date stays text)."""
    out = df
    for col in _DATE_COLUMNS.get(name, ()):
        if col not in out.columns:
            continue
        s = out[col]
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            values = s.dt.tz_localize(None) if getattr(s.dt, "tz", None) is not None else s
        else:
            values = s.astype(object).map(
                lambda v: pd.Timestamp(v) if isinstance(v, str) and _ISO_DATE.fullmatch(v.strip()) else v,
                na_action="ignore")
        out = out.assign(**{col: values})
    return out


def _excel_text(v: Any) -> Any:
    if isinstance(v, str) and len(v) > _EXCEL_CELL_MAX:
        note = f" … [cut: {len(v)} characters in all; the CSV or Parquet export has the whole text]"
        return v[:_EXCEL_CELL_MAX - len(note)] + note
    return v


def _format_sheet(ws: Any, df: pd.DataFrame) -> None:
    """Frozen header row, autofilter, column widths from the content (8 to 60 characters)."""
    from openpyxl.utils import get_column_letter

    ws.freeze_panes = "A2"
    if len(df.columns):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(df.columns))}{len(df) + 1}"
    for i, col in enumerate(df.columns, start=1):
        values = df[col].dropna()
        if pd.api.types.is_datetime64_any_dtype(values.dtype) or (
                len(values) and values.map(lambda v: isinstance(v, pd.Timestamp)).any()):
            width = 12.0
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                if cell.is_date:
                    cell.number_format = "yyyy-mm-dd"
        else:
            lengths = values.astype(str).str.len()
            width = float(lengths.quantile(0.9)) if len(lengths) else 0.0
        ws.column_dimensions[get_column_letter(i)].width = max(8.0, min(60.0, max(width, len(str(col))) + 2))


def export_tables(tables: dict[str, pd.DataFrame], out: str | Path, fmt: str = "xlsx",
                  workbook: str = "ttdn_tables.xlsx") -> list[Path]:
    """Write named tables: a CSV or Parquet file each, or one sheet each of an Excel workbook.

    CSV is UTF-8 with a byte-order mark; CSV and .xlsx text cells are made safe (no live formulas, no characters
    XML forbids: :mod:`ttdn_analysis.io.safety`) and list cells become text; .xlsx has typed dates, a frozen header
    row, an autofilter and column widths. Parquet keeps the tables as they are. Every file is written atomically.

    Parameters
    ----------
    tables : dict of str to DataFrame
        Sheet or file name → table, in the order to write.
    out : str or Path
        Output folder (created when missing).
    fmt : {"csv", "parquet", "xlsx"}
        Default ``"xlsx"``.
    workbook : str
        File name of the workbook.

    Returns
    -------
    list of Path
        Every file written.

    Examples
    --------
    >>> import tempfile, csv
    >>> d = tempfile.mkdtemp()
    >>> [p.name for p in export_tables({"t": pd.DataFrame({"title": ["=1+1"], "n": [-1]})}, d, "csv")]
    ['t.csv']
    >>> open(os.path.join(d, "t.csv"), "rb").read()
    b"\\xef\\xbb\\xbftitle,n\\n'=1+1,-1\\n"
    """
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, got {fmt!r}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    if fmt == "xlsx":
        path = out / workbook
        sheets: dict[str, pd.DataFrame] = {}
        with atomic_path(path) as tmp:
            for name, df in tables.items():
                sheet = _typed_dates(safe_frame(_flat(df)), name)
                sheets[name[:31]] = sheet.apply(lambda s: s.map(_excel_text) if s.dtype == object else s)
            with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
                for name, sheet in sheets.items():
                    sheet.to_excel(xw, sheet_name=name, index=False)
                    _format_sheet(xw.sheets[name], sheet)
        written.append(path)
        return written
    for name, df in tables.items():
        path = out / f"{name}.{fmt}"
        with atomic_path(path) as tmp:
            if fmt == "csv":
                safe_frame(_flat(df)).to_csv(tmp, index=False, encoding="utf-8-sig")
            else:
                df.to_parquet(tmp, index=False)
        written.append(path)
    return written


def export_corpus(corpus: Corpus, out: str | Path, fmt: str = "xlsx", *, data_dir: str | Path | None = None,
                  on: str = "2026-01-01", networks: bool = True) -> list[Path]:
    """Write every table of *corpus*, theme coverage, agency centrality and the agency networks into folder *out*.

    Parameters
    ----------
    corpus : Corpus
        A loaded corpus.
    out : str or Path
        Output folder (created when missing).
    fmt : {"csv", "parquet", "xlsx"}
        Table format: one file per table, or one workbook (``ttdn_tables.xlsx``) with a sheet per table
        (:data:`SHEETS`). Default ``"xlsx"``.
    data_dir : str or Path, optional
        The data folder: ``source_file`` (and file names inside problem messages) are written relative to it, so
        that no local absolute path ends up in an export. Default: the folder that holds all the source files.
    on : str
        Date of the 2025 restructuring map for the ``successor`` of agencies (centrality, networks).
        Default ``"2026-01-01"``.
    networks : bool
        Also write the agency networks (GEXF, GraphML and an edge list; pooled and per province and year, see
        :func:`ttdn_analysis.io.graphs.write_networks`). Default True.

    Returns
    -------
    list of Path
        Every file written, in order (the tables, then the networks).

    Notes
    -----
    Text cells of CSV and .xlsx that a spreadsheet would run as a formula get a leading ``'``; characters XML
    forbids are removed; each file is written under a temporary name and renamed when complete (see
    :mod:`ttdn_analysis.io.safety`). Parquet files keep the tables' values and types as they are.

    Examples
    --------
    >>> import tempfile
    >>> from ttdn_analysis import load_corpus
    >>> paths = export_corpus(load_corpus([], cache=False), tempfile.mkdtemp(), "csv")
    >>> [p.name for p in paths]  # doctest: +NORMALIZE_WHITESPACE
    ['plans.csv', 'tasks.csv', 'assignments.csv', 'task_themes.csv', 'problems.csv', 'citations.csv',
     'sections.csv', 'coverage.csv', 'centrality.csv']
    """
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, got {fmt!r}")
    base = Path(data_dir).resolve() if data_dir is not None else _data_folder(corpus)
    mapping = {s: _relative(s, base) for s in _source_files(corpus)} if base is not None else {}
    tables: dict[str, pd.DataFrame] = {t: _relative_paths(getattr(corpus, t), mapping, base) for t in TABLES}
    tables["coverage"] = coverage_table(corpus)
    tables["centrality"] = centrality_tables(corpus.assignments, on=on)
    written = export_tables(tables, out, fmt)
    if networks:
        written += write_networks(corpus.assignments, out, tasks=corpus.tasks, on=on)
    return written
