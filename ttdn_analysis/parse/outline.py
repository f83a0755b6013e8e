"""Outline: the plan body's lines to a section tree, section kinds, and the candidate tasks.

Sections are roman headings of any size (I., …, XIV.); items are numbers (1., 1.1., 2.1.1.), letters (a), đ)), words
with a number ("Nhiệm vụ 1:", "Nội dung 2:") and task-table rows; bullets belong to their item. A plan without
roman sections (a department's letter) is one implicit section whose items have top-level ids ("1", "3.a", "4.2").
Appendices after the signature are sections with paths "PL…".
"""
from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field

from ttdn_analysis.parse.lines import MARKER_RE, Line
from ttdn_analysis.parse.numbering import ITEM_WORD_RE
from ttdn_analysis.parse.roles import field_of, strip_marker
from ttdn_analysis.parse.tables import TableRow
from ttdn_analysis.text import line_key, roman_value, to_roman

__all__ = ["TASK_SECTIONS", "SECTION_KINDS", "section_kind", "item_of", "Node", "TaskBlock", "Outline", "parse_outline"]

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


def _is_label(text: str) -> bool:
    if ITEM_WORD_RE.match(line_key(text)):
        return False
    _, rest = strip_marker(text)
    return bool(field_of(text)) or bool(_LABEL_RE.match(line_key(rest)))


@dataclass
class Node:
    """An outline item: a roman section, a numbered or lettered item, or a table's group row."""

    kind: str  # "section", "num", "letter", "group"
    label: str
    path: str
    head: Line | None
    title: str
    section: str = "other"
    lines: list[Line] = field(default_factory=list)  # own lines, heading first when there is one
    children: list[Node] = field(default_factory=list)
    implicit: bool = False
    #: The path rests on a label read from the numbering around it (its own or an ancestor's; see
    #: :func:`ttdn_analysis.parse.normalise.read_label_sequence`).
    repaired: bool = False

    def walk(self) -> Iterator[Node]:
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


#: Section kinds whose leaf items can be tasks.
TASK_SECTIONS = ("tasks", "implementation", "other")
#: Every kind :func:`section_kind` gives.
SECTION_KINDS = (*(k for k, _ in _KINDS), "other")


@dataclass
class Outline:
    """The plan body as a tree: preamble lines, sections (with items), closing remarks, skipped lines."""

    preamble: list[Line]
    sections: list[Node]
    closing: list[Line]
    skipped: list[Line]
    #: Outline labels repaired by the normalisation stage (:class:`ttdn_analysis.parse.normalise.Repair`).
    repairs: list = field(default_factory=list)

    def tasks(self) -> list[TaskBlock]:
        """Leaf items of task-bearing sections (and sections with no items that carry text)."""
        out: list[TaskBlock] = []
        for sec in self.sections:
            if sec.section not in TASK_SECTIONS:
                continue
            if not sec.children:
                body = sec.lines[1:] if sec.head is not None else sec.lines
                if body and sec.head is not None:
                    out.append(TaskBlock(sec.path, sec.head, _title(sec.title), sec.lines, sec.section, sec))
                continue
            for node in sec.walk():
                if node is sec or node.children or node.kind == "group" or node.section not in TASK_SECTIONS:
                    continue
                assert node.head is not None
                out.append(TaskBlock(node.path, node.head, _title(node.title), node.lines, node.section, node))
        return out


def _title(text: str, limit: int = 120) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0]


def _is_roman_heading(text: str) -> tuple[str, str] | None:
    m = MARKER_RE.match(text)
    if not m or not m.group("roman") or roman_value(m.group("roman")) is None:
        return None
    rest = text[m.end():].strip()
    letters = [c for c in rest if c.isalpha()]
    caps = letters and sum(c.isupper() for c in letters) / len(letters) > 0.6
    if caps or section_kind(rest) != "other":
        return m.group("roman"), rest
    return None


def item_of(text: str) -> tuple[str, str, str] | None:
    """(kind, label, rest) of an item line: ("num", "2.1", …), ("letter", "a", …), or None.

    "Nhiệm vụ 3:" and "Nội dung 3." are numbered items with the number 3.

    Examples
    --------
    >>> item_of("2.1. Tuyên truyền"), item_of("đ) Tập huấn"), item_of("Nhiệm vụ 3: Thông tin về biển, đảo")
    (('num', '2.1', 'Tuyên truyền'), ('letter', 'đ', 'Tập huấn'), ('num', '3', 'Thông tin về biển, đảo'))
    >>> item_of("- Thời gian: quý I") is None
    True
    """
    m = ITEM_WORD_RE.match(line_key(text))
    if m:
        return "num", m.group(1), text[m.end():].strip()
    m = MARKER_RE.match(text)
    if not m:
        return None
    if m.group("num"):
        return "num", m.group("num"), text[m.end():].strip()
    if m.group("letter"):
        return "letter", m.group("letter"), text[m.end():].strip()
    return None


def _join(parent: str, label: str) -> str:
    return f"{parent}.{label}" if parent else label


_CLOSING_REMARK = re.compile(r"^(?:trên đây là|trong quá trình (?:triển khai|thực hiện|tổ chức))|\./\.\s*$|/\.$")


def parse_outline(lines: list[Line], is_agency_heading: Callable[[str], bool] | None = None,
                  appendices: Sequence[list[Line]] = (), repaired: Collection[int] = ()) -> Outline:
    """Build the outline of a plan body (and its appendices) from logical lines.

    *lines* is the plan's body as :func:`ttdn_analysis.parse.document.segment` cuts it (preamble, sections,
    items); the header and the closing are not part of it. *is_agency_heading* (optional callable on a heading's
    text) lets a numbering restart under a lost section heading (a scraped page) open an implicit implementation
    section. *repaired* holds the physical lines whose label the normalisation stage repaired: their nodes, and
    the nodes under them, are marked ``repaired``.
    A paragraph that closes the document ("Trên đây là …", a sentence ending "./.") and what follows it
    are the closing remarks, not part of the last item.

    Examples
    --------
    >>> from ttdn_analysis.parse.lines import prepare_lines
    >>> o = parse_outline(prepare_lines(["I. MỤC ĐÍCH", "1. Mục đích", "- x",
    ...                                  "II. NHIỆM VỤ", "1. Việc A", "a) Việc A1", "b) Việc A2", "2. Việc B"]))
    >>> [t.path for t in o.tasks()]
    ['II.1.a', 'II.1.b', 'II.2']
    >>> o = parse_outline(prepare_lines(["Kính gửi các phòng.", "Nội dung 1: Việc A", "Nội dung 2: Việc B",
    ...                                  "a) Việc B1", "b) Việc B2"]))
    >>> [t.path for t in o.tasks()]
    ['1', '2.a', '2.b']
    """
    preamble: list[Line] = []
    closing: list[Line] = []
    skipped: list[Line] = []
    sections: list[Node] = []
    sec: Node | None = None
    stack: list[Node] = []  # numbered/lettered items open in the current section
    last_top = 0
    prefix = ""  # "PL" inside an appendix
    table_parent: Node | None = None  # the node that holds the task table being read
    table_group: Node | None = None
    has_roman = any(_is_roman_heading(ln.text) for ln in lines if not ln.skip)

    def open_section(label: str, title: str, head: Line | None, kind: str | None = None,
                     implicit: bool = False) -> Node:
        nonlocal sec, stack, last_top
        path = _join(prefix, label) if label != prefix else label
        node = Node("section", label, path, head, title, kind or (section_kind(title) if title else "other"),
                    [head] if head else [], implicit=implicit,
                    repaired=head is not None and head.start in repaired)
        sections.append(node)
        sec, stack, last_top = node, [], 0
        return node

    def next_roman() -> str:
        value = roman_value(sections[-1].label) if sections else 0
        return to_roman(value + 1) if value is not None else sections[-1].label + "+"

    def feed(ln: Line) -> None:
        nonlocal sec, last_top, table_parent, table_group
        text = ln.text
        if isinstance(ln, TableRow):
            if table_parent is None:
                table_parent = stack[-1] if stack else sec
                table_group = None
            if sec is None:
                open_section("", "", None, "tasks", implicit=True)
                table_parent = sec
            assert table_parent is not None
            parent = table_group if (table_group is not None and not ln.group) else table_parent
            node = Node("group" if ln.group else "num", ln.label, _join(parent.path, ln.label), ln,
                        text.split(". ", 1)[-1], sec.section if sec else "tasks", [ln], repaired=parent.repaired)
            parent.children.append(node)
            if ln.group:
                table_group = node
            else:
                stack.append(node)
            return
        if table_parent is not None and not (stack and ln.start == stack[-1].lines[0].start):
            while stack and isinstance(stack[-1].head, TableRow):
                stack.pop()
            table_parent = table_group = None
        rom = _is_roman_heading(text)
        if rom:
            open_section(rom[0], rom[1], ln)
            return
        item = item_of(text)
        if sec is None:
            if item and item[0] == "num" and section_kind(item[2]) == "purpose" and has_roman:
                open_section("I", "MỤC ĐÍCH, YÊU CẦU", None, "purpose", implicit=True)
            elif item and not has_roman:
                open_section("", "", None, "tasks", implicit=True)
            else:
                preamble.append(ln)
                return
        assert sec is not None
        if item and item[0] == "num" and not _is_label(text):
            num, rest = item[1], item[2]
            depth = num.count(".") + 1
            top = int(num.split(".")[0])
            if depth == 1 and last_top and top <= last_top and is_agency_heading and is_agency_heading(rest) \
                    and sec.section != "implementation" and has_roman:
                open_section(next_roman(), "TỔ CHỨC THỰC HIỆN", None, "implementation", implicit=True)
            while stack and (stack[-1].kind == "letter" or stack[-1].label.count(".") + 1 >= depth):
                stack.pop()
            parent = stack[-1] if stack else sec
            kind = sec.section
            if depth == 1 and not has_roman and section_kind(rest) in ("purpose", "budget", "results"):
                kind = section_kind(rest)  # a section-less plan: "1. Mục đích, yêu cầu" is not a task
            node = Node("num", num, _join(sec.path, num), ln, rest, kind, [ln],
                        repaired=ln.start in repaired or parent.repaired)
            parent.children.append(node)
            stack.append(node)
            if depth == 1:
                last_top = top
            return
        if item and item[0] == "letter" and not _is_label(text):
            while stack and stack[-1].kind == "letter":
                stack.pop()
            parent = stack[-1] if stack else sec
            node = Node("letter", item[1], _join(parent.path, item[1]), ln, item[2], parent.section, [ln],
                        repaired=ln.start in repaired or parent.repaired)
            parent.children.append(node)
            stack.append(node)
            return
        (stack[-1] if stack else sec).lines.append(ln)

    in_closing = False
    for ln in lines:
        if ln.skip:
            skipped.append(ln)
            continue
        if in_closing or (sections and not MARKER_RE.match(ln.text) and _CLOSING_REMARK.search(ln.key)):
            in_closing = True
            closing.append(ln)
            continue
        feed(ln)
    numbered = [b for b in appendices if b]
    for i, block in enumerate(numbered, start=1):
        # one appendix: "PL.…" (gold/dev README convention 1); several: "PL1.…", "PL2.…" so that ids stay apart
        prefix = "PL" if len(numbered) == 1 else f"PL{i}"
        table_parent = table_group = None
        open_section(prefix, block[0].text, block[0], "tasks")
        for ln in block[1:]:
            if ln.skip:
                skipped.append(ln)
            else:
                feed(ln)
    return Outline(preamble, sections, closing, skipped)
