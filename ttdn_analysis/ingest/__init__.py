"""Ingest: plan files (txt/md/docx/pdf/html, told apart by content) to physical lines with provenance."""
from __future__ import annotations

from ttdn_analysis.ingest.formats import PLAN_SUFFIXES, describe, sniff
from ttdn_analysis.ingest.read import RawDoc, read_plan

__all__ = ["PLAN_SUFFIXES", "RawDoc", "read_plan", "sniff", "describe"]
