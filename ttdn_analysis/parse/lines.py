"""Document lines: physical lines to logical lines (hard wraps re-joined) with provenance and skip flags."""
from __future__ import annotations

import re
from dataclasses import dataclass  # noqa: E402
from functools import cached_property  # noqa: E402

from ttdn_analysis.text import line_key, nfc, strip_footnote_markers, strip_markup

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
    r"|(?P<letter>[a-zđ])\)\s+"
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
    """NFC, markup removed, table pipes and outer spaces stripped.

    >>> clean_line("| Số: 143/KH-UBND |")
    'Số: 143/KH-UBND'
    >>> clean_line("### **1. Hoàn thiện**")
    '1. Hoàn thiện'
    """
    s = strip_markup(nfc(raw)).replace("\u00a0", " ").replace("\t", " ")
    s = s.strip()
    if s.startswith("|") or s.endswith("|"):
        s = s.strip("|").strip()
        s = re.sub(r"\s*\|\s*", " | ", s)
    return s.strip()


def _ends_open(text: str) -> bool:
    """True when a line visibly continues: no final punctuation and an open bracket/quote or a connector."""
    t = text.rstrip()
    if not t:
        return False
    if t.endswith(("-", ",", "(", "“", "/")):
        return True
    if t.endswith(_TERMINAL) or t.endswith((")", "”", '"')):
        return False
    if t.count("“") > t.count("”") or t.count("(") > t.count(")"):
        return True
    last = t.split()[-1].lower()
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


def _may_join(prev: str, last_phys: str, nxt: str, wrap: int | None) -> bool:
    """Decide whether physical line *nxt* continues the logical line *prev* (whose last physical line is given)."""
    last = prev.rstrip()
    dash = re.match(r"^[-–]\s+(\w)", nxt)
    if dash and dash.group(1).islower() and not last.endswith(_TERMINAL) and (
            wrap is not None and len(last_phys) >= 0.8 * wrap):
        return True  # a spaced hyphen wrapped to the line start ("… chính trị" / "- xã hội …")
    if (wrap is not None and len(last_phys) >= 0.9 * wrap and not last.endswith((".", "!", "?", ":"))
            and _FIELD_HEAD.match(line_key(prev)) and not _LABEL_HEAD.match(line_key(nxt))
            and not re.match(r"^\s*(?:[IVX]{1,5}\.|\d{1,2}(?:\.\d{1,2})*[.)]|[a-zđ]\))\s", nxt)):
        return True  # an agency list wrapped at full width ("…; Sở Công Thương;" / "- Kon Tum; Báo …")
    if MARKER_RE.match(nxt) or _NO_JOIN_NEXT.match(nxt) or _is_caps(nxt) or _is_caps(last_phys):
        return False
    if _HEADER_LINE.search(last_phys) or _HEADER_LINE.search(nxt):
        return False
    if _starts_lower(nxt) and not last.endswith((".", "!", "?")):
        return True
    if _ends_open(last):
        return True
    heading = bool(re.match(r"^\s*(?:[IVX]{1,5}|\d{1,2}(?:\.\d{1,2})*)[.)]\s", prev))
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
    last_phys = ""  # the last physical line appended, for the hard-wrap width test
    for ln in phys:
        if ln.skip:
            out.append(ln)
            continue
        prev = next((p for p in reversed(out) if not p.skip), None)
        if prev is not None and _may_join(prev.text, last_phys, ln.text, wrap if hard_wrapped else None):
            last = prev.text.rstrip()
            sep = "" if re.search(r"\w-$", last) and not _starts_lower(ln.text) else " "
            prev.text = last + sep + ln.text.lstrip()
            prev.end = ln.end
        else:
            out.append(ln)
        last_phys = ln.text.rstrip()
    _mark_duplicates(out)
    return out
