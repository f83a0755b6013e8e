"""Themes in one namespace: the codebook, tagging with evidence, coverage with intervals and tests, KWIC, keyness,
topics and validation.

A facade over :mod:`ttdn_analysis.registry.codebook`, :mod:`~ttdn_analysis.tagging`,
:mod:`~ttdn_analysis.analysis.coverage`, :mod:`~ttdn_analysis.analysis.coverage_stats`,
:mod:`~ttdn_analysis.analysis.textstats` and
:mod:`~ttdn_analysis.analysis.validation`, so that ``from ttdn_analysis import themes`` gives a researcher every
theme function by one name.
"""
from __future__ import annotations

from ttdn_analysis.analysis.coverage import coverage, kwic, kwic_counts
from ttdn_analysis.analysis.coverage_stats import (
    UNITS,
    PooledPlansWarning,
    compare_coverage,
    coverage_stats,
    coverage_units,
    describe_comparison,
    describe_pooling,
)
from ttdn_analysis.analysis.textstats import STOP_WORDS, DocumentTermMatrix, dfm, keyness, topic_view
from ttdn_analysis.analysis.validation import gold_plan, validate
from ttdn_analysis.registry.codebook import CORE_THEMES, Codebook, Theme, load_codebook
from ttdn_analysis.tagging import TASK_THEME_COLUMNS, tag_tasks

__all__ = ["CORE_THEMES", "Codebook", "Theme", "load_codebook", "TASK_THEME_COLUMNS", "tag_tasks", "coverage", "kwic",
           "kwic_counts", "UNITS", "PooledPlansWarning", "coverage_units", "coverage_stats", "compare_coverage",
           "describe_comparison", "describe_pooling", "STOP_WORDS", "DocumentTermMatrix", "dfm", "keyness",
           "topic_view", "validate", "gold_plan"]
