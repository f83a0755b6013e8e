"""Timeline columns of a tasks table (kind, start, end, per year) for charts and filters."""
from __future__ import annotations

import pandas as pd

from ttdn_analysis.parse.timeframes import TIME_COLUMNS, TIME_KINDS, parse_timeframe

__all__ = ["timeline_columns", "parse_timeframe", "TIME_COLUMNS", "TIME_KINDS"]

def timeline_columns(tasks: pd.DataFrame) -> pd.DataFrame:
    """The tasks frame with time_kind, time_start, time_end and per_year parsed from its timeframe column.

    Parameters
    ----------
    tasks : DataFrame
        With ``timeframe`` and, for the plan year, ``year`` (the corpus ``tasks`` table); ``text``, when there,
        tells a report's deadline from the task's (:func:`parse_timeframe`'s ``context``).

    Returns
    -------
    DataFrame
        A copy of ``tasks`` with :data:`TIME_COLUMNS` added (replaced if present); dates are datetime64, as in
        the loader's ``tasks`` table.

    See Also
    --------
    parse_timeframe : the rules.

    Examples
    --------
    >>> t = pd.DataFrame({"task_id": ["a", "b", "c"], "year": [2025, 2025, 2024],
    ...                   "timeframe": ["Quý I/2025", "Thường xuyên", None]})
    >>> timeline_columns(t)[["task_id", "time_kind", "time_start", "time_end"]]
      task_id time_kind time_start   time_end
    0       a   quarter 2025-01-01 2025-03-31
    1       b   ongoing        NaT        NaT
    2       c      None        NaT        NaT
    """
    out = tasks.copy()
    tf = out["timeframe"] if "timeframe" in out.columns else pd.Series([None] * len(out), index=out.index)
    yr = out["year"] if "year" in out.columns else pd.Series([None] * len(out), index=out.index)
    tx = out["text"] if "text" in out.columns else pd.Series([None] * len(out), index=out.index)
    parsed = [parse_timeframe(None if r is None or pd.isna(r) else str(r),
                              None if y is None or pd.isna(y) else int(y),
                              None if c is None or pd.isna(c) else str(c)) for r, y, c in zip(tf, yr, tx)]
    for col in TIME_COLUMNS:
        values = pd.Series([p[col] for p in parsed], index=out.index,
                           dtype="float64" if col == "per_year" else "object")
        if col in ("time_start", "time_end"):  # typed as the loader types them
            values = pd.to_datetime(values, errors="coerce", format="%Y-%m-%d")
        out[col] = values
    return out
