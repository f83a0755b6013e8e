"""PDF reader: the text layer page by page, running headers and page numbers dropped, scans reported."""
from __future__ import annotations

import io
import re
import time
from collections import Counter
from typing import Any

from ttdn_analysis.ingest.limits import MAX_LINES, MAX_PDF_PAGES, MAX_TEXT_BYTES, human_size, too_long_message
from ttdn_analysis.schema import problem_row

__all__ = ["MAX_PDF_PAGES", "is_page_number", "pdf_lines"]


_PDF_SECONDS = 120.0  # time budget for text extraction of one PDF


_PAGE_NO = re.compile(
    r"^(?:[-–—]\s*)?(?:(?:trang|page)\s*)?\d{1,4}(?:\s*(?:/|trên|of)\s*\d{1,4})?(?:\s*[-–—])?$", re.IGNORECASE)


_SPACES = re.compile(r"[ \t\u00a0]{2,}")


def is_page_number(line: str) -> bool:
    """True for a line that is only a page number ("3", "- 3 -", "Trang 3", "3/12", "Page 3 of 12").

    >>> [is_page_number(s) for s in ("3", "- 3 -", "Trang 3", "3/12", "1. Mục đích", "năm 2024")]
    [True, True, True, True, False, False]
    """
    return bool(_PAGE_NO.match(line.strip()))


def _edge_key(line: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", line.strip().lower()))


def _strip_running(pages: list[list[str]]) -> None:
    """Remove page numbers and running headers/footers (same first/last line on >= half the pages) in place."""
    for pg in pages:
        nonblank = [i for i, s in enumerate(pg) if s.strip()]
        edges = set(nonblank[:2] + nonblank[-2:])
        for i in sorted(edges, reverse=True):
            if is_page_number(pg[i]):
                del pg[i]
    if len(pages) < 3:
        return
    for first in (True, False):
        for _ in range(3):  # a header can be two or three lines
            idx = []
            for pg in pages:
                nb = [i for i, s in enumerate(pg) if s.strip()]
                idx.append((nb[0] if first else nb[-1]) if nb else None)
            keys = Counter(_edge_key(pages[n][i]) for n, i in enumerate(idx) if i is not None)
            common = {k for k, c in keys.items() if k and c >= 2 and c >= len(pages) / 2}
            if not common:
                break
            for n, j in enumerate(idx):
                if j is not None and _edge_key(pages[n][j]) in common:
                    del pages[n][j]


def pdf_lines(data: bytes) -> tuple[list[str], list[dict]]:
    """Lines of a PDF's text layer, page by page, without page numbers and running headers/footers.

    Runs of spaces (justified text) become one space; pages are separated by a blank line. A PDF without any
    text gives a ``no_text_layer`` problem.

    Examples
    --------
    >>> pdf_lines(b"%PDF-1.4 broken")[1][0]["kind"]
    'unreadable'
    """
    import logging

    log = logging.getLogger("pypdf")
    level = log.level
    log.setLevel(logging.ERROR)  # malformed-but-readable files warn a lot; say it once as a problem instead
    try:
        return _pdf_lines(data)
    finally:
        log.setLevel(level)


def _pdf_lines(data: bytes) -> tuple[list[str], list[dict]]:
    from pypdf import PdfReader

    problems: list[dict] = []
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception as exc:  # noqa: BLE001 — an unknown encryption is a problem row, whatever pypdf raised
                return [], [problem_row(None, "error", "unreadable", "the PDF is encrypted in a way that cannot be "
                                        f"opened ({type(exc).__name__}: {exc}): save it again without protection")]
            if not ok:
                return [], [problem_row(None, "error", "unreadable",
                                        "the PDF is password-protected: remove the password and save it again")]
        n = len(reader.pages)
    except Exception as exc:  # noqa: BLE001 — a broken PDF is a problem row, whatever pypdf raised
        return [], [problem_row(None, "error", "unreadable", f"the PDF cannot be read ({type(exc).__name__}: {exc}): "
                                "open it and save it again, or save the plan as .docx or .txt")]
    if n > MAX_PDF_PAGES:
        problems.append(problem_row(None, "warning", "too_large",
                                    f"the PDF has {n} pages; only the first {MAX_PDF_PAGES} were read (a plan has "
                                    "a few dozen): check that the plan is not missing its end"))
        n = MAX_PDF_PAGES
    pages: list[list[str]] = []
    scanned: list[int] = []
    t0 = time.monotonic()
    n_lines = n_bytes = 0
    for i in range(n):
        if time.monotonic() - t0 > _PDF_SECONDS:
            return [], [problem_row(None, "error", "too_large",
                                    f"reading the PDF's text took more than {_PDF_SECONDS:.0f} s (stopped at page "
                                    f"{i + 1} of {n}): it was not read; save the plan as .docx or .txt")]
        try:
            page = reader.pages[i]
            text = page.extract_text() or ""
        except Exception as exc:  # noqa: BLE001 — one bad page is a problem row; the others are read
            problems.append(problem_row(None, "warning", "unreadable", f"the text of page {i + 1} could not be read "
                                        f"({type(exc).__name__}: {exc}); it is missing from the plan"))
            text, page = "", None
        lines = [_SPACES.sub(" ", ln).strip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
        if not any(lines) and page is not None and _has_images(page):
            scanned.append(i + 1)
        pages.append(lines)
        n_lines += len(lines)
        n_bytes += len(text.encode("utf-8", "replace"))
        if n_lines > MAX_LINES or n_bytes > MAX_TEXT_BYTES:
            what = f"{MAX_LINES} lines" if n_lines > MAX_LINES else human_size(MAX_TEXT_BYTES)
            return [], [problem_row(None, "error", "too_large", too_long_message(what))]
    if not any(s for pg in pages for s in pg):
        return [], problems + [problem_row(None, "error", "no_text_layer",
                                        "PDF has no text layer (scanned image?): OCR it first")]
    if scanned:
        problems.append(problem_row(None, "warning", "no_text_layer",
                                 f"page(s) {', '.join(map(str, scanned))} have no text layer (scanned image?): "
                                 "their text is missing"))
    _strip_running(pages)
    out: list[str] = []
    for k, pg in enumerate(pages):
        if k:
            out.append("")
        out.extend(pg)
    return out, problems


def _has_images(page: Any) -> bool:
    xo: Any
    try:
        res = page.get("/Resources")
        res = res.get_object() if res is not None else None
        xo = res.get("/XObject") if res is not None else None
        xo = xo.get_object() if xo is not None else None
        return bool(xo) and any(xo[k].get_object().get("/Subtype") == "/Image" for k in xo)
    except Exception:  # noqa: BLE001 — unreadable resources only mean we cannot tell a scan: no image assumed
        return False
