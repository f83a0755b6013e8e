"""Instruments cited across plans: per plan, per province and year, and the plan → instrument network."""
from __future__ import annotations

from typing import Any

import networkx as nx
import pandas as pd

from ttdn_analysis.analysis.names import unknown_name
from ttdn_analysis.parse.citations import (
    CITATION_COLUMNS,
    KINDS,
    citation_problems,
    citations_from_lines,
    find_citations,
    issuer_of,
    load_instruments,
    load_issuers,
)

__all__ = ["task_of_lines", "PLAN_INSTRUMENT_COLUMNS", "instruments_by_plan", "instrument_table", "citation_graph",
           # the reader of references, re-exported so that this namespace holds every citation function
           "KINDS", "CITATION_COLUMNS", "find_citations", "citations_from_lines", "citation_problems", "issuer_of",
           "load_issuers", "load_instruments"]

_LEVELS = ("central", "province", None)

#: Columns of :func:`instruments_by_plan`.
PLAN_INSTRUMENT_COLUMNS = ("plan_id", "source_file", "province", "year", "plan_kind", "ref", "kind", "issuer",
                           "issuer_level", "date", "first_line", "lines", "mentions")


def task_of_lines(tasks: pd.DataFrame, plan_id: Any = None) -> dict[int, str]:
    """Source line → task_id for one plan: each line in a task's line_start..line_end goes to the innermost task.

    Parameters
    ----------
    tasks : DataFrame
        plan_id, task_id, line_start, line_end (the corpus ``tasks`` table).
    plan_id : optional
        The plan; default all rows of ``tasks`` (which should then be one plan).

    Returns
    -------
    dict
        Physical line number → task_id. Lines outside every task are absent.

    Examples
    --------
    >>> t = pd.DataFrame({"plan_id": ["p", "p"], "task_id": ["p:1", "p:1.a"], "line_start": [3, 5],
    ...                   "line_end": [9, 6]})
    >>> task_of_lines(t)
    {3: 'p:1', 4: 'p:1', 5: 'p:1.a', 6: 'p:1.a', 7: 'p:1', 8: 'p:1', 9: 'p:1'}
    """
    sel = tasks if plan_id is None else tasks[tasks["plan_id"] == plan_id]
    spans = []
    for tid, a, b in zip(sel["task_id"], sel["line_start"], sel["line_end"]):
        if pd.isna(a):
            continue
        a = int(a)
        b = a if pd.isna(b) else int(b)
        spans.append((a, -b, str(tid), b))
    out: dict[int, str] = {}
    for a, _, tid, b in sorted(spans):  # inner tasks start later (or end earlier) and overwrite their parents
        for ln in range(a, b + 1):
            out[ln] = tid
    return dict(sorted(out.items()))


def _levels(citations: pd.DataFrame) -> pd.Series:
    if "issuer_level" in citations.columns:
        return citations["issuer_level"]
    return citations["ref"].map(lambda r: issuer_of(str(r))[1])


def _check_level(level: str | None) -> None:
    if level not in _LEVELS:
        raise unknown_name("level", level, [str(v) for v in _LEVELS], "(None keeps every reference)")


def _first(values: pd.Series) -> Any:
    """The first value that is not missing, or None."""
    kept = values.dropna()
    return kept.iloc[0] if len(kept) else None


def instruments_by_plan(citations: pd.DataFrame, plans: pd.DataFrame, level: str | None = None) -> pd.DataFrame:
    """Which instruments each plan cites: one row per plan and instrument, with where it is first cited.

    Parameters
    ----------
    citations : DataFrame
        plan_id, ref, line; kind, issuer, issuer_level and date are used when present (issuer and level are
        otherwise told from the reference by :func:`issuer_of`). The corpus ``citations`` table.
    plans : DataFrame
        plan_id, province, year; source_file and kind when present (the corpus ``plans`` table). Citations of plans
        not in ``plans`` are left out, so a subset of the plans selects their rows.
    level : {None, "central", "province"}
        Keep the instruments whose issuer_level is this; None (the default) keeps all. Anything else raises
        ``ValueError``.

    Returns
    -------
    DataFrame
        Columns :data:`PLAN_INSTRUMENT_COLUMNS`: the plan (plan_id, source_file, province, year, plan_kind — the
        plan's own kind: annual, implementation, programme), the instrument (ref, kind such as "Kết luận", issuer,
        issuer_level, date), first_line (the physical line of the plan where it is first cited), lines (every line
        citing it, sorted) and mentions (times cited). Sorted by plan_id, first_line and ref: each plan's instruments
        in the order the plan cites them. A plan that cites nothing has no row.

    See Also
    --------
    instrument_table : mention counts by province and year, one column per instrument.

    Examples
    --------
    >>> plans = pd.DataFrame({"plan_id": ["a", "b"], "source_file": ["a.txt", "b.txt"],
    ...                       "province": ["Gia Lai", "Đồng Nai"], "year": [2025, 2024], "kind": ["annual"] * 2})
    >>> cit = pd.DataFrame({"plan_id": ["a", "a", "a", "b"], "line": [10, 12, 60, 9],
    ...                     "ref": ["57-KL/TW", "72/2015/NĐ-CP", "57-KL/TW", "160/KH-UBND"],
    ...                     "kind": ["Kết luận", "Nghị định", "Kết luận", "Kế hoạch"]})
    >>> t = instruments_by_plan(cit, plans)
    >>> t[["plan_id", "ref", "kind", "first_line", "lines", "mentions"]]
      plan_id            ref       kind  first_line     lines  mentions
    0       a       57-KL/TW   Kết luận          10  [10, 60]         2
    1       a  72/2015/NĐ-CP  Nghị định          12      [12]         1
    2       b    160/KH-UBND   Kế hoạch           9       [9]         1
    >>> t.loc[0, "issuer"], t["issuer_level"].tolist()
    ('Bộ Chính trị / Trung ương Đảng', ['central', 'central', 'province'])
    >>> instruments_by_plan(cit, plans, level="province")["ref"].tolist()
    ['160/KH-UBND']
    """
    _check_level(level)
    keys = plans.drop_duplicates("plan_id")
    meta = pd.DataFrame({"plan_id": keys["plan_id"].astype(str),
                         "source_file": keys["source_file"] if "source_file" in keys.columns else None,
                         "province": keys["province"], "year": keys["year"],
                         "plan_kind": keys["kind"] if "kind" in keys.columns else None})
    cols = set(citations.columns)
    cit = pd.DataFrame({"plan_id": citations["plan_id"].astype(str), "ref": citations["ref"].astype(str),
                        "line": pd.to_numeric(citations["line"], errors="coerce").astype("Int64")
                        if "line" in cols else pd.Series(pd.NA, index=citations.index, dtype="Int64")})
    told = citations["ref"].map(lambda r: issuer_of(str(r)))
    cit["kind"] = citations["kind"].astype(object) if "kind" in cols else None
    cit["issuer"] = citations["issuer"].astype(object) if "issuer" in cols else told.str[0]
    cit["issuer_level"] = citations["issuer_level"].astype(object) if "issuer_level" in cols else told.str[1]
    cit["date"] = citations["date"] if "date" in cols else None
    if level is not None:
        cit = cit[cit["issuer_level"] == level]
    cit = cit[cit["plan_id"].isin(set(meta["plan_id"]))]
    if cit.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in PLAN_INSTRUMENT_COLUMNS})
    groups = cit.groupby(["plan_id", "ref"], sort=True)
    out = groups.agg(kind=("kind", _first), issuer=("issuer", _first), issuer_level=("issuer_level", _first),
                     date=("date", _first), first_line=("line", "min"), mentions=("ref", "size")).reset_index()
    out["lines"] = [sorted({int(x) for x in v.dropna()}) for _, v in groups["line"]]
    out = out.merge(meta, on="plan_id", how="left", validate="many_to_one")
    out["first_line"] = out["first_line"].astype("Int64")
    out["mentions"] = out["mentions"].astype("int64")
    out = out.sort_values(["plan_id", "first_line", "ref"], kind="stable", na_position="last")
    return out[list(PLAN_INSTRUMENT_COLUMNS)].reset_index(drop=True)


def instrument_table(citations: pd.DataFrame, plans: pd.DataFrame, level: str | None = "central") -> pd.DataFrame:
    """Which instruments each province's plans cite, by year: mention counts.

    Parameters
    ----------
    citations : DataFrame
        plan_id, ref and issuer_level (or refs whose level :func:`issuer_of` can tell), e.g. from
        :func:`citations_from_lines`.
    plans : DataFrame
        plan_id, province, year (the corpus ``plans`` table).
    level : {"central", "province", None}
        Keep references whose issuer_level is this (default the national instruments); None keeps all. Anything
        else raises ``ValueError``.

    Returns
    -------
    DataFrame
        Index (province, year) of every plan, sorted; one column per reference, ordered by total mentions
        (descending) then reference; values are mention counts (0 when not cited).

    Examples
    --------
    >>> plans = pd.DataFrame({"plan_id": ["a", "b"], "province": ["Gia Lai", "Đồng Nai"], "year": [2025, 2024]})
    >>> cit = pd.DataFrame({"plan_id": ["a", "a", "b", "b"],
    ...                     "ref": ["57-KL/TW", "47/NQ-CP", "57-KL/TW", "160/KH-UBND"]})
    >>> instrument_table(cit, plans)  # doctest: +NORMALIZE_WHITESPACE
    ref            57-KL/TW  47/NQ-CP
    province year
    Gia Lai  2025         1         1
    Đồng Nai 2024         1         0
    """
    _check_level(level)
    keys = plans[["plan_id", "province", "year"]].drop_duplicates("plan_id")
    index = pd.MultiIndex.from_frame(keys[["province", "year"]].drop_duplicates()
                                     .sort_values(["province", "year"], kind="stable"))
    cit = citations if level is None else citations[_levels(citations) == level]
    merged = cit[["plan_id", "ref"]].merge(keys, on="plan_id", how="inner")
    if merged.empty:
        out = pd.DataFrame(index=index)
    else:
        counts = merged.groupby(["province", "year", "ref"], sort=True, observed=True).size()
        out = counts.unstack("ref", fill_value=0)
        totals = out.sum(axis=0)
        order = sorted(out.columns, key=lambda r: (-int(totals[r]), str(r)))
        out = out.reindex(index=index, columns=order, fill_value=0).astype("int64")
    out.columns.name = "ref"
    return out


def citation_graph(citations: pd.DataFrame) -> nx.DiGraph:
    """Plan → document graph of citations; edge weight = number of mentions.

    Parameters
    ----------
    citations : DataFrame
        plan_id, ref; kind, issuer, issuer_level, date and line are used when present.

    Returns
    -------
    networkx.DiGraph
        Plan nodes (``type="plan"``) and document nodes (``type="document"`` with doc_kind, issuer, issuer_level,
        date — the first known of each), edges plan → ref with weight and lines (sorted source lines). Nodes and
        edges are added in sorted order.

    Examples
    --------
    >>> cit = pd.DataFrame({"plan_id": ["a", "a", "b"], "ref": ["57-KL/TW"] * 3, "kind": ["Kết luận"] * 3,
    ...                     "line": [10, 28, 5]})
    >>> g = citation_graph(cit)
    >>> sorted(g.edges(data="weight"))
    [('a', '57-KL/TW', 2), ('b', '57-KL/TW', 1)]
    >>> g.nodes["57-KL/TW"]["issuer"], g.in_degree("57-KL/TW")
    ('Bộ Chính trị / Trung ương Đảng', 2)
    """
    g = nx.DiGraph(kind="citations")
    if citations.empty:
        return g
    cols = set(citations.columns)
    docs: dict[str, dict[str, Any]] = {}
    edges: dict[tuple[str, str], list[int]] = {}
    counts: dict[tuple[str, str], int] = {}
    for rec in citations.to_dict("records"):
        ref = str(rec["ref"])
        pid = str(rec["plan_id"])
        attrs = docs.setdefault(ref, {})
        issuer, level = ((rec.get("issuer"), rec.get("issuer_level")) if {"issuer", "issuer_level"} <= cols
                         else issuer_of(ref))
        for name, value in (("doc_kind", rec.get("kind")), ("issuer", issuer), ("issuer_level", level),
                            ("date", rec.get("date"))):
            if name not in attrs and value is not None and not (isinstance(value, float) and pd.isna(value)):
                attrs[name] = value
        counts[(pid, ref)] = counts.get((pid, ref), 0) + 1
        line = rec.get("line")
        if line is not None and not pd.isna(line):
            edges.setdefault((pid, ref), []).append(int(line))
    for pid in sorted({p for p, _ in counts}):
        g.add_node(pid, type="plan")
    for ref in sorted(docs):
        g.add_node(ref, type="document", **docs[ref])
    for (pid, ref) in sorted(counts):
        g.add_edge(pid, ref, weight=counts[(pid, ref)], lines=sorted(set(edges.get((pid, ref), []))))
    return g
