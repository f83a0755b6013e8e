"""Parse: a plan's lines to the document model (wrapper, header, body, appendices), its outline and tables, tasks,
the assignment grammar, timeframes and citations. Nothing here imports analysis, plotting or reports."""
from __future__ import annotations

from ttdn_analysis.parse.plan import parse_plan

__all__ = ["parse_plan"]
