"""Automatic re-renderings of a plan's text, with the map from old to new lines, for the renderings harness.

Each rendering is a function ``(lines, rng) -> (new_lines, origin, suffix)``: ``origin[i]`` is the 1-based line of
the input that new line ``i + 1`` comes from (None for a line the rendering added), and ``suffix`` the file type
the result is saved as. The hand-coded reference is transformed alongside with :func:`map_reference` (ids kept,
lines mapped to the first new line of the old one). Renderings are seeded (``random.Random`` with a string seed is
the same on every run and machine), so a failure can be reproduced.

The renderings imitate how the genre arrives, never one document's wording:

* ``ocr`` — a scan read by OCR: specks standing alone at line edges, label confusions ("II." → "Il.", "III." →
  "HI.", "1." → "l.", "2." → "2,", "c)" → "e)"), long lines broken at a fixed width, page numbers between lines;
* ``markdown`` — a converter's markdown: an image placeholder, "#" headings, bold labels and field labels, escaped
  markers ("1\\.", "\\-"), blank lines between paragraphs, page-break comments, tab tables as pipe tables;
* ``party`` — Party numbering "I-", "1-", "a-";
* ``pdf_long_lines`` — PDF text: the header on one long line, the body decomposed (NFD);
* ``html`` — a portal page: every line a ``<p>``, every table a ``<table>``, site chrome around it;
* ``docx`` (:func:`write_docx`) — a Word document whose labels are automatic numbering (I., 1., a) levels) and
  whose tables are Word tables.
"""
from __future__ import annotations

import html
import random
import re
import unicodedata
from collections.abc import Callable

Rendered = tuple[list[str], list[int | None], str]

_ROMAN_HEAD = re.compile(r"^(?P<pad>\s*)(?P<label>[IVX]{1,5})\.\s+(?P<rest>\S.*)$")
_NUM = re.compile(r"^(?P<pad>\s*)(?P<label>\d{1,2})\.\s+(?P<rest>\S.*)$")
_LETTER = re.compile(r"^(?P<pad>\s*)(?P<label>[a-zđ])\)\s+(?P<rest>\S.*)$")
_FIELD = re.compile(r"^(?P<pad>\s*[-+•]?\s*)(?P<label>(?:Cơ quan|Đơn vị)[^:]{0,25}(?:chủ trì|phối hợp|thực hiện)"
                    r"|Thời gian[^:]{0,20}|Chủ trì|Phối hợp):\s*")
_STARTS_ITEM = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*[.),]|[a-zđA-Z][.)]|[IVXLC]{1,7}[.\-]|[-+•*–]|\(|Số\b|"
                          r"[A-ZĐ]{2,}\b)")
_SPECKS = [":", "'", "`", "_", "¬", '"', ".", "-_", "—", "_.", "' :", ": ."]


def _is_table(line: str) -> bool:
    return "|" in line or "\t" in line


def _caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and sum(c.isupper() for c in letters) / len(letters) > 0.8


def _wrap(line: str, width: int) -> list[str]:
    """Break a long line at spaces, never so that a piece opens like an item, a bullet or a heading."""
    out, rest = [], line
    while len(rest) > width:
        cut = rest.rfind(" ", 0, width)
        while cut > width // 2 and _STARTS_ITEM.match(rest[cut + 1:]):
            cut = rest.rfind(" ", 0, cut)
        if cut <= width // 2:
            break
        out.append(rest[:cut])
        rest = rest[cut + 1:]
    out.append(rest)
    return out


def ocr(lines: list[str], rng: random.Random) -> Rendered:
    """A scan read by OCR (see the module docstring)."""
    out: list[str] = []
    origin: list[int | None] = []
    state = {"roman": "", "letter": ""}
    since_page = 0
    for n, line in enumerate(lines, start=1):
        text = line.rstrip()
        if not text.strip() or _is_table(text):
            out.append(text)
            origin.append(n)
            continue
        m = _ROMAN_HEAD.match(text)
        if m and _caps(m.group("rest")):
            label = m.group("label")
            look = {"II": "Il", "III": "HI"}.get(label)
            if look and rng.random() < 0.7:
                text = f"{m.group('pad')}{look}. {m.group('rest')}"
            state["roman"] = label
        elif (m := _NUM.match(text)) and rng.random() < 0.5:
            label = m.group("label")
            look = "l." if label == "1" else f"{label}," if label in ("2", "3", "4", "5") else f"{label}."
            text = f"{m.group('pad')}{look} {m.group('rest')}"
        elif (m := _LETTER.match(text)) and m.group("label") == "c" and rng.random() < 0.7:
            text = f"{m.group('pad')}e) {m.group('rest')}"
        pieces = _wrap(text, 72) if not _caps(text) else [text]
        for k, piece in enumerate(pieces):
            if rng.random() < 0.3:
                piece = rng.choice(_SPECKS) + " " + piece
            if rng.random() < 0.3:
                piece = piece + " " + rng.choice(_SPECKS)
            out.append(piece)
            origin.append(n if k == 0 else None)
            since_page += 1
        if since_page >= 38 and n < len(lines) - 3 and not _is_table(lines[n] if n < len(lines) else ""):
            out.append(str(len(out) // 38 + 1))  # a page number between two lines
            origin.append(None)
            since_page = 0
    return out, origin, ".txt"


def markdown(lines: list[str], rng: random.Random) -> Rendered:
    """A converter's markdown (see the module docstring)."""
    out: list[str] = ["<!-- image -->", ""]
    origin: list[int | None] = [None, None]
    in_tab_table = False
    for n, line in enumerate(lines, start=1):
        text = line.rstrip()
        if "\t" in text:
            cells = [c.strip() for c in text.split("\t")]
            out.append("| " + " | ".join(cells) + " |")
            origin.append(n)
            if not in_tab_table:
                out.append("|" + "|".join("---" for _ in cells) + "|")
                origin.append(None)
            in_tab_table = True
            continue
        in_tab_table = False
        if not text.strip() or "|" in text:
            out.append(text)
            origin.append(n)
            continue
        if m := _ROMAN_HEAD.match(text):
            text = f"## {m.group('label')}\\. {m.group('rest')}" if _caps(m.group("rest")) else text
        elif text.strip() in ("KẾ HOẠCH", "CHƯƠNG TRÌNH", "QUYẾT ĐỊNH"):
            text = "# " + text.strip()
        elif m := _NUM.match(text):
            text = f"**{m.group('label')}.** {m.group('rest')}" if rng.random() < 0.5 else \
                f"{m.group('label')}\\. {m.group('rest')}"
        elif m := _LETTER.match(text):
            text = f"**{m.group('label')})** {m.group('rest')}"
        if m := _FIELD.match(text):
            text = f"{m.group('pad')}**{m.group('label')}:** {text[m.end():]}"
        text = re.sub(r"^(\s*)- ", r"\1\\- ", text)
        out += [text, ""]
        origin += [n, None]
        if rng.random() < 0.04:
            out += ["<!-- page-break -->", ""]
            origin += [None, None]
    return out, origin, ".md"


def party(lines: list[str], rng: random.Random) -> Rendered:
    """Party numbering "I-", "1-", "a-" (see the module docstring)."""
    out = []
    for line in lines:
        text = line
        m = None if _is_table(text) else _ROMAN_HEAD.match(text)
        if m is not None and not _caps(m.group("rest")):
            m = None
        m = m or (None if _is_table(text) else _NUM.match(text) or _LETTER.match(text))
        if m is not None:
            text = f"{m.group('pad')}{m.group('label')}- {m.group('rest')}"
        out.append(text)
    return out, list(range(1, len(lines) + 1)), ".txt"


def pdf_long_lines(lines: list[str], rng: random.Random) -> Rendered:
    """PDF text: the header up to the first section or basis paragraph on one long line; the body in NFD."""
    first_body = next((i for i, ln in enumerate(lines)
                       if (_ROMAN_HEAD.match(ln) or re.match(r"^\s*(?:Căn cứ|Thực hiện)\b", ln)) and i > 2),
                      0)
    head = [ln.strip() for ln in lines[:first_body] if ln.strip() and "|" not in ln and "\t" not in ln]
    if first_body < 3 or len(head) != len([ln for ln in lines[:first_body] if ln.strip()]):
        first_body, head = 0, []  # a header with a table: left as it is
    out: list[str] = []
    origin: list[int | None] = []
    if head:
        out.append("  ".join(head))
        origin.append(1)
    for n, line in enumerate(lines[first_body:], start=first_body + 1):
        out.append(unicodedata.normalize("NFD", line))
        origin.append(n)
    return out, origin, ".txt"


_CHROME_TOP = ["<!DOCTYPE html>", "<html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Kế hoạch - Cổng thông tin "
               "điện tử</title></head><body>", "<div class=\"menu\"><a href=\"/\">Trang chủ</a> <a href=\"/tin\">Tin "
               "tức</a></div>", "<div class=\"content\">"]
_CHROME_END = ["</div>", "<div class=\"footer\">Bản quyền thuộc Cổng thông tin điện tử</div>", "</body></html>"]


def _cells(line: str, outer: bool | None = None) -> list[str] | None:
    """The cells of a table line; *outer*: whether the table draws outer pipes (its first row says), None to decide
    from this line (in a table without outer pipes, "  | thị xã … |  | BCH … |" opens with an empty TT cell)."""
    if "\t" in line:
        return [c.strip() for c in line.split("\t")]
    if line.count("|") >= 2:
        cells = [c.strip() for c in line.strip().split("|")]
        if outer is None:
            outer = line.strip().startswith("|") and line.strip().endswith("|")
        if outer and line.strip().startswith("|"):
            cells = cells[1:]
        if outer and line.strip().endswith("|"):
            cells = cells[:-1]
        return cells
    return None


def html_page(lines: list[str], rng: random.Random) -> Rendered:
    """A portal page: every line a paragraph, every table a table, one element per line, chrome around."""
    out = list(_CHROME_TOP)
    origin: list[int | None] = [None] * len(out)
    in_table = False
    outer: bool | None = None  # the table's outer pipes, decided by its first row
    for n, line in enumerate(lines, start=1):
        cells = _cells(line, outer if in_table else None)
        if cells is not None and re.fullmatch(r"[\s|:\-–—=]*", line):
            continue  # a markdown rule row
        if cells is not None:
            if not in_table:
                out.append("<table border=\"1\">")
                origin.append(None)
                in_table = True
                outer = line.strip().startswith("|") and line.strip().endswith("|")
            out.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
            origin.append(n)
            continue
        if in_table:
            out.append("</table>")
            origin.append(None)
            in_table = False
        if line.strip():
            out.append(f"<p>{html.escape(line.strip())}</p>")
            origin.append(n)
    if in_table:
        out.append("</table>")
        origin.append(None)
    out += _CHROME_END
    origin += [None] * len(_CHROME_END)
    return out, origin, ".html"


#: The renderings, by name.
RENDERINGS: dict[str, Callable[[list[str], random.Random], Rendered]] = {
    "ocr": ocr, "markdown": markdown, "party": party, "pdf_long_lines": pdf_long_lines, "html": html_page,
}


def render(name: str, lines: list[str], seed: str) -> Rendered:
    """Apply the rendering *name* with a seeded generator."""
    return RENDERINGS[name](list(lines), random.Random(f"{seed}:{name}"))


def map_reference(gold: dict, origin: list[int | None], doc: str) -> dict:
    """The hand-coded reference of a rendered plan: ids kept, each task's line mapped to the first new line of its
    old line (or of the nearest old line after it, when a rendering folded the old one into a neighbour)."""
    first: dict[int, int] = {}
    for new, old in enumerate(origin, start=1):
        if old is not None and old not in first:
            first[old] = new
    olds = sorted(first)

    def new_line(line: int) -> int:
        if line in first:
            return first[line]
        after = [o for o in olds if o >= line]
        return first[after[0]] if after else len(origin)

    out = dict(gold, doc=doc)
    out["tasks"] = [dict(t, line=new_line(t["line"])) for t in gold["tasks"]]
    return out


# ---------------------------------------------------------------------------------------------------------------
# A Word document with automatic numbering (written by python-docx; read back by the project's .docx reader)

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_LEVELS = (("upperRoman", "%1."), ("decimal", "%2."), ("lowerLetter", "%3)"))
_WORD_LETTERS = "abcdefghijklmnopqrstuvwxyz"  # Word's lowerLetter: no "đ"


def _roman(n: int) -> str:
    out, vals = "", [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    for v, s in vals:
        while n >= v:
            out, n = out + s, n - v
    return out


def word_numbering(lines: list[str]) -> list[tuple[str, int | None]]:
    """Each line as (text, list level): a label Word would display at that place is taken off the text and
    becomes automatic numbering (level 0 "I.", 1 "1.", 2 "a)"); a label Word would number otherwise stays typed.

    Word counts each level on from its last paragraph and restarts the deeper levels when a shallower one
    advances; the typed label must be exactly what that count shows, so the document displays what was typed.
    """
    counts = [0, 0, 0]
    out: list[tuple[str, int | None]] = []
    for line in lines:
        level, label, rest = None, "", line
        if _is_table(line):
            out.append((line, None))
            continue
        if (m := _ROMAN_HEAD.match(line)) and _caps(m.group("rest")):
            level, label, rest = 0, m.group("label"), m.group("rest")
        elif m := _NUM.match(line):
            level, label, rest = 1, m.group("label"), m.group("rest")
        elif m := _LETTER.match(line):
            level, label, rest = 2, m.group("label"), m.group("rest")
        if level is None:
            out.append((line, None))
            continue
        shown = counts[level] + 1
        word = _roman(shown) if level == 0 else str(shown) if level == 1 else (
            _WORD_LETTERS[shown - 1] if shown <= 26 else "")
        if word != label:
            out.append((line, None))
            continue
        counts[level] = shown
        for k in range(level + 1, 3):
            counts[k] = 0
        out.append((rest, level))
    return out


def write_docx(path, lines: list[str]) -> None:
    """Write *lines* as a .docx: numbered lines as automatic-numbering paragraphs, table lines as Word tables."""
    import docx  # python-docx (the "formats" extra)
    from docx.oxml import parse_xml

    document = docx.Document()
    numbering = document.part.numbering_part.element
    lvls = "".join(f'<w:lvl w:ilvl="{k}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
                   f'</w:lvl>' for k, (fmt, text) in enumerate(_LEVELS))
    abstract = parse_xml(f'<w:abstractNum xmlns:w="{_W_NS}" w:abstractNumId="90">{lvls}</w:abstractNum>')
    first_num = numbering.find(f"{{{_W_NS}}}num")
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(parse_xml(f'<w:num xmlns:w="{_W_NS}" w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    rows: list[list[str]] = []
    outer: bool | None = None

    def flush() -> None:
        if rows:
            width = max(len(r) for r in rows)
            table = document.add_table(rows=len(rows), cols=width)
            for r, cells in enumerate(rows):
                for c, cell in enumerate(cells):
                    table.cell(r, c).text = cell
            rows.clear()

    for text, level in word_numbering(lines):
        if not text.strip():
            continue
        cells = _cells(text, outer if rows else None)
        if cells is not None:
            if not re.fullmatch(r"[\s|:\-–—=]*", text):
                if not rows:  # the table's outer pipes, decided by its first row
                    outer = text.strip().startswith("|") and text.strip().endswith("|")
                rows.append(cells)
            continue
        flush()
        p = document.add_paragraph(text.strip())
        if level is not None:
            ppr = p._p.get_or_add_pPr()
            ppr.append(parse_xml(f'<w:numPr xmlns:w="{_W_NS}"><w:ilvl w:val="{level}"/><w:numId w:val="90"/>'
                                 f'</w:numPr>'))
    flush()
    document.save(str(path))
