"""The document model: where the plan is inside the file.

A provincial plan arrives in one of a few wrappers (Decree 30/2020/NĐ-CP on administrative documents fixes their
layout): a plan (*Kế hoạch*) or programme (*Chương trình*) on its own; a decision (*Quyết định*: header, *Căn cứ*,
*QUYẾT ĐỊNH:*, *Điều 1–3*, *Nơi nhận*, signature) that issues the plan "ban hành kèm theo", with the plan's own header
and body after the decision's signature; or a department's official letter (*Công văn*: "V/v …", "Kính gửi: …")
that carries its plan. After the signature may come appendices ("PHỤ LỤC … (Kèm theo Kế hoạch số …)") that hold
task tables, and, on a web page, site chrome.

:func:`segment` cuts the logical lines into those parts with one small grammar over line kinds
(:func:`line_kind`): the issuing document's header, the decision's own text (never tasks), the plan's header,
the plan's body (preamble, sections, items), the closing (recipients, signature) and the appendices. Page numbers
and running headers that a PDF conversion left between paragraphs are flagged as skipped.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ttdn_analysis.parse.lines import MARKER_RE, Line
from ttdn_analysis.text import roman_value

__all__ = ["Document", "DOC_TYPES", "line_kind", "segment", "mark_page_chrome"]

#: Document types of the Decree 30 layout as printed in capitals above the summary, and what they are.
DOC_TYPES: dict[str, str] = {
    "kế hoạch": "plan",
    "chương trình": "programme",
    "chương trình hành động": "programme",
    "quyết định": "decision",
    "công văn": "letter",
    "hướng dẫn": "guidance",
    "thông báo": "notice",
}

_DOCTYPE_ALT = "|".join(sorted((re.escape(k) for k in DOC_TYPES), key=len, reverse=True))
_KINDS: list[tuple[str, re.Pattern[str]]] = [
    ("rule", re.compile(r"^[-_=*.·\s|:]+$")),
    ("motto", re.compile(r"cộng hòa xã hội chủ nghĩa việt nam|độc lập\s*-\s*tự do\s*-\s*hạnh phúc")),
    ("attached", re.compile(r"^\(\s*(?:ban hành\s+)?kèm theo\s+(?:quyết định|kế hoạch|công văn|văn bản|chương trình)")),
    ("decides", re.compile(r"^quyết định\s*:\s*$")),
    ("doctype", re.compile(rf"^(?:{_DOCTYPE_ALT})\s*:?\s*$")),
    ("appendix", re.compile(r"^phụ\s+lục(?:\s+(?:số\s+)?[0-9ivxlc]+)?\s*[:.\-]?(?:\s|$)")),
    ("recipients", re.compile(r"^nơi\s+nhận\b")),
    ("signature", re.compile(r"^(?:tm\.|t/m|kt\.|k/t|tl\.|tuq\.|q\.\s*giám đốc|(?:phó\s+)?(?:chủ tịch|giám đốc|"
                             r"trưởng ban)\s*$)")),
    ("article", re.compile(r"^điều\s+\d+\s*[.:]")),
    ("subject_line", re.compile(r"^v/v\b")),
    ("addressee", re.compile(r"^kính\s+gửi\s*:")),
    ("number", re.compile(r"^số(?:\s+hiệu)?\s*:")),
    ("basis", re.compile(r"^(?:căn cứ|thực hiện|theo đề nghị|xét đề nghị)\b")),
]


def line_kind(line: Line | str) -> str:
    """The kind of a line in the Decree 30 layout ("doctype", "motto", "number", "recipients", … or "text").

    Examples
    --------
    >>> line_kind("KẾ HOẠCH"), line_kind("QUYẾT ĐỊNH:"), line_kind("Nơi nhận:"), line_kind("KT. CHỦ TỊCH")
    ('doctype', 'decides', 'recipients', 'signature')
    >>> line_kind("(Ban hành kèm theo Quyết định số 118/QĐ-UBND ngày 14/01/2025)"), line_kind("1. Mục đích")
    ('attached', 'text')
    """
    key = line.key if isinstance(line, Line) else Line(line, 0, 0).key
    key = key.replace("*", "").strip()
    for kind, rx in _KINDS:
        if rx.search(key) if kind == "motto" else rx.match(key):
            return kind
    return "text"


def _is_issuer_line(key: str) -> bool:
    """The issuing body's first line ("ỦY BAN NHÂN DÂN", "UBND TỈNH LẠNG SƠN"): where a document starts."""
    return bool(re.match(r"^(?:ủy ban nhân dân|ubnd)\b", key)) and len(key) < 60


@dataclass
class Document:
    """The parts of a plan file (each a list of logical lines, in file order).

    Attributes
    ----------
    kind : str
        What the issuing document is: "plan", "programme", "decision", "letter", … or "unknown".
    header : list of Line
        The issuing document's header: front matter (web title, legal-database block), issuing body, motto,
        number, place and date, document type and summary (for a letter: "V/v …" and "Kính gửi: …").
    wrapper : list of Line
        A decision's own text (Căn cứ, QUYẾT ĐỊNH:, Điều 1–3) and its closing: never tasks.
    plan_header : list of Line
        The attached plan's own header (document type, title, "(Ban hành kèm theo …)").
    body : list of Line
        The plan's text: preamble, sections and items.
    closing : list of Line
        Recipients, signature, closing chrome.
    appendices : list of list of Line
        One list per appendix, its "PHỤ LỤC" heading first.
    skipped : list of Line
        Lines flagged by the line reader (footnotes, repeated blocks, site chrome) or here (page numbers, running
        headers).
    """

    kind: str = "unknown"
    header: list[Line] = field(default_factory=list)
    wrapper: list[Line] = field(default_factory=list)
    plan_header: list[Line] = field(default_factory=list)
    body: list[Line] = field(default_factory=list)
    closing: list[Line] = field(default_factory=list)
    appendices: list[list[Line]] = field(default_factory=list)
    skipped: list[Line] = field(default_factory=list)

    @property
    def title_lines(self) -> list[Line]:
        """The lines that carry the plan's own title: the attached plan's header when there is one."""
        return self.plan_header or self.header


_PAGE_NUMBER = re.compile(r"^(?:trang\s+)?\d{1,3}(?:\s*/\s*\d{1,3})?$|^-\s*\d{1,3}\s*-$")


def mark_page_chrome(lines: list[Line]) -> None:
    """Flag page numbers and running headers left between paragraphs by a PDF conversion (``skip="page"``).

    A page number is a line holding only a number ("2", "- 3 -", "Trang 4"); a running header is a short line that
    occurs again right next to another page number.

    Examples
    --------
    >>> from ttdn_analysis.parse.lines import prepare_lines
    >>> ls = prepare_lines(["- Tham mưu lồng ghép nội dung.", "2", "Kế hoạch TTĐN năm 2026", "- Chủ trì tập huấn.",
    ...                     "- Duy trì chuyên mục.", "3", "Kế hoạch TTĐN năm 2026", "- Phối hợp tuyên truyền."])
    >>> mark_page_chrome(ls)
    >>> [ln.text for ln in ls if not ln.skip]
    ['- Tham mưu lồng ghép nội dung.', '- Chủ trì tập huấn.', '- Duy trì chuyên mục.', '- Phối hợp tuyên truyền.']
    """
    live = [ln for ln in lines if not ln.skip]
    pages = {i for i, ln in enumerate(live) if _PAGE_NUMBER.match(ln.key)}
    if not pages:
        return
    near = Counter(live[j].key for i in pages for j in (i - 1, i + 1)
                   if 0 <= j < len(live) and j not in pages and len(live[j].key) <= 120
                   and not MARKER_RE.match(live[j].text))
    for i in sorted(pages):
        live[i].skip = "page"
        for j in (i - 1, i + 1):
            if 0 <= j < len(live) and near.get(live[j].key, 0) >= 2:
                live[j].skip = "page"


def _header_end(live: list[Line]) -> tuple[int, str]:
    """Index of the first line after the issuing document's header, and the document's kind."""
    limit = min(len(live), 60)
    kind = "unknown"
    for i in range(limit):
        ln = live[i]
        k = line_kind(ln)
        if k == "doctype":
            kind = DOC_TYPES[ln.key.replace("*", "").strip(" :")]
            j = i + 1  # the summary: short lines up to the year, a basis line, or the body
            while j < len(live) and j < i + 5:
                nk = line_kind(live[j])
                if nk == "attached":
                    j += 1
                    break
                summary = j == i + 1 and nk == "basis" and live[j].key.startswith("thực hiện") and \
                    not live[j].key.rstrip().endswith((";", ":"))  # "KẾ HOẠCH" / "thực hiện công tác … năm 2026"
                if (nk not in ("text", "rule") and not summary) or MARKER_RE.match(live[j].text) or \
                        len(live[j].text) > 250:
                    break
                j += 1
                if re.search(r"(?:năm|giai đoạn)\s+20\d\d", live[j - 1].key) and (
                        j >= len(live) or line_kind(live[j]) != "attached"):
                    break
            return j, kind
        if k == "addressee":
            return i + 1, "letter"
        marker = MARKER_RE.match(ln.text)
        if k in ("basis", "article", "decides") or (k == "text" and marker and not marker.group("bullet")):
            if k == "basis" and i == 0:
                continue
            return i, kind
        one_line = re.search(rf"(?:^|\s)({_DOCTYPE_ALT.upper()})(?:\s|$)", ln.text)
        if one_line and line_kind(ln) in ("text", "motto", "number") and len(ln.text) > 80 and i < 5:
            return i + 1, DOC_TYPES[one_line.group(1).lower()]  # the whole header on one long line (PDF text)
    for i in range(limit):  # no document type: the header ends before the first long paragraph
        if len(live[i].text) > 200 and line_kind(live[i]) == "text":
            return i, kind
    return 0, kind


def _doc_start(live: list[Line], i: int) -> int | None:
    """Where a new document (an attached plan) begins at or after *i* within a few lines, else None."""
    for j in range(i, min(len(live), i + 8)):
        k = line_kind(live[j])
        if k == "doctype" and DOC_TYPES[live[j].key.replace("*", "").strip(" :")] in ("plan", "programme"):
            return j
        if k not in ("text", "motto", "rule", "number", "signature") and not _is_issuer_line(live[j].key):
            return None
    return None


def segment(lines: list[Line]) -> Document:
    """Cut a plan's logical lines into the parts of :class:`Document`.

    Examples
    --------
    >>> from ttdn_analysis.parse.lines import prepare_lines
    >>> d = segment(prepare_lines(["UBND TỈNH KHÁNH HÒA", "Số: 118/QĐ-UBND", "QUYẾT ĐỊNH", "Ban hành Kế hoạch năm 2025",
    ...     "Căn cứ Luật Tổ chức chính quyền địa phương;", "QUYẾT ĐỊNH:", "Điều 1. Ban hành kèm theo Quyết định này.",
    ...     "Nơi nhận:", "- Như Điều 3;", "KT. CHỦ TỊCH", "Trần Minh Đức", "ỦY BAN NHÂN DÂN", "KẾ HOẠCH",
    ...     "Công tác thông tin đối ngoại năm 2025", "(Ban hành kèm theo Quyết định số 118/QĐ-UBND)",
    ...     "I. NHIỆM VỤ", "1. Tập huấn.", "Chủ trì: Sở Ngoại vụ."]))
    >>> d.kind, [ln.text for ln in d.body]
    ('decision', ['I. NHIỆM VỤ', '1. Tập huấn.', 'Chủ trì: Sở Ngoại vụ.'])
    >>> [ln.text for ln in d.plan_header][-1]
    '(Ban hành kèm theo Quyết định số 118/QĐ-UBND)'
    """
    mark_page_chrome(lines)
    doc = Document(skipped=[ln for ln in lines if ln.skip])
    live = [ln for ln in lines if not ln.skip]
    if not live:
        return doc
    end, doc.kind = _header_end(live)
    doc.header = live[:end]
    state = "wrapper" if doc.kind == "decision" else "body"
    i = end
    while i < len(live):
        ln = live[i]
        k = line_kind(ln)
        if state in ("body", "wrapper") and k in ("recipients", "signature"):
            state = "closing" if state == "body" else "wrapper_closing"
        elif state in ("closing", "wrapper_closing", "appendix") and k == "appendix":
            doc.appendices.append([])
            state = "appendix"
        elif state in ("closing", "wrapper_closing", "tail"):
            start = _doc_start(live, i) if (k in ("doctype",) or _is_issuer_line(ln.key)) else None
            if start is not None:  # an attached plan: its header up to the title, then its body
                sub_end, _ = _header_end(live[start:])
                sub_end = max(sub_end, 1)
                doc.plan_header += live[i:start + sub_end]
                i = start + sub_end
                state = "body"
                continue
            if k == "appendix":
                doc.appendices.append([])
                state = "appendix"
            elif _roman_section(ln):  # the attached plan printed without its own header: its first section
                state = "body"
        elif state == "body" and k == "appendix" and doc.body and _caps(ln.text):
            doc.appendices.append([])
            state = "appendix"
        if state == "body":
            doc.body.append(ln)
        elif state in ("wrapper", "wrapper_closing"):
            doc.wrapper.append(ln)
        elif state == "appendix":
            if k in ("recipients", "signature") and len(doc.appendices[-1]) > 1:
                state = "tail"
                doc.closing.append(ln)
            else:
                doc.appendices[-1].append(ln)
        else:
            doc.closing.append(ln)
        i += 1
    return doc


def _roman_section(ln: Line) -> bool:
    """A section heading "I. MỤC ĐÍCH, YÊU CẦU" (a roman numeral and capitals)."""
    m = MARKER_RE.match(ln.text)
    return bool(m and m.group("roman") and roman_value(m.group("roman")) and _caps(ln.text[m.end():]))


def _caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 5 and sum(c.isupper() for c in letters) / len(letters) > 0.8
