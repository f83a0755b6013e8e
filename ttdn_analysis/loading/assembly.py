"""The corpus tables from each plan's stored tables: one conversion per table, duplicates dropped (a row says so),
the checks across plans added, problems sorted, columns typed.

Each plan arrives as Arrow tables read from the store (or, rarely, as DataFrames); a table of the corpus is the
concatenation of the plans' tables of that name, converted to pandas once. Columns are carried by name as
``schema.COLUMNS`` lists them, so a column added to a table there needs nothing here.
"""
from __future__ import annotations

import hashlib
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ttdn_analysis.cache import _fingerprint, entry_path, extension_dtypes, read_entry, to_frame, write_entry
from ttdn_analysis.checks import near_duplicates, ordered
from ttdn_analysis.ingest.discover import PlanFile
from ttdn_analysis.loading.copies import NEAREST, incremental, scope_key, state_of
from ttdn_analysis.loading.keys import code_hash
from ttdn_analysis.loading.worker import Failed
from ttdn_analysis.schema import COLUMNS, TABLES, empty_table

__all__ = ["CATEGORICAL", "SHARED", "DATES", "assemble", "typed", "first"]

#: Columns typed as categoricals (a small set of repeated values), wherever a table has them. The columns of one
#: group share their categories across the tables (so that merges on them keep the type); the others have the
#: values of their own table.
CATEGORICAL = (("province", "merged_province"), ("level",), ("role",), ("theme",), ("focus",), ("kind",),
               ("severity",))
SHARED = (("province", "merged_province"), ("level",))
#: Date columns (ISO text from the parser) typed as datetime64.
DATES = {"plans": ("date",), "citations": ("date",), "tasks": ("time_start", "time_end")}


def _extension_dtypes(tables: list) -> dict[str, str]:
    """Columns that pandas wrote with an extension dtype (``Int64``…), as the entries note them."""
    out: dict[str, str] = {}
    for t in tables:
        for col, dtype in extension_dtypes(t).items():
            out.setdefault(col, dtype)
    return out


def _concat(frames: list[pd.DataFrame], name: str) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    with warnings.catch_warnings():  # all-NA columns (e.g. no number yet) are expected
        warnings.simplefilter("ignore", FutureWarning)
        return pd.concat(frames, ignore_index=True) if frames else empty_table(name)


def _arrow_frame(tables: list, name: str) -> pd.DataFrame:
    """One DataFrame of a run of Arrow tables of the table *name*: one concatenation, one conversion."""
    import pyarrow as pa

    try:
        df = to_frame(pa.concat_tables([t.replace_schema_metadata(None) for t in tables],
                                       promote_options="permissive"))
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):  # types that do not unify: one conversion per plan
        return _concat([to_frame(t) for t in tables], name)
    for col, dtype in _extension_dtypes(tables).items():  # e.g. nullable Int64, which plain Arrow types lose
        if col in df.columns:
            df[col] = df[col].astype(dtype)
    return df


def _table_of(parts: list[dict[str, Any]], name: str, columns: Sequence[str]) -> pd.DataFrame:
    """The table *name* of all plans, in their order; consecutive Arrow parts are converted together. Each part's
    table is released once it is converted (the plans' tables do not wait beside the corpus's)."""
    frames: list[pd.DataFrame] = []
    run: list = []
    for p in parts:
        x = p.pop(name, None)
        if x is None:
            continue
        if isinstance(x, pd.DataFrame):
            if run:
                frames.append(_arrow_frame(run, name))
                run = []
            frames.append(x)
        elif x.num_rows:
            run.append(x)
    if run:
        frames.append(_arrow_frame(run, name))
    df = _concat(frames, name) if name in COLUMNS else (pd.concat(frames, ignore_index=True) if frames
                                                       else pd.DataFrame(columns=list(columns)))
    return df[list(columns)].copy() if len(df.columns) != len(columns) or list(df.columns) != list(columns) else df


def first(df: Any, col: str) -> Any:
    """The first value of *col* in a DataFrame or an Arrow table (None when there is no row).

    Examples
    --------
    >>> int(first(pd.DataFrame({"x": [3, 4]}), "x")), first(pd.DataFrame({"x": []}), "x")
    (3, None)
    """
    if isinstance(df, pd.DataFrame):
        return df[col].iloc[0] if len(df) else None
    return df.column(col)[0].as_py() if df.num_rows else None


def _shingles_of(part: dict[str, Any]) -> np.ndarray:
    x = part.pop("shingles", None)
    if x is None:
        return np.zeros(0, dtype=np.uint32)
    col = x["h"].to_numpy() if isinstance(x, pd.DataFrame) else x.column("h").to_numpy()
    return np.asarray(col, dtype=np.uint32)


def _copies_key(plans: pd.DataFrame) -> str:
    """Key of the near-duplicate findings of a corpus: the parser's code and data, the checks' code, and the plans
    table (each plan's content hash, id, file and metadata determine its tasks)."""
    import ttdn_analysis.checks as checks_module

    h = hashlib.sha256(f"{_fingerprint()}|{code_hash(checks_module.__file__)}|copies".encode())
    h.update(plans.to_csv(index=False).encode())
    return h.hexdigest()[:32]


def _copies(plans: pd.DataFrame, tasks: pd.DataFrame, sets: dict[str, np.ndarray], root: Path | None
            ) -> pd.DataFrame:
    """The near-duplicate findings, compared over the plans' stored shingles; from the cache when the plans are the
    same (after a codebook edit); comparing only the new plans when the others were compared before
    (:mod:`ttdn_analysis.loading.copies`)."""
    path = entry_path("checks", _copies_key(plans), root) if root is not None else None
    cached = read_entry(path, ["problems"]) if path is not None else None
    if cached is not None:
        found = cached["problems"]
        found["line"] = pd.to_numeric(found["line"], errors="coerce").astype("Int64")
        return found
    first_line = tasks.groupby("plan_id", sort=False, observed=True)["line_start"].min().to_dict() if len(tasks) \
        else {}
    scope = entry_path("checks", scope_key(plans), root) if root is not None else None
    state = read_entry(scope, list(NEAREST), NEAREST) if scope is not None else None
    rows = incremental(plans, sets, first_line, state["nearest"], near_duplicates) if state is not None else None
    if rows is None:  # no state of these folders, or it does not apply: the whole comparison
        rows = near_duplicates(plans, sets, first_line)
    found = pd.DataFrame(rows, columns=COLUMNS["problems"])
    found["line"] = found["line"].astype("Int64")
    if path is not None and scope is not None:
        write_entry(path, {"problems": found})
        after = state_of(plans, sets, rows)
        if after is not None:
            write_entry(scope, {"nearest": after})
    return found


def _failure_row(f: PlanFile, result: str | Failed) -> dict[str, Any]:
    kind, message = (result.kind, result.message) if isinstance(result, Failed) else ("parse_failed", result)
    return {"source_file": f.display, "line": None, "severity": "error", "kind": kind, "message": message}


def assemble(files: Sequence[PlanFile], results: Sequence[Any], problems: list[dict],
             root: Path | None = None) -> dict[str, pd.DataFrame]:
    """The corpus tables from each plan's tables (a dict of Arrow tables or DataFrames, or why it failed).

    Duplicates are dropped with a ``duplicate`` row, a failed plan is one row of its kind, the findings of each
    plan's own checks are added, the plans are compared for near duplicates, and problems are sorted by file and
    line. *problems* (rows of files that gave no plan) is extended in place.
    """
    parts: list[dict[str, Any]] = []
    first_of: dict[str, str] = {}
    for f, tables in zip(files, results):
        if isinstance(tables, (str, Failed)):
            problems.append(_failure_row(f, tables))
            continue
        h = first(tables["plans"], "content_hash")
        if h is not None:
            if h in first_of:
                problems.append({"source_file": f.display, "line": None, "severity": "warning", "kind": "duplicate",
                                 "message": f"same content as {Path(first_of[h]).name}; loaded once"})
                continue
            first_of[h] = f.display
        parts.append(dict(tables))
    sets = {}
    for p in parts:
        pid = first(p["plans"], "plan_id")
        s = _shingles_of(p)
        if pid is not None:
            sets[pid] = s
    findings = _table_of(parts, "findings", COLUMNS["problems"])
    out = {}
    for t in TABLES:
        df = _table_of(parts, t, COLUMNS[t]) if t != "problems" else _concat(
            [_table_of(parts, t, COLUMNS[t]), pd.DataFrame(problems, columns=COLUMNS["problems"])], t)
        out[t] = df[COLUMNS[t]].copy() if list(df.columns) != list(COLUMNS[t]) else df
        if "year" in out[t].columns:  # the checks compare years; dates stay ISO text until typed()
            out[t]["year"] = pd.to_numeric(out[t]["year"], errors="coerce").astype("Int64")
    findings["line"] = pd.to_numeric(findings["line"], errors="coerce").astype("Int64")
    copies = _copies(out["plans"], out["tasks"], sets, root)
    found = [f for f in (findings, copies) if len(f)]
    if found:
        checked = ordered(pd.concat(found, ignore_index=True) if len(found) > 1 else found[0])
        frames = [f for f in (out["problems"], checked) if len(f)]
        out["problems"] = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    out["problems"]["line"] = pd.to_numeric(out["problems"]["line"], errors="coerce").astype("Int64")
    out["problems"] = out["problems"].sort_values(["source_file", "line"], na_position="first", kind="stable"
                                                  ).reset_index(drop=True)
    return out


def typed(out: dict[str, pd.DataFrame]) -> None:
    """Give the tables their types in place: nullable integers, datetime64 dates, categoricals.

    Examples
    --------
    >>> t = {n: empty_table(n) for n in TABLES}
    >>> typed(t)
    >>> str(t["plans"]["date"].dtype), str(t["problems"]["kind"].dtype)
    ('datetime64[ns]', 'category')
    """
    for t in TABLES:
        df = out[t]
        if "year" in df.columns:
            df["year"] = pd.to_numeric(df["year"], errors="coerce").astype("Int64")
        for col in DATES.get(t, ()):
            df[col] = pd.to_datetime(df[col], errors="coerce", format="%Y-%m-%d")
    out["tasks"]["per_year"] = out["tasks"]["per_year"].astype("float64")
    out["problems"]["line"] = pd.to_numeric(out["problems"]["line"], errors="coerce").astype("Int64")
    for t in ("tasks", "assignments", "problems"):  # the page of a PDF or scan (None for other files)
        out[t]["page"] = pd.to_numeric(out[t]["page"], errors="coerce").astype("Int64")
    out["tasks"]["ocr_low_confidence"] = out["tasks"]["ocr_low_confidence"].fillna(False).astype(bool)
    out["tasks"]["numbering_repaired"] = out["tasks"]["numbering_repaired"].fillna(False).astype(bool)
    for group in CATEGORICAL:
        scopes = [list(TABLES)] if group in SHARED else [[t] for t in TABLES]
        for tables in scopes:
            cols = [(t, c) for t in tables for c in group if c in out[t].columns]
            values = sorted({v for t, c in cols for v in pd.unique(out[t][c].dropna().astype(str))})
            for t, c in cols:
                out[t][c] = pd.Categorical(out[t][c].astype(object).where(out[t][c].notna(), None),
                                           categories=values)
