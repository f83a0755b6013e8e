"""Reports for leadership: the facts behind the sentences (:mod:`~ttdn_analysis.report.brief`), running the notebooks
with parameters and exporting offline HTML with an index page (:mod:`~ttdn_analysis.report.build`)."""
from __future__ import annotations

from ttdn_analysis.report.brief import (
    BriefFacts,
    Sentence,
    Sentences,
    brief_facts,
    brief_sentences,
    change_sentences,
    headline,
    network_reading,
    network_summary,
    plan_changes,
    province_networks,
    successor_notes,
    theme_changes,
    with_successor,
)
from ttdn_analysis.report.build import (
    NOTEBOOKS,
    ReportError,
    build_reports,
    execute_notebook,
    export_html,
    header_html,
    index_html,
    notebooks_dir,
    refresh_notebooks,
)

__all__ = [
    # building the reports
    "NOTEBOOKS", "ReportError", "build_reports", "execute_notebook", "export_html", "header_html", "index_html",
    "notebooks_dir", "refresh_notebooks",
    # the facts behind the sentences
    "Sentence", "Sentences", "BriefFacts", "brief_facts", "brief_sentences", "network_reading", "network_summary",
    "province_networks", "plan_changes", "theme_changes", "change_sentences", "headline", "with_successor",
    "successor_notes",
]
