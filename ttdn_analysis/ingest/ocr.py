"""Optical character recognition of scanned pages: page images and PDF pages without a text layer.

Pages are rendered with pypdfium2 (PDF) or opened with Pillow (PNG, JPEG, TIFF with any number of pages), turned
into one grey channel — the image's *red* channel, in which a red stamp is as light as the paper while black ink
stays black — and recognised by Tesseract 5 with its Vietnamese model (``vie``) through pytesseract. Every
recognised line keeps its page, its words and Tesseract's confidence (0-100) for each word.

Pages are recognised in parallel, one Tesseract process per core (``OMP_THREAD_LIMIT=1`` for each, so that the
processes do not fight over the cores), with a progress bar on a terminal. Results are cached by the caller
through an :class:`OcrStore` (the loader's cache, area ``ocr``), keyed by :func:`ocr_key`: the file's bytes, the
settings and the engine's version, so that a rerun never recognises an unchanged file again.

When Tesseract or its Vietnamese model is missing, :func:`engine_problem` says so and names the one command that
installs them (:data:`INSTALL_OCR`); the caller turns that into a ``no_text_layer`` problem row.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any, Protocol

__all__ = ["INSTALL_OCR", "OCR_VERSION", "OcrSettings", "OcrWord", "OcrLine", "OcrStore", "OcrResult",
           "engine_version", "engine_problem", "ocr_key", "otsu_threshold", "clean_page", "image_page_count",
           "image_pages", "pdf_page_images", "recognise_pages", "failure_reason", "trim_specks", "page_lines",
           "ocr_pages", "ocr_problem", "image_text", "lines_to_rows", "rows_to_lines"]

#: The one command that installs the OCR engine and its Vietnamese model on Debian and Ubuntu.
INSTALL_OCR = "sudo apt-get install tesseract-ocr tesseract-ocr-vie"
_log = logging.getLogger(__name__)
#: Version of this module's reading of Tesseract's output (part of the cache key: a change re-recognises).
OCR_VERSION = "4"


@dataclass(frozen=True)
class OcrSettings:
    """How pages are recognised (every field is part of the cache key).

    Parameters
    ----------
    lang : str, default "vie"
        Tesseract's language model.
    dpi : int, default 300
        Resolution PDF pages are rendered at (Tesseract reads body text best at about 300 dpi).
    psm : int, default 4
        Tesseract's page segmentation mode: 4 reads the page as one column of text of varying sizes, so a bold
        section heading ("II. NỘI DUNG") is read as a line of its own and the lines of the body stay in reading
        order (mode 6, one uniform block, misread bold headings of the rendered seed plans: "IL", "H.").
    low_confidence : float, default 60
        A word recognised with a confidence below this (0-100) is a low-confidence word: a task whose heading,
        role cue or agency rests on one is flagged ``ocr_low_confidence``.
    clean : bool, default True
        Binarise the page at Otsu's threshold of its grey levels (of the red channel: a red stamp goes with the
        paper) and remove specks with a 3 × 3 median filter before recognition: on the development set's scan
        this removes almost all the stray symbols specks are read as, and Tesseract reads a clean page faster.
    timeout : float, default 300
        Seconds one page may take; a page past it is reported and left out.
    """

    lang: str = "vie"
    dpi: int = 300
    psm: int = 4
    low_confidence: float = 60.0
    clean: bool = True
    timeout: float = 300.0

    def key(self) -> str:
        """The settings as one string (for the cache key).

        Examples
        --------
        >>> OcrSettings().key()
        'lang=vie;dpi=300;psm=4;low_confidence=60.0;clean=True;timeout=300.0'
        """
        return ";".join(f"{k}={v}" for k, v in asdict(self).items())


@dataclass(frozen=True)
class OcrWord:
    """One recognised word and Tesseract's confidence in it (0-100)."""

    text: str
    conf: float


@dataclass(frozen=True)
class OcrLine:
    """One recognised line: its page (1-based), its text (the words joined by one space), the mean confidence of
    its words and the words themselves; a blank line (``words == ()``) separates paragraphs."""

    page: int
    text: str
    conf: float | None = None
    words: tuple[OcrWord, ...] = field(default=())

    def low_words(self, below: float) -> list[OcrWord]:
        """The words of the line recognised with a confidence below *below*.

        Examples
        --------
        >>> ln = OcrLine(1, "Sở Ngoại vụ", 80.0, (OcrWord("Sở", 95), OcrWord("Ngoại", 41), OcrWord("vụ", 90)))
        >>> [w.text for w in ln.low_words(60)]
        ['Ngoại']
        """
        return [w for w in self.words if w.conf < below]


class OcrStore(Protocol):
    """Where recognised pages are kept between runs (the loader passes its cache; None keeps nothing)."""

    def load(self, key: str) -> list[OcrLine] | None:
        """The lines stored under *key*, or None."""

    def save(self, key: str, lines: list[OcrLine]) -> None:
        """Keep *lines* under *key*."""


def _tesseract_cmd() -> str | None:
    import pytesseract

    cmd = pytesseract.pytesseract.tesseract_cmd
    return shutil.which(cmd) or (cmd if os.path.isfile(cmd) else None)


@lru_cache(maxsize=4)
def _engine(cmd: str | None) -> tuple[str | None, tuple[str, ...]]:
    if cmd is None:
        return None, ()
    try:
        ver = subprocess.run([cmd, "--version"], capture_output=True, text=True, timeout=30)
        langs = subprocess.run([cmd, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None, ()
    first = (ver.stdout or ver.stderr).strip().splitlines()
    version = first[0].strip() if first else None
    listed = tuple(s.strip() for s in langs.stdout.splitlines()[1:] if s.strip())
    return version, listed


def engine_version() -> str | None:
    """Tesseract's version line ("tesseract 5.3.0"), or None when it is not installed.

    Examples
    --------
    >>> v = engine_version()
    >>> v is None or v.startswith("tesseract")
    True
    """
    try:
        cmd = _tesseract_cmd()
    except ImportError:
        return None
    return _engine(cmd)[0]


def engine_problem(settings: OcrSettings | None = None) -> str | None:
    """Why pages cannot be recognised here (the engine, its language model or pytesseract missing), naming the
    command that installs what is missing; None when OCR can run.

    Examples
    --------
    >>> p = engine_problem()
    >>> p is None or "apt-get install" in p or "pip install" in p
    True
    """
    settings = settings or OcrSettings()
    try:
        import pypdfium2  # noqa: F401 — only checking that it is installed
        import pytesseract  # noqa: F401
    except ImportError:
        return ("the OCR packages of Python are not installed: run `pip install 'ttdn_analysis[formats]'` (or "
                f"`make setup`), and for the engine `{INSTALL_OCR}`")
    version, langs = _engine(_tesseract_cmd())
    if version is None:
        return f"the OCR engine Tesseract is not installed: run `{INSTALL_OCR}` (or `make setup` as root)"
    if settings.lang not in langs:
        return (f"Tesseract's Vietnamese model ('{settings.lang}') is not installed: run `{INSTALL_OCR}` "
                "(or `make setup` as root)")
    return None


def ocr_key(data: bytes, settings: OcrSettings, pages: Sequence[int] | None = None) -> str:
    """The cache key of recognising *data*: its bytes, the settings, the pages, the engine and this module.

    Examples
    --------
    >>> a = ocr_key(b"scan", OcrSettings())
    >>> a == ocr_key(b"scan", OcrSettings()), a == ocr_key(b"scan", OcrSettings(dpi=200)), len(a)
    (True, False, 32)
    """
    h = hashlib.sha256(data)
    h.update(f"|{settings.key()}|{list(pages) if pages is not None else 'all'}|{engine_version()}|"
             f"{OCR_VERSION}".encode())
    return h.hexdigest()[:32]


# -- pages as images ---------------------------------------------------------------------------------------------

def otsu_threshold(histogram: Sequence[int]) -> int:
    """The grey level that best separates ink from paper in a 256-bin *histogram* (Otsu 1979: the level that
    maximises the variance between the two classes).

    References
    ----------
    Otsu, N. (1979). A threshold selection method from gray-level histograms. IEEE Transactions on Systems, Man,
    and Cybernetics 9(1), 62-66.

    Examples
    --------
    >>> h = [0] * 256; h[30] = 100; h[220] = 900
    >>> 30 <= otsu_threshold(h) < 220
    True
    """
    total = sum(histogram)
    if not total:
        return 128
    sum_all = sum(i * c for i, c in enumerate(histogram))
    best, best_var = 128, -1.0
    w0 = 0
    sum0 = 0.0
    for t in range(256):
        w0 += histogram[t]
        if w0 == 0:
            continue
        w1 = total - w0
        if w1 == 0:
            break
        sum0 += t * histogram[t]
        m0, m1 = sum0 / w0, (sum_all - sum0) / w1
        var = w0 * w1 * (m0 - m1) ** 2
        if var > best_var:
            best, best_var = t, var
    return best


def clean_page(img: Any) -> Any:
    """A grey page binarised at its Otsu threshold, specks removed by a 3 × 3 median filter, as a 1-bit image.

    Examples
    --------
    >>> from PIL import Image
    >>> page = Image.new("L", (40, 40), 235); page.putpixel((5, 5), 0)      # one speck on the paper
    >>> for x in range(10, 30):
    ...     for y in range(18, 22):
    ...         page.putpixel((x, y), 20)                                   # a stroke of ink
    >>> out = clean_page(page)
    >>> out.mode, out.getpixel((5, 5)), out.getpixel((20, 20)), out.getpixel((2, 30))
    ('1', 255, 0, 255)
    """
    from PIL import Image, ImageFilter

    t = otsu_threshold(img.histogram()[:256])
    clean = img.point(lambda v: 255 if v > t else 0).filter(ImageFilter.MedianFilter(3))
    # one bit a pixel (the same black and white): written for Tesseract and read by it faster than a grey page
    return clean.convert("1", dither=Image.Dither.NONE)


def _grey(img: Any) -> Any:
    """One grey channel of *img*: the red channel of a colour page (a red stamp fades into the paper)."""
    if img.mode in ("1", "L"):
        return img.convert("L")
    if img.mode in ("RGB", "RGBA", "CMYK", "P", "LA", "I;16", "I", "F"):
        rgb = img.convert("RGB")
        return rgb.getchannel("R")
    return img.convert("L")


def image_page_count(data: bytes) -> int:
    """Pages (frames) of an image file: more than one for a multi-page TIFF.

    Examples
    --------
    >>> from PIL import Image
    >>> buf = io.BytesIO()
    >>> Image.new("L", (20, 20), 255).save(buf, "TIFF", save_all=True,
    ...                                     append_images=[Image.new("L", (20, 20), 255)])
    >>> image_page_count(buf.getvalue())
    2
    """
    from PIL import Image

    with Image.open(io.BytesIO(data)) as img:
        return int(getattr(img, "n_frames", 1))


def image_pages(data: bytes, pages: Sequence[int] | None = None, dpi: int | None = None
                ) -> Iterator[tuple[int, Any]]:
    """(page number, grey image) for each page of a PNG, JPEG or TIFF file (every frame of a multi-page TIFF).

    A page whose file says it was scanned well below *dpi* (a 200 dpi scan, when *dpi* is 300) is enlarged to
    *dpi*: Tesseract reads small bold headings ("II.") better at the resolution it was trained for.

    Examples
    --------
    >>> from PIL import Image
    >>> buf = io.BytesIO()
    >>> Image.new("RGB", (30, 20), (200, 0, 0)).save(buf, "PNG")
    >>> [(n, im.mode, im.size, im.getpixel((0, 0))) for n, im in image_pages(buf.getvalue())]
    [(1, 'L', (30, 20), 200)]
    """
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as img:
        n = int(getattr(img, "n_frames", 1))
        for i in range(n):
            if pages is not None and i + 1 not in pages:
                continue
            img.seek(i)
            frame = ImageOps.exif_transpose(img.copy()) or img.copy()  # a phone photo's orientation tag
            grey = _grey(frame)
            said = img.info.get("dpi") or (0, 0)
            scanned_at = float(said[0]) if isinstance(said, tuple) and said and said[0] else 0.0
            if dpi and 0 < scanned_at < 0.8 * dpi:
                k = dpi / scanned_at
                grey = grey.resize((round(grey.width * k), round(grey.height * k)), Image.Resampling.LANCZOS)
            yield i + 1, grey


def pdf_page_images(data: bytes, pages: Sequence[int], dpi: int = 300) -> Iterator[tuple[int, Any]]:
    """(page number, grey image) for the 1-based *pages* of a PDF, rendered with pypdfium2 at *dpi*.

    Examples
    --------
    >>> from fpdf import FPDF
    >>> pdf = FPDF(unit="pt", format=(200, 100)); pdf.add_page(); raw = bytes(pdf.output())
    >>> [(n, im.mode, im.size) for n, im in pdf_page_images(raw, [1], dpi=144)]
    [(1, 'L', (400, 200))]
    """
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        for n in pages:
            page = doc[n - 1]
            try:
                bitmap = page.render(scale=dpi / 72)
                img = bitmap.to_pil()
            finally:
                page.close()
            yield n, _grey(img)
    finally:
        doc.close()


# -- recognition ---------------------------------------------------------------------------------------------------

_INK = re.compile(r"[^\W_]")  # a letter or a digit


def trim_specks(words: Sequence[OcrWord], below: float) -> list[OcrWord]:
    """The words of a line without the specks at its two ends: words with no letter or digit ("|", "_", "—~",
    "'") recognised with a confidence below *below*. A bullet dash read with confidence stays.

    Examples
    --------
    >>> ws = [OcrWord("———~", 22), OcrWord("-", 92), OcrWord("Cơ", 95), OcrWord("quan", 96), OcrWord("|", 49)]
    >>> [w.text for w in trim_specks(ws, 60)]
    ['-', 'Cơ', 'quan']
    """
    i, j = 0, len(words)
    while i < j and words[i].conf < below and not _INK.search(words[i].text):
        i += 1
    while j > i and words[j - 1].conf < below and not _INK.search(words[j - 1].text):
        j -= 1
    return list(words[i:j])


def page_lines(data: dict[str, list], page: int, below: float = 60.0) -> list[OcrLine]:
    """Lines of one page from pytesseract's ``image_to_data`` dictionary: words grouped by Tesseract's block,
    paragraph and line, in its reading order; a blank line between two blocks of text (Tesseract's paragraphs
    within a block are not reliable enough to mean anything: the parser re-joins wrapped lines itself). Specks at
    a line's ends are left out (:func:`trim_specks` with *below*); a line of specks only is no line.

    Examples
    --------
    >>> d = {"block_num": [1, 1, 1, 1, 2], "par_num": [1, 1, 1, 2, 1], "line_num": [1, 1, 2, 1, 1],
    ...      "text": ["Sở", "Ngoại", "vụ", "x", "y"], "conf": [96, 91.5, 40, 88, 90]}
    >>> [(ln.text, ln.conf) for ln in page_lines(d, 1)]
    [('Sở Ngoại', 93.75), ('vụ', 40.0), ('x', 88.0), ('', None), ('y', 90.0)]
    """
    out: list[OcrLine] = []
    current: tuple | None = None
    words: list[OcrWord] = []
    last_block: int | None = None

    def flush() -> None:
        kept = trim_specks(words, below)
        if kept:
            conf = round(sum(w.conf for w in kept) / len(kept), 2)
            out.append(OcrLine(page, " ".join(w.text for w in kept), conf, tuple(kept)))

    for b, p, ln, text, conf in zip(data["block_num"], data["par_num"], data["line_num"], data["text"],
                                    data["conf"]):
        text = (text or "").strip()
        c = float(conf)
        if not text or c < 0:
            continue
        key = (b, p, ln)
        if key != current:
            flush()
            words = []
            if last_block is not None and b != last_block:
                out.append(OcrLine(page, ""))
            current, last_block = key, b
        words.append(OcrWord(text, c))
    flush()
    return out


def _recognise_one(image: Any, page: int, settings: OcrSettings) -> list[OcrLine] | str:
    """The lines of one page, or why it failed (a time-out, an engine error): one bad page never stops the rest."""
    import pytesseract

    try:
        if settings.clean:
            image = clean_page(image)
        data = pytesseract.image_to_data(image, lang=settings.lang, config=f"--psm {settings.psm}",
                                         output_type=pytesseract.Output.DICT, timeout=settings.timeout)
    except Exception as exc:  # noqa: BLE001 — Tesseract's errors, a time-out, an image it cannot take: a problem row
        return failure_reason(exc, page, settings)
    return page_lines(data, page, settings.low_confidence)


def failure_reason(exc: BaseException, page: int, settings: OcrSettings) -> str:
    """Why a page could not be recognised, in words of the catalogue (no exception text, which goes to the log):
    "it took longer than 300 s" or "the engine stopped with an error".

    Examples
    --------
    >>> failure_reason(RuntimeError("Tesseract process timeout"), 3, OcrSettings())
    'it took longer than 300 s'
    >>> failure_reason(ValueError("bad image"), 3, OcrSettings())
    'the engine stopped with an error'
    """
    _log.warning("OCR of page %s failed: %s: %s", page, type(exc).__name__, str(exc).strip()[:300])
    if isinstance(exc, TimeoutError) or "timeout" in str(exc).lower():
        return f"it took longer than {settings.timeout:.0f} s"
    return "the engine stopped with an error"


def _progress(total: int, desc: str) -> Any:
    """A tqdm bar on an interactive terminal for more than one page; None elsewhere (notebooks, logs, tests)."""
    if total < 2 or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="page", leave=False)


def recognise_pages(images: Iterable[tuple[int, Any]], settings: OcrSettings | None = None,
                    workers: int | None = None, total: int | None = None, desc: str = "OCR"
                    ) -> dict[int, list[OcrLine] | str]:
    """Recognise page images in parallel: one Tesseract process per core, at most ``2 × workers`` pages in memory.

    Parameters
    ----------
    images : iterable of (int, PIL.Image)
        Page number and image (rendered lazily: a page is rendered while others are recognised).
    settings : OcrSettings, optional
    workers : int, optional
        Parallel Tesseract processes; default the cores this process may use.
    total : int, optional
        Number of pages, for the progress bar shown on a terminal.
    desc : str
        The progress bar's label.

    Returns
    -------
    dict
        page number -> its lines, or the reason the page could not be recognised (a str).

    Examples
    --------
    >>> from PIL import Image
    >>> out = recognise_pages([(1, Image.new("L", (200, 80), 255))]) if engine_problem() is None else {1: []}
    >>> out
    {1: []}
    """
    settings = settings or OcrSettings()
    if workers is None:
        workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    workers = max(1, workers)
    # each Tesseract process on one thread: pages, not threads inside one page, use the cores
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    bar = _progress(total or 0, desc)
    results: dict[int, list[OcrLine] | str] = {}
    with _budget_paused():
        _recognise_all(images, settings, workers, bar, results)
    return results


@contextlib.contextmanager
def _budget_paused() -> Iterator[None]:
    """The file's time budget (the loader's interval timer, ``TTDN_FILE_MAX_SECONDS``) paused while pages are
    recognised: a page takes seconds, not the tenths a parse takes, and each page has its own limit
    (:attr:`OcrSettings.timeout`). The remaining time is given back afterwards."""
    timer = getattr(signal, "ITIMER_REAL", None)
    if timer is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    remaining, interval = signal.getitimer(timer)
    if remaining:
        signal.setitimer(timer, 0)
    try:
        yield
    finally:
        if remaining:
            signal.setitimer(timer, remaining, interval)


def _recognise_all(images: Iterable[tuple[int, Any]], settings: OcrSettings, workers: int, bar: Any,
                   results: dict[int, list[OcrLine] | str]) -> None:
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            pending: list = []
            for page, image in images:
                pending.append((page, pool.submit(_recognise_one, image, page, settings)))
                while len(pending) >= 2 * workers:
                    done_page, fut = pending.pop(0)
                    results[done_page] = fut.result()
                    if bar is not None:
                        bar.update(1)
            for done_page, fut in pending:
                results[done_page] = fut.result()
                if bar is not None:
                    bar.update(1)
    finally:
        if bar is not None:
            bar.close()


@dataclass(frozen=True)
class OcrResult:
    """What OCR read of a file: the lines of its pages in page order, the pages that failed (page -> why), and
    whether it came from the store."""

    lines: list[OcrLine]
    failed: dict[int, str] = field(default_factory=dict)
    cached: bool = False


def ocr_pages(data: bytes, kind: str, pages: Sequence[int] | None = None, settings: OcrSettings | None = None,
              store: OcrStore | None = None, workers: int | None = None, desc: str = "OCR"
              ) -> OcrResult:
    """Recognise the *pages* (1-based; all of an image file when None) of a PDF (*kind* "pdf") or an image file
    (*kind* "image"), through *store* when given: an unchanged file with the same settings and engine is read back,
    never recognised again (a result with a failed page is not stored).

    Raises when the engine is missing: check :func:`engine_problem` first.

    Examples
    --------
    >>> class Memory:
    ...     def __init__(self): self.d = {}
    ...     def load(self, key): return self.d.get(key)
    ...     def save(self, key, lines): self.d[key] = lines
    >>> from PIL import Image
    >>> buf = io.BytesIO(); Image.new("L", (120, 60), 255).save(buf, "PNG")
    >>> m = Memory()
    >>> ocr_pages(buf.getvalue(), "image", store=m).lines if engine_problem() is None else []
    []
    >>> len(m.d) == (engine_problem() is None)
    True
    """
    settings = settings or OcrSettings()
    key = ocr_key(data, settings, pages) if store is not None else None
    if store is not None and key is not None:
        hit = store.load(key)
        if hit is not None:
            return OcrResult(hit, cached=True)
    if kind == "pdf":
        if pages is None:
            raise ValueError("the pages of a PDF to recognise must be named")
        images: Iterable[tuple[int, Any]] = pdf_page_images(data, pages, settings.dpi)
        total = len(pages)
    else:
        images = image_pages(data, pages, settings.dpi)
        total = len(pages) if pages is not None else image_page_count(data)
    found = recognise_pages(images, settings, workers=workers, total=total, desc=desc)
    lines: list[OcrLine] = []
    failed: dict[int, str] = {}
    for page in sorted(found):
        got = found[page]
        if isinstance(got, str):
            failed[page] = got
        else:
            lines.extend(got)
    if store is not None and key is not None and not failed:
        store.save(key, lines)
    return OcrResult(lines, failed)


def ocr_problem(lines: Sequence[OcrLine], pages: Sequence[int], n_pages: int | None = None) -> dict:
    """The ``ocr`` info row of a file whose *pages* were recognised: which pages, the engine, the words' mean
    confidence and the share below the low-confidence level, and how to correct the text.

    Examples
    --------
    >>> ln = OcrLine(1, "Sở Y tế", 90.0, (OcrWord("Sở", 95), OcrWord("Y", 40), OcrWord("tế", 90)))
    >>> ocr_problem([ln], [1], 2)["message"]  # doctest: +ELLIPSIS
    'page(s) 1 of 2 have no text layer and were read by OCR (...): 3 words, mean confidence 75, 33% below 60; ...'
    """
    words = [w for ln in lines for w in ln.words]
    mean = sum(w.conf for w in words) / len(words) if words else 0.0
    low = sum(w.conf < OcrSettings().low_confidence for w in words) / len(words) if words else 0.0
    listed = _ranges(pages)
    of = f" of {n_pages}" if n_pages else ""
    return {"line": None, "severity": "info", "kind": "ocr",
            "message": f"page(s) {listed}{of} have no text layer and were read by OCR ({engine_version()}, "
                       f"{OcrSettings().lang}): {len(words)} words, mean confidence {mean:.0f}, {low:.0%} below "
                       f"{OcrSettings().low_confidence:.0f}; check the tasks flagged ocr_low_confidence against the "
                       "scan, or write the text out with `ttdn ocr FILE --out DIR`, correct it and put it beside "
                       "the scan as <name>.txt"}


def _ranges(pages: Sequence[int]) -> str:
    """1, 2, 3, 5 -> '1-3, 5'.

    >>> _ranges([1, 2, 3, 5, 7, 8])
    '1-3, 5, 7-8'
    """
    out: list[str] = []
    nums = sorted(set(pages))
    i = 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        out.append(f"{nums[i]}-{nums[j]}" if j > i else str(nums[i]))
        i = j + 1
    return ", ".join(out)


def image_text(data: bytes, store: OcrStore | None = None, settings: OcrSettings | None = None
               ) -> tuple[list[str], list[dict], list[int | None], dict[int, OcrLine]]:
    """A page image file read by OCR: lines, problems, the page of each line (None between pages) and what OCR
    read of each line (by 0-based index). Without the engine: no lines and one ``no_text_layer`` row naming the
    command that installs it.

    Examples
    --------
    >>> from PIL import Image
    >>> buf = io.BytesIO(); Image.new("L", (120, 60), 255).save(buf, "PNG")
    >>> lines, problems, pages, read = image_text(buf.getvalue())
    >>> lines, problems[0]["kind"]
    ([], 'no_text_layer')
    """
    why = engine_problem(settings)
    if why is not None:
        return [], [{"line": None, "severity": "error", "kind": "no_text_layer",
                     "message": f"a page image is read by OCR, which cannot run here: {why}"}], [], {}
    try:
        n = image_page_count(data)
        result = ocr_pages(data, "image", None, settings, store)
    except Exception as exc:  # noqa: BLE001 — an image Pillow cannot open is a problem row, whatever it raised
        _log.warning("the image cannot be read: %s: %s", type(exc).__name__, exc)
        return [], [{"line": None, "severity": "error", "kind": "unreadable",
                     "message": "the image cannot be read (a damaged file, or not an image Pillow knows): save it "
                                "again as .png"}], [], {}
    problems = [{"line": None, "severity": "warning", "kind": "unreadable",
                 "message": f"OCR of page {p} failed ({why}); its text is missing"} for p, why in
                sorted(result.failed.items())]
    lines: list[str] = []
    page_of: list[int | None] = []
    read: dict[int, OcrLine] = {}
    last = None
    for ln in result.lines:
        if last is not None and ln.page != last:
            lines.append("")
            page_of.append(None)
        last = ln.page
        read[len(lines)] = ln
        lines.append(ln.text)
        page_of.append(ln.page)
    if not any(s.strip() for s in lines):
        problems.append({"line": None, "severity": "error", "kind": "no_text_layer",
                         "message": f"OCR found no text in the image ({n} page(s)): is it a scan of the plan?"})
        return [], problems, [], {}
    row = ocr_problem(result.lines, list(range(1, n + 1)), n)
    row["message"] = str(row["message"]).replace("have no text layer and were", "were")
    problems.append(row)
    return lines, problems, page_of, read


# -- storage as table rows (the cache keeps Arrow tables) --------------------------------------------------------

#: Columns of the cached table of recognised lines.
ROW_COLUMNS = ["page", "text", "conf", "words", "confs"]


def lines_to_rows(lines: list[OcrLine]) -> dict[str, list]:
    """The lines as columns of a table (page, text, conf, words, confs).

    Examples
    --------
    >>> rows = lines_to_rows([OcrLine(2, "Sở Y tế", 90.0, (OcrWord("Sở", 95), OcrWord("Y", 85), OcrWord("tế", 90)))])
    >>> rows_to_lines(rows)[0].words[1]
    OcrWord(text='Y', conf=85.0)
    """
    return {"page": [ln.page for ln in lines], "text": [ln.text for ln in lines],
            "conf": [ln.conf for ln in lines], "words": [[w.text for w in ln.words] for ln in lines],
            "confs": [[float(w.conf) for w in ln.words] for ln in lines]}


def rows_to_lines(rows: dict[str, list] | Any) -> list[OcrLine]:
    """The lines back from :func:`lines_to_rows` columns (a dict of lists or a DataFrame)."""
    out = []
    for page, text, conf, words, confs in zip(rows["page"], rows["text"], rows["conf"], rows["words"],
                                              rows["confs"]):
        c = None if conf is None or conf != conf else float(conf)
        out.append(OcrLine(int(page), str(text), c,
                           tuple(OcrWord(str(w), float(k)) for w, k in zip(list(words), list(confs)))))
    return out

