"""Word (.docx) reader: body paragraphs and table rows in document order, list numbering made visible."""
from __future__ import annotations

import io
import re
from collections.abc import Iterator
from itertools import zip_longest

from ttdn_analysis.ingest.formats import _zip_limits
from ttdn_analysis.ingest.limits import MAX_LINES, MAX_LIST_NUMBER, MAX_LIST_TEXT, TooLong, too_long_message
from ttdn_analysis.schema import problem_row
from ttdn_analysis.text import to_roman

__all__ = ["docx_lines", "list_number_problem"]

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


class _LvlDef:
    __slots__ = ("fmt", "legal", "pstyle", "restart", "start", "text")

    def __init__(self, lvl) -> None:
        self.start = _int(_val(lvl.find(_W + "start")), 1)
        self.fmt = _val(lvl.find(_W + "numFmt"), "decimal") or "decimal"
        self.text = (_val(lvl.find(_W + "lvlText"), "") or "")[:MAX_LIST_TEXT]
        r = lvl.find(_W + "lvlRestart")
        self.restart = _int(_val(r), -1) if r is not None else None
        lg = lvl.find(_W + "isLgl")
        self.legal = lg is not None and _val(lg, "1") not in ("0", "false", "off")
        self.pstyle = _val(lvl.find(_W + "pStyle"))


def _format_number(n: int, fmt: str) -> str | None:
    """Word's rendering of counter *n* in number format *fmt* (letters repeat: 27 -> "aa", as Word does).

    None for a number outside 0 … :data:`MAX_LIST_NUMBER` (its label is not built: the letters of 2·10⁹ are 77
    million characters long); the caller says so in a problem row.

    Examples
    --------
    >>> _format_number(27, "lowerLetter"), _format_number(14, "upperRoman"), _format_number(2 * 10**9, "lowerLetter")
    ('aa', 'XIV', None)
    """
    if not 0 <= n <= MAX_LIST_NUMBER:
        return None
    if fmt in ("lowerLetter", "upperLetter"):
        if n < 1:
            return str(n)
        s = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return s.upper() if fmt == "upperLetter" else s
    if fmt in ("lowerRoman", "upperRoman"):
        if n < 1:
            return str(n)
        s = to_roman(n)
        return s.lower() if fmt == "lowerRoman" else s
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


def list_number_problem(first: int) -> dict:
    """The warning of a file whose automatic list numbering goes past :data:`MAX_LIST_NUMBER` (*first*: the first
    such number, shown at most 12 digits long).

    Examples
    --------
    >>> list_number_problem(2_000_000_000)["message"][:62]
    'an automatic list number is 2000000000 (a plan counts to a few'
    """
    shown = str(first) if len(str(first)) <= 12 else f"{str(first)[:12]}…"
    return problem_row(None, "warning", "too_large", f"an automatic list number is {shown} (a plan counts to a few "
                       f"dozen; numbers above {MAX_LIST_NUMBER} are not shown): the items of that list are read "
                       "without their numbers; check the list's numbering in the original")


class _Numbering:
    """Word automatic numbering: paragraph -> (numId, ilvl) -> list marker text, counting as Word does."""

    def __init__(self, numbering_el, styles_el) -> None:
        self.abstract: dict[str, dict[int, _LvlDef]] = {}
        self.style_link: dict[str, str] = {}  # abstractNumId -> numbering style id (numStyleLink)
        self.nums: dict[str, tuple[str | None, dict[int, tuple[int | None, _LvlDef | None]]]] = {}
        self.styles: dict[str, tuple[str | None, str | None, str | None]] = {}  # id -> numId, ilvl, basedOn
        self.default_style: str | None = None
        self.counters: dict[str, list[int | None]] = {}
        self.used: set[str] = set()
        self.too_large: int | None = None  # the first list number past MAX_LIST_NUMBER, when one is met
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
            if aid is None:
                break
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
        current = counts[ilvl]
        if current is None:
            ov = overrides.get(ilvl)
            counts[ilvl] = ov[0] if ov and ov[0] is not None else d.start
        else:
            counts[ilvl] = current + 1
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
            ck = counts[k] if 0 <= k < 9 else None
            n = ck if ck is not None else (dk.start if dk is not None else 1)
            fmt = "decimal" if (d.legal or dk is None) else dk.fmt
            if fmt == "none":
                return ""
            label = _format_number(n, fmt)
            if label is None:
                dropped.append(n)
                return ""
            return label

        dropped: list[int] = []
        text = re.sub(r"%([1-9])", sub, d.text).strip()
        if dropped:  # a number past the limit: the paragraph is shown without its marker
            self.too_large = dropped[0] if self.too_large is None else self.too_large
            return ""
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
    def __init__(self, numbering: _Numbering, max_lines: int = MAX_LINES) -> None:
        self.numbering = numbering
        self.max_lines = max_lines
        self.count = 0  # lines given so far: the walk stops (TooLong) past max_lines

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
        self.count += len(segs)
        if self.count > self.max_lines:
            raise TooLong(f"{self.max_lines} lines")
        return out

    @staticmethod
    def _children(el, tag: str) -> Iterator:
        for child in el:
            if child.tag == tag:
                yield child
            elif child.tag in _WRAPPERS:
                yield from _DocxWalker._children(child, tag)

    def table(self, tbl) -> list[str]:
        """A table's rows as lines on the table's grid: a cell spanning columns (``gridSpan``) stands in its first
        column and leaves the others empty, a vertically merged cell (``vMerge``) gives its text to every row it
        spans (gold/dev README convention 19), so that every row's cells keep their columns."""
        out: list[str] = []
        merged: dict[int, str] = {}  # column -> text of a vertically merged cell that is still open
        rows: list[tuple[list[str], list[list[str]]]] = []
        for tr in self._children(tbl, _TR):
            row: list[str] = []
            blocks: list[list[str]] = []
            for tc in self._children(tr, _TC):
                pr = tc.find(_W + "tcPr")
                span = pr.find(_W + "gridSpan") if pr is not None else None
                vmerge = pr.find(_W + "vMerge") if pr is not None else None
                lines = [ln.strip() for ln in self.blocks(tc) if ln.strip()]
                col = len(row)
                if vmerge is not None and vmerge.get(_W + "val") != "restart":
                    text = merged.get(col, "")  # a continued merged cell: the text of the cell it continues
                else:
                    text = " ".join(lines)
                    if vmerge is not None:
                        merged[col] = text
                    else:
                        merged.pop(col, None)
                width = max(1, min(_int(span.get(_W + "val") if span is not None else None, 1), 64))
                row += [text] + [""] * (width - 1)
                blocks.append(lines)
            rows.append((row, blocks))
        # a table of data (some row fills three cells or more) gives every row as a row, so that a row with one
        # filled cell (a cell continued from the row above, a heading) keeps its column for the table reader
        data = any(sum(1 for c in row if c) >= 3 for row, _ in rows)
        for row, blocks in rows:
            filled = [b for b in blocks if b]
            if not data and len(filled) == 1 and sum(1 for c in row if c) == 1:
                out.extend(filled[0])  # a layout table (one filled cell): its paragraphs are ordinary lines
            elif len(row) == 2 and any(len(b) > 1 for b in filled):
                # a two-column layout (the header's "UBND TỈNH … | CỘNG HÒA …" block): paragraph by paragraph, as
                # the header is printed, not one line per row (no task table has two columns)
                for parts in zip_longest(*blocks, fillvalue=""):
                    out.append(" | ".join(x for x in parts if x))
            elif any(row):
                out.append(" | ".join(row))
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
    except Exception as exc:  # noqa: BLE001 — a broken archive is a problem row, whatever the zip module raised
        return [], [problem_row(None, "error", "unreadable", "this .docx is damaged (its ZIP archive cannot be "
                                f"read: {type(exc).__name__}: {exc}); open it in Word and save it again")]
    if why:
        return [], [problem_row(None, "error", "too_large", f"not read: {why}")]
    try:
        import docx  # python-docx
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
        try:
            numbering_el = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):  # no numbering part: no automatic numbers
            numbering_el = None
        try:
            styles_el = document.styles.element
        except (KeyError, NotImplementedError, AttributeError):
            styles_el = None
        if sum(1 for _ in body.iterchildren(_P)) > MAX_LINES:  # each gives a line at least: no need to walk
            raise TooLong(f"{MAX_LINES} lines")
        numbering = _Numbering(numbering_el, styles_el)
        lines = _DocxWalker(numbering).blocks(body)
    except TooLong as exc:
        return [], [problem_row(None, "error", "too_large", too_long_message(str(exc)))]
    except MemoryError:
        raise  # a verdict on this machine's memory, not on the file: never reported (or cached) as unreadable
    except Exception as exc:  # noqa: BLE001 — BadZipFile, KeyError, XMLSyntaxError ...: a bad file is a problem row
        return [], [problem_row(None, "error", "unreadable", f"this .docx cannot be read ({type(exc).__name__}: "
                                f"{exc}); open it in Word and save it again, or save it as .txt")]
    if numbering.too_large is not None:
        return lines, [list_number_problem(numbering.too_large)]
    return lines, []
