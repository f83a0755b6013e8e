"""Read one plan file into physical lines with provenance and problems (any supported format)."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ttdn_analysis.ingest.docx import docx_lines
from ttdn_analysis.ingest.formats import (
    _HINTS,
    FORMAT_OF_SUFFIX,
    SUFFIXES,
    TEXT_SUFFIXES,
    _legacy_font_problem,
    describe,
    sniff,
)
from ttdn_analysis.ingest.html import html_lines
from ttdn_analysis.ingest.pdf import pdf_lines
from ttdn_analysis.schema import problem_row

__all__ = ["MAX_BYTES", "MAX_TEXT_BYTES", "RawDoc", "read_plan", "read_lines"]



MAX_BYTES = 50 * 1024 * 1024  # any file: a plan is tens of kB (a PDF with images a few MB)


MAX_TEXT_BYTES = 5 * 1024 * 1024  # a text plan above this is not a plan: refused, not parsed


@dataclass
class RawDoc:
    """The lines of one file as read, before any normalisation.

    ``lines[i]`` is line ``i + 1`` of the source text; ``problems`` holds dicts with
    keys line, severity, kind, message.
    """

    path: Path
    lines: list[str]
    sha256: str
    encoding: str = "utf-8"
    problems: list[dict] = field(default_factory=list)


def _decode(data: bytes) -> tuple[str | None, str, list[dict]]:
    """Decode bytes as UTF-8 (BOM or not), else Windows-1258; report what was done."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if data.count(b"\x00") > len(data) // 20:
        return None, "binary", [problem_row(None, "error", "unreadable",
                                         "file looks binary (NUL bytes), not a text plan")]
    try:
        text = data.decode("cp1258")
    except UnicodeDecodeError:
        return None, "unknown", [problem_row(None, "error", "unreadable",
                                          f"not UTF-8 ({utf8_error.reason} at byte {utf8_error.start}) "
                                          "and not Windows-1258; save the file as UTF-8")]
    return text, "cp1258", [problem_row(None, "warning", "encoding",
                                     "not UTF-8; decoded as Windows-1258 (cp1258)")]


def read_plan(path: str | Path) -> RawDoc:
    """Read one plan file into physical lines; never raises for a bad file.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "k.txt")
    >>> _ = open(p, "wb").write("\\ufeffSố: 1/KH\\r\\nKẾ HOẠCH\\r\\n".encode("utf-8"))
    >>> read_plan(p).lines
    ['Số: 1/KH', 'KẾ HOẠCH', '']
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        limit = MAX_TEXT_BYTES if path.suffix.lower() in TEXT_SUFFIXES else MAX_BYTES
        if size > limit:
            return RawDoc(path, [], "", "none", [problem_row(None, "error", "too_large",
                          f"file is {size / 1e6:.1f} MB, above the {limit / 1e6:.0f} MB limit for a plan")])
        data = path.read_bytes()
    except OSError as exc:
        return RawDoc(path, [], "", "none", [problem_row(None, "error", "unreadable", f"cannot read file: {exc}")])
    sha = hashlib.sha256(data).hexdigest()
    suffix = path.suffix.lower()
    if suffix not in TEXT_SUFFIXES:
        if suffix in SUFFIXES:
            try:
                lines, probs = read_lines(path, data)
            except Exception as exc:  # a hostile or broken file must not stop the corpus
                return RawDoc(path, [], sha, "none", [problem_row(None, "error", "unreadable",
                              f"cannot parse {suffix} file: {type(exc).__name__}: {exc}")])
            return RawDoc(path, lines, sha, suffix.lstrip("."), probs)
        return RawDoc(path, [], sha, "none", [problem_row(None, "error", "unsupported_format",
                      f"file type {suffix or '(none)'} is not supported; use .txt or .md")])
    if not data.strip():
        return RawDoc(path, [], sha, "utf-8", [problem_row(None, "error", "empty", "file is empty")])
    text, enc, probs = _decode(data)
    if text is None:
        return RawDoc(path, [], sha, enc, probs)
    lines = [ln[:-1] if ln.endswith("\r") else ln for ln in text.split("\n")]
    lines = [ln.replace("\r", " ") for ln in lines]
    return RawDoc(path, lines, sha, enc, probs)


def read_lines(path: str | Path, data: bytes) -> tuple[list[str], list[dict]]:
    """Read a .docx, .pdf or .html plan into physical lines of text and problems.

    The content decides the parser; the file name only says what is expected. A file whose content is not what
    its name says gives no lines and one ``wrong_format`` problem (it is never parsed as text).

    Examples
    --------
    >>> lines, probs = read_lines("plan.html", "<html><body><p>Số: 1/KH</p><p>KẾ&nbsp;HOẠCH</p></body></html>"
    ...                           .encode())
    >>> lines, probs
    (['Số: 1/KH', 'KẾ HOẠCH'], [])
    >>> lines, probs = read_lines("plan.pdf", b"<!DOCTYPE html><html>...</html>")
    >>> lines, probs[0]["kind"], probs[0]["message"]
    ([], 'wrong_format', 'file is named .pdf but its content is an HTML web page; rename it to .html')
    """
    suffix = Path(path).suffix.lower()
    want = FORMAT_OF_SUFFIX.get(suffix)
    kind = sniff(data)
    if kind == "empty":
        return [], [problem_row(None, "error", "empty", "file is empty")]
    if want == "docx" and kind == "broken-zip":
        return [], [problem_row(None, "error", "unreadable",
                             "truncated or corrupt .docx (not a readable ZIP archive); save it again from Word")]
    if want == "html" and kind == "text" and re.search(rb"<(p|div|table|br|h[1-6]|span)\b", data[:65536], re.I):
        kind = "html"  # an HTML fragment without <html>/<body>: the name decides
    if want is not None and kind != want:
        hint = _HINTS.get(kind)
        return [], [problem_row(None, "error", "wrong_format",
                             f"file is named {suffix} but its content is {describe(kind)}"
                             + (f"; {hint}" if hint else "; it cannot be read as a plan"))]
    reader: dict[str, Callable[[bytes], tuple[list[str], list[dict]]]] = {
        "docx": docx_lines, "pdf": pdf_lines, "html": html_lines}
    if kind not in reader:
        return [], [problem_row(None, "error", "wrong_format",
                             f"content is {describe(kind)}, not a .docx, .pdf or .html plan")]
    lines, problems = reader[kind](data)
    if not any(ln.strip() for ln in lines) and not any(p["severity"] == "error" for p in problems):
        problems.append(problem_row(None, "error", "empty", f"the {kind} file holds no text"))
    legacy = _legacy_font_problem(lines)
    if legacy:
        problems.append(legacy)
    return lines, problems
