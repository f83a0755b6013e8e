"""What makes an export safe to open: no live spreadsheet formulas, XML-legal text, no half-written files.

* Text that a spreadsheet would read as a formula (it begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return) gets a leading single quote, as the OWASP guidance on CSV injection recommends; numbers and dates are never
  touched. A plan's task title ``=HYPERLINK("http://…","bấm")`` thus stays text in Excel or LibreOffice.
* Control characters that XML forbids (NUL, ESC, …) are removed, and Word's manual line break (vertical tab) and
  the form feed become line breaks, so .xlsx, GEXF and GraphML writers never fail on a plan's text.
* Every file is written under a temporary name in its own folder and renamed when complete: an export that fails
  half-way leaves the previous file (or none), never a partial one.
* Text that reaches a terminal (file names, agency names, messages) shows its control characters instead of
  obeying them (:func:`terminal_text`): an ESC sequence in a file name cannot recolour, clear or retitle the
  terminal, a carriage return cannot overwrite a line, a bidirectional override cannot reorder what is shown [3]_.

References
----------
.. [1] OWASP, "CSV Injection", https://owasp.org/www-community/attacks/CSV_Injection
.. [2] W3C, "Extensible Markup Language (XML) 1.0", section 2.2 Characters (the ``Char`` production).
.. [3] N. Boucher and R. Anderson, "Trojan Source: Invisible Vulnerabilities", USENIX Security 2023 (bidirectional
   overrides); ECMA-48, "Control Functions for Coded Character Sets" (C0 and C1 controls, escape sequences).
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

__all__ = ["FORMULA_STARTS", "neutralise", "xml_text", "safe_text", "safe_frame", "atomic_path", "terminal_text"]

#: First characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Characters outside XML 1.0's Char production: C0 controls except tab, LF, CR; lone surrogates; U+FFFE/U+FFFF.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})
# What a terminal obeys instead of showing: C0 controls (ESC, CR, BEL, backspace …) but tab, DEL, C1 controls (CSI
# U+009B opens a sequence on its own), bidirectional embeddings, overrides and isolates, and the line and paragraph
# separators.
_TERMINAL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_TERMINAL_KEEP_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def _visible(m: re.Match[str]) -> str:
    c = m.group()
    return f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"


def terminal_text(value: Any, lines: bool = False) -> str:
    r"""*value* as text safe to print on a terminal: every control character shown as an escape (``\x1b``,
    ``\u202e``) instead of being obeyed; line breaks too, unless ``lines=True`` (for text of several lines
    composed by the program itself).

    Parameters
    ----------
    value : object
        Converted with ``str``.
    lines : bool, default False
        Keep line feeds (``\n``) as line breaks.

    Returns
    -------
    str

    Examples
    --------
    >>> terminal_text("plan\x1b[2J\x1b]0;pwned\x07.txt")
    'plan\\x1b[2J\\x1b]0;pwned\\x07.txt'
    >>> terminal_text("Sở \u202eụv iạogN\u202c"), terminal_text("a\r\nb"), terminal_text("a\nb", lines=True)
    ('Sở \\u202eụv iạogN\\u202c', 'a\\x0d\\x0ab', 'a\nb')
    >>> terminal_text("Sở Ngoại vụ\tTỉnh")
    'Sở Ngoại vụ\tTỉnh'
    """
    return (_TERMINAL_KEEP_LINES if lines else _TERMINAL).sub(_visible, str(value))


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
