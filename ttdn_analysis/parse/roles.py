"""The assignment grammar: role cues (data) applied to agency spans, wherever the cues stand.

Provincial plans say who leads and who supports a task in a handful of ways (all in the gold/dev README):

* field lines — "- Cơ quan chủ trì: X", "Đơn vị thực hiện: X", "Thời gian hoàn thành: T" — and table columns;
* inline fields — "Chủ trì: X; phối hợp: Y, Z; thời gian: T", on their own line or ending a paragraph;
* a closing parenthesis — "(X chủ trì, phối hợp với Y thực hiện; thời gian: T)", "(X thực hiện; thời gian: T)";
* sentences — "Giao X chủ trì, phối hợp với Y và Z …", "X chủ trì, phối hợp Y tổ chức …";
* per-agency markers — "X (chủ trì), Y, Z (phối hợp)";
* subjects — an agency that opens an item, a bullet or a clause ("Sở Tài chính: tham mưu …", "Đề nghị …").

The cue phrases and their roles are data (``registry/data/role_cues.csv``): a researcher adds a phrasing there.
Agencies that stand in no role position — the object of "chỉ đạo / hướng dẫn", invitees, receivers of a report, the
source of content, names inside a "Thời gian:" value — are not assigned.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace
from functools import lru_cache

from ttdn_analysis.parse.agency_spans import AgencyHit, scan
from ttdn_analysis.parse.lines import MARKER_RE
from ttdn_analysis.registry import read_rows
from ttdn_analysis.text import line_key, nfc

__all__ = ["Cues", "cues", "column_role", "RoleContext", "field_of", "inline_fields", "strip_marker", "LineRoles",
           "line_roles", "subjects", "read_list"]


@dataclass(frozen=True)
class Cues:
    """The role cue phrases of ``role_cues.csv`` compiled to patterns (match keys)."""

    field_re: re.Pattern[str]  # a field label at the start of a text: role phrase (+ subject word) and ':'
    inline_re: re.Pattern[str]  # a field label after a sentence or clause boundary
    roles: dict[str, str]  # role phrase -> lead | support | time
    markers: dict[str, str]  # "(chủ trì)" -> lead
    request_re: re.Pattern[str]
    directive_re: re.Pattern[str]
    column_re: re.Pattern[str]  # any cue of a table's header cell (role phrases and column words), word-bounded
    column_roles: dict[str, str]  # cue -> num | content | lead | support | time | product | note
    whole_cell: frozenset[str]  # cues that name a column only as the whole cell ("TT", "STT")


def _alt(phrases: list[str]) -> str:
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(set(phrases), key=len, reverse=True))


@lru_cache(maxsize=1)
def cues() -> Cues:
    """The role cues shipped in ``registry/data/role_cues.csv``.

    Examples
    --------
    >>> cues().roles["phối hợp"], cues().markers["(chủ trì)"]
    ('support', 'lead')
    """
    rows = read_rows("role_cues.csv")
    roles = {line_key(nfc(r["phrase"])): r["role"] for r in rows if r["form"] in ("verb", "field")}
    markers = {re.sub(r"\s+", " ", line_key(nfc(r["phrase"]))): r["role"] for r in rows if r["form"] == "marker"}
    subjects = [line_key(nfc(r["phrase"])) for r in rows if r["form"] == "field_subject"]
    label = rf"(?:(?:{_alt(subjects)})\s+)?(?P<label>{_alt(list(roles))})"
    field_re = re.compile(rf"^{label}\s*:\s*")
    inline_re = re.compile(rf"(?:^|(?<=[.;,(])\s*|\s+-\s+){label}\s*:\s*")
    request = [line_key(nfc(r["phrase"])) for r in rows if r["form"] == "request"]
    directive = [line_key(nfc(r["phrase"])) for r in rows if r["form"] == "directive"]
    columns = {line_key(nfc(r["phrase"])): r["role"] for r in rows if r["form"] == "column"}
    whole = frozenset(k for k, v in columns.items() if v == "num")
    column_roles = {**roles, **columns}
    return Cues(field_re, inline_re, roles, markers,
                re.compile(rf"^\s*(?:{_alt(request)})(?![^\W_])\s*"),
                re.compile(rf"(?<![^\W_])(?:{_alt(directive)})(?![^\W_])"),
                re.compile(rf"(?<![^\W_])(?:{_alt(list(column_roles))})(?![^\W_])"), column_roles, whole)


def column_role(header: str) -> str | None:
    """What a task table's header cell names, from the cues of ``role_cues.csv``: ``num``, ``content``, ``lead``,
    ``support``, ``time``, ``product`` or ``note`` (the first cue of the cell; a number cue only as the whole
    cell), else None.

    Examples
    --------
    >>> [column_role(h) for h in ["STT", "Nội dung công việc", "Đơn vị thực hiện", "Thời gian thực hiện",
    ...                           "Đơn vị tham gia", "Cơ quan tham mưu", "Kết quả/sản phẩm", "Ghi chú"]]
    ['num', 'content', 'lead', 'time', 'support', 'lead', 'product', 'note']
    >>> column_role("Thứ tự ưu tiên") is None, column_role("Ngày")
    (True, None)
    """
    key = re.sub(r"\s+", " ", line_key(nfc(header))).strip(" .:")
    c = cues()
    if key in c.whole_cell:
        return "num"
    for m in c.column_re.finditer(key):
        found = re.sub(r"\s+", " ", m.group(0))
        if found not in c.whole_cell:
            return c.column_roles[found]
    return None


def _role_of(label: str) -> str:
    return cues().roles[_SPACES.sub(" ", label)]


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
    >>> field_of("- Thời gian hoàn thành: tháng 9/2026."), field_of("- Nội dung: tuyên truyền") is None
    (('time', 'tháng 9/2026.'), True)
    """
    _, rest = strip_marker(text)
    m = cues().field_re.match(line_key(rest))
    if not m:
        return None
    return _role_of(m.group("label")), rest[m.end():].strip()


@lru_cache(maxsize=1)
def _label_after_space() -> re.Pattern[str]:
    """A field label and its colon after a mere space: inside a field's value, the next field ("Chủ trì: Sở A
    Chủ trì: Sở A", three field lines run together)."""
    return re.compile(r"(?<=\s)" + cues().field_re.pattern.lstrip("^"))


def inline_fields(text: str, in_value: bool = False) -> tuple[str, list[tuple[str, str, int]]]:
    """Split a text into its content and the fields that follow it ("… nhân quyền. Chủ trì: X; phối hợp: Y").

    Returns the content before the first field label and a list of (role, value, offset); a value runs to the
    next label (fields are split at ";", agencies within a field at ","). With *in_value* (the text is the value
    of a field line), a label after a mere space starts a field too.

    Examples
    --------
    >>> inline_fields("Theo dõi dư luận. Chủ trì: Sở Ngoại vụ; phối hợp: Công an tỉnh; thời gian: quý I/2025.")
    ('Theo dõi dư luận.', [('lead', 'Sở Ngoại vụ', 27), ('support', 'Công an tỉnh', 50), ('time', 'quý I/2025', 75)])
    >>> inline_fields("Sở Ngoại vụ Chủ trì: Sở Ngoại vụ Phối hợp: Công an tỉnh", in_value=True)
    ('Sở Ngoại vụ', [('lead', 'Sở Ngoại vụ', 21), ('support', 'Công an tỉnh', 43)])
    """
    key = line_key(text)
    # (start, end, label) of each label: plain tuples, not the match objects, which the garbage collector would
    # walk again and again on a line of a million characters
    found = [(m.start(), m.end(), m.group("label")) for m in cues().inline_re.finditer(key)]
    if in_value:
        taken = {e for _, e, _ in found}  # the same label found both ways ends at the same place
        found += [(m.start(), m.end(), m.group("label")) for m in _label_after_space().finditer(key)
                  if m.end() not in taken]
        found.sort(key=lambda f: f[0])
    if not found:
        return text, []
    out = []
    roles = cues().roles
    for i, (_, label_end, label) in enumerate(found):
        end = found[i + 1][0] if i + 1 < len(found) else len(text)
        value = text[label_end:end].strip(" ;,.)")
        if value:
            out.append((roles[" ".join(label.split())], value, label_end))
    return text[:found[0][0]].strip(), out


@dataclass
class RoleContext:
    """What the grammar needs to know about the plan: its province, and the issuing department (its plan)."""

    province: str | None = None
    issuer: str | None = None  # canonical name of the issuing department (department plans only)
    commune: tuple[str, str] | None = None  # a commune's plan: its tier word and name ("xã", "Thiên Cầm")


@dataclass
class LineRoles:
    """Agencies in role positions in one text, by role, and the cues whose agency could not be read."""

    lead: list[AgencyHit] = field(default_factory=list)
    support: list[AgencyHit] = field(default_factory=list)
    time: list[str] = field(default_factory=list)
    unparsed: list[str] = field(default_factory=list)
    lead_among_partners: bool = False  # "phối hợp với X (đơn vị chủ trì)": the text's own subject supports X


def _marker_after(key: str, end: int, bare: bool = False) -> tuple[str | None, int]:
    """A role marker right after an agency: "(chủ trì)", "(phối hợp)"; with *bare*, also "chủ trì" / "phối hợp"
    ending the item ("Sở A chủ trì; Sở B, Sở C phối hợp" in one table cell)."""
    m = _MARKER_AT.match(key, end)  # at *end*, without copying the rest of the text (a long list stays linear)
    if m:
        role = cues().markers.get(_SPACES.sub(" ", m.group(1)))
        if role:
            return role, m.end()
    if bare:
        m = _BARE_MARKER_AT.match(key, end)
        if m:
            return cues().roles[m.group(1)], m.end()
    return None, end


_MARKER_AT = re.compile(r"\s*(\([^()]{1,40}\))")
_SPACES = re.compile(r"\s+")
_BARE_MARKER_AT = re.compile(r"\s+(chủ trì|phối hợp)(?:\s+thực\s+hiện)?\s*(?=[,;.]|$)")


def read_list(text: str, role: str, ctx: RoleContext, context: str = "field", task_text: str = "",
              out: LineRoles | None = None, offset: int = 0) -> LineRoles:
    """Agencies of a list in a role position; per-agency markers "(chủ trì)" / "(phối hợp)" override *role*.

    Examples
    --------
    >>> r = read_list("Sở Thông tin và Truyền thông (chủ trì), Sở Nội vụ, Văn phòng UBND tỉnh (phối hợp).", "lead",
    ...               RoleContext())
    >>> [h.agency.canonical for h in r.lead], [h.agency.canonical for h in r.support]
    (['Sở Thông tin và Truyền thông'], ['Sở Nội vụ', 'Văn phòng Ủy ban nhân dân tỉnh'])
    >>> r = read_list("Sở Ngoại vụ chủ trì; Công an tỉnh, Sở Tư pháp phối hợp", "lead", RoleContext())
    >>> [h.agency.canonical for h in r.lead], [h.agency.canonical for h in r.support]
    (['Sở Ngoại vụ'], ['Công an tỉnh', 'Sở Tư pháp'])
    >>> r = read_list("Văn phòng Sở Ngoại vụ; Sở Tư pháp, Sở Nội vụ (chủ trì); Công an tỉnh", "lead", RoleContext())
    >>> [h.agency.canonical for h in r.lead], [h.agency.canonical for h in r.support]
    (['Sở Tư pháp', 'Sở Nội vụ'], ['Văn phòng Sở Ngoại vụ', 'Công an tỉnh'])
    >>> r = read_list("Sở Ngoại vụ chủ trì, phối hợp với Công an tỉnh", "lead", RoleContext())
    >>> [h.agency.canonical for h in r.lead], [h.agency.canonical for h in r.support], r.unparsed
    (['Sở Ngoại vụ'], ['Công an tỉnh'], [])
    """
    out = out if out is not None else LineRoles()
    key = line_key(nfc(text))
    split = _PARTNER.search(key) if context == "field" and role == "lead" else None
    if split and key[:split.start()].strip(" ,;") and not key[:split.start()].rstrip().endswith("(") \
            and re.match(r"\s*[^\W\d_]", key[split.end():]) and not key[split.end():].lstrip().startswith(")"):
        # "Đơn vị thực hiện: Sở A chủ trì, phối hợp với Sở B": a lead list, then its partners
        read_list(text[:split.start()], role, ctx, context, task_text, out, offset)
        read_list(text[split.end():], "support", ctx, context, task_text, out, offset + split.end())
        return out
    result = scan(text, context, ctx.issuer, task_text, ctx.province, ctx.commune)
    pending: list[AgencyHit] = []  # agencies of the current ';'-group not yet covered by a marker
    unmarked: list[AgencyHit] = []  # agencies no marker covers
    lead_marked = False
    last_end = 0
    for h in result.hits:
        hit = replace(h, start=h.start + offset, end=h.end + offset) if offset else h
        if ";" in key[last_end:h.start]:  # a marker covers only the ';'-group it closes
            unmarked += pending
            pending = []
        last_end = h.end
        marked, _ = _marker_after(key, h.end, bare=context == "field")
        if marked is None:  # a marker right after the name, before the skip of "(…)"
            marked, _ = _marker_after(key, h.start + len(line_key(h.raw)), bare=context == "field")
        pending.append(hit)
        if marked:
            (out.lead if marked == "lead" else out.support).extend(pending)
            lead_marked |= marked == "lead"
            pending = []
    unmarked += pending
    # in a list where a marker names the lead, the agencies no marker covers are its partners (convention 29)
    (out.support if lead_marked or role != "lead" else out.lead).extend(unmarked)
    out.unparsed.extend(raw for raw, _, _ in result.unparsed)
    return out


def _clauses(key: str) -> list[tuple[int, int]]:
    """(start, end) of the clauses of a text: split at ';', '.', ':' and at brackets."""
    out, start = [], 0
    for m in re.finditer(r"[;:()]|\.(?=\s|$)", key):
        out.append((start, m.start()))
        start = m.end()
    out.append((start, len(key)))
    return [(s, e) for s, e in out if key[s:e].strip()]


_VERB = re.compile(r"(?<![^\W_])(?P<verb>chủ trì|thực hiện)(?![^\W_])(?!\s*:)")
_PARTNER = re.compile(r"(?<![^\W_])(?<!đơn vị )(?<!cơ quan )phối hợp(?:\s+chặt\s+chẽ)?(?:\s+với)?(?![^\W_])(?!\s*:)\s*")


def _agents_before(text: str, key: str, c_start: int, pos: int, ctx: RoleContext,
                   task_text: str) -> list[AgencyHit]:
    """The agencies of a clause that stand right before a role verb ("Giao X, Y chủ trì"), else [].

    *c_start* is where the clause starts, or where the role cue before this one in the clause ends (agents never
    stand across a cue, and reading from there keeps a chain of cues on one line linear)."""
    start = c_start
    m = cues().request_re.match(key, start)
    if m:
        start = m.end()
    hits = scan(text[start:pos], "text", ctx.issuer, task_text, ctx.province, ctx.commune).hits
    if not hits:
        return []
    tail = key[start + hits[-1].end:pos]
    if tail.strip(" ,"):
        return []
    return [replace(h, start=h.start + start, end=h.end + start) for h in hits]


def line_roles(text: str, ctx: RoleContext, task_text: str = "") -> LineRoles:
    """Agencies in role positions in one running text (a line that is not a field line).

    Reads inline fields, role verbs with their agents ("X chủ trì", "(X thực hiện; …)"), partners after
    "phối hợp (với)" — except in a clause that directs someone else ("chỉ đạo … phối hợp") — and markers.

    Examples
    --------
    >>> r = line_roles("Tham mưu sửa đổi Quy chế (Sở Thông tin và Truyền thông chủ trì, phối hợp với Sở Nội vụ, "
    ...                "Sở Tư pháp thực hiện; thời gian: quý II/2024).", RoleContext())
    >>> [h.agency.canonical for h in r.lead], [h.agency.canonical for h in r.support], r.time
    (['Sở Thông tin và Truyền thông'], ['Sở Nội vụ', 'Sở Tư pháp'], ['quý II/2024'])
    >>> r = line_roles("Giao Ban Quản lý Khu kinh tế tỉnh chủ trì, phối hợp với Sở Công Thương và Hội Hữu nghị "
    ...                "Việt Nam - Lào tỉnh quảng bá Khu kinh tế cửa khẩu.", RoleContext())
    >>> [h.agency.canonical for h in r.lead], [h.agency.canonical for h in r.support]
    (['Ban Quản lý khu kinh tế tỉnh'], ['Sở Công Thương', 'Hội Hữu nghị Việt Nam - Lào tỉnh'])
    """
    text = nfc(text)
    task_text = task_text or text
    out = LineRoles()
    content, fields = inline_fields(text)
    for role, value, offset in fields:
        if role == "time":
            out.time.append(value)
        else:
            read_list(value, role, ctx, "field", task_text, out, offset)
    text = content if fields else text
    key = line_key(text)
    clauses = _clauses(key)
    # Each cue reads only the text between its neighbours, and the sentence breaks and directives are found
    # once: a line chaining thousands of "Giao X chủ trì, phối hợp với Y …" is read in linear time.
    stops = [m.start() for m in re.finditer(r";|\. ", key)]
    directives = [(m.start(), m.end()) for m in cues().directive_re.finditer(key)]
    for c_start, c_end in clauses:
        # cues as (start, end[, verb]) tuples: a clause may hold thousands of them (see inline_fields)
        verbs = [(m.start(), m.end(), m.group("verb")) for m in _VERB.finditer(key, c_start, c_end)]
        partners = [(m.start(), m.end()) for m in _PARTNER.finditer(key, c_start, c_end)]
        cues_at = sorted([(a, b) for a, b, _ in verbs] + partners)
        cue_starts = [a for a, _ in cues_at]
        for v_start, _, verb in verbs:
            k = bisect_left(cue_starts, v_start)  # the cue before this one ends where its agents may start
            since = max(c_start, cues_at[k - 1][1]) if k else c_start
            agents = _agents_before(text, key, since, v_start, ctx, task_text)
            if agents and not (verb == "thực hiện" and partners and partners[0][1] <= v_start):
                out.lead.extend(agents)
        for p_start, p_end in partners:
            k = bisect_left(stops, p_start)
            scope = max(stops[k - 1] + 1 if k else 0, 0)
            d = bisect_left(directives, (scope, -1))
            if d < len(directives) and directives[d][1] <= p_start:
                continue  # "chỉ đạo các cơ quan (…) phối hợp với …": a duty of someone else
            k = bisect_right(cue_starts, p_start)
            end = min(cue_starts[k], c_end) if k < len(cue_starts) else c_end  # the list ends at the next cue
            before = len(out.lead)
            read_list(text[p_end:end], "support", ctx, "text", task_text, out, p_end)
            out.lead_among_partners |= len(out.lead) > before
    # a parenthesis "(X thực hiện; thời gian: T)": its time field is an inline field of the bracket
    for m in re.finditer(r"\(([^()]*)\)", text):
        _inner_content, inner = inline_fields(m.group(1))
        out.time.extend(v for r, v, _ in inner if r == "time" and v not in out.time)
    return out


def subjects(text: str, ctx: RoleContext, task_text: str = "", all_clauses: bool = False) -> list[AgencyHit]:
    """Agencies that open a text as its subject ("Sở Tài chính: tham mưu …", "Đề nghị Ban … và … lồng ghép …").

    With *all_clauses*, the clauses after ';' that open with an agency count too (parallel duties of an
    implementation item: "Đề nghị A chỉ đạo …; B và C lồng ghép …").

    Examples
    --------
    >>> [h.agency.canonical for h in subjects("Đề nghị Ủy ban MTTQ Việt Nam tỉnh và các tổ chức chính trị - xã hội "
    ...                                        "tỉnh: lồng ghép nội dung", RoleContext())]
    ['Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh', 'Các tổ chức chính trị - xã hội']
    >>> subjects("Cử cán bộ tham gia lớp bồi dưỡng do Bộ Thông tin và Truyền thông tổ chức", RoleContext())
    []
    """
    text = nfc(strip_marker(text)[1])
    key = line_key(text)
    out: list[AgencyHit] = []
    starts = [0] + ([m.end() for m in re.finditer(r";\s*", key)] if all_clauses else [])
    for start in starts:
        m = cues().request_re.match(key, start)
        pos = m.end() if m else start
        hits = scan(text[pos:], "text", ctx.issuer, task_text or text, ctx.province, ctx.commune).hits
        if not hits or hits[0].start > 2:
            if start == 0:
                return []
            continue
        out += [replace(h, start=h.start + pos, end=h.end + pos) for h in hits]
    return out
