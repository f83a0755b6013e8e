"""HTML reader: the main article of a web page as lines, site chrome dropped."""
from __future__ import annotations

import re
from collections import Counter

from ttdn_analysis.ingest.docx import _format_number, _int, list_number_problem
from ttdn_analysis.ingest.limits import (
    MAX_HTML_DEPTH,
    MAX_HTML_ELEMENTS,
    MAX_LINES,
    MAX_LIST_NUMBER,
    TooLong,
    too_long_message,
)
from ttdn_analysis.schema import problem_row

__all__ = ["html_lines", "table_grid"]

_DROP_TAGS = ["script", "style", "noscript", "nav", "header", "footer", "aside", "iframe", "svg", "template",
              "button", "select", "textarea", "input", "head", "object", "embed", "canvas", "map"]


_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article", "main",
               "blockquote", "dl", "dt", "dd", "figure", "figcaption", "address", "center", "hr", "body", "html",
               "caption", "tbody", "thead", "tfoot", "header", "footer", "details", "summary", "fieldset",
               "legend", "form"}


_MAIN_TOKENS = ("content", "article", "noidung", "toanvan")


_OPEN_TAG = re.compile(rb"<[A-Za-z]")


_HAS_MARKER = re.compile(r"^\s*(?:[IVX]{1,5}\.|\d{1,2}(?:\.\d{1,2})*[.)]|[a-zđ]\)|[-–•*+])\s")


def _norm(s: str) -> str:
    """Runs of white space as one space (str.split: one pass in C; a regex substitution per space took seconds on a
    10 MB line). Invisible characters are removed later, for every format, by :mod:`.hygiene`."""
    return " ".join(s.split())


def _is_hidden(tag) -> bool:
    style = (tag.get("style") or "").replace(" ", "").lower()
    return ("display:none" in style or "visibility:hidden" in style or tag.has_attr("hidden")
            or tag.get("aria-hidden") == "true")


def _text_len(el) -> int:
    return len(_norm(el.get_text(" ")))


def _tags(root) -> list:
    """The elements under *root* in document order (one walk; bs4's ``find_all`` filters cost far more)."""
    from bs4 import Tag

    return [el for el in root.descendants if isinstance(el, Tag)]


def _gone(tag) -> bool:
    """True for an element removed with ``decompose()`` (read from the element itself: bs4's ``decomposed``
    property searches the element's subtree for a child named "_decomposed" when it was never removed)."""
    return bool(tag.__dict__.get("_decomposed", False))


def _pick_main(soup):
    """The element holding the document: article/main/content-like element, else the <p>-richest container."""
    body = soup.body or soup
    tags = _tags(body)
    cands = [el for el in tags if el.name in ("article", "main")]
    for el in tags:
        ident = " ".join([el.get("id") or ""] + list(el.get("class") or [])).lower()
        if ident and any(t in ident for t in _MAIN_TOKENS):
            cands.append(el)
    p_score: Counter = Counter()
    parent_of: dict[int, object] = {}
    for p in tags:
        if p.name == "p" and p.parent is not None:
            p_score[id(p.parent)] += len(_norm(p.get_text(" ")))
            parent_of.setdefault(id(p.parent), p.parent)
    p_best = None
    if p_score:
        p_best = parent_of[p_score.most_common(1)[0][0]]
    best = None
    if cands:
        sized = [(c, _text_len(c)) for c in cands]
        top = max(s for _, s in sized)
        if top:
            close = [c for c, s in sized if s >= 0.8 * top]
            # the tightest wrapper that still holds (nearly) all the text
            best = max(close, key=lambda c: len(list(c.parents)))
    if best is not None and (p_best is None or p_best is best or _text_len(best) >= 0.5 * _text_len(p_best)):
        return best
    return p_best if p_best is not None else body


def _ol_marker(ol, n: int) -> str | None:
    """The marker of item *n* of list *ol* ("b)", "iv.", "3."), or None past the list-number limit."""
    kind = ol.get("type") or "1"
    fmt, end = {"a": ("lowerLetter", ")"), "A": ("upperLetter", ")"), "i": ("lowerRoman", "."),
                "I": ("upperRoman", ".")}.get(kind, ("decimal", "."))
    label = _format_number(n, fmt)
    return None if label is None else label + end


def _depth(soup) -> int:
    """How deep the page's elements nest (one pass, no recursion)."""
    from bs4 import Tag

    depth = {id(soup): 0}
    deepest = 0
    for el in soup.descendants:
        if isinstance(el, Tag):
            d = depth.get(id(el.parent), 0) + 1
            depth[id(el)] = d
            deepest = max(deepest, d)
    return deepest


class _HtmlEmitter:
    """Lines of the page's blocks, in document order.

    The walk keeps its own stack of pending steps instead of recursing, so a page nested thousands of levels deep
    cannot exhaust Python's recursion limit; the steps are those a recursive walk would take, in the same order.
    """

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.buf: list[str] = []
        self.marker = ""
        self.todo: list[tuple] = []
        self.too_large: int | None = None  # the first list number past MAX_LIST_NUMBER, when one is met

    def flush(self) -> None:
        text = _norm("".join(self.buf))
        self.buf = []
        if text:
            if self.marker and not _HAS_MARKER.match(text):
                text = f"{self.marker} {text}"
            self.marker = ""
            self.lines.append(text)

    def run(self, *steps: tuple) -> None:
        """Carry out *steps* and every step they lead to."""
        self.todo.extend(reversed(steps))
        while self.todo:
            step = self.todo.pop()
            op = step[0]
            if op == "buf":
                self.buf.append(step[1])
            elif op == "walk":
                self.todo.extend(reversed(self._walk_steps(step[1])))
            elif op == "flush":
                self.flush()
            elif op == "marker":
                self.marker = step[1]
            elif op == "list":
                self.todo.extend(reversed(self._list_steps(step[1])))
            elif op == "table":
                self.todo.extend(reversed(self._table_steps(step[1])))
            elif op == "line":
                self.lines.append(step[1])
            if len(self.lines) > MAX_LINES:
                raise TooLong(f"{MAX_LINES} lines")
            elif op == "pre":
                self.lines.extend(s for s in (_norm(x) for x in step[1].get_text().split("\n")) if s)

    def walk(self, el) -> None:
        self.run(("walk", el))

    def table(self, tbl) -> None:
        self.run(("table", tbl))

    def _walk_steps(self, el) -> list[tuple]:
        from bs4 import NavigableString, Tag
        from bs4.element import PreformattedString
        steps: list[tuple] = []
        for child in el.children:
            if isinstance(child, NavigableString):
                if not isinstance(child, PreformattedString):  # comments, doctype, CDATA
                    steps.append(("buf", str(child)))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name
            if name == "br":
                steps.append(("flush",))
            elif name == "table":
                steps += [("flush",), ("table", child)]
            elif name == "pre":
                steps += [("flush",), ("pre", child)]
            elif name in ("ul", "ol"):
                steps += [("flush",), ("list", child)]
            elif name == "li":  # a stray <li>
                steps += [("flush",), ("marker", "-"), ("walk", child), ("flush",)]
            elif name in _BLOCK_TAGS:
                steps += [("flush",), ("walk", child), ("flush",)]
            else:
                steps.append(("walk", child))
        return steps

    def _list_steps(self, lst) -> list[tuple]:
        style = (lst.get("style") or "").replace(" ", "").lower()
        plain = "list-style:none" in style or "list-style-type:none" in style
        n = _int(lst.get("start"), 1) - 1
        steps: list[tuple] = []
        for li in lst.find_all("li", recursive=False):
            n = _int(li.get("value"), n + 1)
            if not plain and "list-style-type:none" not in (li.get("style") or "").replace(" ", "").lower():
                marker = _ol_marker(lst, n) if lst.name == "ol" else "-"
                if marker is None:
                    self.too_large = n if self.too_large is None else self.too_large
                    n = min(n, MAX_LIST_NUMBER + 1)  # the next items count on from here, never further away
                else:
                    steps.append(("marker", marker))
            steps += [("walk", li), ("flush",)]
        for c in lst.children:  # stray content directly inside <ul>
            if getattr(c, "name", None) not in ("li", None):
                steps += [("walk", c), ("flush",)]
        return steps

    def _table_steps(self, tbl) -> list[tuple]:
        steps: list[tuple] = []
        rows = [tr for tr in tbl.find_all("tr") if tr.find_parent("table") is tbl]
        grids = table_grid(rows)
        data = _is_data_table(grids)
        for tr, grid in zip(rows, grids):
            cells = [c for c in tr.find_all(["td", "th"], recursive=False) if _norm(c.get_text(" "))]
            if not data and len(cells) == 1 and sum(1 for g in grid if g) <= 1:
                steps += [("walk", cells[0]), ("flush",)]  # layout table: one filled cell holds ordinary blocks
            elif any(grid):
                steps.append(("line", " | ".join(grid)))
        return steps


def _is_data_table(grid: list[list[str]]) -> bool:
    """True for a table of data (a task table): some row fills three cells or more. Its rows are given as rows
    whatever they hold, so that a row with one filled cell (a cell continued from the row above, a heading over
    columns) keeps its column for the table reader; in a layout table such a row holds ordinary paragraphs.

    Examples
    --------
    >>> _is_data_table([["TT", "Nội dung", "Chủ trì"], ["", "tiếp theo", ""]]), _is_data_table([["Nội dung", ""]])
    (True, False)
    """
    return any(sum(1 for c in row if c) >= 3 for row in grid)


def _span(cell, name: str) -> int:
    """A cell's rowspan or colspan as a number from 1 to 100 (a missing or broken value is 1)."""
    return min(max(_int(cell.get(name), 1), 1), 100)


def _fill_carried(row: list[str], carried: dict[int, tuple[str, int]]) -> None:
    """Append to *row* the texts of the rowspan cells that cover its next columns."""
    while len(row) in carried:
        col = len(row)
        text, left = carried[col]
        row.append(text)
        if left <= 1:
            del carried[col]
        else:
            carried[col] = (text, left - 1)


def table_grid(rows: list) -> list[list[str]]:
    """The text of a table's rows laid out on its grid: a rowspan cell gives its text to every row it spans (a
    shared "Đơn vị thực hiện" cell belongs to each of its rows), a colspan cell stands in its first column and
    leaves the others empty (a group row "1 | Biên giới | | |").

    Parameters
    ----------
    rows : list of bs4.Tag
        The ``<tr>`` elements of one table, in order.

    Returns
    -------
    list of list of str
        One list of cell texts per row, all as wide as the widest row.

    Examples
    --------
    >>> from bs4 import BeautifulSoup
    >>> t = BeautifulSoup("<table><tr><td>1</td><td colspan='2'>Nhóm</td></tr><tr><td>1.1</td>"
    ...                   "<td rowspan='2'>Sở Ngoại vụ</td><td>Quý I</td></tr><tr><td>1.2</td><td>Quý II</td></tr>"
    ...                   "</table>", "html.parser")
    >>> table_grid(t.find_all("tr"))
    [['1', 'Nhóm', ''], ['1.1', 'Sở Ngoại vụ', 'Quý I'], ['1.2', 'Sở Ngoại vụ', 'Quý II']]
    """
    carried: dict[int, tuple[str, int]] = {}  # column -> (text, rows still to fill)
    out: list[list[str]] = []
    for tr in rows:
        row: list[str] = []
        for cell in tr.find_all(["td", "th"], recursive=False):
            _fill_carried(row, carried)
            text = _norm(cell.get_text(" "))
            down, across = _span(cell, "rowspan"), _span(cell, "colspan")
            for k in range(across):
                if down > 1:
                    carried[len(row)] = (text if k == 0 else "", down - 1)
                row.append(text if k == 0 else "")
        _fill_carried(row, carried)
        for c in sorted(k for k in carried if k >= len(row)):  # spans still running past the row's own cells
            row += [""] * (c - len(row))
            _fill_carried(row, carried)
        out.append(row)
    width = max((len(r) for r in out), default=0)
    return [r + [""] * (width - len(r)) for r in out]


def html_lines(data: bytes) -> tuple[list[str], list[dict]]:
    """Lines of the main text of an HTML page: one per block (p, h1-h6, li, div text, table row), chrome dropped.

    Examples
    --------
    >>> page = ("<html><nav>Trang chủ</nav><article><h2>II. NHIỆM VỤ</h2><p>1. Việc A<br>"
    ...         "- Đơn vị chủ trì: Sở Ngoại vụ</p></article><footer>&copy; 2024</footer></html>").encode()
    >>> html_lines(page)[0]
    ['II. NHIỆM VỤ', '1. Việc A', '- Đơn vị chủ trì: Sở Ngoại vụ']
    """
    from bs4 import BeautifulSoup

    problems: list[dict] = []
    raw = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    n_tags = len(_OPEN_TAG.findall(raw))  # counted on the bytes: parsing is what costs
    if n_tags > MAX_HTML_ELEMENTS:
        return [], [problem_row(None, "error", "too_large", f"the page has {n_tags} elements (a plan's page has a "
                                f"few thousand; at most {MAX_HTML_ELEMENTS} are read): it is not an ordinary web "
                                "page; copy the plan's text into a .txt file")]
    try:
        soup = BeautifulSoup(raw.decode("utf-8"), "html.parser")
    except UnicodeDecodeError:
        soup = BeautifulSoup(raw, "html.parser")  # the page's own charset declaration, else a guess
        problems.append(problem_row(None, "warning", "encoding",
                                 f"page is not UTF-8; decoded as {soup.original_encoding or 'a guessed encoding'}"))
    deepest = _depth(soup)
    if deepest > MAX_HTML_DEPTH:
        return [], [problem_row(None, "error", "too_large", f"the page nests its elements {deepest} levels deep (an "
                                f"article nests a few dozen; at most {MAX_HTML_DEPTH} are read): it is not an "
                                "ordinary web page; copy the plan's text into a .txt file")]
    keep_inside = ("article", "main")
    drop = set(_DROP_TAGS)
    for tag in _tags(soup):  # chrome and hidden elements (one walk; a removed element's inside is skipped)
        if _gone(tag):
            continue
        if tag.name in drop:
            if tag.name == "header" and tag.find_parent(keep_inside) is not None:
                pass  # an article's own header holds its title
            else:
                tag.decompose()
                continue
        if _is_hidden(tag):
            tag.decompose()
    body_len = _text_len(soup.body or soup)
    for form in [t for t in _tags(soup) if t.name == "form"]:  # ASP.NET pages wrap everything in one <form>
        if not _gone(form) and _text_len(form) < 0.5 * body_len:
            form.decompose()
    main = _pick_main(soup)
    em = _HtmlEmitter()
    try:
        if main.name in ("table",):
            em.table(main)
        else:
            em.walk(main)
    except TooLong as exc:
        return [], problems + [problem_row(None, "error", "too_large", too_long_message(str(exc)))]
    em.flush()
    if em.too_large is not None:
        problems.append(list_number_problem(em.too_large))
    return em.lines, problems
