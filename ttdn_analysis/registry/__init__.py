"""Knowledge as data: agencies, aliases, collectives, role cues, provinces, the 2025 lineage, the theme codebook.

Every table lives in ``registry/data/`` (CSV or TOML, one row per fact, with its source where there is one); the
modules here only load and query them. A researcher extends the registry by editing those files.
"""
from __future__ import annotations

import csv
import datetime as _dt
from collections.abc import Sequence
from importlib import resources
from importlib.abc import Traversable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["data_file", "read_rows", "read_table", "iso_date"]


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


def read_table(name: str, columns: Sequence[str]) -> pd.DataFrame:
    """The shipped CSV file *name* as a DataFrame of text (empty cells as ""), with *columns* in that order.

    Examples
    --------
    >>> read_table("provinces.csv", ["name", "merged_into"]).query("name == 'Kon Tum'").merged_into.tolist()
    ['Quảng Ngãi']
    """
    import pandas as pd

    with data_file(name).open("r", encoding="utf-8") as f:
        df = pd.read_csv(f, dtype=str, keep_default_na=False)
    return df[list(columns)].copy()


def iso_date(on: object) -> str:
    """ISO date string of a date, a timestamp or a text that starts with an ISO date; ``ValueError`` otherwise.

    Examples
    --------
    >>> iso_date("2025-07-01T00:00"), iso_date(_dt.date(2025, 7, 1))
    ('2025-07-01', '2025-07-01')
    """
    if isinstance(on, _dt.date):  # datetime and pandas.Timestamp are dates too
        return on.strftime("%Y-%m-%d")
    return _dt.date.fromisoformat(str(on).strip()[:10]).isoformat()
