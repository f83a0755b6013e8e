"""The format registry: supported suffixes, content sniffing, size limits, plain-language descriptions."""
from __future__ import annotations

import io
import zipfile

from ttdn_analysis.ingest.limits import (
    MAX_DOCX_PART_BYTES,
    MAX_DOCX_XML_BYTES,
    MAX_UNZIPPED_BYTES,
    MAX_ZIP_ENTRIES,
    MAX_ZIP_RATIO,
    MiB,
    human_size,
)
from ttdn_analysis.schema import problem_row

__all__ = ["FORMAT_OF_SUFFIX", "PLAN_SUFFIXES", "TEXT_SUFFIXES", "IMAGE_SUFFIXES", "SUFFIXES", "MAX_ZIP_ENTRIES",
           "MAX_UNZIPPED_BYTES", "MAX_ZIP_RATIO", "sniff", "describe", "hint"]

#: The format registry: file suffix -> the kind of content expected (one place; the suffix lists derive from it).
FORMAT_OF_SUFFIX: dict[str, str] = {
    ".txt": "text", ".md": "text", ".markdown": "text",
    ".docx": "docx", ".pdf": "pdf", ".html": "html", ".htm": "html",
    # legacy Word 97-2003 (converted with LibreOffice, ingest/doc.py); page images (OCR, ingest/ocr.py)
    ".doc": "ole2", ".png": "image", ".jpg": "image", ".jpeg": "image", ".tif": "image", ".tiff": "image",
}
#: Every suffix the loader reads as a plan.
PLAN_SUFFIXES: tuple[str, ...] = tuple(FORMAT_OF_SUFFIX)
#: Suffixes of plain-text plans (decoded, not parsed as a document format).
TEXT_SUFFIXES: tuple[str, ...] = tuple(s for s, k in FORMAT_OF_SUFFIX.items() if k == "text")
#: Suffixes of page images (read by OCR).
IMAGE_SUFFIXES: tuple[str, ...] = tuple(s for s, k in FORMAT_OF_SUFFIX.items() if k == "image")
#: Suffixes of document formats (.docx, .pdf, .html, .doc, page images).
SUFFIXES: tuple[str, ...] = tuple(s for s, k in FORMAT_OF_SUFFIX.items() if k != "text")

_RATIO_FLOOR = MiB  # entries smaller than this cannot be a bomb whatever their ratio


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
    "utf16": "plain text in UTF-16 (Notepad's 'Unicode')",
    "binary": "unrecognised binary data",
    "empty": "an empty file",
}


_HINTS = {
    "pdf": "rename it to .pdf",
    "docx": "rename it to .docx",
    "html": "rename it to .html",
    "ole2": "if it is a Word 97-2003 document, rename it to .doc; else save it as .docx",
    "rtf": "open it in Word or LibreOffice and save it as .docx",
    "image": "if it is a scan of the plan, rename it to .png, .jpg or .tif: page images are read by OCR",
    "text": "rename it to .txt",
    "odf": "save it as .docx",
    "zip": "unpack it and put the plan files themselves into the folder",
    "xlsx": "a plan is a document: save the plan itself as .docx or .txt",
    "pptx": "a plan is a document: save the plan itself as .docx or .txt",
    "binary": "it cannot be read as a plan; check that it is the right file",
    "broken-zip": "the file is damaged or was cut off while copying: save or download it again",
}

#: Image formats by their first bytes (what a scan or a photo of a plan is saved as).
_IMAGES = ((b"\x89PNG", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF8", "GIF"), (b"II*\x00", "TIFF"),
           (b"MM\x00*", "TIFF"), (b"BM", "BMP"))


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
    except Exception:  # noqa: BLE001 — any failure to open the archive (BadZipFile, a cut-off directory, ...) says the same
        return "broken-zip"


def sniff(data: bytes) -> str:
    """Say what *data* is from its content alone.

    Returns one of "pdf", "docx", "html", "zip", "xlsx", "pptx", "odf", "broken-zip", "ole2", "rtf", "image",
    "text", "utf16" (text with a UTF-16 byte-order mark), "binary", "empty".

    Examples
    --------
    >>> sniff(b"%PDF-1.7\\n..."), sniff(b"<!DOCTYPE html><p>x</p>"), sniff(b"PK\\x03\\x04" + bytes(40))
    ('pdf', 'html', 'broken-zip')
    >>> sniff("Số: 1/KH".encode()), sniff(bytes(range(256))), sniff("Số".encode("utf-16"))
    ('text', 'binary', 'utf16')
    """
    if not data.strip():
        return "empty"
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(data)
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole2"
    if data.startswith(b"{\\rtf"):
        return "rtf"
    if data.startswith(tuple(magic for magic, _ in _IMAGES)):
        return "image"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf16"
    head = data[:2048].lower()
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    if b"<html" in head or b"<!doctype html" in head or b"<body" in head:
        return "html"
    sample = data[:8192]
    bad = sum(1 for b in sample if b < 9 or 13 < b < 32)  # control bytes; tab, line breaks and form feed are text
    return "binary" if bad > len(sample) // 100 else "text"  # a stray control character is cleaned, not refused


def describe(kind: str, data: bytes = b"") -> str:
    """Human words for a :func:`sniff` result (an image is named by its format when *data* is given).

    Examples
    --------
    >>> describe("ole2"), describe("image", b"\\x89PNG\\r\\n")
    ('a legacy Office 97-2003 file (.doc/.xls)', 'a PNG image')
    """
    if kind == "image":
        name = next((n for magic, n in _IMAGES if data.startswith(magic)), None)
        if name:
            return f"a {name} image"
    return _DESCRIPTIONS.get(kind, kind)


def hint(kind: str) -> str:
    """What to do with a file whose content is *kind* (a :func:`sniff` result) where a plan was expected.

    Examples
    --------
    >>> hint("image")
    'if it is a scan of the plan, rename it to .png, .jpg or .tif: page images are read by OCR'
    """
    return _HINTS.get(kind, "it cannot be read as a plan")


_LEGACY_CHARS = set("¢£¤¥¦¨ª«¬®¯±´µ¶·¸¹º»¼½¾ÄÅÆÇËÎÏÐÑÖ×ØÛÜÞßäåæçëîïðñö÷øûüþÿ")  # never in Unicode Vietnamese
_LEGACY_SAMPLE = 100_000  # characters of the text's start looked at: enough to tell, and bounded


def _legacy_font_problem(lines: list[str]) -> dict | None:
    """Warn when the text looks like a TCVN3/VNI (pre-Unicode font) encoding: readable only in its old font."""
    text = "".join(lines[:400])[:_LEGACY_SAMPLE]
    letters = sum(map(str.isalpha, text))
    odd = sum(text.count(c) for c in _LEGACY_CHARS)
    if letters >= 200 and odd > 0.03 * letters:
        return problem_row(None, "warning", "encoding",
                           "the text looks like a legacy Vietnamese font encoding (TCVN3/.VnTime or VNI), not "
                           "Unicode: convert it (e.g. with Unikey's converter) and add the plan again")
    return None


def _zip_limits(data: bytes) -> str | None:
    """Why a .docx archive is refused before anything is unzipped (too many entries, too big, a bomb), or None.

    The sizes are the ones the archive declares; unzipping never gives more than that (the ZIP reader stops and
    fails on a mismatch), so checking them is enough.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            return f"the .docx archive holds {len(infos)} entries (at most {MAX_ZIP_ENTRIES} are accepted)"
        total = sum(i.file_size for i in infos)
        if total > MAX_UNZIPPED_BYTES:
            return (f"the .docx unpacks to {human_size(total)} (at most {human_size(MAX_UNZIPPED_BYTES)} are "
                    "accepted)")
        body = next((i for i in infos if i.filename == "word/document.xml"), None)
        if body is not None and body.file_size > MAX_DOCX_XML_BYTES:
            return (f"the document body unpacks to {human_size(body.file_size)} of Word XML (at most "
                    f"{human_size(MAX_DOCX_XML_BYTES)}; a plan takes well under 1 MiB)")
        part = next((i for i in infos if i.filename != "word/document.xml" and i.file_size > MAX_DOCX_PART_BYTES
                     and i.filename.lower().endswith((".xml", ".rels"))), None)
        if part is not None:  # styles, numbering, headers …: parsed whole when the document is opened
            return (f"its part {part.filename[:80]!r} unpacks to {human_size(part.file_size)} of XML (at most "
                    f"{human_size(MAX_DOCX_PART_BYTES)}; a plan's styles or numbering take a few dozen KiB): open it "
                    "in Word and save it again")
        for i in infos:
            if i.file_size > _RATIO_FLOOR and i.file_size > MAX_ZIP_RATIO * max(i.compress_size, 1):
                return (f"the entry {i.filename!r} expands {i.file_size / max(i.compress_size, 1):.0f}-fold "
                        f"(at most {MAX_ZIP_RATIO}-fold is accepted): a zip bomb?")
    return None


