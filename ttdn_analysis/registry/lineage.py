"""The 2025 restructuring crosswalk: which agencies an abolished or merged agency's functions went to."""
from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from ttdn_analysis.labels import LANGUAGES, labels
from ttdn_analysis.registry import iso_date, read_rows, read_table
from ttdn_analysis.registry.provinces import canonical_province
from ttdn_analysis.text import match_key

__all__ = ["LINEAGE_STATUSES", "ABOLISHED_LEVELS", "lineage_table", "successors", "lineage_of", "abolished_on",
           "name_on"]

#: Values of ``lineage_status`` (see :func:`lineage_of`).
LINEAGE_STATUSES = ("continues", "confirmed", "unconfirmed", "unknown")

#: Levels of government abolished in 2025, with the day they ended: a registry agency of such a level with no
#: crosswalk row has no known successor (``unknown``), never ``continues``.
ABOLISHED_LEVELS: dict[str, str] = {"district": "2025-07-01"}  # constitutional amendment, June 2025

_COLUMNS = ["old", "successor", "function", "effective", "confirmed", "scope", "source", "note"]


# A function that carries foreign-information work: TTĐN itself, press, or the foreign-information department.
_TTDN_RE = re.compile(r"ttđn|thông tin đối ngoại|foreign information|press|báo chí", re.IGNORECASE)


@lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    """The package table ``data/lineage.csv`` (cached; callers must copy before changing it)."""
    df = read_table("lineage.csv", _COLUMNS)
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
    d = iso_date(on)
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


@lru_cache(maxsize=1)
def _known() -> dict[str, tuple[str, str]]:
    """Match key → (canonical name, level) of every registry agency and every successor named in the crosswalk."""
    out = {match_key(r["canonical"]): (r["canonical"], r["level"]) for r in read_rows("agencies.csv")}
    for name in _table()["successor"]:
        out.setdefault(match_key(name), (name, ""))
    return out


def abolished_on(name: str) -> str | None:
    """The day the level of government of a registry agency ended (district bodies: 2025-07-01), else None.

    Examples
    --------
    >>> abolished_on("UBND cấp huyện"), abolished_on("Sở Y tế"), abolished_on("Sở Không Tồn Tại")
    ('2025-07-01', None, None)
    """
    entry = _known().get(match_key(name)) if isinstance(name, str) else None
    return ABOLISHED_LEVELS.get(entry[1]) if entry else None


@lru_cache(maxsize=1)
def _unit_patterns() -> list[tuple[re.Pattern[str], str]]:
    """A department's own units (``agency_self.csv``: "Văn phòng {issuer}") as regexes over match keys."""
    out = []
    for r in read_rows("agency_self.csv"):
        canon = r["canonical"]
        if "{issuer}" in canon and canon != "{issuer}":
            head, _, tail = match_key(canon).partition("{issuer}")
            out.append((re.compile(re.escape(head) + "(?P<issuer>.+)" + re.escape(tail) + "$"), canon))
    return out


def lineage_of(name: object, on: str = "2026-01-01", province: str | None = None) -> dict:
    """What became of one agency by a date, with a status a reader can rely on.

    Parameters
    ----------
    name : str
        Canonical agency name as in ``assignments.agency``; case and tone-mark style do not matter. Anything
        else (None, NaN, "") gives status ``unknown`` and no successor.
    on : str
        ISO date. Default ``"2026-01-01"``.
    province : str or None
        Province of the plan; selects province-scoped crosswalk rows (see :func:`successors`).

    Returns
    -------
    dict
        ``successor``: the agency that carries its TTĐN work on *on* (for an agency split between several
        successors, the one whose function covers TTĐN or the press; the agency itself when it continues or
        nothing is known); ``lineage_status``: one of :data:`LINEAGE_STATUSES` —

        * ``continues``: a registry agency with no change in force, or a sourced, confirmed row saying it
          continues (re-established, or moved to another parent body);
        * ``confirmed``: replaced by ``successor``, every step on a sourced row marked confirmed;
        * ``unconfirmed``: the chosen path has a step the sources do not confirm (e.g. Sở Thông tin và Truyền
          thông → Sở Văn hóa, Thể thao và Du lịch for TTĐN);
        * ``unknown``: not in the agency registry, or a body of a level abolished by *on* (district) without a
          crosswalk row.

        ``successors``: every successor in force, "; "-joined, each with its function when split;
        ``lineage_source``: the sources of the chosen path.

    Notes
    -----
    ``continues`` for an agency without a crosswalk row means only that no 2025 change of it is recorded in
    ``lineage.csv``; the registry's 2025 changes are recorded there with sources.

    Examples
    --------
    >>> lineage_of("Sở Thông tin và Truyền thông")["lineage_status"]
    'unconfirmed'
    >>> lineage_of("Ban Tuyên giáo Tỉnh ủy")["successor"], lineage_of("Ban Tuyên giáo Tỉnh ủy")["lineage_status"]
    ('Ban Tuyên giáo và Dân vận Tỉnh ủy', 'confirmed')
    >>> lineage_of("Sở Y tế")["lineage_status"], lineage_of("Sở Không Tồn Tại")["lineage_status"]
    ('continues', 'unknown')
    >>> lineage_of("UBND cấp huyện", on="2024-01-01")["lineage_status"]
    'continues'
    """
    if not isinstance(name, str) or not name.strip():
        return {"successor": None, "lineage_status": "unknown", "successors": "", "lineage_source": ""}
    d = iso_date(on)
    key = match_key(name)
    entry = _known().get(key)
    if entry is None:
        for pat, _canon in _unit_patterns():  # "Văn phòng Sở Xây dựng": a unit of a known department
            m = pat.match(key)
            if m and m.group("issuer") in _known():
                issuer = lineage_of(_known()[m.group("issuer")][0], on=d, province=province)
                status = "continues" if issuer["lineage_status"] == "continues" else "unknown"
                return {"successor": name.strip(), "lineage_status": status, "successors": "", "lineage_source": ""}
        return {"successor": name.strip(), "lineage_status": "unknown", "successors": "", "lineage_source": ""}
    canonical = entry[0]
    options = successors(canonical, on=d, province=province)
    if len(options) == 1 and options[0]["effective"] == "":  # no change in force
        ended = abolished_on(canonical)
        status = "unknown" if ended is not None and ended <= d else "continues"
        return {"successor": canonical, "lineage_status": status, "successors": "", "lineage_source": ""}
    best = _primary(options)
    if best["successor"] == canonical:
        status = "continues" if best["confirmed"] else "unconfirmed"
    else:
        status = "confirmed" if best["confirmed"] else "unconfirmed"
    listed = "; ".join(o["successor"] + (f" ({o['function']})" if len(options) > 1 and o["function"] else "")
                       + ("" if o["confirmed"] else " [not confirmed]") for o in options)
    return {"successor": best["successor"], "lineage_status": status, "successors": listed,
            "lineage_source": best["source"]}


@lru_cache(maxsize=1)
def _phrases() -> dict[str, dict[str, str]]:
    """The phrases that put an agency's later name beside the printed one (``labels.toml``, ``agency_names``)."""
    return {lang: labels(lang, "agency_names") for lang in LANGUAGES}


def name_on(name: str, on: str = "2026-01-01", province: str | None = None, lang: str = "vi") -> str:
    """The printed name of an agency with, beside it, what it is called on a date (for reports read later).

    Parameters
    ----------
    name : str
        The agency as the plan names it (canonical name).
    on : str
        ISO date. Default ``"2026-01-01"``.
    province : str or None
        The plan's province (province-scoped crosswalk rows).
    lang : {"vi", "en"}
        Language of the phrase (``ttdn_analysis/labels.toml``, section ``agency_names``).

    Returns
    -------
    str
        *name* unchanged when the agency continues (or nothing is known of it); else *name* followed by its
        successor, marked "not confirmed" when the crosswalk does not confirm the step.

    Examples
    --------
    >>> name_on("Sở Thông tin và Truyền thông")
    'Sở Thông tin và Truyền thông (nay có thể là Sở Văn hóa, Thể thao và Du lịch, chưa được xác nhận)'
    >>> name_on("Ban Tuyên giáo Tỉnh ủy", lang="en"), name_on("Sở Y tế")
    ('Ban Tuyên giáo Tỉnh ủy (now Ban Tuyên giáo và Dân vận Tỉnh ủy)', 'Sở Y tế')
    """
    if lang not in ("vi", "en"):
        raise ValueError(f"lang must be 'vi' or 'en', got {lang!r}")
    found = lineage_of(name, on=on, province=province)
    phrases = _phrases()[lang]
    status, successor = found["lineage_status"], found["successor"]
    if status == "unknown" and abolished_on(name) is not None:
        return phrases["unknown_level"].format(name=name)
    if status in ("confirmed", "unconfirmed") and successor and successor != name:
        return phrases[status].format(name=name, successor=successor)
    return name
