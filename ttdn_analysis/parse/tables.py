"""Task tables: "TT | Nội dung | Chủ trì | Phối hợp | Thời gian" read row by row from the physical lines.

Tables come as markdown pipes (with or without outer pipes), tab-separated text (Word or a spreadsheet pasted as
text), or pipes left by a PDF or web conversion. A table is a task table when its header row names a content column
and a lead column ("Chủ trì", "Cơ quan/Đơn vị thực hiện"). Its rows are read from the raw lines — the cell
boundaries must survive — before the line joiner sees the text:

* a row whose number cell holds an arabic number (or a letter) is a task row;
* a row whose number cell holds a roman numeral and whose other cells are empty is a group row (a heading);
* a row with an empty number cell continues the row above (a multi-line cell, or one task written over several
  table rows): its cells are appended to the row's cells, so "Ban Tuyên giáo Tỉnh ủy;" + "BCH BĐBP tỉnh" is one
  list, and the task's lines run from the first row to the last. In an agency column a continued cell that opens
  a name of its own is a new item of the list ("Sở Nội vụ" + "Sở Tư pháp" → "Sở Nội vụ; Sở Tư pháp"), one whose
  name goes on across the break is joined with a space;
* a row that repeats the number of the row above together with one of its cells is the same task: a number cell
  spanning rows (HTML ``rowspan``, Word ``vMerge``) gives its text to every row it spans (the ingest readers lay
  every row out on the table's grid); the copied cells are not repeated;
* a row with an empty number cell is not joined when it has a number of its own in its content cell (the next
  number of the table's count, "3. …"), or when it is a heading over the rows below: it names no agency and no
  time and its text is a group label ("II. …", "A. …": a group row), capitals, or a capitalised line after a row
  whose text ends a sentence (a line of the text). Bold alone is not seen: the normalisation stage has removed
  emphasis before tables are read.

The rule is the same for every rendering: markdown pipes, tab-separated text, and the rows that the HTML and Word
readers give (``ttdn_analysis.ingest.html`` and ``.docx`` only deliver the cells, on the table's grid).

:func:`split_tables` replaces a task table's lines by a placeholder the line joiner never joins to, and returns
the rows; :func:`expand_tables` puts the rows back as :class:`TableRow` item lines followed by field lines
("- Đơn vị chủ trì: …"), so that tables and lists give tasks the same way. Line numbers are the physical lines.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ttdn_analysis.parse.lines import Line
from ttdn_analysis.parse.roles import column_role
from ttdn_analysis.text import nfc, roman_value, strip_markup

__all__ = ["TableRow", "Table", "PLACEHOLDER", "split_tables", "expand_tables", "header_columns", "tables_unread"]

#: A line that stands for a task table until :func:`expand_tables` puts its rows back (never joined to a neighbour).
PLACEHOLDER = "§BẢNG NHIỆM VỤ§"

_SEPARATOR = re.compile(r"^[\s|:+\-–—=]*$")
_WORDISH = re.compile(r"[^\W_]")  # a letter or a digit


@dataclass
class TableRow(Line):
    """A row of a task table as an outline item: *label* is the number cell as printed ("1", "I")."""

    label: str = ""
    group: bool = False  # a group row (roman numeral, no agencies): a heading, not a task


@dataclass
class Table:
    """A task table found in the physical lines: its columns and rows (continuation rows merged)."""

    start: int  # 1-based physical line of the header row
    end: int
    columns: dict[str, int]
    rows: list[dict] = field(default_factory=list)  # label, group, cells, start, end


def _split_cells(raw: str, outer: bool | None = None) -> list[str] | None:
    """Cells of a raw table line, or None when the line is not a table line.

    *outer*: whether the table draws outer pipes ("| 1 | … |"); None decides from this line alone. In a table
    without outer pipes, a leading "|" is an empty first cell (a continuation row).
    """
    s = nfc(raw).rstrip("\n\r")
    if s.count("\t") >= 2:  # tab-separated; a border bar left at either end ("| 1\t…\t… |") is no content
        cells = [c.strip() for c in s.split("\t")]
        cells[0] = re.sub(r"^\|\s*", "", cells[0])
        cells[-1] = re.sub(r"\s*\|$", "", cells[-1])
        return cells
    if s.count("|") >= 2:
        cells = [c.strip() for c in s.split("|")]
        stripped = s.strip()
        if outer is None:
            outer = stripped.startswith("|") and stripped.endswith("|")
        if outer and len(cells) >= 2:
            cells = cells[1 if stripped.startswith("|") else 0:-1 if stripped.endswith("|") else None]
        return cells
    return None


def header_columns(cells: list[str]) -> dict[str, int] | None:
    """Column roles of a task table's header row (num, content, lead, support, time, product, note), or None.

    The header words are the cues of ``registry/data/role_cues.csv`` (role phrases such as "chủ trì", "phối hợp",
    "tham gia", "tham mưu", "thời gian thực hiện", and the column words of form ``column``), the same the
    assignment grammar reads in field lines. The first column of each role counts; a table is a task table when it
    has a content and a lead column.

    Examples
    --------
    >>> header_columns(["TT", "Nội dung", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện"])
    {'num': 0, 'content': 1, 'lead': 2, 'support': 3, 'time': 4}
    >>> header_columns(["STT", "Hoạt động", "Cơ quan tham mưu", "Đơn vị tham gia", "Sản phẩm"])
    {'num': 0, 'content': 1, 'lead': 2, 'support': 3, 'product': 4}
    >>> header_columns(["Số hiệu", "143/KH-UBND"]) is None
    True
    """
    if len(cells) < 3:
        return None
    cols: dict[str, int] = {}
    for i, c in enumerate(cells):
        name = column_role(strip_markup(c))
        if name and name not in cols:
            cols[name] = i
    return cols if "lead" in cols and "content" in cols else None


def _is_number(label: str) -> bool:
    return bool(re.fullmatch(r"\d{1,3}(?:\.\d{1,2})*\.?|[a-zđ][.)]?", label))


_OWN_NUMBER = re.compile(r"^(\d{1,3})[.)]\s+(\S.*)$")
_GROUP_LABEL = re.compile(r"^([IVXLC]{1,7}|[A-ZĐ])[.)]\s+(\S.*)$")
_SENTENCE_END = re.compile(r"[.:!?]\s*$")


def _cell(table: Table, cells: list[str], name: str) -> str:
    i = table.columns.get(name)
    return cells[i] if i is not None and i < len(cells) else ""


def _own_number(cells: list[str], cols: dict[str, int], prev: dict) -> tuple[str, str] | None:
    """The number a row with an empty number cell prints at the head of its content cell, when it is the number
    the table's count calls for next ("3. Tổ chức …" after row 2): (label, content without it), else None."""
    content = cells[cols["content"]] if cols.get("content", len(cells)) < len(cells) else ""
    m = _OWN_NUMBER.match(content)
    if not m or not prev.get("label", "").isdigit() or int(m.group(1)) != int(prev["label"]) + 1:
        return None
    return m.group(1), m.group(2)


def _is_heading_row(table: Table, cells: list[str], prev: dict) -> bool:
    """True for a row with an empty number cell that heads the rows below instead of continuing the row above: it
    names no agency and no time, and its text is a heading (a group label "II. …", "A. …"; capitals; or a
    capitalised line after a row whose text ends a sentence, or after another heading). A row that opens with a
    decimal or a lower-case label ("2. …", "a) …") continues a cell that enumerates (unless it is the next
    number, :func:`_own_number`)."""
    if not _roles_empty(table, cells):
        return False
    text = " ".join(c for c in cells if c).strip()
    if not text:
        return False
    letters = [c for c in text if c.isalpha()]
    caps = (len(letters) >= 3 and len(text.split()) >= 3
            and sum(c.isupper() for c in letters) / len(letters) > 0.8)  # "NHÓM NHIỆM VỤ …", not "ASEAN, APEC"
    before = _cell(table, prev["cells"], "content")
    return bool(_GROUP_LABEL.match(text) or caps
                or (text[0].isupper() and (prev.get("heading") or _SENTENCE_END.search(before))))


def _continues_row(table: Table, label: str, cells: list[str], prev: dict) -> bool:
    """True when a row belongs to the task of the row above: its number cell is empty (a cell continued over
    rows), or it repeats the row above's number together with one of its cells (a number cell spanning rows,
    HTML ``rowspan`` or Word ``vMerge``, gives its text to every row it spans)."""
    if not label:
        return True
    if label.rstrip(".") != prev["label"] or prev.get("heading"):
        return False
    num = table.columns.get("num")
    return any(c and k != num and k < len(prev["cells"]) and c == prev["cells"][k] for k, c in enumerate(cells))


#: Table columns that hold agencies: a continued cell that opens a new name is a new item of the list.
_AGENCY_COLUMNS = ("lead", "support")


def _join_agencies(before: str, after: str) -> str:
    """Join the agencies of a continued cell to the cell above: with a space where the text above ends with a
    separator or the name goes on ("Ban Tuyên giáo Tỉnh ủy;" + "BCH BĐBP tỉnh", "Sở Văn hóa, Thể thao và" + "Du
    lịch"), with "; " where the row below opens a name of its own ("Sở Nội vụ" + "Sở Tư pháp": two table rows of
    one task, two agencies)."""
    from ttdn_analysis.parse.agency_spans import scan
    from ttdn_analysis.text import line_key

    if not before or re.search(r"[;,:/+&–-]\s*$|(?<![^\W_])(?:và|hoặc|với)\s*$", before):
        return f"{before} {after}".strip()
    spaced = f"{before} {after}"
    hits = scan(spaced).hits
    if any(h.start < len(before) < h.end for h in hits):
        return spaced  # a name read across the break: the cell's text was wrapped
    opened = scan(after).hits
    if opened and opened[0].start == 0 and line_key(after)[:1] != "(":
        return f"{before}; {after}"
    return spaced


def _append_row(table: Table, prev: dict, cells: list[str], line: int) -> None:
    """Append a continuation row's cells to the row above (cells equal to the row above's, the copies a spanning
    cell gives, are not repeated); the row's lines run on to *line*."""
    agency_cols = {table.columns[c] for c in _AGENCY_COLUMNS if c in table.columns}
    num = table.columns.get("num")
    for k, c in enumerate(cells):
        if not c or k == num or k >= len(prev["cells"]) or c == prev["cells"][k]:
            continue
        old = prev["cells"][k]
        prev["cells"][k] = _join_agencies(old, c) if k in agency_cols else f"{old} {c}".strip()
    prev["end"] = line


def split_tables(raw_lines: list[str]) -> tuple[list[str], list[Table]]:
    """Find task tables in raw lines; return the lines with each table replaced by a placeholder, and the tables.

    Examples
    --------
    >>> raw = ["II. NHIỆM VỤ", "TT | Nội dung | Chủ trì | Phối hợp | Thời gian", "---|---|---|---|---",
    ...        "1 | Tập huấn cho cán bộ các huyện, | Sở Ngoại vụ | Ban Tuyên giáo Tỉnh ủy; | Quý I",
    ...        "  | thị xã, thành phố |  | Công an tỉnh |", "III. KINH PHÍ"]
    >>> text, tables = split_tables(raw)
    >>> text[1:]
    ['§BẢNG NHIỆM VỤ§', '', '', '', 'III. KINH PHÍ']
    >>> row = tables[0].rows[0]
    >>> row["label"], row["cells"][1], row["cells"][3], (row["start"], row["end"])
    ('1', 'Tập huấn cho cán bộ các huyện, thị xã, thành phố', 'Ban Tuyên giáo Tỉnh ủy; Công an tỉnh', (4, 5))
    """
    out = list(raw_lines)
    tables: list[Table] = []
    i, n = 0, len(raw_lines)
    while i < n:
        cells = _split_cells(raw_lines[i])
        cols = header_columns(cells) if cells else None
        if not cols or cells is None:
            i += 1
            continue
        head = raw_lines[i].strip()
        outer = head.startswith("|") and head.endswith("|") and "\t" not in head
        width = len(cells)
        table = Table(i + 1, i + 1, cols)
        j = i + 1
        while j < n:
            raw = raw_lines[j]
            if not raw.strip():
                # a blank line inside a table: go on if the next non-blank line is a table line too
                k = j + 1
                while k < n and not raw_lines[k].strip():
                    k += 1
                if k < n and _split_cells(raw_lines[k]) is not None:
                    j = k
                    continue
                break
            row = _split_cells(raw, outer)
            if row is None:
                break
            if _SEPARATOR.match(raw):
                j += 1
                continue
            row = (row + [""] * width)[:max(width, len(row))]
            if "num" in cols:
                label = strip_markup(row[cols["num"]]).strip()
            else:  # no number column: each row that has content is the next numbered row
                label = (str(sum(1 for r in table.rows if not r.get("heading")) + 1)
                         if strip_markup(row[cols["content"]]).strip() else "")
            rest = [strip_markup(c).strip() for k2, c in enumerate(row) if k2 != cols.get("num", -1)]
            cells = [strip_markup(c).strip() for c in row]
            prev = table.rows[-1] if table.rows else None
            taken = False  # the row is a heading row of its own
            if not label and prev is not None:
                own = _own_number(cells, cols, prev)
                if own is not None:  # "| 3. Tổ chức … | Sở Ngoại vụ |": the row's number stands in its content
                    label, cells[cols["content"]] = own
                elif _is_heading_row(table, cells, prev):  # a heading over the rows below ("| NHÓM … | | |")
                    group_label = _GROUP_LABEL.match(" ".join(c for c in cells if c))
                    if group_label:  # "| II. Nhiệm vụ khác | | |": a group row, its numeral in the content cell
                        cells = [""] * len(cells)
                        cells[cols["content"]] = group_label.group(2)
                        table.rows.append({"label": group_label.group(1), "group": True, "cells": cells,
                                           "start": j + 1, "end": j + 1})
                    else:
                        table.rows.append({"label": "", "group": False, "heading": True, "cells": cells,
                                           "start": j + 1, "end": j + 1})
                    taken = True
            if taken:
                pass
            elif prev is not None and _continues_row(table, label, cells, prev):
                _append_row(table, prev, cells, j + 1)
            elif label:
                # no agency and no time: cells without a letter or digit ("-", "—", a stray "|") count as empty
                empty = not any(_WORDISH.search(cells[cols[c]]) for c in ("lead", "support", "time") if c in cols)
                number = re.match(r"^([IVXLC]+|[A-ZĐ])[.)]?(?:\s+(.+))?$", label)
                # a group row: a roman numeral or a capital letter with no agencies ("I | Biên giới", "A. BIỂN, ĐẢO")
                group = bool(number and empty
                             and (roman_value(number.group(1)) is not None or len(number.group(1)) == 1))
                if group and number and number.group(2):  # the heading written in the number cell itself
                    label = number.group(1)
                    if "content" in cols and not cells[cols["content"]]:
                        cells[cols["content"]] = number.group(2)
                if group or _is_number(label) or any(rest):
                    table.rows.append({"label": label.rstrip("."), "group": group, "cells": cells, "start": j + 1,
                                       "end": j + 1})
            table.end = j + 1
            j += 1
        _number_groups(table)
        out[i] = PLACEHOLDER
        for k in range(i + 1, table.end):
            out[k] = ""
        tables.append(table)
        i = max(j, i + 1)
    return out, tables


def _roles_empty(table: Table, cells: list[str]) -> bool:
    """True when a row names no agency and no time (cells without a letter or digit count as empty)."""
    return not any(_WORDISH.search(cells[table.columns[c]]) for c in ("lead", "support", "time")
                   if c in table.columns and table.columns[c] < len(cells))


def _number_groups(table: Table) -> None:
    """Numbered group rows: a row "1" that names no agency and no time, followed by rows "1.1", "1.2" …, is a
    heading over them (gold/dev README convention 28); its rows keep the number as printed in their text and are
    numbered relative to the group in their ``label`` ("1.1" → "1"), so that their ids are the enclosing item's
    path plus the printed number ("II.1.1")."""
    rows = table.rows
    group: dict | None = None
    for k, row in enumerate(rows):
        row.setdefault("printed", row["label"])
        if row.get("heading"):
            continue
        label = row["label"]
        if row["group"]:
            group = None
            continue
        nxt = rows[k + 1]["label"] if k + 1 < len(rows) else ""
        if re.fullmatch(r"\d{1,3}(?:\.\d{1,3})*", label) and nxt.startswith(label + ".") \
                and _roles_empty(table, row["cells"]):
            row["group"] = True
            group = row
            continue
        if group is not None:
            if label.startswith(group["printed"] + "."):
                row["label"] = label[len(group["printed"]) + 1:]
            else:
                group = None


_FIELD_LABELS = (("lead", "Đơn vị chủ trì"), ("support", "Đơn vị phối hợp"), ("time", "Thời gian thực hiện"))


def expand_tables(lines: list[Line], tables: list[Table]) -> list[Line]:
    """Put each table's rows back where its placeholder stands: an item line per row, then its field lines.

    Examples
    --------
    >>> from ttdn_analysis.parse.lines import prepare_lines
    >>> text, tables = split_tables(["| TT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian |",
    ...                              "| 1 | Tập huấn | Sở Ngoại vụ | Công an tỉnh | Quý I |"])
    >>> [(ln.text, ln.start) for ln in expand_tables(prepare_lines(text), tables)]  # doctest: +NORMALIZE_WHITESPACE
    [('1. Tập huấn', 2), ('- Đơn vị chủ trì: Sở Ngoại vụ', 2), ('- Đơn vị phối hợp: Công an tỉnh', 2),
     ('- Thời gian thực hiện: Quý I', 2)]
    """
    by_start = {t.start: t for t in tables}
    out: list[Line] = []
    for ln in lines:
        table = by_start.get(ln.start) if ln.text == PLACEHOLDER else None
        if table is None:
            out.append(ln)
            continue
        cols = table.columns
        for row in table.rows:
            cells = row["cells"]

            def cell(name: str, cells: list[str] = cells, cols: dict[str, int] = cols) -> str:
                i = cols.get(name)
                return cells[i].strip() if i is not None and i < len(cells) else ""

            content = cell("content")
            if row.get("heading"):  # a heading row over the rows below: a line of the text, not an item
                out.append(Line(" ".join(c.strip() for c in cells if c.strip()), row["start"], row["end"]))
                continue
            out.append(TableRow(f"{row.get('printed', row['label'])}. {content}".strip(), row["start"], row["end"],
                                label=row["label"], group=row["group"]))
            if row["group"]:
                continue
            for name, label in _FIELD_LABELS:
                if cell(name):
                    out.append(Line(f"- {label}: {cell(name)}", row["start"], row["end"]))
    return out


def tables_unread(raw_lines: list[str], min_rows: int = 3) -> list[tuple[int, int, int]]:
    """Tables of three or more columns that are not task tables: (first line, last line, rows), for a problem row.

    Examples
    --------
    >>> tables_unread(["STT | Việc | Ai | Khi", "1 | Tập huấn | Sở Ngoại vụ | Quý I",
    ...                "2 | Hội thảo | Sở Tư pháp | Quý II"])
    [(1, 3, 3)]
    >>> tables_unread(["TT | Nội dung | Chủ trì | Thời gian", "1 | Tập huấn | Sở Ngoại vụ | Quý I",
    ...                "2 | x | y | z"])
    []
    """
    out: list[tuple[int, int, int]] = []
    run: list[int] = []
    for i, raw in enumerate(raw_lines + [""]):
        cells = _split_cells(raw) if raw.strip() else None
        if cells is not None and len([c for c in cells if c]) >= 3 and not _SEPARATOR.match(raw):
            run.append(i)
            continue
        if cells is not None and _SEPARATOR.match(raw) and run:
            continue
        if len(run) >= min_rows and header_columns(_split_cells(raw_lines[run[0]]) or []) is None:
            out.append((run[0] + 1, run[-1] + 1, len(run)))
        run = []
    return out
