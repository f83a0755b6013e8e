"""What makes an export safe to open: no live spreadsheet formulas, XML-legal text, no half-written files.

* Text that a spreadsheet would read as a formula (it begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return) gets a leading single quote, as the OWASP guidance on CSV injection recommends; numbers and dates are never
  touched. A plan's task title ``=HYPERLINK("http://…","bấm")`` thus stays text in Excel or LibreOffice.
* Control characters that XML forbids (NUL, ESC, …) are removed, and Word's manual line break (vertical tab) and
  the form feed become line breaks, so .xlsx, GEXF and GraphML writers never fail on a plan's text.
* Every file is written under a temporary name in its own folder and renamed when complete: an export that fails
  half-way leaves the previous file (or none), never a partial one.

References
----------
.. [1] OWASP, "CSV Injection", https://owasp.org/www-community/attacks/CSV_Injection
.. [2] W3C, "Extensible Markup Language (XML) 1.0", section 2.2 Characters (the ``Char`` production).
"""
from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["FORMULA_STARTS", "neutralise", "xml_text", "safe_text", "safe_frame", "atomic_path"]

#: First characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Characters outside XML 1.0's Char production: C0 controls except tab, LF, CR; lone surrogates; U+FFFE/U+FFFF.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})


def neutralise(value: Any) -> Any:
    """Prefix ``'`` to text that a spreadsheet would run as a formula; anything else is returned as it is.

    Examples
    --------
    >>> neutralise('=HYPERLINK("http://x","bấm")'), neutralise("-1+1"), neutralise("Sở Ngoại vụ"), neutralise(-1)
    ('\\'=HYPERLINK("http://x","bấm")', "'-1+1", 'Sở Ngoại vụ', -1)
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def xml_text(value: Any) -> Any:
    """Text without the characters XML forbids (vertical tab and form feed become line breaks).

    Examples
    --------
    >>> xml_text("a\\x0bb\\x00c\\x1bd")
    'a\\nbcd'
    """
    if isinstance(value, str):
        return _XML_ILLEGAL.sub("", value.translate(_BREAKS))
    return value


def safe_text(value: Any) -> Any:
    """:func:`xml_text`, then :func:`neutralise`: the form every text cell of a CSV or .xlsx export takes.

    Examples
    --------
    >>> safe_text("\\x00=1+2")
    "'=1+2"
    """
    return neutralise(xml_text(value))


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of *df* whose text cells (also in categorical columns, and column names) are :func:`safe_text`.

    Numbers, booleans, dates and missing values are left as they are.

    Examples
    --------
    >>> df = pd.DataFrame({"title": ["=1+2", "Tập huấn"], "n": [-1, 2], "kind": pd.Categorical(["@x", "a"])})
    >>> safe_frame(df).values.tolist()
    [["'=1+2", -1, "'@x"], ['Tập huấn', 2, 'a']]
    """
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            s = s.astype(object)
        if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
            out[col] = s.map(safe_text, na_action="ignore")
    out.columns = [safe_text(c) if isinstance(c, str) else c for c in out.columns]
    return out


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Write to a temporary file beside *path*; it replaces *path* only when the block ends without an error.

    Examples
    --------
    >>> import tempfile, os
    >>> d = tempfile.mkdtemp()
    >>> with atomic_path(os.path.join(d, "t.csv")) as tmp:
    ...     _ = tmp.write_text("a,b\\n")
    >>> sorted(os.listdir(d))
    ['t.csv']
    >>> try:
    ...     with atomic_path(os.path.join(d, "u.csv")) as tmp:
    ...         _ = tmp.write_text("half")
    ...         raise OSError("disk full")
    ... except OSError:
    ...     pass
    >>> sorted(os.listdir(d))
    ['t.csv']
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part" + path.suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes the file private; an export gets the usual permissions
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
