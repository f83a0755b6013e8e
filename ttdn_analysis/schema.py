"""The corpus schema in one place: the tables, their columns, and the catalogue of problem kinds."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

__all__ = ["TABLES", "PARSE_TABLES", "META", "COLUMNS", "PLAN_KINDS", "ProblemKind", "PROBLEM_KINDS", "problem_row",
           "empty_table", "problem_kinds_table"]

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
              "time_start", "time_end", "per_year", "section", "text_lines", "text_breaks", "numbering_gap"] + META,
    "assignments": ["plan_id", "task_id", "path", "agency", "agency_raw", "role", "is_collective", "agency_type",
                    "line", "numbering_gap"] + META,
    "task_themes": ["plan_id", "task_id", "path", "theme", "core", "terms", "hits", "snippet", "line", "in_title",
                    "in_heading", "sentences", "sentence_share", "density", "focus", "codebook_version"] + META,
    "problems": ["source_file", "line", "severity", "kind", "message"],
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


@dataclass(frozen=True)
class ProblemKind:
    """One kind of ``problems`` row: its usual severity and what it means for the researcher."""

    kind: str
    severity: str  # "error" (the file or plan could not be used), "warning" (a result may be wrong), "info"
    meaning: str


#: Every kind of problem the loader reports (README's list is tested against this catalogue).
PROBLEM_KINDS: dict[str, ProblemKind] = {k.kind: k for k in [
    ProblemKind("unreadable", "error", "the file could not be read (missing, corrupt, or not text)"),
    ProblemKind("empty", "error", "the file holds no text"),
    ProblemKind("encoding", "warning", "not UTF-8: decoded as Windows-1258, or a legacy font encoding"),
    ProblemKind("too_large", "error", "the file, or the text extracted from it, is above the size limit"),
    ProblemKind("unsupported_format", "warning", "not a plan file type; skipped"),
    ProblemKind("skipped", "warning", "met in the folder but not read: a subfolder, a hidden file, a link that leaves "
                "the folder (read only with follow_links=True), a broken or looping link, a pipe or device"),
    ProblemKind("control_characters", "warning", "invisible control characters removed; Word's manual line break "
                "(vertical tab) read as a line break"),
    ProblemKind("manifest", "warning", "a row or value of manifest.csv that could not be used (the plan loads with "
                "what its own text says)"),
    ProblemKind("wrong_format", "error", "the content is not what the file name says"),
    ProblemKind("no_text_layer", "error", "a scanned PDF without text: OCR it first"),
    ProblemKind("duplicate", "warning", "same content as another file; loaded once"),
    ProblemKind("parse_failed", "error", "the file could not be parsed (a parser bug, or its process ran out of "
                "memory twice): the other plans still load"),
    ProblemKind("themes_failed", "error", "theme tagging failed for this plan: its tasks carry no themes"),
    ProblemKind("no_tasks", "error", "no task section or numbered tasks found"),
    ProblemKind("no_province", "warning", "the plan's province could not be read from its header"),
    ProblemKind("no_year", "warning", "the year the plan is for could not be read"),
    ProblemKind("unknown_agency", "warning", "an agency the registry does not know (kept, with its printed name)"),
    ProblemKind("numbering_gap", "warning", "the outline numbering skips: headings lost in conversion or scraping"),
    ProblemKind("duplicate_path", "warning", "an outline number occurs twice; the second copy gets a suffix"),
    ProblemKind("unplaced_line", "info", "a line in no task and in no known non-task part of the plan"),
    ProblemKind("no_number", "warning", "the document number ('Số: …/KH-UBND') was not found or is left blank"),
    ProblemKind("no_date", "warning", "the signing date was not found or is incomplete ('ngày … tháng … năm …')"),
    ProblemKind("no_lead", "warning", "a task with no lead agency: it adds nothing to lead counts or networks"),
    ProblemKind("unparsed_assignment", "warning", "a role cue ('chủ trì', 'phối hợp') whose agency could not be read"),
    ProblemKind("unread_table", "warning", "a table, or task-like text, that was not read as tasks"),
    ProblemKind("citation_typo", "warning", "a cited reference that looks like a typo of a known instrument "
                "(same kind and date, almost the same number): check the plan's text"),
    ProblemKind("province_defunct", "warning", "the plan is dated after its province was merged into another one"),
    ProblemKind("province_mismatch", "warning", "the header's province is not the province the plan's text names"),
    ProblemKind("near_duplicate", "warning", "most of the plan's task text is found in another plan (named)"),
    ProblemKind("agency_defunct", "warning", "the plan assigns an agency abolished or merged before the plan's date"),
    ProblemKind("unresolved_reference", "warning", "a cross-reference ('chủ trì thực hiện … tại mục 2 Phần II') that names no task of the plan"),
]}


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
    ['source_file', 'line', 'severity', 'kind', 'message']
    """
    return pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS[name]})
