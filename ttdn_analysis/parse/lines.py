"""Document lines: physical lines to logical lines (hard wraps re-joined) with provenance and skip flags."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from ttdn_analysis.parse.normalise import md_markup
from ttdn_analysis.parse.numbering import ITEM_WORD_RE
from ttdn_analysis.text import line_key, nfc, strip_footnote_markers

__all__ = ["Line", "MARKER_RE", "clean_line", "prepare_lines"]

@dataclass
class Line:
    """A logical line: one or more physical lines joined, in original spelling (NFC, markup removed)."""

    text: str
    start: int  # 1-based first physical line
    end: int  # 1-based last physical line
    skip: str = ""  # "", "footnote", "duplicate", "chrome", "table"

    @cached_property
    def key(self) -> str:
        """Match key of the text (computed once; lines are not changed after :func:`prepare_lines`)."""
        return line_key(strip_footnote_markers(self.text))


# A list marker at the start of a line: roman, numbered (1., 2.3.), lettered (a), đ)), bullets.
MARKER_RE = re.compile(
    r"^\s*(?:(?P<roman>[IVXLC]{1,7})\.\s+"
    r"|(?P<num>\d{1,2}(?:\.\d{1,2})*)(?:\.|\)|\.\))\s+"
    r"|(?P<letter>[a-zđ])[.)]\s+"
    r"|(?P<bullet>(?:[-–•*+\uf0b7\uf02d▪●○◦■□➢✓]\s*)+))"
)


_TERMINAL = tuple(".;:!?")


_CONNECTORS = {
    "của", "và", "với", "các", "về", "cho", "trong", "tại", "theo", "được", "để", "có", "là", "ngày", "số",
    "những", "từ", "đến", "giữa", "hoặc", "nhằm", "thuộc", "trên", "đối", "vào", "bằng", "qua", "đã", "sẽ",
    "cùng", "như", "mà", "thì", "do", "vì", "nên", "hai", "một", "tháng", "năm", "ở", "lần", "thứ",
}


_CHROME = re.compile(r"^(đăng xuất|đăng nhập|việc làm .*|trang chủ|tải về|xem thêm|liên hệ|bản quyền.*|©.*)$",
                     re.IGNORECASE)


_FOOTNOTE_LINE = re.compile(r"^\s*[\u00b9\u00b2\u00b3\u2070-\u2079]+\s")


def clean_line(raw: str) -> str:
    """NFC, markdown marks removed (:func:`~ttdn_analysis.parse.normalise.md_markup`, the normalisation stage's
    forms), table pipes and outer spaces stripped.

    >>> clean_line("| Số: 143/KH-UBND |")
    'Số: 143/KH-UBND'
    >>> clean_line("### **1. Hoàn thiện**")
    '1. Hoàn thiện'
    """
    s = md_markup(nfc(raw)).replace("\u00a0", " ").replace("\t", " ")
    s = s.strip()
    if s.startswith("|") or s.endswith("|"):
        s = s.strip("|").strip()
        s = re.sub(r"\s*\|\s*", " | ", s)
    return s.strip()


def _ends_open(tail: str, open_quote: bool, open_paren: bool) -> bool:
    """True when a line visibly continues: no final punctuation and an open bracket/quote or a connector.

    *tail* is the end of the line (at least :data:`_TAIL` characters, or all of it); *open_quote* and
    *open_paren* say whether the whole line opens more “ or ( than it closes.
    """
    t = tail.rstrip()
    if not t:
        return False
    if t.endswith(("-", ",", "(", "“", "/")):
        return True
    if t.endswith(_TERMINAL) or t.endswith((")", "”", '"')):
        return False
    if open_quote or open_paren:
        return True
    last = t.split()[-1].lower()  # a last word cut by the tail is longer than any connector: no false hit
    return last in _CONNECTORS


def _starts_lower(text: str) -> bool:
    t = text.lstrip()
    return bool(t) and t[0].isalpha() and t[0].islower()


_NO_JOIN_NEXT = re.compile(r"^(Nơi nhận|Căn cứ|Thực hiện|Trên đây|KT\.|TM\.)\b")


_HEADER_LINE = re.compile(r"^Số\b|ngày .{0,12}tháng .{0,6}năm \d{4}\s*$|\S\s{3,}\S")


_FIELD_HEAD = re.compile(r"^(?:[-+•*]\s*)?(?:đơn\s+vị|cơ\s+quan)[^:]{0,30}(?:chủ\s+trì|phối\s+hợp|thực\s+hiện)\s*:")


_LABEL_HEAD = re.compile(r"^(?:[-+•*]\s*)?[^\s:;]+(?:\s+[^\s:;]+){0,4}\s*:")


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and sum(c.isupper() for c in letters) / len(letters) > 0.8


#: How much of a logical line's end the join test reads (longer than any connector word).
_TAIL = 32


class _Joining:
    """A logical line being re-joined from physical lines, with the running facts the join test reads.

    Appending a physical line costs that line's length only: the text is joined once at the end, the bracket
    and quote balance is counted per part, and the field-head test is decided once the first colon is seen
    (a field head ends at the first colon). Re-joining is thus linear in the file, however many physical lines
    one logical line spans.
    """

    __slots__ = ("_field_head", "colon", "line", "parens", "parts", "quotes", "size")

    def __init__(self, line: Line) -> None:
        self.line = line
        self.parts: list[str] = []
        self.size = self.quotes = self.parens = 0
        self.colon = -1  # offset of the first ":" in the joined text
        self._field_head: bool | None = None
        self.add(line.text)

    def add(self, part: str) -> None:
        if self.colon < 0 and ":" in part:
            self.colon = self.size + part.index(":")
        self.parts.append(part)
        self.size += len(part)
        self.quotes += part.count("“") - part.count("”")
        self.parens += part.count("(") - part.count(")")

    def head(self, n: int) -> str:
        """The first *n* characters of the joined text."""
        out, size = [], 0
        for p in self.parts:
            out.append(p)
            size += len(p)
            if size >= n:
                break
        return "".join(out)[:n]

    def tail(self, n: int = _TAIL) -> str:
        """The last *n* characters of the joined text."""
        out, size = [], 0
        for p in reversed(self.parts):
            out.append(p)
            size += len(p)
            if size >= n:
                break
        return "".join(reversed(out))[-n:]

    def field_head(self) -> bool:
        """Whether the joined text starts with an agency field ("Đơn vị chủ trì:"), as ``_FIELD_HEAD`` decides.

        No part of ``_FIELD_HEAD`` but its final colon matches ":", so the match is decided by the text up to
        the first colon (and fails without one): computed once, on that prefix only.
        """
        if self.colon < 0:
            return False
        if self._field_head is None:
            self._field_head = bool(_FIELD_HEAD.match(line_key(self.head(self.colon + 1))))
        return self._field_head

    def text(self) -> str:
        return "".join(self.parts)


def _may_join(prev: _Joining, last_phys: str, nxt: str, wrap: int | None) -> bool:
    """Decide whether physical line *nxt* continues the logical line *prev* (whose last physical line is given)."""
    last = prev.tail()
    dash = re.match(r"^[-–]\s+(\w)", nxt)
    if dash and dash.group(1).islower() and not last.endswith(_TERMINAL) and (
            wrap is not None and len(last_phys) >= 0.8 * wrap):
        return True  # a spaced hyphen wrapped to the line start ("… chính trị" / "- xã hội …")
    if (wrap is not None and len(last_phys) >= 0.9 * wrap and not last.endswith((".", "!", "?", ":"))
            and prev.field_head() and not _LABEL_HEAD.match(line_key(nxt))
            and not re.match(r"^\s*(?:[IVX]{1,5}\.|\d{1,2}(?:\.\d{1,2})*[.)]|[a-zđ]\))\s", nxt)):
        return True  # an agency list wrapped at full width ("…; Sở Công Thương;" / "- Kon Tum; Báo …")
    if (MARKER_RE.match(nxt) or ITEM_WORD_RE.match(line_key(nxt)) or _NO_JOIN_NEXT.match(nxt) or _is_caps(nxt)
            or _is_caps(last_phys)):
        return False
    if _HEADER_LINE.search(last_phys) or _HEADER_LINE.search(nxt):
        return False
    if _starts_lower(nxt) and not last.endswith((".", "!", "?")):
        return True
    if _ends_open(last, prev.quotes > 0, prev.parens > 0):
        return True
    # the heading marker is read from the first physical line (and the character after it) only
    heading = bool(re.match(r"^\s*(?:[IVX]{1,5}|\d{1,2}(?:\.\d{1,2})*)[.)]\s", prev.head(len(prev.parts[0]) + 2)))
    return (wrap is not None and not heading and len(last_phys) >= 0.9 * wrap
            and not last.endswith(_TERMINAL))


def _mark_duplicates(lines: list[Line], min_run: int = 5, min_chars: int = 600) -> None:
    """Mark repeated blocks (a scraped page printing a section twice) so that only the first copy counts."""
    seen: set[str] = set()
    flags = []
    for ln in lines:
        k = ln.key
        flags.append(bool(k) and k in seen)
        if k:
            seen.add(k)
    i, n = 0, len(lines)
    while i < n:
        if not flags[i]:
            i += 1
            continue
        j = i
        while j < n and (flags[j] or not lines[j].key):
            j += 1
        run = [ln for ln in lines[i:j] if ln.key]
        if len(run) >= min_run or sum(len(ln.text) for ln in run) >= min_chars:
            for ln in lines[i:j]:
                if ln.key:
                    ln.skip = "duplicate"
        i = j


def prepare_lines(raw_lines: list[str]) -> list[Line]:
    """Turn physical lines into logical lines: clean, drop blanks, re-join hard wraps, flag skipped lines.

    Footnote lines are flagged (and do not break a wrapped sentence around them); repeated blocks of a scraped
    page and site chrome are flagged. Line numbers always refer to the physical file.

    Examples
    --------
    >>> ls = prepare_lines(["1. Tiếp tục thực hiện Quyết định số 1191/QĐ-TTg của", "",
    ...                     "Thủ tướng Chính phủ", "- Cơ quan phối hợp: UBND các huyện,", "", "thị xã, thành phố."])
    >>> [(l.text, l.start, l.end) for l in ls]  # doctest: +NORMALIZE_WHITESPACE
    [('1. Tiếp tục thực hiện Quyết định số 1191/QĐ-TTg của Thủ tướng Chính phủ', 1, 3),
     ('- Cơ quan phối hợp: UBND các huyện, thị xã, thành phố.', 4, 6)]
    """
    phys: list[Line] = []
    for i, raw in enumerate(raw_lines, start=1):
        t = clean_line(raw)
        if not t:
            continue
        skip = ""
        if _FOOTNOTE_LINE.match(t):
            skip = "footnote"
        elif _CHROME.match(t):
            skip = "chrome"
        phys.append(Line(t, i, i, skip))
    widths = sorted(len(ln.text) for ln in phys if not ln.skip)
    wrap = widths[int(len(widths) * 0.6)] if len(widths) >= 20 else 10**6
    hard_wrapped = wrap < 110 and sum(1 for w in widths if abs(w - wrap) <= 12) > len(widths) * 0.3
    out: list[Line] = []
    joined: list[_Joining] = []
    prev: _Joining | None = None  # the last logical line that is not skipped
    last_phys = ""  # the last physical line appended, for the hard-wrap width test
    for ln in phys:
        if ln.skip:
            out.append(ln)
            continue
        if prev is not None and _may_join(prev, last_phys, ln.text, wrap if hard_wrapped else None):
            sep = "" if re.search(r"\w-$", prev.tail(2)) and not _starts_lower(ln.text) else " "
            prev.add(sep + ln.text.lstrip())
            prev.line.end = ln.end
        else:
            out.append(ln)
            prev = _Joining(ln)
            joined.append(prev)
        last_phys = ln.text.rstrip()
    for j in joined:
        if len(j.parts) > 1:
            j.line.text = j.text()
    _mark_duplicates(out)
    return out
