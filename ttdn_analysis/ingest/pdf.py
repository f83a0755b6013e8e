"""PDF reader: the text layer page by page, running headers and page numbers dropped, scanned pages by OCR."""
from __future__ import annotations

import io
import re
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ttdn_analysis.ingest.limits import (
    MAX_LINES,
    MAX_PDF_PAGE_SECONDS,
    MAX_PDF_PAGES,
    MAX_PDF_SECONDS,
    MAX_PDF_SLOW_PAGES,
    MAX_TEXT_BYTES,
    human_size,
    too_long_message,
)
from ttdn_analysis.ingest.ocr import OcrLine, OcrSettings, OcrStore, engine_problem, ocr_pages, ocr_problem
from ttdn_analysis.schema import problem_row

__all__ = ["MAX_PDF_PAGES", "PdfText", "is_page_number", "pdf_lines", "pdf_text", "pdf_needs_ocr"]




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


def _strip_running(pages: list[list[str]], *parallel: list[list]) -> None:
    """Remove page numbers and running headers/footers (same first/last line on >= half the pages) in place.

    Lists in *parallel* (one per page, as long as its lines: what OCR knows of each line) lose the same items.
    """
    def drop(n: int, i: int) -> None:
        del pages[n][i]
        for par in parallel:
            del par[n][i]

    for n, pg in enumerate(pages):
        nonblank = [i for i, s in enumerate(pg) if s.strip()]
        edges = set(nonblank[:2] + nonblank[-2:])
        for i in sorted(edges, reverse=True):
            if is_page_number(pg[i]):
                drop(n, i)
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
                    drop(n, j)


def pdf_lines(data: bytes) -> tuple[list[str], list[dict]]:
    """Lines of a PDF's text layer, page by page, without page numbers and running headers/footers.

    Runs of spaces (justified text) become one space; pages are separated by a blank line. A page without text
    that holds an image (a scan) is recognised by OCR (:mod:`ttdn_analysis.ingest.ocr`); without the OCR engine
    it is a ``no_text_layer`` problem naming the command that installs it. :func:`pdf_text` gives the page of
    each line and what OCR read of it too.

    Examples
    --------
    >>> pdf_lines(b"%PDF-1.4 broken")[1][0]["kind"]
    'unreadable'
    """
    text = pdf_text(data)
    return text.lines, text.problems


@dataclass
class PdfText:
    """A PDF read: its lines and problems, the 1-based page of each line (None for the blank line between two
    pages), and for each line recognised by OCR (by 0-based index in ``lines``) what OCR read."""

    lines: list[str]
    problems: list[dict]
    pages: list[int | None] = field(default_factory=list)
    ocr: dict[int, OcrLine] = field(default_factory=dict)


def pdf_text(data: bytes, ocr_store: OcrStore | None = None, ocr_settings: OcrSettings | None = None) -> PdfText:
    """:func:`pdf_lines` with each line's page and OCR reading; recognised pages are kept in *ocr_store*.

    Examples
    --------
    >>> from fpdf import FPDF
    >>> pdf = FPDF(); pdf.set_font("helvetica", size=12)
    >>> for text in ("KE HOACH", "1. Muc dich"):
    ...     pdf.add_page(); _ = pdf.cell(text=text)
    >>> t = pdf_text(bytes(pdf.output()))
    >>> t.lines, t.pages
    (['KE HOACH', '', '1. Muc dich'], [1, None, 2])
    """
    import logging

    log = logging.getLogger("pypdf")
    level = log.level
    log.setLevel(logging.ERROR)  # malformed-but-readable files warn a lot; say it once as a problem instead
    try:
        return _pdf_text(data, ocr_store, ocr_settings)
    finally:
        log.setLevel(level)


def _recognise(data: bytes, scanned: list[int], pages: list[list[str]], read: list[list[OcrLine | None]],
               store: OcrStore | None, settings: OcrSettings | None, problems: list[dict]) -> None:
    """Fill the *scanned* pages (1-based) with what OCR reads of them, or say why it cannot, in *problems*."""
    listed = ", ".join(map(str, scanned))
    why = engine_problem(settings)
    if why is not None:
        problems.append(problem_row(None, "error" if len(scanned) == len(pages) else "warning", "no_text_layer",
                                    f"page(s) {listed} have no text layer (a scan) and cannot be recognised: {why}; "
                                    "their text is missing"))
        return
    result = ocr_pages(data, "pdf", scanned, settings, store)
    for n, why_failed in sorted(result.failed.items()):
        problems.append(problem_row(None, "warning", "unreadable", f"OCR of page {n} failed ({why_failed}); its "
                                    "text is missing"))
    by_page: dict[int, list[OcrLine]] = {}
    for ln in result.lines:
        by_page.setdefault(ln.page, []).append(ln)
    for n in scanned:
        got = by_page.get(n, [])
        pages[n - 1] = [ln.text for ln in got]
        read[n - 1] = list(got)
    problems.append(ocr_problem(result.lines, scanned, len(pages)))


def _refused(row: dict) -> PdfText:
    return PdfText([], [row])


#: Seconds between repeats of a page's timer once it has fired (see :func:`_alarm`).
_ALARM_REPEAT = 0.05


class _Overtime(BaseException):
    """Raised inside pypdf when a page's time is up (a BaseException: pypdf's ``except Exception`` lets it by)."""


@contextmanager
def _alarm(seconds: float) -> Iterator[bool]:
    """Raise :class:`_Overtime` in this thread after *seconds* (a POSIX interval timer); True when armed.

    Only the main thread receives signals: elsewhere nothing is armed and the caller checks the time itself
    (:func:`_page_text`). A timer someone else set (the loader's budget of the whole file) is kept: when it
    expires first it is left to fire; otherwise it is suspended and set again afterwards, with its handler and
    the time it had left.
    """
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield False
        return
    outer, interval = signal.getitimer(signal.ITIMER_REAL)
    if 0 < outer <= seconds:  # the outer budget ends first: it stops the page
        yield False
        return

    armed = [True]

    def on_alarm(signum: int, frame: Any) -> None:
        if armed[0]:
            raise _Overtime

    t0 = time.monotonic()
    previous = signal.signal(signal.SIGALRM, on_alarm)
    # The timer repeats after it first fires: an exception raised where Python swallows it (a garbage-collector
    # callback, a __del__) would otherwise let the page run on unwatched.
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001), _ALARM_REPEAT)
    try:
        yield True
    finally:
        while True:  # a repeat that lands while disarming is ignored, and disarming is done again
            try:
                armed[0] = False
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
                break
            except _Overtime:
                continue
        if outer > 0:
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - t0), 0.001), interval)


def _outer_timer() -> bool:
    """True while an interval timer (the loader's budget of the whole file) is running in this process."""
    return hasattr(signal, "getitimer") and signal.getitimer(signal.ITIMER_REAL)[0] > 0


def _page_text(page: Any, seconds: float) -> str:
    """The text of one page, stopped with :class:`_Overtime` when it takes more than *seconds*.

    The limit holds inside the page: a timer interrupts pypdf wherever it is (parsing the content stream, or
    interpreting it); where no timer can be armed (another thread, an alarm already set) every drawing
    instruction checks the clock, so only the parsing of the content stream (bounded by pypdf's own token limit)
    runs unwatched.

    Examples
    --------
    >>> from fpdf import FPDF
    >>> from pypdf import PdfReader
    >>> pdf = FPDF(); pdf.add_page(); pdf.set_font("helvetica", size=12); _ = pdf.cell(text="KE HOACH")
    >>> _page_text(PdfReader(io.BytesIO(bytes(pdf.output()))).pages[0], 3.0)
    'KE HOACH'
    """
    deadline = time.monotonic() + seconds

    def check(*_: Any) -> None:
        if time.monotonic() > deadline:
            raise _Overtime

    with _alarm(seconds) as armed:
        if armed:
            return page.extract_text() or ""
        return page.extract_text(visitor_operand_before=check) or ""


def _too_slow(at: int, n: int, slow: list[int]) -> dict:
    why = (f"reading its text took more than {MAX_PDF_SECONDS:.0f} s" if not slow else
           f"page(s) {', '.join(map(str, slow))} each took more than {MAX_PDF_PAGE_SECONDS:.0f} s to read")
    return problem_row(None, "error", "too_large", f"the PDF was not read: {why} (stopped at page {at} of {n}; a "
                       "plan's page takes a fraction of a second): save the plan as .docx or .txt")


def _needs_crypto(exc: BaseException) -> bool:
    """True for pypdf's error that decrypting needs the ``cryptography`` package (AES encryption)."""
    return type(exc).__name__ == "DependencyError" or "cryptography" in str(exc)


def _encrypted_problem(exc: BaseException) -> dict:
    """The refusal of an encrypted PDF that cannot be decrypted here (never called a scan)."""
    if _needs_crypto(exc):
        return problem_row(None, "error", "unreadable", "the PDF is encrypted (AES) and decrypting it needs the "
                           "'cryptography' package, which is not installed: pip install 'ttdn_analysis[formats]', "
                           "or save the PDF again without protection")
    return problem_row(None, "error", "unreadable", f"the PDF is encrypted in a way that cannot be opened "
                       f"({type(exc).__name__}: {str(exc)[:200]}): save it again without protection")


def _pdf_text(data: bytes, store: OcrStore | None, settings: OcrSettings | None) -> PdfText:
    from pypdf import PdfReader

    problems: list[dict] = []
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception as exc:  # noqa: BLE001 — an unknown encryption is a problem row, whatever pypdf raised
                return _refused(_encrypted_problem(exc))
            if not ok:
                return _refused(problem_row(None, "error", "unreadable", "the PDF is encrypted with a password (it "
                                            "cannot be opened without it): remove the password and save it again"))
        n = len(reader.pages)
    except MemoryError:
        raise  # a verdict on this machine's memory, not on the file
    except Exception as exc:  # noqa: BLE001 — a broken PDF is a problem row, whatever pypdf raised
        if _needs_crypto(exc):
            return _refused(_encrypted_problem(exc))
        return _refused(problem_row(None, "error", "unreadable", f"the PDF cannot be read ({type(exc).__name__}: "
                                    f"{exc}): open it and save it again, or save the plan as .docx or .txt"))
    if n > MAX_PDF_PAGES:
        problems.append(problem_row(None, "warning", "too_large",
                                    f"the PDF has {n} pages; only the first {MAX_PDF_PAGES} were read (a plan has "
                                    "a few dozen): check that the plan is not missing its end"))
        n = MAX_PDF_PAGES
    pages: list[list[str]] = []
    scanned: list[int] = []
    t0 = time.monotonic()
    n_lines = n_bytes = 0
    slow: list[int] = []  # pages cut off at their time limit
    failed = 0
    last_error = ""
    for i in range(n):
        left = MAX_PDF_SECONDS - (time.monotonic() - t0)
        if left <= 0 or len(slow) >= MAX_PDF_SLOW_PAGES:
            return _refused(_too_slow(i + 1, n, slow))
        outer = _outer_timer()
        try:
            page = reader.pages[i]
            text = _page_text(page, min(MAX_PDF_PAGE_SECONDS, left))
        except _Overtime:
            slow.append(i + 1)
            problems.append(problem_row(None, "warning", "too_large", f"reading the text of page {i + 1} took more "
                                        f"than {min(MAX_PDF_PAGE_SECONDS, left):.0f} s (a page of a plan takes a "
                                        "fraction of a second; its drawing instructions repeat too often): it was "
                                        "stopped and the page is missing from the plan"))
            text, page = "", None
            failed += 1
        except MemoryError:
            raise  # a verdict on this machine's memory, not on the file
        except Exception as exc:  # one bad page is a problem row; the others are read
            if outer and not _outer_timer():
                raise  # the loader's timer for the whole file went off (its exception): not this page's fault
            if _needs_crypto(exc):
                return _refused(_encrypted_problem(exc))
            last_error = f"{type(exc).__name__}: {str(exc)[:200]}"
            problems.append(problem_row(None, "warning", "unreadable", f"the text of page {i + 1} could not be read "
                                        f"({last_error}); it is missing from the plan"))
            text, page = "", None
            failed += 1
        lines = [_SPACES.sub(" ", ln).strip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
        if not any(lines) and page is not None and _has_images(page):
            scanned.append(i + 1)
        pages.append(lines)
        n_lines += len(lines)
        n_bytes += len(text.encode("utf-8", "replace"))
        if n_lines > MAX_LINES or n_bytes > MAX_TEXT_BYTES:
            what = f"{MAX_LINES} lines" if n_lines > MAX_LINES else human_size(MAX_TEXT_BYTES)
            return _refused(problem_row(None, "error", "too_large", too_long_message(what)))
    if len(slow) >= MAX_PDF_SLOW_PAGES or (n and len(slow) == n):
        return _refused(_too_slow(n, n, slow))
    if n and failed == n:  # no page could be read at all: not a scan, a PDF that cannot be read
        return _refused(problem_row(None, "error", "unreadable", f"none of the PDF's {n} page(s) could be read "
                                    f"(the last: {last_error}): open it and save it again, or save the plan as "
                                    ".docx or .txt"))
    read: list[list[OcrLine | None]] = [[None] * len(pg) for pg in pages]
    if scanned:
        _recognise(data, scanned, pages, read, store, settings, problems)
    if not any(s for pg in pages for s in pg):
        if any(p["kind"] == "no_text_layer" for p in problems):
            return PdfText([], problems)
        said = "OCR found no text on its pages" if scanned else "no page holds an image to recognise"
        return PdfText([], problems + [problem_row(None, "error", "no_text_layer",
                                                   f"PDF has no text layer and {said}: is it a blank or "
                                                   "drawn-only document?")])
    _strip_running(pages, read)
    out: list[str] = []
    page_of: list[int | None] = []
    ocr: dict[int, OcrLine] = {}
    for k, pg in enumerate(pages):
        if k:
            out.append("")
            page_of.append(None)
        for line, got in zip(pg, read[k]):
            if got is not None:
                ocr[len(out)] = got
            out.append(line)
            page_of.append(k + 1)
    return PdfText(out, problems, page_of, ocr)


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


def pdf_needs_ocr(path: str | Path) -> bool:
    """True when the PDF at *path* has a page without text that holds an image (a scanned page), as
    :func:`pdf_text` would recognise; False for a PDF with its text layer, or one that cannot be read.

    Examples
    --------
    >>> from fpdf import FPDF
    >>> import tempfile, os
    >>> pdf = FPDF(); pdf.add_page(); pdf.set_font("helvetica", size=12); _ = pdf.cell(text="KE HOACH")
    >>> p = os.path.join(tempfile.mkdtemp(), "a.pdf"); pdf.output(p)
    >>> pdf_needs_ocr(p)
    False
    """
    from pypdf import PdfReader

    try:
        reader = PdfReader(str(path), strict=False)
        for page in reader.pages[:MAX_PDF_PAGES]:
            if not (page.extract_text() or "").strip() and _has_images(page):
                return True
    except Exception:  # noqa: BLE001 — a PDF that cannot be read is read (and reported) as a plan
        return False
    return False
