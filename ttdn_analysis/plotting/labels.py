"""Display names for figures and reports: themes, agency types, plans (the texts themselves: ttdn_analysis.labels)."""
from __future__ import annotations

from typing import Any

import pandas as pd

from ttdn_analysis.labels import LANGUAGES, check_lang, label_table, labels


def _missing(v: Any) -> bool:
    try:
        return v is None or bool(pd.isna(v))
    except (TypeError, ValueError):
        return False

__all__ = ["LANGUAGES", "check_lang", "label_table", "labels", "theme_labels", "agency_type_label", "plan_labels"]


def theme_labels(lang: str = "vi") -> dict[str, str]:
    """Theme key -> display label, from the theme codebook.

    Parameters
    ----------
    lang : {"vi", "en"}, default "vi"

    Returns
    -------
    dict of str to str

    Examples
    --------
    >>> theme_labels("en").get("border")
    'Land border'
    """
    from ttdn_analysis.registry.codebook import load_codebook

    check_lang(lang)
    return {t.key: (t.label_en if lang == "en" else t.label_vi) for t in load_codebook().themes}


def agency_type_label(agency_type: Any, lang: str = "vi") -> str:
    """Display name of an agency type (the key itself when ``labels.toml`` does not name it).

    Parameters
    ----------
    agency_type : str or None
        A value of ``assignments.agency_type``; missing values count as ``"unknown"``.
    lang : {"vi", "en"}, default "vi"

    Returns
    -------
    str

    Examples
    --------
    >>> agency_type_label("media", "en"), agency_type_label(None), agency_type_label("new_kind")
    ('Media', 'Chưa phân loại', 'new_kind')
    """
    key = "unknown" if _missing(agency_type) else str(agency_type)
    return labels(lang, "agency_types").get(key, key)


def plan_labels(plans: pd.DataFrame) -> dict[str, str]:
    """plan_id -> short readable name "Province Year · Issuer" (plain text, not escaped).

    Parameters
    ----------
    plans : DataFrame
        The ``plans`` table (plan_id, province, year, issuer).

    Returns
    -------
    dict of str to str
        Two plans that would get the same name keep apart by their plan_id in brackets.

    Examples
    --------
    >>> p = pd.DataFrame({"plan_id": ["a"], "province": ["Gia Lai"], "year": [2025], "issuer": ["UBND tỉnh Gia Lai"]})
    >>> plan_labels(p)
    {'a': 'Gia Lai 2025 · UBND tỉnh Gia Lai'}
    """
    out = {}
    for r in plans.itertuples(index=False):
        parts = [str(v) for v in (getattr(r, "province", None), getattr(r, "year", None)) if not _missing(v)]
        name = " ".join(parts) or str(r.plan_id)
        issuer = getattr(r, "issuer", None)
        out[r.plan_id] = f"{name} · {issuer}" if not _missing(issuer) else name
    seen: dict[str, int] = {}
    for v in out.values():
        seen[v] = seen.get(v, 0) + 1
    return {k: (f"{v} ({k})" if seen[v] > 1 else v) for k, v in out.items()}
