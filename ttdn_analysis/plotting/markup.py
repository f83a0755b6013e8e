"""HTML text of data values for the report pages: escaping and bidirectional isolation.

Below both the notebook renderer (:mod:`ttdn_analysis.plotting.notebook`) and the charts' accessible fallbacks
(:mod:`ttdn_analysis.plotting.accessible`), which both write data strings into HTML.
"""
from __future__ import annotations

import html
import re
from typing import Any

import pandas as pd

__all__ = ["esc", "isolate"]


def _missing(v: Any) -> bool:
    try:
        return v is None or bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def esc(value: Any) -> str:
    """HTML-escaped text of *value* ("" for missing values).

    Parameters
    ----------
    value : any

    Returns
    -------
    str

    Examples
    --------
    >>> esc("<script>alert(1)</script>")
    '&lt;script&gt;alert(1)&lt;/script&gt;'
    """
    return "" if _missing(value) else html.escape(str(value))


#: Characters that can reorder the text around them: right-to-left letters (Hebrew, Arabic, Syriac, Thaana, N'Ko
#: …, their presentation forms) and the bidirectional controls (LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI,
#: ALM, RLM).
_BIDI = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefe\u202a-\u202e\u2066-\u2069\u061c\u200f"
                   "\U00010800-\U00010fff\U0001e800-\U0001efff]")


def isolate(value: Any) -> str:
    """:func:`esc` of *value*, in ``<bdi>`` when it holds right-to-left letters or bidirectional controls.

    A file name or agency name with U+202E (right-to-left override) would otherwise reverse the text that follows
    it on the page; inside ``<bdi>`` it reorders only itself. Left-to-right text is returned as :func:`esc` gives it.

    Parameters
    ----------
    value : any

    Returns
    -------
    str

    Examples
    --------
    >>> isolate("Sở Ngoại vụ"), isolate("txt.\u202egpj")
    ('Sở Ngoại vụ', '<bdi>txt.\u202egpj</bdi>')
    """
    text = esc(value)
    return f"<bdi>{text}</bdi>" if _BIDI.search(text) else text
