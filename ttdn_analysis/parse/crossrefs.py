"""Assignment by cross-reference: "X chủ trì thực hiện các nhiệm vụ tại mục 1, 2 và 5 Phần II".

A plan may list its tasks without agencies and assign them in TỔ CHỨC THỰC HIỆN by reference (gold/dev README
convention 21):

* "X chủ trì thực hiện (các nhiệm vụ tại) mục 1, mục 3 Phần II" — X leads every task of items 1 and 3 of part II;
* "X phối hợp thực hiện điểm b mục 2 Phần II", "X phối hợp với Y thực hiện điểm a mục 4" — X supports II.2.b,
  II.4.a ("với Y" names the lead, no new partner); "X chủ trì, phối hợp với Y thực hiện mục 2" — Y supports too;
* "mục 2" is every task under item 2 (II.2.a–c), or II.2 itself when it has no children; "điểm b mục 2" is
  II.2.b; "Phần II" / "Mục II" (a roman numeral) names the part, and without it the plan's first task section is
  meant.

A referring item whose text is nothing but references is not a task; one that also states duties of its own is
a task of those duties only (its references give it no partners). A reference that resolves to no task is a
``unresolved_reference`` problem on its line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ttdn_analysis.parse.agency_spans import AgencyHit, scan
from ttdn_analysis.parse.lines import Line
from ttdn_analysis.parse.outline import TaskBlock
from ttdn_analysis.parse.roles import RoleContext, cues, strip_marker, subjects
from ttdn_analysis.text import line_key, nfc

__all__ = ["Reference", "find_references", "split_references", "resolve_references"]

_LABEL = r"(?:\d{1,2}(?:\.\d{1,2})*|[a-zđ]|[ivxlc]{1,6})(?![^\W_])"
_LEVEL = r"(?:điểm|mục|phần|tiết|khoản|nhiệm\s+vụ|nội\s+dung)"
_REFS = rf"{_LEVEL}\s+{_LABEL}(?:\s*(?:,|và|;)?\s*(?:{_LEVEL}\s+)?{_LABEL})*"
_OBJECT = (r"\s+(?:các\s+)?(?:nội\s+dung|nhiệm\s+vụ|hoạt\s+động)?(?:\s+(?:đã\s+)?(?:nêu|quy\s+định|được\s+giao))?"
           r"\s*(?:tại|ở|theo)?\s*")
_DO = r"\s+(?:tổ\s+chức\s+|triển\s+khai\s+)?thực\s+hiện"
#: "chủ trì(, phối hợp với Y) thực hiện …" / "phối hợp (chặt chẽ) (với Y) thực hiện …" followed by references.
_REFERENCE = re.compile(
    rf"(?<![^\W_])(?:(?P<lead>chủ\s+trì)(?:\s*,\s*phối\s+hợp(?:\s+chặt\s+chẽ)?\s+với\s+(?P<partners>[^;]+?))?"
    rf"|(?P<support>phối\s+hợp)(?:\s+chặt\s+chẽ)?(?:\s+với\s+(?P<named_lead>[^;]+?))?){_DO}(?=\s)"
    rf"(?P<object>{_OBJECT})(?P<refs>{_REFS})")
_ROMAN = re.compile(r"^[IVXLC]+$")


@dataclass
class Reference:
    """One reference clause: who (the referring item's subjects), the role, and the outline items it names."""

    role: str  # lead | support
    agencies: list[AgencyHit]
    targets: list[str]  # outline paths ("II.2", "II.2.b"); a path means itself and everything under it
    line: int  # physical line of the clause
    text: str  # the clause as printed
    partners: list[AgencyHit] = field(default_factory=list)  # "chủ trì, phối hợp với Y thực hiện …"


def _targets(refs_text: str, refs_key: str, default_section: str) -> list[str]:
    """Outline paths named by a run of references ("điểm a, b mục 2 Phần II" → II.2.a, II.2.b)."""
    section = default_section
    items: list[tuple[str, list[str]]] = []
    letters: list[str] = []
    for m in re.finditer(_LABEL, refs_key):
        if m.start() and refs_key[m.start() - 1].isalpha():
            continue
        label, printed = m.group(0), refs_text[m.start():m.end()]
        if _ROMAN.match(printed) and len(printed) > 0 and not (len(printed) == 1 and printed.islower()):
            section = printed
        elif label[0].isdigit():
            items.append((label, letters))
            letters = []
        elif re.fullmatch(r"[a-zđ]", label):
            letters.append(label)
    if letters and items:  # "mục 2, điểm a": a letter after its item
        items[-1][1].extend(letters)
    out: list[str] = []
    for num, subs in items:
        out += [f"{section}.{num}.{s}" for s in subs] if subs else [f"{section}.{num}"]
    if not items:
        out.append(section)  # "các nhiệm vụ tại Phần II"
    return out


def find_references(text: str, ctx: RoleContext, line: int = 0, default_section: str = "II",
                    subject: list[AgencyHit] | None = None) -> tuple[list[Reference], list[tuple[int, int]]]:
    """The reference clauses of one item's text and the character spans they take.

    *subject* — the agencies that open the item — is who acts in every clause; without it, the item's subjects
    are read from *text*. *default_section* is the part meant when a reference names none.

    Examples
    --------
    >>> refs, spans = find_references("Sở Tư pháp chủ trì thực hiện các nhiệm vụ tại mục 1, 2 và 5 Phần III; "
    ...                               "phối hợp với Công an tỉnh thực hiện điểm b mục 4 Phần III.", RoleContext())
    >>> [(r.role, [h.agency.canonical for h in r.agencies], r.targets) for r in refs]
    [('lead', ['Sở Tư pháp'], ['III.1', 'III.2', 'III.5']), ('support', ['Sở Tư pháp'], ['III.4.b'])]
    >>> refs, _ = find_references("Sở Y tế chủ trì, phối hợp với Sở Nội vụ thực hiện điểm a, b mục 3.",
    ...                           RoleContext())
    >>> refs[0].targets, [h.agency.canonical for h in refs[0].partners]
    (['II.3.a', 'II.3.b'], ['Sở Nội vụ'])
    >>> find_references("Sở Y tế chủ trì tổ chức hội nghị tại mục tiêu đề ra.", RoleContext())
    ([], [])
    """
    text = nfc(text)
    key = line_key(text)
    found = list(_REFERENCE.finditer(key))
    if not found:
        return [], []
    who = subject if subject is not None else subjects(text, ctx, text)
    out: list[Reference] = []
    spans: list[tuple[int, int]] = []
    for m in found:
        refs_text = text[m.start("refs"):m.end("refs")]
        targets = _targets(refs_text, m.group("refs"), default_section)
        partners: list[AgencyHit] = []
        if m.group("partners"):
            s = m.start("partners")
            partners = [replace(h, start=h.start + s, end=h.end + s)
                        for h in scan(text[s:m.end("partners")], "text", ctx.issuer, text, ctx.province,
                                      ctx.commune).hits]
        out.append(Reference("lead" if m.group("lead") else "support", list(who), targets, line,
                             text[m.start():m.end()], partners))
        spans.append((m.start(), m.end()))
    return out, spans


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    for s, e in spans:
        text = text[:s] + " " * (e - s) + text[e:]
    return text


def _own_words(masked: str, who: list[AgencyHit]) -> bool:
    """True when the item says more than its references: words beyond its subjects and request words."""
    key = line_key(strip_marker(masked)[1])
    m = cues().request_re.match(key)
    if m:
        key = " " * m.end() + key[m.end():]
    for h in who:
        key = key.replace(line_key(h.raw), " ", 1)
    return bool(re.search(r"[^\W\d_]{2,}", key))


def split_references(block: TaskBlock, ctx: RoleContext,
                     default_section: str = "II") -> tuple[TaskBlock | None, list[Reference]]:
    """An implementation item without its references, and the references.

    Returns ``(block, [])`` when the item refers to nothing; ``(None, refs)`` when it only refers (not a task);
    else a copy of the block whose lines have the reference clauses blanked out (for the role grammar: a
    reference's "phối hợp với Y" names no partner of the item), and the references.

    Examples
    --------
    >>> from ttdn_analysis.parse.lines import prepare_lines
    >>> from ttdn_analysis.parse.outline import parse_outline
    >>> o = parse_outline(prepare_lines(["III. TỔ CHỨC THỰC HIỆN",
    ...     "1. Sở Y tế chủ trì thực hiện các nhiệm vụ tại mục 2 Phần II.",
    ...     "2. Sở Nội vụ phối hợp thực hiện mục 1 Phần II; tổ chức tập huấn cho cán bộ."]))
    >>> [(b.path, None if s is None else s.lines[0].text.split()[-1], [r.targets for r in refs])
    ...  for b in o.tasks() for s, refs in [split_references(b, RoleContext())]]
    [('III.1', None, [['II.2']]), ('III.2', 'bộ.', [['II.1']])]
    """
    first = strip_marker(block.head.text)[1]
    who = subjects(first, ctx, " ".join(ln.text for ln in block.lines))
    refs: list[Reference] = []
    lines: list[Line] = []
    own = False
    for ln in block.lines:
        found, spans = find_references(ln.text, ctx, ln.start, default_section, who)
        refs += found
        masked = _mask(nfc(ln.text), spans) if spans else ln.text
        lines.append(replace(ln, text=masked) if spans else ln)
        own |= _own_words(masked, who if ln is block.head else [])
    if not refs:
        return block, []
    if not own:
        return None, refs
    return replace(block, lines=lines, head=lines[block.lines.index(block.head)]), refs


def resolve_references(refs: list[Reference], tasks: list[dict]) -> tuple[list[tuple[dict, AgencyHit, str, int]],
                                                                            list[tuple[Reference, str]]]:
    """The assignments references give: (task row, agency, role, line) for every task a reference names, and the
    (reference, path) pairs that name no task.

    A path names the task of that path and every task under it.

    Examples
    --------
    >>> refs, _ = find_references("Sở Y tế chủ trì thực hiện mục 1, mục 4 Phần II.", RoleContext(), line=9)
    >>> got, missing = resolve_references(refs, [{"path": "II.1.a"}, {"path": "II.1.b"}, {"path": "II.2"}])
    >>> [(t["path"], h.agency.canonical, role) for t, h, role, _ in got], [path for _, path in missing]
    ([('II.1.a', 'Sở Y tế', 'lead'), ('II.1.b', 'Sở Y tế', 'lead')], ['II.4'])
    """
    out: list[tuple[dict, AgencyHit, str, int]] = []
    missing: list[tuple[Reference, str]] = []
    for ref in refs:
        for target in ref.targets:
            named = [t for t in tasks if t["path"] == target or t["path"].startswith(target + ".")]
            if not named:
                missing.append((ref, target))
            for t in named:
                out += [(t, h, ref.role, ref.line) for h in ref.agencies]
                out += [(t, h, "support", ref.line) for h in ref.partners]
    return out, missing
