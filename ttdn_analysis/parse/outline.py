"""Outline: logical lines to a section tree (I./1./1.1./a)/bullets), section kinds, candidate tasks."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ttdn_analysis.parse.lines import MARKER_RE, Line
from ttdn_analysis.text import line_key

__all__ = ["FIELD_RE", "TIME_RE", "section_kind", "strip_marker", "field_of", "Node", "TaskBlock", "Outline", "parse_outline"]

_ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


FIELD_RE = re.compile(
    r"^(?:(?:đơn\s+vị|cơ\s+quan|cơ\s+quan,\s*đơn\s+vị|bộ\s+phận)\s+)"
    r"(?P<role>chủ\s+trì(?:\s+thực\s+hiện)?|thực\s+hiện(?:\s+chính)?|phối\s+hợp(?:\s+thực\s+hiện)?"
    r"(?:\s+cung\s+cấp\s+thông\s+tin)?|tham\s+gia|tham\s+mưu)\s*:\s*(?P<val>.*)$"
    r"|^(?P<role2>chủ\s+trì(?:\s+thực\s+hiện)?|phối\s+hợp(?:\s+thực\s+hiện)?)\s*:\s*(?P<val2>.*)$"
)


TIME_RE = re.compile(r"^(?:thời\s+gian|thời\s+hạn|tiến\s+độ)(?:\s+thực\s+hiện|\s+hoàn\s+thành|\s+triển\s+khai)?"
                     r"\s*:\s*(?P<val>.*)$")


_LABEL_RE = re.compile(r"^(?:nội\s+dung|kết\s+quả|sản\s+phẩm|kinh\s+phí)(?:\s+\w+){0,2}\s*:")


_KINDS = [
    ("recipients", r"nơi nhận"),
    ("budget", r"kinh phí"),
    ("implementation", r"tổ chức thực hiện|trách nhiệm thực hiện|phân công thực hiện|trách nhiệm của"),
    ("purpose", r"mục đích|mục tiêu|yêu cầu|quan điểm"),
    ("tasks", r"nhiệm vụ|nội dung|giải pháp|phân công|hoạt động|chương trình"),
    ("results", r"kết quả|đánh giá"),
]


def section_kind(title: str) -> str:
    """Classify a section heading.

    Examples
    --------
    >>> section_kind("II. NỘI DUNG, NHIỆM VỤ VÀ GIẢI PHÁP THỰC HIỆN")
    'tasks'
    >>> section_kind("III. KINH PHÍ THỰC HIỆN"), section_kind("V. TỔ CHỨC THỰC HIỆN")
    ('budget', 'implementation')
    """
    k = line_key(title)
    for kind, pat in _KINDS:
        if re.search(pat, k):
            return kind
    return "other"


def strip_marker(text: str) -> tuple[str, str]:
    """Split a line into (marker, rest); marker is '' for plain text.

    >>> strip_marker("- + Tuyên truyền")
    ('- +', 'Tuyên truyền')
    """
    m = MARKER_RE.match(text)
    if not m:
        return "", text.strip()
    return m.group(0).strip(), text[m.end():].strip()


def field_of(text: str) -> tuple[str, str] | None:
    """Recognise a field line: ('lead'|'support'|'time', value) or None.

    Examples
    --------
    >>> field_of("+ Đơn vị chủ trì thực hiện: Sở Kế hoạch và Đầu tư; Sở Công Thương.")
    ('lead', 'Sở Kế hoạch và Đầu tư; Sở Công Thương.')
    >>> field_of("c) Cơ quan phối hợp: Ban Tuyên giáo Tỉnh ủy")
    ('support', 'Ban Tuyên giáo Tỉnh ủy')
    >>> field_of("- Thời gian: thường xuyên trong năm.")
    ('time', 'thường xuyên trong năm.')
    """
    _, rest = strip_marker(text)
    k = line_key(rest)
    m = FIELD_RE.match(k)
    if m:
        role = m.group("role") or m.group("role2")
        val_start = m.start("val") if m.group("role") else m.start("val2")
        value = rest[val_start:].strip()
        return ("support" if role.startswith("phối") or role.startswith("tham gia") else "lead"), value
    m = TIME_RE.match(k)
    if m:
        return "time", rest[m.start("val"):].strip()
    return None


def _is_label(text: str) -> bool:
    _, rest = strip_marker(text)
    return bool(field_of(text)) or bool(_LABEL_RE.match(line_key(rest)))


@dataclass
class Node:
    """An outline item: a roman section, a numbered or lettered item."""

    kind: str  # "section", "num", "letter", "preamble", "closing", "header"
    label: str
    path: str
    head: Line | None
    title: str
    section: str = "other"
    lines: list[Line] = field(default_factory=list)  # own lines, heading first when there is one
    children: list["Node"] = field(default_factory=list)
    implicit: bool = False

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()


@dataclass
class TaskBlock:
    """A candidate task: its path, heading line and its own lines (no children, no parent intro)."""

    path: str
    head: Line
    title: str
    lines: list[Line]
    section: str
    node: Node
    parent_intro: list[Line] = field(default_factory=list)


@dataclass
class Outline:
    header: list[Line]
    preamble: list[Line]
    sections: list[Node]
    closing: list[Line]
    skipped: list[Line]

    def tasks(self) -> list[TaskBlock]:
        """Leaf items of task-bearing sections (and sections with no items that carry text)."""
        out: list[TaskBlock] = []
        for sec in self.sections:
            if sec.section not in ("tasks", "implementation", "other"):
                continue
            if not sec.children:
                body = sec.lines[1:] if sec.head is not None else sec.lines
                if body and sec.head is not None:
                    out.append(TaskBlock(sec.path, sec.head, _title(sec.title), sec.lines, sec.section, sec))
                continue
            for node in sec.walk():
                if node is sec or node.children:
                    continue
                parents = _parents(sec, node)
                intro = [ln for p in parents if p is not sec for ln in p.lines]
                out.append(TaskBlock(node.path, node.head, _title(node.title), node.lines, sec.section, node,
                                     intro))
        return out


def _parents(root: Node, target: Node) -> list[Node]:
    def rec(n: Node, acc: list[Node]) -> list[Node] | None:
        if n is target:
            return acc
        for c in n.children:
            r = rec(c, acc + [n])
            if r is not None:
                return r
        return None

    return rec(root, []) or []


def _title(text: str, limit: int = 120) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut


_APPENDIX = re.compile(r"^phụ\s+lục(?:\s+(?:số\s+)?[0-9ivx]+)?\s*[:.\-–]?(?:\s|$)")


_CLOSING = re.compile(r"^(nơi nhận|trên đây là|tm\.|kt\.|t/m|giám đốc$|chủ tịch$|phó chủ tịch$)")


_HEADER_END = re.compile(r"^(căn cứ|thực hiện|để|nhằm|chủ tịch ủy ban|ủy ban nhân dân tỉnh .*ban hành)")


def _is_roman_heading(text: str) -> tuple[str, str] | None:
    m = MARKER_RE.match(text)
    if not m or not m.group("roman") or m.group("roman") not in _ROMAN:
        return None
    rest = text[m.end():].strip()
    letters = [c for c in rest if c.isalpha()]
    caps = letters and sum(c.isupper() for c in letters) / len(letters) > 0.6
    if caps or section_kind(rest) != "other":
        return m.group("roman"), rest
    return None


def parse_outline(lines: list[Line], is_agency_heading=None) -> Outline:
    """Build the outline of a plan from its logical lines.

    *is_agency_heading* (optional callable on a heading's text) lets a numbering restart under a lost section
    heading (a scraped page) open an implicit implementation section.

    Examples
    --------
    >>> from ttdn_analysis.parse.lines import prepare_lines
    >>> o = parse_outline(prepare_lines(["KẾ HOẠCH", "I. MỤC ĐÍCH", "1. Mục đích", "- x",
    ...                                  "II. NHIỆM VỤ", "1. Việc A", "a) Việc A1", "b) Việc A2", "2. Việc B"]))
    >>> [t.path for t in o.tasks()]
    ['II.1.a', 'II.1.b', 'II.2']
    """
    header: list[Line] = []
    preamble: list[Line] = []
    closing: list[Line] = []
    skipped: list[Line] = []
    sections: list[Node] = []
    state = "header"
    sec: Node | None = None
    stack: list[Node] = []  # numbered/lettered items open in the current section
    last_top = 0

    appendix = ""  # "PL" once an appendix ("Phụ lục") begins: its paths are PL.I.1, PL.1 …

    def open_section(label: str, title: str, head: Line | None, implicit: bool = False) -> Node:
        nonlocal sec, stack, last_top
        path = f"{appendix}.{label}" if appendix and label != appendix else label
        node = Node("section", label, path, head, title, section_kind(title) if title else "other",
                    [head] if head else [], implicit=implicit)
        sections.append(node)
        sec, stack, last_top = node, [], 0
        return node

    def next_roman() -> str:
        if not sections:
            return "I"
        try:
            return _ROMAN[_ROMAN.index(sections[-1].label) + 1]
        except (ValueError, IndexError):
            return sections[-1].label + "+"

    for ln in lines:
        if ln.skip:
            skipped.append(ln)
            continue
        text = ln.text
        key = line_key(text)
        if _APPENDIX.match(key) and (sections or state == "closing"):
            # an appendix after the signature often holds the task table itself
            appendix = "PL"
            state = "body"
            open_section("PL", text, ln)
            sec.section = "tasks"
            continue
        if state == "closing":
            closing.append(ln)
            continue
        if _CLOSING.match(key) and (sections or state != "header"):
            state = "closing"
            closing.append(ln)
            continue
        rom = _is_roman_heading(text)
        if rom:
            state = "body"
            open_section(rom[0], rom[1], ln)
            continue
        m = MARKER_RE.match(text)
        num = m.group("num") if m else None
        letter = m.group("letter") if m else None
        if state == "header":
            if num or _HEADER_END.match(key) or (m and m.group("bullet")):
                state = "preamble"
            else:
                header.append(ln)
                continue
        if sec is None:
            if num and section_kind(text[m.end():]) == "purpose":
                open_section("I", "MỤC ĐÍCH, YÊU CẦU", None, implicit=True)
                sec.section = "purpose"
            else:
                preamble.append(ln)
                continue
        rest = text[m.end():].strip() if m else text
        if num and not _is_label(text):
            depth = num.count(".") + 1
            top = int(num.split(".")[0])
            if depth == 1 and last_top and top <= last_top and is_agency_heading and is_agency_heading(rest) \
                    and sec.section != "implementation":
                open_section(next_roman(), "TỔ CHỨC THỰC HIỆN", None, implicit=True)
                sec.section = "implementation"
            while stack and (stack[-1].kind == "letter" or stack[-1].label.count(".") + 1 >= depth):
                stack.pop()
            parent = stack[-1] if stack else sec
            path = f"{sec.path}.{num}"
            node = Node("num", num, path, ln, rest, sec.section, [ln])
            parent.children.append(node)
            stack.append(node)
            if depth == 1:
                last_top = top
            continue
        if letter and not _is_label(text):
            while stack and stack[-1].kind == "letter":
                stack.pop()
            parent = stack[-1] if stack else sec
            node = Node("letter", letter, f"{parent.path}.{letter}", ln, rest, sec.section, [ln])
            parent.children.append(node)
            stack.append(node)
            continue
        (stack[-1] if stack else sec).lines.append(ln)
    return Outline(header, preamble, sections, closing, skipped)
