"""Names a researcher types (themes, provinces, task ids): an unknown one is an error that lists the valid ones.

A typo must never give a silent empty table or a column of zeros; the analyses check the names they are given
with these helpers at their boundary.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence

__all__ = ["looks_like_key", "unknown_name", "check_names"]

_KEY_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def _fold(text: str) -> str:
    """Lower case without accents, for suggesting close names ("Đắk Lắk" → "dak lak")."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).lower()


def looks_like_key(text: str) -> bool:
    """True when *text* is one word of Latin letters, digits and "_" — the shape of a theme key, not of a
    Vietnamese phrase.

    Examples
    --------
    >>> looks_like_key("human_rights"), looks_like_key("humanrights"), looks_like_key("biên giới")
    (True, True, False)
    """
    return bool(_KEY_RE.fullmatch(text.strip()))


def unknown_name(what: str, name: object, valid: Iterable[object], context: str = "", limit: int = 40) -> ValueError:
    """A ``ValueError`` saying that *name* is not a known *what*, with close matches and the valid names.

    Parameters
    ----------
    what : str
        What was asked for ("theme", "province", "task").
    name : object
        What the caller gave.
    valid : iterable
        The names that would have worked (shown sorted as given; at most *limit* of them).
    context : str
        Where the valid names come from ("in codebook 2026.1", "in this table").
    limit : int
        How many valid names to list at most.

    Returns
    -------
    ValueError
        To be raised by the caller.

    Examples
    --------
    >>> print(unknown_name("theme", "borders", ["border", "sea_islands"], "in codebook 1"))
    unknown theme 'borders' in codebook 1. Did you mean 'border'? Valid: border, sea_islands
    >>> print(unknown_name("province", "Dak Lac", ["Gia Lai", "Đắk Lắk"]))
    unknown province 'Dak Lac'. Did you mean 'Đắk Lắk'? Valid: Gia Lai, Đắk Lắk
    """
    names = [str(v) for v in dict.fromkeys(valid)]
    folded: dict[str, str] = {}
    for n in names:
        folded.setdefault(_fold(n), n)
    close = [folded[c] for c in difflib.get_close_matches(_fold(str(name)), list(folded), n=3, cutoff=0.6)]
    hint = (" Did you mean " + " or ".join(repr(c) for c in close) + "?") if close else ""
    shown = ", ".join(names[:limit]) + (f", … ({len(names)} in all)" if len(names) > limit else "")
    where = f" {context}" if context else ""
    return ValueError(f"unknown {what} {name!r}{where}.{hint} Valid: {shown or '(none)'}")


def check_names(what: str, names: Sequence[object], valid: Iterable[object], context: str = "") -> None:
    """Raise :func:`unknown_name`'s error for the first of *names* that is not in *valid*.

    Examples
    --------
    >>> check_names("theme", ["border"], ["border", "sea_islands"])
    >>> check_names("theme", ["humanrights"], ["border", "human_rights"])
    Traceback (most recent call last):
    ...
    ValueError: unknown theme 'humanrights'. Did you mean 'human_rights'? Valid: border, human_rights
    """
    allowed = list(valid)
    known = set(allowed)
    for name in names:
        if name not in known:
            raise unknown_name(what, name, allowed, context)
