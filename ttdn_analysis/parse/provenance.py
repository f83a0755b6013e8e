"""Physical-line provenance of task text: where each line of the source file begins inside a task's text.

A task's ``text`` is made of logical lines (hard wraps re-joined), and ``text_lines`` gives only the first physical
line of each. :func:`line_breaks` records, for every physical line whose text is found verbatim in the task text,
the offset at which it begins, so that a theme hit or a search match can be traced to the line it is on (and the
column within it) instead of the first line of its paragraph.
"""
from __future__ import annotations

from collections.abc import Sequence

from ttdn_analysis.parse.lines import Line, clean_line

__all__ = ["line_breaks"]


def line_breaks(lines: Sequence[Line], raw_lines: Sequence[str]) -> list[list[int]]:
    """Where each physical line begins in ``"\\n".join(ln.text for ln in lines)``.

    Parameters
    ----------
    lines : sequence of Line
        The logical lines of one task, in order (as joined into the task's ``text``).
    raw_lines : sequence of str
        The file's physical lines as read (``raw_lines[i]`` is line ``i + 1``).

    Returns
    -------
    list of [int, int]
        ``[offset, line]`` pairs sorted by offset: the physical line ``line`` (1-based) begins at character
        ``offset`` of the task text. Only lines whose cleaned text (:func:`~ttdn_analysis.parse.lines.clean_line`)
        is found verbatim at that place are listed: a line rewritten by the parser (a table row turned into an item
        and field lines) or a footnote between the parts of a wrapped sentence has no pair, and a hit on it falls
        back to the first line of its logical line.

    Examples
    --------
    >>> from ttdn_analysis.parse.lines import prepare_lines
    >>> raw = ["1. Tuyên truyền về chủ quyền biển, đảo và", "", "biên giới quốc gia", "- Đơn vị chủ trì: Sở Ngoại vụ"]
    >>> task = prepare_lines(raw)
    >>> [(ln.start, ln.end) for ln in task]
    [(1, 3), (4, 4)]
    >>> line_breaks(task, raw)
    [[0, 1], [42, 3], [61, 4]]
    >>> "\\n".join(ln.text for ln in task)[42:60]
    'biên giới quốc gia'
    """
    out: list[list[int]] = []
    base = 0
    for ln in lines:
        text = ln.text
        first = clean_line(raw_lines[ln.start - 1]) if 0 < ln.start <= len(raw_lines) else ""
        if first and text.startswith(first):
            out.append([base, ln.start])
            cursor = len(first)
            for number in range(ln.start + 1, min(ln.end, len(raw_lines)) + 1):
                piece = clean_line(raw_lines[number - 1])
                if not piece:
                    continue
                # the parser joins a wrapped line with one space, or with none after a word-final hyphen
                at = next((c for c in (cursor, cursor + 1) if text.startswith(piece, c)
                           and (c == cursor or text[cursor] == " ")), None)
                if at is None:  # a footnote or other skipped line between the parts: not in this text
                    continue
                out.append([base + at, number])
                cursor = at + len(piece)
        base += len(text) + 1
    return out
