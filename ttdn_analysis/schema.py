"""The corpus schema in one place: the tables, their columns, and the catalogue of problem kinds."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ttdn_analysis.messages import kinds as _catalogued_kinds

__all__ = ["TABLES", "PARSE_TABLES", "META", "COLUMNS", "PLAN_KINDS", "TASK_KINDS", "COMPARABLE_TASK_KINDS",
           "task_kind", "task_kinds_of", "ProblemKind", "PROBLEM_KINDS", "problem_row", "empty_table",
           "problem_kinds_table"]

#: The tables of a corpus, in the order they are written and shown.
TABLES = ("plans", "tasks", "assignments", "task_themes", "problems", "citations", "sections")
#: The tables a plan's parse gives (theme tagging is a later step with a cache of its own).
PARSE_TABLES = tuple(t for t in TABLES if t != "task_themes")
#: Plan metadata carried on every row of the row-level tables, so that they group without joins.
META = ["province", "merged_province", "year", "level", "source_file"]

COLUMNS: dict[str, list[str]] = {
    "plans": ["plan_id", "source_file", "province", "merged_province", "year", "issuer", "level", "kind", "number",
              "date", "title", "content_hash", "encoding", "n_lines"],
    "tasks": ["plan_id", "task_id", "path", "title", "text", "line_start", "line_end", "timeframe", "time_kind",
              "time_start", "time_end", "per_year", "section", "task_kind", "text_lines", "text_breaks",
              "numbering_gap", "numbering_repaired", "page", "ocr_low_confidence"] + META,
    "assignments": ["plan_id", "task_id", "path", "agency", "agency_raw", "role", "is_collective", "agency_type",
                    "line", "confidence", "task_kind", "numbering_gap", "page"] + META,
    "task_themes": ["plan_id", "task_id", "path", "theme", "core", "terms", "hits", "snippet", "line", "in_title",
                    "in_heading", "sentences", "sentence_share", "density", "focus", "codebook_version"] + META,
    # page: the page of a PDF or page image the line is on (None for other files); ocr_low_confidence: the task's
    # heading, a role cue or an agency rests on words OCR read with low confidence (ttdn_analysis.parse.ocr_review)
    "problems": ["source_file", "line", "severity", "kind", "message", "page"],
    "citations": ["plan_id", "task_id", "line", "kind", "ref", "issuer", "date", "raw", "issuer_level"] + META,
    # the body's text outside tasks: preamble, purpose items, section introductions, budget, closing remarks
    "sections": ["plan_id", "path", "kind", "title", "text", "line_start", "line_end", "text_lines"] + META,
}


#: Values of ``plans.kind`` and what each means for a comparison (read by :mod:`ttdn_analysis.parse.kinds`, or
#: set in the manifest's ``kind`` column).
PLAN_KINDS: dict[str, str] = {
    "annual": "the yearly foreign-information (TTĐN) plan of a province or a department ('… năm 2025')",
    "implementation": "implements a named instrument ('triển khai Nghị quyết 47/NQ-CP …'); its tasks follow that "
                      "instrument, not the year's TTĐN guidance",
    "programme": "covers several years ('giai đoạn 2021-2025', '2023 - 2025')",
}


#: Values of ``tasks.task_kind`` (and ``assignments.task_kind``): what kind of unit of the plan a task is. Plans
#: differ in which of these they have (one lists its duties per agency in TỔ CHỨC THỰC HIỆN, another only says
#: "the departments carry out this plan"), so counts, shares and networks compare plans on the kinds every plan
#: has: :data:`COMPARABLE_TASK_KINDS`.
TASK_KINDS: dict[str, str] = {
    "body_task": "a task of the plan's task sections (NHIỆM VỤ, NỘI DUNG …), as numbered or as a table row",
    "duty_block": "an agency's block of duties in the implementation section (TỔ CHỨC THỰC HIỆN: '1. Sở Ngoại vụ: …')",
    "appendix_row": "a row of a task table in an appendix after the signature (PHỤ LỤC; paths 'PL.…')",
}
#: The task kinds that stand for the same thing in every plan (its list of tasks): the default unit of coverage,
#: networks and the leadership brief.
COMPARABLE_TASK_KINDS: tuple[str, ...] = ("body_task", "appendix_row")


def task_kind(section: object, path: object) -> str:
    """The :data:`TASK_KINDS` value of a task, from its section kind and outline path.

    Examples
    --------
    >>> task_kind("tasks", "II.3.a"), task_kind("implementation", "IV.2"), task_kind("tasks", "PL.II.4")
    ('body_task', 'duty_block', 'appendix_row')
    """
    if isinstance(path, str) and path.startswith("PL"):
        return "appendix_row"
    return "duty_block" if section == "implementation" else "body_task"


def task_kinds_of(table: pd.DataFrame) -> pd.Series:
    """The ``task_kind`` of each row of a tasks or assignments table (derived from ``section`` and ``path`` where
    the column is missing or empty, as in tables built by hand).

    Examples
    --------
    >>> task_kinds_of(pd.DataFrame({"path": ["II.1", "PL.3"], "section": ["tasks", "tasks"]})).tolist()
    ['body_task', 'appendix_row']
    """
    n = len(table)
    have = table["task_kind"].astype(object) if "task_kind" in table.columns else pd.Series([None] * n,
                                                                                            index=table.index)
    section = table["section"] if "section" in table.columns else pd.Series([None] * n, index=table.index)
    path = table["path"] if "path" in table.columns else pd.Series([None] * n, index=table.index)
    derived = [task_kind(s, p) for s, p in zip(section, path)]
    return pd.Series([h if isinstance(h, str) and h else d for h, d in zip(have, derived)], index=table.index,
                     dtype=object, name="task_kind")


@dataclass(frozen=True)
class ProblemKind:
    """One kind of ``problems`` row: its usual severity, what it means for the researcher, and its stable code."""

    kind: str
    severity: str  # "error" (the file or plan could not be used), "warning" (a result may be wrong), "info"
    meaning: str
    code: str = ""


#: Every kind of problem the loader reports, derived from the message catalogue ``ttdn_analysis/messages.toml``
#: (section ``kinds``: code, severity, English and Vietnamese meaning): add a new kind there, not here. README's
#: list is tested against this catalogue.
PROBLEM_KINDS: dict[str, ProblemKind] = {k.kind: ProblemKind(k.kind, k.severity, k.en, k.code)
                                         for k in _catalogued_kinds().values()}


def problem_kinds_table() -> str:
    """The catalogue of problem kinds as a Markdown table (README's list is this text, and a test checks it).

    Examples
    --------
    >>> print(problem_kinds_table().splitlines()[2])
    | `unreadable` | error | the file could not be read (missing, corrupt, or not text) |
    """
    rows = ["| kind | usual severity | meaning |", "|---|---|---|"]
    rows += [f"| `{k.kind}` | {k.severity} | {k.meaning} |" for k in PROBLEM_KINDS.values()]
    return "\n".join(rows) + "\n"


def problem_row(line: int | None, severity: str, kind: str, message: str) -> dict:
    """One ``problems`` row (without the file, which the loader adds).

    Examples
    --------
    >>> problem_row(3, "warning", "no_year", "no year in the title")["kind"]
    'no_year'
    """
    return {"line": line, "severity": severity, "kind": kind, "message": message}


def empty_table(name: str) -> pd.DataFrame:
    """An empty table *name* with its columns.

    Examples
    --------
    >>> list(empty_table("problems").columns)
    ['source_file', 'line', 'severity', 'kind', 'message', 'page']
    """
    return pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS[name]})
