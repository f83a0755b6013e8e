"""Read one plan file into physical lines with provenance and problems (any supported format).

Every file is told apart by its content (:func:`~ttdn_analysis.ingest.formats.sniff`), not only by its name; the
size limits of :mod:`ttdn_analysis.ingest.limits` apply to the file and to the text read from it; invisible
control characters are removed (Word's manual line break read as a line break). Whatever cannot be read becomes
a problem row whose message says what the file is and what to do.
"""
from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ttdn_analysis.ingest.doc import doc_lines
from ttdn_analysis.ingest.docx import docx_lines
from ttdn_analysis.ingest.formats import (
    FORMAT_OF_SUFFIX,
    PLAN_SUFFIXES,
    _legacy_font_problem,
    describe,
    hint,
    sniff,
)
from ttdn_analysis.ingest.html import html_lines
from ttdn_analysis.ingest.hygiene import clean_lines
from ttdn_analysis.ingest.limits import (
    CONTROL_SHARE,
    MAX_BYTES,
    MAX_FILE_BYTES,
    MAX_LINES,
    MAX_TEXT_BYTES,
    human_size,
    too_long_message,
)
from ttdn_analysis.ingest.ocr import OcrLine, OcrStore, image_text
from ttdn_analysis.ingest.pdf import pdf_lines, pdf_text
from ttdn_analysis.schema import problem_row

__all__ = ["MAX_BYTES", "MAX_TEXT_BYTES", "RawDoc", "read_plan", "read_lines", "file_digest", "clean_controls"]

#: Readers of document formats: content kind -> bytes -> (lines, problems).
_READERS: dict[str, Callable[[bytes], tuple[list[str], list[dict]]]] = {
    "docx": docx_lines, "pdf": pdf_lines, "html": html_lines, "ole2": doc_lines,
    "image": lambda data: image_text(data)[:2]}
_NAMES = {"text": "a text plan", "docx": "a Word document", "pdf": "a PDF", "html": "a web page",
          "ole2": "a Word 97-2003 document (.doc)", "image": "a page image"}
_CHUNK = 1 << 20


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
    #: the page of each line (``pages[i]`` for line ``i + 1``; None between pages) of a PDF or page image; None
    #: for a file without pages
    pages: list[int | None] | None = None
    #: what OCR read of each recognised line, by 1-based line number (words and their confidence)
    ocr: dict[int, OcrLine] = field(default_factory=dict)


def file_digest(path: str | Path, limit: int = MAX_BYTES) -> str | None:
    """SHA-256 of a file read in chunks (constant memory), or None when it is above *limit* or unreadable.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "k.txt")
    >>> _ = open(p, "wb").write(b"abc")
    >>> file_digest(p)[:12], file_digest(p, limit=2)
    ('ba7816bf8f01', None)
    """
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
                return None
            size = 0
            while chunk := fh.read(_CHUNK):
                size += len(chunk)
                if size > limit:
                    return None
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


# C0 and C1 control characters but tab, line feed and carriage return; lone surrogates; the two non-characters
# XML refuses. (Separators such as the vertical tab, form feed or NEL are spaces, by :mod:`.hygiene`, first.)
_CONTROLS = re.compile("[\x00-\x08\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_controls(lines: list[str]) -> tuple[list[str], list[dict]]:
    """The text hygiene of every file (:mod:`ttdn_analysis.ingest.hygiene`), then control characters removed.

    Separators that are no line break of the file (Word's manual line break ``\\x0b``, a form feed, U+2028 …)
    become spaces, so that the line numbers stay the file's; invisible characters (zero-width space, soft hyphen,
    BOM …) are removed, look-alike digits and roman numeral signs written in ASCII, control characters removed.
    Returns one line per line given and at most one ``control_characters`` problem row saying what was done and
    where.

    Examples
    --------
    >>> lines, probs = clean_controls(["Số: 1/KH\\x0bĐồng Nai", "KẾ\\x00 HOẠCH\\x1b", "Sở Ngo\\u00adại vụ"])
    >>> lines
    ['Số: 1/KH Đồng Nai', 'KẾ HOẠCH', 'Sở Ngoại vụ']
    >>> probs[0]["kind"], probs[0]["line"]
    ('control_characters', 1)
    """
    tidy = clean_lines(lines)
    out: list[str] = []
    removed = 0
    first = tidy.first
    for i, ln in enumerate(tidy.lines, start=1):
        cleaned, n = _CONTROLS.subn("", ln)
        if n:
            removed += n
            first = min(first or i, i)
        out.append(cleaned)
    if not removed and not tidy.changed:
        return lines, []
    said = [tidy.summary()] if tidy.changed else []
    if removed:
        said.append(f"{removed} invisible control character(s) removed (from a converter or a copy from Word)")
    return out, [problem_row(first, "warning" if removed or tidy.separators else "info", "control_characters",
                             "; ".join(said) + "; the text is unchanged otherwise")]


def _decode(data: bytes, kind: str) -> tuple[str | None, str, list[dict]]:
    """Decode a text plan: UTF-16 with its byte-order mark, UTF-8 (BOM or not), else Windows-1258."""
    if kind == "utf16":
        try:
            return data.decode("utf-16"), "utf-16", [problem_row(
                None, "info", "encoding", "saved as UTF-16 (Notepad's 'Unicode'); read as such")]
        except UnicodeDecodeError:
            return None, "unknown", [problem_row(
                None, "error", "unreadable", "the file starts like UTF-16 text but is not: save the plan as "
                "UTF-8 text (.txt) and add it again")]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = data.decode("cp1258")
    except UnicodeDecodeError:
        return None, "unknown", [problem_row(
            None, "error", "unreadable", f"the text is neither UTF-8 (byte {utf8_error.start} is not) nor "
            "Windows-1258: open it in a text editor and save it as UTF-8")]
    return text, "cp1258", [problem_row(None, "warning", "encoding", "not UTF-8; read as Windows-1258 (the old "
                                        "Vietnamese Windows encoding): check the accents, or save it as UTF-8")]


def _text_lines(data: bytes, kind: str) -> tuple[list[str], str, list[dict]]:
    """Physical lines of a text plan (lines split at LF; a CR at a line's end is dropped, a lone CR is a space)."""
    text, enc, probs = _decode(data, kind)
    if text is None:
        return [], enc, probs
    lines = [ln[:-1] if ln.endswith("\r") else ln for ln in text.split("\n")]
    return [ln.replace("\r", " ") for ln in lines], enc, probs


def _binary_share(lines: list[str]) -> float:
    n = sum(map(len, lines))
    bad = sum(len(_CONTROLS.findall(ln)) for ln in lines)
    return bad / n if n else 0.0


def _refused(path: Path, sha: str, enc: str, kind: str, message: str) -> RawDoc:
    return RawDoc(path, [], sha, enc, [problem_row(None, "error", kind, message)])


_HTML_FRAGMENT = re.compile(rb"<(p|div|table|br|h[1-6]|span)\b", re.I)


def _content_kind(want: str | None, data: bytes) -> tuple[str, dict | None]:
    """The kind of content to read *data* as, given the kind its name promises; or a problem row refusing it."""
    kind = sniff(data)
    if kind == "empty":
        return kind, problem_row(None, "error", "empty", "the file is empty")
    if want == "html" and kind == "text" and _HTML_FRAGMENT.search(data[:65536]):
        return "html", None  # an HTML fragment without <html>/<body>: the name decides
    if want == "text" and kind == "utf16":
        return kind, None
    if want == "ole2" and kind == "rtf":
        return "ole2", None  # an RTF saved as .doc (common on older portals): LibreOffice reads it the same way
    if want == "docx" and kind == "broken-zip":
        return kind, problem_row(None, "error", "unreadable", "this .docx is damaged or was cut off while "
                                 "copying (not a readable ZIP archive): open it in Word and save it again")
    if want is not None and kind != want:
        return kind, problem_row(None, "error", "wrong_format",
                                 f"this is {describe(kind, data)}, not {_NAMES[want]}: {hint(kind)}")
    if want is None and kind not in _READERS:
        return kind, problem_row(None, "error", "wrong_format",
                                 f"this is {describe(kind, data)}, not a .docx, .pdf or .html plan: {hint(kind)}")
    return kind, None


def read_plan(path: str | Path, ocr_store: OcrStore | None = None) -> RawDoc:
    """Read one plan file into physical lines; never raises for a bad file.

    The size is checked before the file is read, the content is sniffed whatever the name says, and the text
    read (or extracted from a .docx, .doc, .pdf, .html or a page image) is held to :data:`MAX_TEXT_BYTES`. Scanned
    pages are recognised by OCR, kept in *ocr_store* when one is given (the loader passes its cache).

    Examples
    --------
    >>> import tempfile, os
    >>> d = tempfile.mkdtemp()
    >>> p = os.path.join(d, "k.txt")
    >>> _ = open(p, "wb").write("\\ufeffSố: 1/KH\\r\\nKẾ HOẠCH\\r\\n".encode("utf-8"))
    >>> read_plan(p).lines
    ['Số: 1/KH', 'KẾ HOẠCH', '']
    >>> _ = open(os.path.join(d, "scan.txt"), "wb").write(b"\\x89PNG\\r\\n\\x1a\\n" + bytes(64))
    >>> read_plan(os.path.join(d, "scan.txt")).problems[0]["message"]  # doctest: +ELLIPSIS
    'this is a PNG image, not a text plan: if it is a scan of the plan, rename it to .png, .jpg or .tif: page ...'
    """
    path = Path(path)
    try:
        st = path.stat()
    except OSError as exc:
        return _refused(path, "", "none", "unreadable", f"the file cannot be opened ({exc.strerror or exc})")
    if stat.S_ISDIR(st.st_mode):
        return _refused(path, "", "none", "unreadable", "this is a folder, not a file")
    if not stat.S_ISREG(st.st_mode):
        return _refused(path, "", "none", "unreadable", "this is not a regular file (a pipe, socket or device)")
    if st.st_size > MAX_BYTES:
        return _refused(path, "", "none", "too_large", f"the file is {human_size(st.st_size)}; a plan file may be "
                        f"at most {human_size(MAX_BYTES)}: check that it is the plan, or split off its annexes")
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        return _refused(path, "", "none", "unreadable", f"the file cannot be read ({exc.strerror or exc})")
    sha = hashlib.sha256(data).hexdigest()
    suffix = path.suffix.lower()
    want = FORMAT_OF_SUFFIX.get(suffix)
    if want is None:
        return _refused(path, sha, "none", "unsupported_format",
                        f"the file type {suffix or '(no extension)'} is not read (its content is "
                        f"{describe(sniff(data), data)}); plans are read from {', '.join(PLAN_SUFFIXES)}")
    kind, refusal = _content_kind(want, data)
    if refusal is not None:
        return RawDoc(path, [], sha, "none", [refusal])
    limit = MAX_FILE_BYTES.get("text" if kind == "utf16" else kind, MAX_BYTES)
    if len(data) > limit:
        return _refused(path, sha, "none", "too_large",
                        f"the file is {human_size(len(data))}; {_NAMES[want]} may be at most {human_size(limit)} "
                        "(a plan is a few hundred KiB at most): check that it is the plan")
    if kind in ("text", "utf16"):
        lines, enc, probs = _text_lines(data, kind)
        if not lines:
            return RawDoc(path, [], sha, enc, probs)
        legacy = _legacy_font_problem(lines)
        if legacy:
            probs.append(legacy)
    else:
        enc = kind
        try:
            lines, probs, pages, read = _read_document(path, data, ocr_store)
        except MemoryError:
            raise  # a verdict on this machine's memory, not on the file: the loader reports it, never caches it
        except Exception as exc:  # noqa: BLE001 — a hostile or broken file must not stop the corpus: a problem row
            return _refused(path, sha, "none", "unreadable", f"the {suffix} file cannot be read "
                            f"({type(exc).__name__}: {exc}); open it and save it again, or save it as .txt")
    if lines and _binary_share(lines) > CONTROL_SHARE:
        return _refused(path, sha, enc, "unreadable", "this file holds binary data (many control characters), "
                        "not the text of a plan: check that it is the right file")
    n_read = len(lines)
    lines, cprobs = clean_controls(lines)
    if len(lines) > MAX_LINES:
        return _refused(path, sha, enc, "too_large", too_long_message(f"{MAX_LINES} lines"))
    size = sum(len(ln.encode("utf-8", "surrogatepass")) + 1 for ln in lines)
    if size > MAX_TEXT_BYTES + 1:
        return _refused(path, sha, enc, "too_large", too_long_message(human_size(MAX_TEXT_BYTES)))
    if kind in ("text", "utf16") or len(lines) != n_read:  # a line split at a Word line break: pages unknown
        pages, read = None, {}
    return RawDoc(path, lines, sha, enc, probs + cprobs, pages or None, {i + 1: ln for i, ln in read.items()})


def _read_document(path: str | Path, data: bytes, ocr_store: OcrStore | None
                   ) -> tuple[list[str], list[dict], list[int | None] | None, dict[int, OcrLine]]:
    """:func:`read_lines` with the page of each line and OCR's reading of each recognised line (0-based)."""
    kind, refusal = _content_kind(FORMAT_OF_SUFFIX.get(Path(path).suffix.lower()), data)
    if refusal is None and kind == "pdf":
        t = pdf_text(data, ocr_store)
        return *_checked(kind, t.lines, t.problems), t.pages, t.ocr
    if refusal is None and kind == "image":
        lines, problems, pages, read = image_text(data, ocr_store)
        return *_checked(kind, lines, problems), pages, read
    lines, problems = read_lines(path, data)
    return lines, problems, None, {}


def read_lines(path: str | Path, data: bytes) -> tuple[list[str], list[dict]]:
    """Read a .docx, .doc, .pdf, .html or page-image plan into physical lines of text and problems.

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
    ([], 'wrong_format', 'this is an HTML web page, not a PDF: rename it to .html')
    """
    kind, refusal = _content_kind(FORMAT_OF_SUFFIX.get(Path(path).suffix.lower()), data)
    if refusal is not None:
        return [], [refusal]
    if kind not in _READERS:
        return [], [problem_row(None, "error", "wrong_format",
                                f"this is {describe(kind, data)}, not a .docx, .pdf or .html plan: {hint(kind)}")]
    lines, problems = _READERS[kind](data)
    return _checked(kind, lines, problems)


def _checked(kind: str, lines: list[str], problems: list[dict]) -> tuple[list[str], list[dict]]:
    """The lines and problems of a reader, with an ``empty`` row for no text and a legacy-font warning."""
    if not any(ln.strip() for ln in lines) and not any(p["severity"] == "error" for p in problems):
        problems.append(problem_row(None, "error", "empty", f"the {kind} file holds no text"))
    legacy = _legacy_font_problem(lines)
    if legacy:
        problems.append(legacy)
    return lines, problems
