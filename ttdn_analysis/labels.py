"""Every text the reports, charts and command line show, in Vietnamese and English, from one data file.

``ttdn_analysis/labels.toml`` holds each text in both languages; this module only reads it (standard library only,
so the command line and the reports share it without loading any chart library).
"""
from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

from ttdn_analysis.messages import kinds

__all__ = ["LANGUAGES", "check_lang", "label_table", "labels"]

#: Languages of the interface, the default first.
LANGUAGES: tuple[str, ...] = ("vi", "en")


def check_lang(lang: str) -> str:
    """*lang* if it is one of :data:`LANGUAGES`, else ValueError naming them.

    Parameters
    ----------
    lang : str

    Returns
    -------
    str

    Examples
    --------
    >>> check_lang("en")
    'en'
    >>> check_lang("fr")
    Traceback (most recent call last):
    ...
    ValueError: lang must be one of ('vi', 'en'), got 'fr'
    """
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {LANGUAGES}, got {lang!r}")
    return lang


@cache
def label_table() -> dict[str, dict[str, dict[str, str]]]:
    """Every interface text: section -> key -> language -> text, as written in ``labels.toml``.

    Returns
    -------
    dict
        Sections ``ui``, ``agency_types``, ``network``, ``timeline``, ``time_kinds``, ``reading``, ``brief``,
        ``changes``, ``index``, ``lineage``, ``cli`` …, and ``problem_kinds`` (from the message catalogue,
        :mod:`ttdn_analysis.messages`).

    Examples
    --------
    >>> label_table()["ui"]["tasks"]
    {'vi': 'Nhiệm vụ', 'en': 'Tasks'}
    """
    with resources.files("ttdn_analysis").joinpath("labels.toml").open("rb") as fh:
        table = tomllib.load(fh)
    # the meanings of the problem kinds live once, in the message catalogue
    table["problem_kinds"] = {k: {"vi": v.vi, "en": v.en} for k, v in kinds().items()}
    return table


def labels(lang: str = "vi", section: str = "ui") -> dict[str, str]:
    """The texts of one *section* of ``labels.toml`` in *lang*: key -> text.

    Parameters
    ----------
    lang : {"vi", "en"}, default "vi"
        Language.
    section : str, default "ui"
        A section of :func:`label_table` (headings and column names are in ``"ui"``).

    Returns
    -------
    dict of str to str

    Raises
    ------
    ValueError
        For an unknown language; KeyError for an unknown section.

    Examples
    --------
    >>> labels("en")["tasks"], labels()["tasks"]
    ('Tasks', 'Nhiệm vụ')
    >>> labels("en", "time_kinds")["quarter"]
    'Quarter'
    """
    check_lang(lang)
    return {key: texts[lang] for key, texts in label_table()[section].items()}
