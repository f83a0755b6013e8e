"""The optional ``manifest.csv`` of a plans folder: what a file cannot say about itself, checked value by value.

Columns: ``file`` (required), and any of ``province``, ``year``, ``issuer``, ``level``, ``kind``, ``number``, ``date``,
``title``, ``source_url``. A row or value that cannot be used becomes a ``manifest`` problem row naming
manifest.csv and its line; the plan then loads with what its own text says. Nothing here raises.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from ttdn_analysis.ingest.hygiene import name_key
from ttdn_analysis.ingest.limits import MiB, human_size
from ttdn_analysis.ingest.read import clean_controls
from ttdn_analysis.registry.provinces import canonical_province
from ttdn_analysis.schema import PLAN_KINDS

__all__ = ["COLUMNS", "LEVELS", "Manifest", "read_manifest"]

#: The columns a manifest may have (``file`` is required).
COLUMNS = ("file", "province", "year", "issuer", "level", "kind", "number", "date", "title", "source_url")
#: Allowed values of ``level``.
LEVELS = ("province", "department")
_MAX_MANIFEST = 4 * MiB
_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


@dataclass
class Manifest:
    """The usable rows of one manifest.csv (file name -> values) and the problems found in it."""

    rows: dict[str, dict[str, str]] = field(default_factory=dict)  # file name (NFC, see name_key) -> values
    lines: dict[str, int] = field(default_factory=dict)  # file name (NFC) -> line of its row
    problems: list[dict] = field(default_factory=list)

    def row(self, file_name: str) -> dict[str, str]:
        """The values of the row of *file_name* ({} when none), the name compared as :func:`name_key` writes it
        (an NFD name, as macOS writes file names, finds its NFC row).

        Examples
        --------
        >>> m = Manifest(rows={"Đồng Nai.txt": {"year": "2024"}})
        >>> m.row("\u0110o\u0302\u0300ng Nai.txt"), m.row("x.txt")
        ({'year': '2024'}, {})
        """
        return self.rows.get(name_key(file_name), {})


def _iso_date(value: str) -> str | None:
    """An ISO date from "2024-03-05", "05/03/2024", "5.3.2024" or "05-03-2024" (day first), else None."""
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", value)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    else:
        m = _DATE.fullmatch(value)
        if not m:
            return None
        d, mo, y = int(m[1]), int(m[2]), int(m[3])
    try:
        return dt.date(y, mo, d).isoformat()
    except ValueError:
        return None


def _checked(col: str, value: str) -> tuple[str | None, str | None]:
    """(the value to use, or None; why it cannot be used, or None)."""
    if col == "year":
        if re.fullmatch(r"\d{4}", value) and 1945 <= int(value) <= 2100:
            return value, None
        return None, f"year {value!r} is not a year (write it as 2024)"
    if col == "date":
        iso = _iso_date(value)
        return (iso, None) if iso else (None, f"date {value!r} is not a date (write it as 2024-03-05 or 05/03/2024)")
    if col == "level":
        if value in LEVELS:
            return value, None
        return None, f"level {value!r} is not one of {', '.join(LEVELS)}"
    if col == "kind":
        if value.lower() in PLAN_KINDS:
            return value.lower(), None
        return None, f"kind {value!r} is not one of {', '.join(PLAN_KINDS)}"
    if col == "province":
        name = canonical_province(value)
        if name is None:
            return None, f"province {value!r} is not a province the registry knows (check the spelling)"
        return name, None
    return value, None


def _decode(data: bytes) -> tuple[str | None, str | None]:
    """The manifest's text and a warning (not UTF-8 but Windows-1258), or None and why it cannot be read."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1258"), ("manifest.csv is not UTF-8; read as Windows-1258: check its accents, or "
                                       "save it as 'CSV UTF-8' in Excel")
    except UnicodeDecodeError:
        return None, "manifest.csv is neither UTF-8 nor Windows-1258: save it as 'CSV UTF-8' in Excel"


def read_manifest(path: str | Path, display: str | None = None) -> Manifest:
    """Read a manifest.csv; every row or value that cannot be used becomes a problem row (never raises).

    Parameters
    ----------
    path : str or Path
        The manifest file.
    display : str, optional
        The path shown in problem rows (default: *path* as given).

    Returns
    -------
    Manifest
        ``rows`` (file name -> checked values), ``lines`` (file name -> line) and ``problems``.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "manifest.csv")
    >>> _ = open(p, "w", encoding="utf-8").write("file,year,level\\na.txt,2024,province\\nb.txt,2O24,sở,extra\\n")
    >>> m = read_manifest(p)
    >>> m.rows
    {'a.txt': {'year': '2024', 'level': 'province'}, 'b.txt': {}}
    >>> [(r["line"], r["message"][:40]) for r in m.problems]  # doctest: +NORMALIZE_WHITESPACE
    [(3, 'line 3 has 4 values but the header has 3'), (3, "year '2O24' is not a year (write it as 2"),
     (3, "level 'sở' is not one of province, depar")]
    """
    path = Path(path)
    src = display if display is not None else str(path)
    out = Manifest()

    def problem(line: int | None, message: str, severity: str = "warning") -> None:
        out.problems.append({"source_file": src, "line": line, "severity": severity, "kind": "manifest",
                             "message": message})

    try:
        size = path.stat().st_size
        if size > _MAX_MANIFEST:
            problem(None, f"manifest.csv is {human_size(size)}, above {human_size(_MAX_MANIFEST)}: not read", "error")
            return out
        data = path.read_bytes()
    except OSError as exc:
        problem(None, f"manifest.csv cannot be read ({exc.strerror or exc}); the plans load without it", "error")
        return out
    text, warning = _decode(data)
    if text is None:
        problem(None, f"{warning}; the plans load without it", "error")
        return out
    if warning:
        problem(None, warning)
    lines, _ = clean_controls(text.split("\n"))
    reader = csv.reader(io.StringIO("\n".join(lines)))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (StopIteration, csv.Error):
        problem(1, "manifest.csv has no header line (file,province,year,…); the plans load without it")
        return out
    if "file" not in header:
        problem(1, f"manifest.csv has no 'file' column (its columns: {', '.join(header)}); the plans load without it")
        return out
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        problem(1, f"column(s) {', '.join(map(repr, unknown))} not known; ignored (known: {', '.join(COLUMNS)})")
    while True:
        line = reader.line_num + 1  # where the next row starts (a quoted value may span lines)
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problem(line, f"line {line} cannot be read as CSV ({exc}); ignored")
            continue
        if not any(v.strip() for v in row):
            continue
        if len(row) > len(header):
            problem(line, f"line {line} has {len(row)} values but the header has {len(header)}: the extra values "
                          "are ignored (a comma inside a value needs quotes)")
        rec = {h: v.strip() for h, v in zip(header, row) if h in COLUMNS and v.strip()}
        name = name_key(rec.pop("file", "")).strip()  # NFC: the name as a file name is compared (name_key)
        if not name:
            problem(line, f"line {line} names no file; ignored")
            continue
        if name in out.rows:
            problem(line, f"line {line}: {name!r} is listed again (first on line {out.lines[name]}); the first row "
                          "is used")
            continue
        values = {}
        for col, value in rec.items():
            ok, why = _checked(col, value)
            if why:
                problem(line, f"{why}; the plan's own text is used instead")
            elif ok is not None:
                values[col] = ok
        out.rows[name] = values
        out.lines[name] = line
    return out
