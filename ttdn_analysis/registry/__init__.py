"""Knowledge as data: agencies, aliases, collectives, role cues, provinces, the 2025 lineage, the theme codebook.

Every table lives in ``registry/data/`` (CSV or TOML, one row per fact, with its source where there is one); the
modules here only load and query them. A researcher extends the registry by editing those files.
"""
from __future__ import annotations

import csv
from importlib import resources
from importlib.abc import Traversable

__all__ = ["data_file", "read_rows"]


def data_file(name: str) -> Traversable:
    """The shipped data file *name* (e.g. ``"agencies.csv"``).

    Examples
    --------
    >>> data_file("agencies.csv").name
    'agencies.csv'
    """
    return resources.files(__name__).joinpath("data", name)


def read_rows(name: str) -> list[dict[str, str]]:
    """Rows of the shipped CSV file *name* as dicts (UTF-8, header row).

    Examples
    --------
    >>> read_rows("agency_vague.csv")[0]["phrase"]
    'các cơ quan, đơn vị liên quan'
    """
    with data_file(name).open(encoding="utf-8") as fh:
        return [dict(r) for r in csv.DictReader(fh)]
