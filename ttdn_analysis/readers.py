"""Readers: plan files (txt/md; docx/pdf/html where available) to physical lines with provenance and problems."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["RawDoc", "read_plan", "problem_row", "SUPPORTED_SUFFIXES", "MAX_BYTES", "MAX_TEXT_BYTES"]

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown")
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


def problem_row(line: int | None, severity: str, kind: str, message: str) -> dict:
    """One ``problems`` row (without the file, which the loader adds)."""
    return {"line": line, "severity": severity, "kind": kind, "message": message}


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
        limit = MAX_TEXT_BYTES if path.suffix.lower() in SUPPORTED_SUFFIXES else MAX_BYTES
        if size > limit:
            return RawDoc(path, [], "", "none", [problem_row(None, "error", "too_large",
                          f"file is {size / 1e6:.1f} MB, above the {limit / 1e6:.0f} MB limit for a plan")])
        data = path.read_bytes()
    except OSError as exc:
        return RawDoc(path, [], "", "none", [problem_row(None, "error", "unreadable", f"cannot read file: {exc}")])
    sha = hashlib.sha256(data).hexdigest()
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        try:
            from . import formats  # optional readers for .docx/.pdf/.html
        except ImportError:
            formats = None
        if formats is not None and suffix in getattr(formats, "SUFFIXES", ()):
            try:
                lines, probs = formats.read_lines(path, data)
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
