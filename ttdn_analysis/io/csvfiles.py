"""CSV files a spreadsheet opens safely (UTF-8 with BOM, CR LF rows, no live formula), and list cells as text.

Below both the table exports (:mod:`ttdn_analysis.io.tables`) and the network exports (:mod:`ttdn_analysis.io.graphs`).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ttdn_analysis.io.safety import atomic_path, safe_frame

__all__ = ["write_csv"]


def _flat_value(v: Any) -> Any:
    """A list cell as text: ``[174, 176]`` → ``"174, 176"``; pairs ``[[0, 174], [42, 176]]`` → ``"0:174, 42:176"``."""
    if isinstance(v, (list, tuple, np.ndarray)):
        return ", ".join(":".join(map(str, x)) if isinstance(x, (list, tuple, np.ndarray)) else str(x) for x in v)
    return v


def _flat(df: pd.DataFrame) -> pd.DataFrame:
    """List cells (e.g. ``text_lines``) as comma-separated text, for formats without lists."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object and out[col].map(lambda v: isinstance(v, (list, tuple, np.ndarray))).any():
            out[col] = out[col].map(_flat_value)
    return out


def write_csv(df: pd.DataFrame, path: str | Path) -> Path:
    """Write *df* as a CSV file a spreadsheet opens safely: UTF-8 with a byte-order mark, RFC 4180 line ends.

    Text cells are :func:`ttdn_analysis.io.safety.safe_frame` (no live formula), list cells text; a field holding a
    line break, a lone carriage return included, is quoted, so no row is ever split (rows end with CR LF, and
    Python's CSV writer quotes every field holding a character of the line end). Written atomically.

    Examples
    --------
    >>> import tempfile
    >>> p = write_csv(pd.DataFrame({"file": ["a\\rb.txt"], "n": [1]}), Path(tempfile.mkdtemp()) / "t.csv")
    >>> p.read_bytes()
    b'\\xef\\xbb\\xbffile,n\\r\\n"a\\rb.txt",1\\r\\n'
    """
    path = Path(path)
    with atomic_path(path) as tmp:
        safe_frame(_flat(df)).to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\r\n")
    return path
