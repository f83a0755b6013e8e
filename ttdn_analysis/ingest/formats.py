"""The format registry: supported suffixes, content sniffing, size limits, plain-language descriptions."""
from __future__ import annotations

import io
import zipfile

from ttdn_analysis.schema import problem_row

__all__ = ["FORMAT_OF_SUFFIX", "PLAN_SUFFIXES", "TEXT_SUFFIXES", "SUFFIXES", "MAX_ZIP_ENTRIES", "MAX_UNZIPPED_BYTES", "MAX_ZIP_RATIO", "sniff", "describe"]

#: The format registry: file suffix -> the kind of content expected (one place; the suffix lists derive from it).
FORMAT_OF_SUFFIX: dict[str, str] = {
    ".txt": "text", ".md": "text", ".markdown": "text",
    ".docx": "docx", ".pdf": "pdf", ".html": "html", ".htm": "html",
}
#: Every suffix the loader reads as a plan.
PLAN_SUFFIXES: tuple[str, ...] = tuple(FORMAT_OF_SUFFIX)
#: Suffixes of plain-text plans (decoded, not parsed as a document format).
TEXT_SUFFIXES: tuple[str, ...] = tuple(s for s, k in FORMAT_OF_SUFFIX.items() if k == "text")
#: Suffixes of document formats (.docx, .pdf, .html).
SUFFIXES: tuple[str, ...] = tuple(s for s, k in FORMAT_OF_SUFFIX.items() if k != "text")


MAX_ZIP_ENTRIES = 2_000


MAX_UNZIPPED_BYTES = 200 * 1024 * 1024


MAX_ZIP_RATIO = 200


_RATIO_FLOOR = 1024 * 1024  # entries smaller than this cannot be a bomb whatever their ratio




_DESCRIPTIONS = {
    "pdf": "a PDF document",
    "docx": "a Word .docx document",
    "html": "an HTML web page",
    "zip": "a ZIP archive that is not a Word document",
    "xlsx": "an Excel workbook (.xlsx)",
    "pptx": "a PowerPoint presentation (.pptx)",
    "odf": "an OpenDocument file (.odt/.ods)",
    "broken-zip": "a truncated or corrupt ZIP archive",
    "ole2": "a legacy Office 97-2003 file (.doc/.xls)",
    "rtf": "an RTF document",
    "image": "an image (a scan?)",
    "text": "plain text",
    "binary": "unrecognised binary data",
    "empty": "an empty file",
}


_HINTS = {
    "pdf": "rename it to .pdf",
    "docx": "rename it to .docx",
    "html": "rename it to .html",
    "ole2": "open it in Word or LibreOffice and save it as .docx",
    "rtf": "open it in Word or LibreOffice and save it as .docx",
    "image": "OCR it first and save the text as .txt",
    "text": "rename it to .txt",
    "odf": "save it as .docx",
}


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "word/document.xml" in names:
                return "docx"
            if "[Content_Types].xml" in names:
                ct = zf.read("[Content_Types].xml")[:200_000] if zf.getinfo("[Content_Types].xml").file_size \
                    < 1_000_000 else b""
                if b"wordprocessingml.document.main" in ct:
                    return "docx"
            if any(n.startswith("xl/") for n in names):
                return "xlsx"
            if any(n.startswith("ppt/") for n in names):
                return "pptx"
            if "mimetype" in names and "content.xml" in names:
                return "odf"
            return "zip"
    except Exception:  # BadZipFile, truncated central directory, bad header ...
        return "broken-zip"


def sniff(data: bytes) -> str:
    """Say what *data* is from its content alone.

    Returns one of "pdf", "docx", "html", "zip", "xlsx", "pptx", "odf", "broken-zip", "ole2", "rtf", "image",
    "text", "binary", "empty".

    Examples
    --------
    >>> sniff(b"%PDF-1.7\\n..."), sniff(b"<!DOCTYPE html><p>x</p>"), sniff(b"PK\\x03\\x04" + bytes(40))
    ('pdf', 'html', 'broken-zip')
    >>> sniff("Số: 1/KH".encode()), sniff(bytes(range(256)))
    ('text', 'binary')
    """
    if not data.strip():
        return "empty"
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _zip_kind(data)
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole2"
    if data.startswith(b"{\\rtf"):
        return "rtf"
    if data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*", b"BM")):
        return "image"
    head = data[:2048].lower()
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    if b"<html" in head or b"<!doctype html" in head or b"<body" in head:
        return "html"
    sample = data[:8192]
    if b"\x00" in sample:
        return "binary"
    try:
        sample.decode("utf-8")
        return "text"
    except UnicodeDecodeError as exc:
        if exc.start > len(sample) - 4:  # a character cut by the sample's end
            return "text"
    bad = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return "binary" if bad > len(sample) // 100 else "text"


def describe(kind: str) -> str:
    """Human words for a :func:`sniff` result.

    >>> describe("ole2")
    'a legacy Office 97-2003 file (.doc/.xls)'
    """
    return _DESCRIPTIONS.get(kind, kind)


_LEGACY_CHARS = set("¢£¤¥¦¨ª«¬®¯±´µ¶·¸¹º»¼½¾ÄÅÆÇËÎÏÐÑÖ×ØÛÜÞßäåæçëîïðñö÷øûüþÿ")  # never in Unicode Vietnamese


def _legacy_font_problem(lines: list[str]) -> dict | None:
    """Warn when the text looks like a TCVN3/VNI (pre-Unicode font) encoding: readable only in its old font."""
    text = "".join(lines[:400])
    letters = sum(c.isalpha() for c in text)
    odd = sum(c in _LEGACY_CHARS for c in text)
    if letters >= 200 and odd > 0.03 * letters:
        return problem_row(None, "warning", "encoding",
                        "text looks like a legacy Vietnamese font encoding (TCVN3/.VnTime or VNI), not Unicode; "
                        "convert it (e.g. Unikey's converter) before analysis")
    return None


def _zip_limits(data: bytes) -> str | None:
    """Why a .docx archive is refused before parsing (too many entries, too big, a bomb), or None."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            return f"{len(infos)} entries in the .docx archive (limit {MAX_ZIP_ENTRIES})"
        total = sum(i.file_size for i in infos)
        if total > MAX_UNZIPPED_BYTES:
            return f"{total / 1e6:.0f} MB uncompressed (limit {MAX_UNZIPPED_BYTES / 1e6:.0f} MB)"
        for i in infos:
            if i.file_size > _RATIO_FLOOR and i.file_size > MAX_ZIP_RATIO * max(i.compress_size, 1):
                return (f"entry {i.filename!r} expands {i.file_size / max(i.compress_size, 1):.0f}-fold "
                        f"(limit {MAX_ZIP_RATIO}): a zip bomb?")
    return None


