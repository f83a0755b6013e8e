"""Table export: the corpus tables, theme coverage and agency centrality as CSV, Parquet or one Excel workbook, with
the agency networks (pooled and per province and year) beside them."""
from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ttdn_analysis._version import __version__
from ttdn_analysis.analysis.coverage import coverage
from ttdn_analysis.analysis.networks import _native, _sort_key, centrality_table
from ttdn_analysis.corpus import Corpus
from ttdn_analysis.io.csvfiles import _flat, _flat_value, write_csv
from ttdn_analysis.io.graphs import agency_network, write_networks
from ttdn_analysis.io.safety import FORMULA_STARTS, atomic_path, xml_text
from ttdn_analysis.registry.codebook import load_codebook
from ttdn_analysis.schema import TABLES

__all__ = ["FORMATS", "SHEETS", "EXCEL_MAX_ROWS", "EXCEL_MAX_COLUMNS", "PROVENANCE_KEY", "export_corpus",
           "export_tables", "provenance", "write_csv", "coverage_table", "centrality_tables"]

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

#: Rows and columns of one Excel worksheet (Excel 2007 and later; LibreOffice reads the same). A longer table is
#: split over several sheets (``tasks``, ``tasks (2)`` …); a wider one is refused.
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384

#: Key of the provenance in each Parquet file's key-value metadata (JSON: :func:`provenance`).
PROVENANCE_KEY = "ttdn_analysis.provenance"

# Columns holding a date (ISO text or datetime): typed dates in .xlsx.
_DATE_COLUMNS = {"plans": ("date",), "citations": ("date",), "tasks": ("time_start", "time_end")}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_EXCEL_CELL_MAX = 32_767  # characters Excel keeps in one cell


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
    >>> from ttdn_analysis.tagging import tag_tasks
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


def _is_share(column: str) -> bool:
    """A column of shares in [0, 1] (``task_share``, ``lead_share``, ``share`` …): a percent format in .xlsx."""
    return column == "share" or column.endswith("_share") or column.startswith("share_")


def _column_kind(s: pd.Series) -> str:
    """How a column is written to a sheet: ``int``, ``float``, ``bool``, ``date`` or ``text``."""
    if pd.api.types.is_bool_dtype(s.dtype):
        return "bool"
    if pd.api.types.is_integer_dtype(s.dtype):
        return "int"
    if pd.api.types.is_float_dtype(s.dtype):
        values = s.dropna()
        # a count that went through a float (a merge, a missing value): whole numbers are written as integers
        return "int" if len(values) and bool((values == values.round()).all()) and not _is_share(str(s.name)) \
            else "float"
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return "date"
    values = s.dropna().astype(object)
    if len(values) and values.map(lambda v: isinstance(v, pd.Timestamp)).all():
        return "date"
    if len(values) and values.map(lambda v: isinstance(v, (int, np.integer)) and not isinstance(v, bool)).all():
        return "int"
    return "text"


def provenance(corpus: Corpus, base: Path | None = None, generated: str | None = None) -> dict[str, Any]:
    """What an export was made from: package and codebook version, when, and each source file with its SHA-256.

    Parameters
    ----------
    corpus : Corpus
        The corpus exported.
    base : Path, optional
        Folder the file names are relative to (default: the folder of the plans).
    generated : str, optional
        ISO time of the export; default now (UTC), or ``SOURCE_DATE_EPOCH`` when set.

    Returns
    -------
    dict
        ``package``, ``version``, ``codebook_version``, ``generated``, ``sources`` (a list of ``{"file",
        "sha256"}``, the hash empty for a file that could not be read).

    Examples
    --------
    >>> from ttdn_analysis import load_corpus
    >>> p = provenance(load_corpus([], cache=False), generated="2026-01-01T00:00:00Z")
    >>> p["package"], p["generated"], p["sources"]
    ('ttdn_analysis', '2026-01-01T00:00:00Z', [])
    """
    base = base if base is not None else _data_folder(corpus)
    hashes: dict[str, str] = {}
    plans = getattr(corpus, "plans", None)
    if isinstance(plans, pd.DataFrame) and {"source_file", "content_hash"} <= set(plans.columns):
        hashes = {str(f): str(h) for f, h in zip(plans["source_file"], plans["content_hash"]) if isinstance(h, str)}
    sources = []
    for f in _source_files(corpus):
        digest = hashes.get(f) or _sha256(Path(f))
        sources.append({"file": _relative(f, base) if base is not None else Path(f).name, "sha256": digest})
    sources.sort(key=lambda r: r["file"])
    return {"package": "ttdn_analysis", "version": __version__, "codebook_version": str(load_codebook().version),
            "generated": generated or _now(), "sources": sources}


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return ""
    return h.hexdigest()


def _now() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")  # reproducible exports
    when = datetime.fromtimestamp(int(epoch), UTC) if epoch and epoch.isdigit() else datetime.now(UTC)
    return when.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _consistent_types(tables: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The same column, the same type in every table: a column that is categorical in one table is categorical in
    all; whole-number float columns (counts that went through a merge) are nullable integers."""
    categorical = {c for df in tables.values() for c in df.columns if isinstance(df[c].dtype, pd.CategoricalDtype)}
    out = {}
    for name, df in tables.items():
        df = df.copy()
        for c in df.columns:
            s = df[c]
            if c in categorical and not isinstance(s.dtype, pd.CategoricalDtype):
                if s.dtype == object or pd.api.types.is_string_dtype(s.dtype) or s.isna().all():
                    df[c] = s.astype(object).where(s.notna(), None).astype("category")
            elif pd.api.types.is_float_dtype(s.dtype) and not _is_share(str(c)):
                values = s.dropna()
                if len(values) and bool((values == values.round()).all()) and bool((values.abs() < 2**53).all()):
                    df[c] = s.astype("Int64")
            elif s.dtype == object and len(s.dropna()) and s.dropna().map(
                    lambda v: isinstance(v, (int, np.integer)) and not isinstance(v, bool)).all():
                df[c] = s.astype("Int64")
        out[name] = df
    return out


def _write_parquet(df: pd.DataFrame, path: Path, meta: Mapping[str, Any] | None) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(df, preserve_index=False)
    if meta is not None:
        kv = dict(table.schema.metadata or {})
        kv[PROVENANCE_KEY.encode()] = json.dumps(meta, ensure_ascii=False, sort_keys=True).encode("utf-8")
        table = table.replace_schema_metadata(kv)
    pq.write_table(table, path)


def _sheet_parts(name: str, df: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """A table as the sheets it takes: one, or as many as its rows need (``name``, ``name (2)`` …)."""
    if len(df.columns) > EXCEL_MAX_COLUMNS:
        raise ValueError(f"table {name!r} has {len(df.columns):,} columns; an Excel sheet holds "
                         f"{EXCEL_MAX_COLUMNS:,}: export it as csv or parquet")
    per_sheet = EXCEL_MAX_ROWS - 1  # the header row
    if len(df) <= per_sheet:
        return [(name[:31], df)]
    parts = []
    for i, start in enumerate(range(0, len(df), per_sheet), start=1):
        suffix = "" if i == 1 else f" ({i})"
        parts.append((name[:31 - len(suffix)] + suffix, df.iloc[start:start + per_sheet]))
    return parts


def _about_rows(meta: Mapping[str, Any] | None, sheets: list[tuple[str, str, int]]) -> list[list[Any]]:
    rows: list[list[Any]] = [["what", "value"]]
    if meta:
        rows += [["package", meta.get("package")], ["version", meta.get("version")],
                 ["codebook_version", meta.get("codebook_version")], ["generated (UTC)", meta.get("generated")]]
    rows += [["", ""], ["sheet", "rows · what it holds"]]
    rows += [[sheet, f"{n:,} · {what}"] for sheet, what, n in sheets]
    if meta:
        rows += [["", ""], ["source file", "SHA-256"]]
        rows += [[s["file"], s["sha256"]] for s in meta.get("sources", [])]
    return rows


def _write_sheet(wb: Any, name: str, df: pd.DataFrame) -> None:
    """One table as a write-only sheet: typed cells, formula-like text as quote-prefixed text, header frozen."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(name)
    kinds = {c: _column_kind(df[c]) for c in df.columns}
    ws.freeze_panes = "A2"
    if len(df.columns):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(df.columns))}{len(df) + 1}"
    for i, col in enumerate(df.columns, start=1):
        values = df[col].dropna()
        if kinds[col] == "date":
            width = 12.0
        else:
            lengths = values.astype(str).str.len()
            width = float(lengths.quantile(0.9)) if len(lengths) else 0.0
        ws.column_dimensions[get_column_letter(i)].width = max(8.0, min(60.0, max(width, len(str(col))) + 2))
    bold = Font(bold=True)
    header = []
    for col in df.columns:
        cell = WriteOnlyCell(ws, value=xml_text(str(col)))
        cell.data_type = "s"
        cell.font = bold
        header.append(cell)
    ws.append(header)
    columns = [(kinds[c], _is_share(str(c)), df[c].astype(object).tolist()) for c in df.columns]
    for r in range(len(df)):
        ws.append([_cell(ws, kind, share, values[r]) for kind, share, values in columns])


def _cell(ws: Any, kind: str, share: bool, v: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if v is None or v is pd.NaT or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
        return None
    if kind == "date" and isinstance(v, (pd.Timestamp, datetime)):
        t = pd.Timestamp(v)
        t = t.tz_convert(None) if t.tzinfo is not None else t
        cell = WriteOnlyCell(ws, value=t.to_pydatetime())
        cell.number_format = "yyyy-mm-dd" if t == t.normalize() else "yyyy-mm-dd hh:mm:ss"
        return cell
    if kind == "int" and isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
        return int(v)
    if kind in ("float", "int") and isinstance(v, (int, float, np.integer, np.floating)):
        cell = WriteOnlyCell(ws, value=float(v))
        if share:
            cell.number_format = "0.0%"
        return cell
    if kind == "bool":
        return bool(v)
    text = _excel_text(xml_text(_flat_value(v) if not isinstance(v, str) else v))
    cell = WriteOnlyCell(ws, value=str(text))
    cell.data_type = "s"  # text stays text, also "=…" (never a formula) and "0:77" (never a time)
    cell.number_format = "@"
    if str(text).startswith(FORMULA_STARTS):
        cell.quotePrefix = True  # what a spreadsheet shows as a leading ' without one being in the text
    return cell


def export_tables(tables: dict[str, pd.DataFrame], out: str | Path, fmt: str = "xlsx",
                  workbook: str = "ttdn_tables.xlsx", meta: Mapping[str, Any] | None = None) -> list[Path]:
    """Write named tables: a CSV or Parquet file each, or one sheet each of an Excel workbook.

    CSV: :func:`write_csv` (UTF-8 with a byte-order mark, no live formulas, every line break quoted). Excel: a
    first sheet ``about`` saying what the workbook is (*meta*: package and codebook version, generation time, each
    source file with its SHA-256; each sheet with its rows), then one sheet per table with typed cells (integers
    as integers, shares with a percent format, dates as dates, text as text: formula-like text carries Excel's
    quote prefix, not an apostrophe in the value), a bold frozen header row, an autofilter and column widths; a
    table longer than a sheet (:data:`EXCEL_MAX_ROWS`) is split over several. Parquet: the tables with the same
    type for a column in every table (categoricals, nullable integers) and *meta* as JSON under
    :data:`PROVENANCE_KEY` in the file's key-value metadata. Every file is written atomically.

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
    meta : mapping, optional
        The provenance (:func:`provenance`); without it the ``about`` sheet lists only the sheets.

    Returns
    -------
    list of Path
        Every file written.

    Raises
    ------
    ValueError
        For an unknown format, or (xlsx) a table with more columns than a sheet holds.

    Examples
    --------
    >>> import tempfile
    >>> d = tempfile.mkdtemp()
    >>> [p.name for p in export_tables({"t": pd.DataFrame({"title": ["=1+1"], "n": [-1]})}, d, "csv")]
    ['t.csv']
    >>> open(os.path.join(d, "t.csv"), "rb").read()
    b"\\xef\\xbb\\xbftitle,n\\r\\n'=1+1,-1\\r\\n"
    """
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, got {fmt!r}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    if fmt == "xlsx":
        from openpyxl import Workbook

        path = out / workbook
        parts = [(sheet, name, part) for name, df in tables.items()
                 for sheet, part in _sheet_parts(name, _typed_dates(_flat(df), name))]
        with atomic_path(path) as tmp:
            wb = Workbook(write_only=True)
            about = wb.create_sheet("about")
            about.column_dimensions["A"].width = 40
            about.column_dimensions["B"].width = 90
            listed = [(sheet, SHEETS.get(name, ""), len(part)) for sheet, name, part in parts]
            for row in _about_rows(meta, listed):
                about.append([_cell(about, "text", False, v) if isinstance(v, str) else v for v in row])
            for sheet, _, part in parts:
                _write_sheet(wb, sheet, part)
            wb.save(tmp)
        written.append(path)
        return written
    typed = _consistent_types(tables) if fmt == "parquet" else tables
    for name, df in typed.items():
        path = out / f"{name}.{fmt}"
        if fmt == "csv":
            write_csv(df, path)
        else:
            with atomic_path(path) as tmp:
                _write_parquet(df, tmp, meta)
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
    Text cells of CSV that a spreadsheet would run as a formula get a leading ``'``; in .xlsx they are text cells
    with Excel's quote prefix (the value itself unchanged); characters XML forbids are removed; each file is
    written under a temporary name and renamed when complete (see :mod:`ttdn_analysis.io.safety`). Parquet files
    keep the tables' values, with one type per column name across tables. The workbook's ``about`` sheet and
    each Parquet file's metadata carry :func:`provenance` (versions, time, source files and their SHA-256).

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
    written = export_tables(tables, out, fmt, meta=provenance(corpus, base))
    if networks:
        written += write_networks(corpus.assignments, out, tasks=corpus.tasks, on=on)
    return written
