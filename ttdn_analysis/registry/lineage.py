"""The 2025 restructuring crosswalk: which agencies an abolished or merged agency's functions went to."""
from __future__ import annotations

import datetime as _dt
import re
from functools import lru_cache

import pandas as pd

from ttdn_analysis.registry import data_file
from ttdn_analysis.registry.provinces import canonical_province
from ttdn_analysis.text import match_key

__all__ = ["lineage_table", "successors", "harmonize"]

_COLUMNS = ["old", "successor", "function", "effective", "confirmed", "scope", "source", "note"]


# A function that carries foreign-information work: TTĐN itself, press, or the foreign-information department.
_TTDN_RE = re.compile(r"ttđn|thông tin đối ngoại|foreign information|press|báo chí", re.IGNORECASE)


def _date(on: object) -> str:
    """ISO date string for *on*; raises ``ValueError`` for anything else."""
    if isinstance(on, (_dt.date, pd.Timestamp)):
        return on.strftime("%Y-%m-%d")
    return _dt.date.fromisoformat(str(on).strip()[:10]).isoformat()


@lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    """The package table ``data/lineage.csv`` (cached; callers must copy before changing it)."""
    with data_file("lineage.csv").open("r", encoding="utf-8") as f:
        df = pd.read_csv(f, dtype=str, keep_default_na=False)
    df = df[_COLUMNS].copy()
    df["confirmed"] = df["confirmed"].str.strip().str.lower().map({"true": True, "false": False})
    if df["confirmed"].isna().any():
        raise ValueError("lineage.csv: 'confirmed' must be true or false")
    return df


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Match key → canonical spelling of every agency named in the lineage table."""
    t = _table()
    return {match_key(n): n for n in [*t["successor"], *t["old"]]}


@lru_cache(maxsize=1)
def _by_key() -> dict[str, list[dict]]:
    """Rows of the lineage table grouped by the match key of ``old``."""
    out: dict[str, list[dict]] = {}
    for rec in _table().to_dict("records"):
        out.setdefault(match_key(rec["old"]), []).append(rec)
    return out


def lineage_table() -> pd.DataFrame:
    """The agency crosswalk as a table.

    Returns
    -------
    pandas.DataFrame
        Columns ``old``, ``successor``, ``function`` (``""`` = all functions), ``effective`` (ISO
        date), ``confirmed`` (bool), ``scope`` (``""`` = all provinces, else a province name),
        ``source`` and ``note``. A copy of the package data ``data/lineage.csv``.

    Examples
    --------
    >>> t = lineage_table()
    >>> sorted(t.loc[t["old"] == "Sở Thông tin và Truyền thông", "successor"])
    ['Sở Khoa học và Công nghệ', 'Sở Văn hóa, Thể thao và Du lịch']
    """
    return _table().copy()


def _rows_in_force(key: str, since: str, on: str, scope: str) -> list[dict]:
    """Rows for the agency *key* that are the latest change effective in ``[since, on]``.

    Province-scoped rows for *scope* replace the general rows of the same agency.
    """
    rows = _by_key().get(key, [])
    scoped = [r for r in rows if scope and r["scope"] and match_key(r["scope"]) == match_key(scope)]
    rows = scoped or [r for r in rows if not r["scope"]]
    rows = [r for r in rows if since <= r["effective"] <= on]
    if not rows:
        return []
    latest = max(r["effective"] for r in rows)
    return [r for r in rows if r["effective"] == latest]


def _join(parts: list[str]) -> str:
    """Distinct non-empty strings joined by ``"; "`` in first-seen order."""
    return "; ".join(dict.fromkeys(p for p in parts if p))


def successors(name: str, on: str = "2026-01-01", province: str | None = None) -> list[dict]:
    """Agencies that carry the work of *name* on a date.

    Changes are followed transitively in date order (Đài Phát thanh và Truyền hình tỉnh →
    Báo tỉnh → Báo và Phát thanh, Truyền hình tỉnh); for each agency the latest change in force
    applies. A row whose successor is the agency itself ends the chain (an agency re-established or
    only moved to another parent body).

    Parameters
    ----------
    name : str
        Canonical, province-independent agency name (``"Sở Thông tin và Truyền thông"``); case and
        tone-mark style do not matter.
    on : str
        ISO date. Default ``"2026-01-01"``.
    province : str or None
        Province whose plan names the agency; province-scoped crosswalk rows for it replace the
        general rows. Any form accepted by :func:`ttdn_analysis.provinces.canonical_province`.

    Returns
    -------
    list of dict
        One dict per successor with keys ``successor``, ``function`` (``""`` = all functions),
        ``effective`` (ISO date of the last step, ``""`` when nothing changed), ``confirmed`` (bool,
        true only if every step is confirmed) and ``source``; sorted by successor, function and date.
        An agency with no change in force returns itself with function ``""`` and confirmed True.

    Examples
    --------
    >>> [s["successor"] for s in successors("Sở Thông tin và Truyền thông")]
    ['Sở Khoa học và Công nghệ', 'Sở Văn hóa, Thể thao và Du lịch']
    >>> successors("Sở Thông tin và Truyền thông", on="2024-06-01")[0]["successor"]
    'Sở Thông tin và Truyền thông'
    >>> successors("Sở Ngoại vụ", on="2025-06-01", province="Đồng Nai")[0]["successor"]
    'Văn phòng Ủy ban nhân dân tỉnh'
    """
    d = _date(on)
    scope = (canonical_province(province) or province.strip()) if isinstance(province, str) and province.strip() else ""
    display = _names().get(match_key(name), name.strip())
    results: list[dict] = []

    def walk(agency: str, since: str, path: list[dict], seen: frozenset[str]) -> None:
        key = match_key(agency)
        rows = [] if key in seen else _rows_in_force(key, since, d, scope)
        if not rows:
            if path:
                results.append({
                    "successor": agency,
                    "function": _join([r["function"] for r in path]),
                    "effective": path[-1]["effective"],
                    "confirmed": all(r["confirmed"] for r in path),
                    "source": _join([r["source"] for r in path]),
                })
            else:
                results.append({"successor": agency, "function": "", "effective": "", "confirmed": True, "source": ""})
            return
        for r in rows:  # a row back to an agency already seen (itself: re-established, re-parented) ends the chain
            walk(r["successor"], r["effective"], path + [r], seen | {key})

    walk(display, "", [], frozenset())
    unique = {(r["successor"], r["function"], r["effective"]): r for r in results}
    return [unique[k] for k in sorted(unique)]


def _primary(options: list[dict]) -> dict:
    """The successor that carries TTĐN work: TTĐN/press functions first, then all functions, then the rest."""
    def rank(o: dict) -> int:
        f = o["function"].strip().lower()
        if f and not f.startswith("all but") and _TTDN_RE.search(f):
            return 0
        if not f:
            return 1
        if f.startswith("all but"):
            return 2
        return 3
    return min(options, key=lambda o: (rank(o), o["successor"], o["function"]))


def harmonize(assignments: pd.DataFrame, on: str = "2026-01-01", column: str = "agency") -> pd.DataFrame:
    """Add the successor agency, as of a date, to a table of agency assignments.

    Parameters
    ----------
    assignments : pandas.DataFrame
        Table with an agency-name column; a ``province`` column, when present, selects
        province-scoped crosswalk rows.
    on : str
        ISO date. Default ``"2026-01-01"``.
    column : str
        Name of the agency column. Default ``"agency"``.

    Returns
    -------
    pandas.DataFrame
        A copy with two new columns: ``successor``, the primary successor for TTĐN work (for an
        agency split between several successors the one whose function covers TTĐN or the press,
        e.g. Sở Thông tin và Truyền thông → Sở Văn hóa, Thể thao và Du lịch), and
        ``successor_confirmed`` (bool). Missing agency names give ``None`` and ``False``.

    Raises
    ------
    KeyError
        If *column* is not in *assignments*.

    Examples
    --------
    >>> df = pd.DataFrame({"agency": ["Sở Thông tin và Truyền thông", "Ban Tuyên giáo Tỉnh ủy", "Sở Y tế"],
    ...                    "province": ["Đắk Lắk", "Đồng Nai", "Gia Lai"]})
    >>> harmonize(df)[["successor", "successor_confirmed"]].values.tolist()
    [['Sở Văn hóa, Thể thao và Du lịch', False], ['Ban Tuyên giáo và Dân vận Tỉnh ủy', True], ['Sở Y tế', True]]
    """
    if column not in assignments.columns:
        raise KeyError(column)
    d = _date(on)
    out = assignments.copy()
    provs = out["province"] if "province" in out.columns else pd.Series([None] * len(out), index=out.index)
    memo: dict[tuple[str, str], tuple[str, bool]] = {}
    succ: list[str | None] = []
    conf: list[bool] = []
    for agency, prov in zip(out[column], provs):
        if not isinstance(agency, str) or not agency.strip():
            succ.append(None)
            conf.append(False)
            continue
        p = prov if isinstance(prov, str) else ""
        k = (agency, p)
        if k not in memo:
            best = _primary(successors(agency, on=d, province=p or None))
            memo[k] = (best["successor"], bool(best["confirmed"]))
        succ.append(memo[k][0])
        conf.append(memo[k][1])
    out["successor"] = pd.Series(succ, index=out.index, dtype=object)
    out["successor_confirmed"] = pd.Series(conf, index=out.index, dtype=bool)
    return out
