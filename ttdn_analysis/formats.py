"""Format readers: .docx, .pdf and .html plans to physical lines of plan text, with problems, never parsed blind."""
from __future__ import annotations

import io
import re
import time
import zipfile
from collections import Counter
from pathlib import Path
from typing import Callable, Iterator

from .readers import problem_row

__all__ = [
    "SUFFIXES",
    "read_lines",
    "sniff",
    "describe",
    "docx_lines",
    "pdf_lines",
    "html_lines",
    "is_page_number",
    "MAX_ZIP_ENTRIES",
    "MAX_UNZIPPED_BYTES",
    "MAX_ZIP_RATIO",
    "MAX_PDF_PAGES",
]

SUFFIXES = (".docx", ".pdf", ".html", ".htm")
MAX_ZIP_ENTRIES = 2_000
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_RATIO = 200
_RATIO_FLOOR = 1024 * 1024  # entries smaller than this cannot be a bomb whatever their ratio
MAX_PDF_PAGES = 500
_PDF_SECONDS = 120.0  # time budget for text extraction of one PDF

_KIND_OF_SUFFIX = {".docx": "docx", ".pdf": "pdf", ".html": "html", ".htm": "html"}
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


# ---------------------------------------------------------------------------------------------------------------
# Sniffing


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
    want = _KIND_OF_SUFFIX.get(suffix)
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


# ---------------------------------------------------------------------------------------------------------------
# .docx

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_P, _TBL, _TR, _TC, _R, _T = (_W + t for t in ("p", "tbl", "tr", "tc", "r", "t"))
_TXBX = _W + "txbxContent"
_SKIP_INLINE = {_W + t for t in ("del", "moveFrom", "pPr", "rPr", "drawing", "pict", "object", "instrText",
                                 "delText", "footnoteReference", "endnoteReference", "commentReference")}
_SKIP_INLINE.add(_MC + "AlternateContent")
_WRAPPERS = {_W + t for t in ("sdt", "sdtContent", "customXml", "ins", "moveTo", "smartTag")}


def _val(el, default: str | None = None) -> str | None:
    if el is None:
        return default
    return el.get(_W + "val", default)


def _int(s: str | None, default: int) -> int:
    try:
        return int(s) if s is not None else default
    except ValueError:
        return default


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


class _LvlDef:
    __slots__ = ("start", "fmt", "text", "restart", "legal", "pstyle")

    def __init__(self, lvl) -> None:
        self.start = _int(_val(lvl.find(_W + "start")), 1)
        self.fmt = _val(lvl.find(_W + "numFmt"), "decimal") or "decimal"
        self.text = _val(lvl.find(_W + "lvlText"), "") or ""
        r = lvl.find(_W + "lvlRestart")
        self.restart = _int(_val(r), -1) if r is not None else None
        lg = lvl.find(_W + "isLgl")
        self.legal = lg is not None and _val(lg, "1") not in ("0", "false", "off")
        self.pstyle = _val(lvl.find(_W + "pStyle"))


def _roman(n: int) -> str:
    out = []
    for v, s in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                 (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out.append(s)
            n -= v
    return "".join(out)


def _format_number(n: int, fmt: str) -> str:
    """Word's rendering of counter *n* in number format *fmt* (letters repeat: 27 -> "aa", as Word does)."""
    if fmt in ("lowerLetter", "upperLetter"):
        if n < 1:
            return str(n)
        s = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return s.upper() if fmt == "upperLetter" else s
    if fmt in ("lowerRoman", "upperRoman"):
        if n < 1:
            return str(n)
        s = _roman(n)
        return s.lower() if fmt == "lowerRoman" else s
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


class _Numbering:
    """Word automatic numbering: paragraph -> (numId, ilvl) -> list marker text, counting as Word does."""

    def __init__(self, numbering_el, styles_el) -> None:
        self.abstract: dict[str, dict[int, _LvlDef]] = {}
        self.style_link: dict[str, str] = {}  # abstractNumId -> numbering style id (numStyleLink)
        self.nums: dict[str, tuple[str, dict[int, tuple[int | None, _LvlDef | None]]]] = {}
        self.styles: dict[str, tuple[str | None, str | None, str | None]] = {}  # id -> numId, ilvl, basedOn
        self.default_style: str | None = None
        self.counters: dict[str, list[int | None]] = {}
        self.used: set[str] = set()
        if numbering_el is not None:
            for an in numbering_el.findall(_W + "abstractNum"):
                aid = an.get(_W + "abstractNumId")
                self.abstract[aid] = {_int(lv.get(_W + "ilvl"), 0): _LvlDef(lv) for lv in an.findall(_W + "lvl")}
                link = _val(an.find(_W + "numStyleLink"))
                if link:
                    self.style_link[aid] = link
            for num in numbering_el.findall(_W + "num"):
                overrides: dict[int, tuple[int | None, _LvlDef | None]] = {}
                for ov in num.findall(_W + "lvlOverride"):
                    so = ov.find(_W + "startOverride")
                    lv = ov.find(_W + "lvl")
                    overrides[_int(ov.get(_W + "ilvl"), 0)] = (
                        _int(_val(so), 1) if so is not None else None, _LvlDef(lv) if lv is not None else None)
                self.nums[num.get(_W + "numId")] = (_val(num.find(_W + "abstractNumId")), overrides)
        if styles_el is not None:
            for st in styles_el.findall(_W + "style"):
                sid = st.get(_W + "styleId")
                npr = st.find(f"{_W}pPr/{_W}numPr")
                num_id = _val(npr.find(_W + "numId")) if npr is not None else None
                ilvl = _val(npr.find(_W + "ilvl")) if npr is not None else None
                self.styles[sid] = (num_id, ilvl, _val(st.find(_W + "basedOn")))
                if st.get(_W + "type") == "paragraph" and st.get(_W + "default") in ("1", "true", "on"):
                    self.default_style = sid

    def _style_num(self, sid: str | None) -> tuple[str | None, str | None]:
        num_id = ilvl = None
        seen: set[str] = set()
        while sid and sid in self.styles and sid not in seen:
            seen.add(sid)
            n, lv, based = self.styles[sid]
            num_id = num_id if num_id is not None else n
            ilvl = ilvl if ilvl is not None else lv
            sid = based
        return num_id, ilvl

    def _levels(self, num_id: str) -> tuple[str, dict[int, _LvlDef]] | None:
        if num_id not in self.nums:
            return None
        aid = self.nums[num_id][0]
        for _ in range(3):  # follow numStyleLink -> style -> numId -> abstractNum
            lvls = self.abstract.get(aid)
            if lvls or aid not in self.style_link:
                break
            linked_num = self._style_num(self.style_link[aid])[0]
            if linked_num is None or linked_num not in self.nums:
                break
            aid = self.nums[linked_num][0]
        if aid is None:
            return None
        return aid, self.abstract.get(aid, {})

    def marker(self, p) -> str:
        """The marker Word shows before paragraph *p* ("1. ", "a) ", "- ", "" for none); advances counters."""
        ppr = p.find(_W + "pPr")
        sid = _val(ppr.find(_W + "pStyle")) if ppr is not None else None
        sid = sid or self.default_style
        npr = ppr.find(_W + "numPr") if ppr is not None else None
        num_id = _val(npr.find(_W + "numId")) if npr is not None else None
        ilvl_s = _val(npr.find(_W + "ilvl")) if npr is not None else None
        s_num, s_ilvl = self._style_num(sid)
        num_id = num_id if num_id is not None else s_num
        if num_id is None or num_id == "0":
            return ""
        found = self._levels(num_id)
        if found is None:
            return ""
        aid, lvls = found
        overrides = self.nums[num_id][1]
        if ilvl_s is None:
            ilvl_s = s_ilvl
        if ilvl_s is None:
            ilvl_s = next((str(k) for k, d in lvls.items() if sid and d.pstyle == sid), "0")
        ilvl = min(max(_int(ilvl_s, 0), 0), 8)

        def lvl(k: int) -> _LvlDef | None:
            ov = overrides.get(k)
            return ov[1] if ov and ov[1] is not None else lvls.get(k)

        d = lvl(ilvl)
        if d is None:
            return ""
        # Word counts per list (abstractNum); a numbering instance with a start override restarts on first use.
        counts = self.counters.setdefault(aid, [None] * 9)
        if num_id not in self.used:
            self.used.add(num_id)
            for k, (start, _) in overrides.items():
                if start is not None and 0 <= k < 9:
                    counts[k] = None
        if counts[ilvl] is None:
            ov = overrides.get(ilvl)
            counts[ilvl] = ov[0] if ov and ov[0] is not None else d.start
        else:
            counts[ilvl] += 1
        for k in range(ilvl + 1, 9):  # deeper levels restart when a shallower one advances
            dk = lvl(k)
            restart = dk.restart if dk is not None else None
            if restart is None or (restart > 0 and ilvl < restart):
                counts[k] = None
        if d.fmt == "bullet":
            return "+ " if d.text.strip() == "+" else "- "
        if d.fmt == "none" or not d.text:
            return (d.text.strip() + " ") if d.text.strip() else ""

        def sub(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            dk = lvl(k)
            n = counts[k] if 0 <= k < 9 and counts[k] is not None else (dk.start if dk is not None else 1)
            fmt = "decimal" if (d.legal or dk is None) else dk.fmt
            return "" if fmt == "none" else _format_number(n, fmt)

        text = re.sub(r"%([1-9])", sub, d.text).strip()
        return text + " " if text else ""


def _hidden(r) -> bool:
    rpr = r.find(_W + "rPr")
    if rpr is None:
        return False
    for tag in ("vanish", "webHidden"):
        el = rpr.find(_W + tag)
        if el is not None and _val(el, "1") not in ("0", "false", "off"):
            return True
    return False


def _collect(el, out: list[str]) -> None:
    """Append the visible text of a paragraph's content to *out* (soft breaks as newlines)."""
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP_INLINE:
            continue
        if tag == _T:
            out.append(child.text or "")
        elif tag == _R:
            if not _hidden(child):
                _collect(child, out)
        elif tag in (_W + "tab", _W + "ptab"):
            out.append("\t")
        elif tag in (_W + "br", _W + "cr"):
            out.append("\n")
        elif tag == _W + "noBreakHyphen":
            out.append("-")
        elif tag == _W + "sym":
            code = child.get(_W + "char") or ""
            try:
                cp = int(code, 16)
            except ValueError:
                continue
            cp = cp - 0xF000 if cp >= 0xF000 else cp
            if 32 <= cp < 0xD800 and cp not in (0xB7, 0xA7):  # Symbol-font bullets are not text
                out.append(chr(cp))
        else:  # hyperlink, ins, smartTag, sdt, fldSimple, customXml, moveTo ...
            _collect(child, out)


def _textboxes(p) -> Iterator:
    """Outermost text boxes anchored in paragraph *p* (the mc:Choice copy only, not the VML fallback)."""
    for tb in p.iter(_TXBX):
        anc = tb.getparent()
        nested = False
        while anc is not None and anc is not p:
            if anc.tag == _MC + "Fallback" or anc.tag == _TXBX:
                nested = True
                break
            anc = anc.getparent()
        if not nested:
            yield tb


class _DocxWalker:
    def __init__(self, numbering: _Numbering) -> None:
        self.numbering = numbering

    def blocks(self, container) -> list[str]:
        out: list[str] = []
        for child in container:
            tag = child.tag
            if tag == _P:
                out.extend(self.paragraph(child))
            elif tag == _TBL:
                out.extend(self.table(child))
            elif tag in _WRAPPERS:
                out.extend(self.blocks(child))
        return out

    def paragraph(self, p) -> list[str]:
        out: list[str] = []
        for tb in _textboxes(p):
            out.extend(self.blocks(tb))
        marker = self.numbering.marker(p)
        parts: list[str] = []
        _collect(p, parts)
        segs = [s.rstrip() for s in "".join(parts).split("\n")]
        if marker:
            for i, s in enumerate(segs):
                if s.strip():
                    segs[i] = marker + s.lstrip()
                    break
        out.extend(segs)
        return out

    @staticmethod
    def _children(el, tag: str) -> Iterator:
        for child in el:
            if child.tag == tag:
                yield child
            elif child.tag in _WRAPPERS:
                yield from _DocxWalker._children(child, tag)

    def table(self, tbl) -> list[str]:
        out: list[str] = []
        for tr in self._children(tbl, _TR):
            cells = [[ln.strip() for ln in self.blocks(tc) if ln.strip()] for tc in self._children(tr, _TC)]
            cells = [c for c in cells if c]
            if len(cells) == 1:  # a layout table (one filled cell): its paragraphs are ordinary lines
                out.extend(cells[0])
            elif cells:
                out.append(" | ".join(" ".join(c) for c in cells))
        return out


def docx_lines(data: bytes) -> tuple[list[str], list[dict]]:
    """Lines of a .docx: body paragraphs and table rows in document order, Word numbering made visible.

    Examples
    --------
    >>> import docx, io
    >>> d = docx.Document()
    >>> _ = d.add_paragraph("Mục đích", style="List Number")
    >>> _ = d.add_paragraph("Yêu cầu", style="List Number")
    >>> row = d.add_table(rows=1, cols=2).rows[0]
    >>> row.cells[0].text, row.cells[1].text = "Số: 1/KH", "Hà Nội, ngày 2 tháng 3 năm 2024"
    >>> buf = io.BytesIO(); d.save(buf)
    >>> docx_lines(buf.getvalue())
    (['1. Mục đích', '2. Yêu cầu', 'Số: 1/KH | Hà Nội, ngày 2 tháng 3 năm 2024'], [])
    """
    try:
        why = _zip_limits(data)
    except Exception as exc:
        return [], [problem_row(None, "error", "unreadable", f"corrupt .docx archive: {type(exc).__name__}: {exc}")]
    if why:
        return [], [problem_row(None, "error", "too_large", f"refused before parsing: {why}")]
    try:
        import docx  # python-docx
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
        try:
            numbering_el = document.part.numbering_part.element
        except Exception:
            numbering_el = None
        try:
            styles_el = document.styles.element
        except Exception:
            styles_el = None
        lines = _DocxWalker(_Numbering(numbering_el, styles_el)).blocks(body)
    except Exception as exc:  # BadZipFile, KeyError (missing part), lxml XMLSyntaxError, ValueError ...
        return [], [problem_row(None, "error", "unreadable",
                             f"cannot read the .docx (truncated or corrupt?): {type(exc).__name__}: {exc}")]
    return lines, []


# ---------------------------------------------------------------------------------------------------------------
# .pdf

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
            for n, i in enumerate(idx):
                if i is not None and _edge_key(pages[n][i]) in common:
                    del pages[n][i]


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
            except Exception as exc:
                return [], [problem_row(None, "error", "unreadable",
                                     f"encrypted PDF that cannot be decrypted: {type(exc).__name__}: {exc}")]
            if not ok:
                return [], [problem_row(None, "error", "unreadable",
                                     "PDF is password-protected: remove the password and save it again")]
        n = len(reader.pages)
    except Exception as exc:
        return [], [problem_row(None, "error", "unreadable", f"cannot read the PDF: {type(exc).__name__}: {exc}")]
    if n > MAX_PDF_PAGES:
        problems.append(problem_row(None, "warning", "too_large",
                                 f"PDF has {n} pages; only the first {MAX_PDF_PAGES} were read"))
        n = MAX_PDF_PAGES
    pages: list[list[str]] = []
    scanned: list[int] = []
    t0 = time.monotonic()
    for i in range(n):
        if time.monotonic() - t0 > _PDF_SECONDS:
            problems.append(problem_row(None, "warning", "too_large",
                                     f"text extraction stopped after {_PDF_SECONDS:.0f} s at page {i + 1} of {n}"))
            break
        try:
            page = reader.pages[i]
            text = page.extract_text() or ""
        except Exception as exc:
            problems.append(problem_row(None, "warning", "unreadable",
                                     f"page {i + 1}: text could not be extracted: {type(exc).__name__}: {exc}"))
            text, page = "", None
        lines = [_SPACES.sub(" ", ln).strip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
        if not any(lines) and page is not None and _has_images(page):
            scanned.append(i + 1)
        pages.append(lines)
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


def _has_images(page) -> bool:
    try:
        res = page.get("/Resources")
        res = res.get_object() if res is not None else None
        xo = res.get("/XObject") if res is not None else None
        xo = xo.get_object() if xo is not None else None
        return bool(xo) and any(xo[k].get_object().get("/Subtype") == "/Image" for k in xo)
    except Exception:
        return False


# ---------------------------------------------------------------------------------------------------------------
# .html

_DROP_TAGS = ["script", "style", "noscript", "nav", "header", "footer", "aside", "iframe", "svg", "template",
              "button", "select", "textarea", "input", "head", "object", "embed", "canvas", "map"]
_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article", "main",
               "blockquote", "dl", "dt", "dd", "figure", "figcaption", "address", "center", "hr", "body", "html",
               "caption", "tbody", "thead", "tfoot", "header", "footer", "details", "summary", "fieldset",
               "legend", "form"}
_MAIN_TOKENS = ("content", "article", "noidung", "toanvan")
_WS = re.compile(r"[\s\u200b\ufeff]+")
_HAS_MARKER = re.compile(r"^\s*(?:[IVX]{1,5}\.|\d{1,2}(?:\.\d{1,2})*[.)]|[a-zđ]\)|[-–•*+])\s")


def _norm(s: str) -> str:
    return _WS.sub(" ", s).strip()


def _is_hidden(tag) -> bool:
    style = (tag.get("style") or "").replace(" ", "").lower()
    return ("display:none" in style or "visibility:hidden" in style or tag.has_attr("hidden")
            or tag.get("aria-hidden") == "true")


def _text_len(el) -> int:
    return len(_norm(el.get_text(" ")))


def _pick_main(soup):
    """The element holding the document: article/main/content-like element, else the <p>-richest container."""
    body = soup.body or soup
    cands = list(body.find_all(["article", "main"]))
    for el in body.find_all(True):
        ident = " ".join([el.get("id") or ""] + list(el.get("class") or [])).lower()
        if ident and any(t in ident for t in _MAIN_TOKENS):
            cands.append(el)
    p_score: Counter = Counter()
    for p in body.find_all("p"):
        if p.parent is not None:
            p_score[id(p.parent)] += len(_norm(p.get_text(" ")))
    p_best = None
    if p_score:
        best_id = p_score.most_common(1)[0][0]
        p_best = next(p.parent for p in body.find_all("p") if p.parent is not None and id(p.parent) == best_id)
    best = None
    if cands:
        sized = [(c, _text_len(c)) for c in cands]
        top = max(s for _, s in sized)
        if top:
            close = [c for c, s in sized if s >= 0.8 * top]
            # the tightest wrapper that still holds (nearly) all the text
            best = max(close, key=lambda c: len(list(c.parents)))
    if best is not None and (p_best is None or p_best is best or _text_len(best) >= 0.5 * _text_len(p_best)):
        return best
    return p_best if p_best is not None else body


def _ol_marker(ol, n: int) -> str:
    kind = ol.get("type") or "1"
    if kind == "a":
        return _format_number(n, "lowerLetter") + ")"
    if kind == "A":
        return _format_number(n, "upperLetter") + ")"
    if kind in ("i", "I"):
        return _format_number(n, "lowerRoman" if kind == "i" else "upperRoman") + "."
    return f"{n}."


class _HtmlEmitter:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.buf: list[str] = []
        self.marker = ""

    def flush(self) -> None:
        text = _norm("".join(self.buf))
        self.buf = []
        if text:
            if self.marker and not _HAS_MARKER.match(text):
                text = f"{self.marker} {text}"
            self.marker = ""
            self.lines.append(text)

    def walk(self, el) -> None:
        from bs4 import NavigableString, Tag
        from bs4.element import PreformattedString
        for child in el.children:
            if isinstance(child, NavigableString):
                if not isinstance(child, PreformattedString):  # comments, doctype, CDATA
                    self.buf.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name
            if name == "br":
                self.flush()
            elif name == "table":
                self.flush()
                self.table(child)
            elif name == "pre":
                self.flush()
                self.lines.extend(s for s in (_norm(x) for x in child.get_text().split("\n")) if s)
            elif name in ("ul", "ol"):
                self.flush()
                self.list(child)
            elif name == "li":  # a stray <li>
                self.flush()
                self.marker = "-"
                self.walk(child)
                self.flush()
            elif name in _BLOCK_TAGS:
                self.flush()
                self.walk(child)
                self.flush()
            else:
                self.walk(child)

    def list(self, lst) -> None:
        style = (lst.get("style") or "").replace(" ", "").lower()
        plain = "list-style:none" in style or "list-style-type:none" in style
        n = _int(lst.get("start"), 1) - 1
        for li in lst.find_all("li", recursive=False):
            n = _int(li.get("value"), n + 1)
            if not plain and "list-style-type:none" not in (li.get("style") or "").replace(" ", "").lower():
                self.marker = _ol_marker(lst, n) if lst.name == "ol" else "-"
            self.walk(li)
            self.flush()
        rest = [c for c in lst.children if getattr(c, "name", None) not in ("li", None)]
        for c in rest:  # stray content directly inside <ul>
            self.walk(c)
            self.flush()

    def table(self, tbl) -> None:
        rows = [tr for tr in tbl.find_all("tr") if tr.find_parent("table") is tbl]
        for tr in rows:
            cells = [c for c in tr.find_all(["td", "th"], recursive=False) if _norm(c.get_text(" "))]
            if len(cells) == 1:  # layout table: one filled cell holds ordinary blocks
                self.walk(cells[0])
                self.flush()
            elif cells:
                self.lines.append(" | ".join(_norm(c.get_text(" ")) for c in cells))


def html_lines(data: bytes) -> tuple[list[str], list[dict]]:
    """Lines of the main text of an HTML page: one per block (p, h1-h6, li, div text, table row), chrome dropped.

    Examples
    --------
    >>> page = ("<html><nav>Trang chủ</nav><article><h2>II. NHIỆM VỤ</h2><p>1. Việc A<br>"
    ...         "- Đơn vị chủ trì: Sở Ngoại vụ</p></article><footer>&copy; 2024</footer></html>").encode()
    >>> html_lines(page)[0]
    ['II. NHIỆM VỤ', '1. Việc A', '- Đơn vị chủ trì: Sở Ngoại vụ']
    """
    from bs4 import BeautifulSoup

    problems: list[dict] = []
    raw = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    try:
        soup = BeautifulSoup(raw.decode("utf-8"), "html.parser")
    except UnicodeDecodeError:
        soup = BeautifulSoup(raw, "html.parser")  # the page's own charset declaration, else a guess
        problems.append(problem_row(None, "warning", "encoding",
                                 f"page is not UTF-8; decoded as {soup.original_encoding or 'a guessed encoding'}"))
    keep_inside = ("article", "main")
    for tag in soup.find_all(_DROP_TAGS):
        if tag.decomposed:
            continue
        if tag.name == "header" and tag.find_parent(keep_inside) is not None:
            continue  # an article's own header holds its title
        tag.decompose()
    for tag in soup.find_all(True):
        if not tag.decomposed and _is_hidden(tag):
            tag.decompose()
    body_len = _text_len(soup.body or soup)
    for form in soup.find_all("form"):  # ASP.NET pages wrap everything in one <form>: keep that one
        if not form.decomposed and _text_len(form) < 0.5 * body_len:
            form.decompose()
    main = _pick_main(soup)
    em = _HtmlEmitter()
    if main.name in ("table",):
        em.table(main)
    else:
        em.walk(main)
    em.flush()
    return em.lines, problems
