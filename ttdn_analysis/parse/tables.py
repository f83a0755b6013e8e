"""Task tables (TT | Nội dung | Chủ trì | Phối hợp | Thời gian) rewritten as items with field lines."""
from __future__ import annotations

import re

from ttdn_analysis.parse.lines import MARKER_RE, Line
from ttdn_analysis.text import line_key

__all__ = ["expand_tables"]

_COLS = [
    ("num", r"^(s?tt|số\s+tt|số\s+thứ\s+tự)$"),
    ("time", r"thời\s+gian|tiến\s+độ|thời\s+hạn"),
    ("support", r"phối\s+hợp"),
    ("lead", r"chủ\s+trì|thực\s+hiện|đơn\s+vị\s+thực|cơ\s+quan\s+thực"),
    ("content", r"nội\s+dung|nhiệm\s+vụ|hoạt\s+động|công\s+việc|tên"),
]


def _cells(text: str) -> list[str]:
    return [c.strip() for c in text.split(" | ")]


def _header_columns(text: str) -> dict[str, int] | None:
    cells = _cells(text)
    if len(cells) < 3:
        return None
    cols: dict[str, int] = {}
    for i, c in enumerate(cells):
        k = line_key(c)
        for name, pat in _COLS:
            if name not in cols and re.search(pat, k):
                cols[name] = i
                break
    return cols if "lead" in cols and "content" in cols else None


def expand_tables(lines: list[Line]) -> list[Line]:
    """Rewrite rows of a task table ("TT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian") as an item
    line followed by field lines, so tables and lists give the same tasks. Line numbers are kept.

    Examples
    --------
    >>> from ttdn_analysis.parse.lines import prepare_lines
    >>> ls = expand_tables(prepare_lines(["| TT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian |",
    ...                                   "| 1 | Tập huấn | Sở Ngoại vụ | Công an tỉnh | Quý I |"]))
    >>> [(l.text, l.start) for l in ls[1:]]  # doctest: +NORMALIZE_WHITESPACE
    [('1. Tập huấn', 2), ('- Đơn vị chủ trì: Sở Ngoại vụ', 2), ('- Đơn vị phối hợp: Công an tỉnh', 2),
     ('- Thời gian thực hiện: Quý I', 2)]
    """
    out: list[Line] = []
    cols: dict[str, int] | None = None
    width = 0
    for ln in lines:
        if ln.skip or " | " not in ln.text:
            if not ln.skip and cols is not None and ln.text.strip():
                cols = None if MARKER_RE.match(ln.text) and not MARKER_RE.match(ln.text).group("bullet") else cols
            out.append(ln)
            continue
        hdr = _header_columns(ln.text)
        if hdr:
            cols, width = hdr, len(_cells(ln.text))
            out.append(ln)
            continue
        cells = _cells(ln.text)
        if cols is None or abs(len(cells) - width) > 1:
            out.append(ln)
            continue
        cells += [""] * (width - len(cells))

        def cell(name: str) -> str:
            i = cols.get(name)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        num, content = cell("num"), cell("content")
        mk = Line
        if re.fullmatch(r"[IVX]{1,5}\.?", num):
            out.append(mk(f"{num.rstrip('.')}. {content}", ln.start, ln.end))
        elif re.fullmatch(r"\d{1,2}(?:\.\d{1,2})*\.?", num):
            out.append(mk(f"{num.rstrip('.')}. {content}", ln.start, ln.end))
        elif re.fullmatch(r"[a-zđ][.)]?", num):
            out.append(mk(f"{num[0]}) {content}", ln.start, ln.end))
        elif content:
            out.append(mk(content, ln.start, ln.end))
        for name, label in (("lead", "Đơn vị chủ trì"), ("support", "Đơn vị phối hợp"),
                            ("time", "Thời gian thực hiện")):
            if cell(name):
                out.append(mk(f"- {label}: {cell(name)}", ln.start, ln.end))
    return out
