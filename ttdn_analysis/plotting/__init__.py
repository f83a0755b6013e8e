"""Figures and notebook display. Positions, labels and data are inputs; nothing here computes an analysis.

Interface text (both languages) is data: ``ttdn_analysis/labels.toml``, read by :func:`labels`. The names below are
imported from their modules on first use, so that :mod:`ttdn_analysis.plotting.palette` (the colours, also used by
the GEXF export) loads without plotly.

Examples
--------
>>> from ttdn_analysis import plotting
>>> len(plotting.PALETTE) >= 12, plotting.AGENCY_TYPE_COLOURS["party"]
(True, '#D55E00')
"""
from __future__ import annotations

import importlib
from typing import Any

# Imported now: the module shares its name with its function `labels`, which must win over the submodule.
from ttdn_analysis.plotting.labels import (
    LANGUAGES,
    agency_type_label,
    check_lang,
    label_table,
    labels,
    plan_labels,
    theme_labels,
)

#: Public name -> the module that defines it.
_SOURCES: dict[str, str] = {
    **dict.fromkeys(["bar_figure", "heatmap_figure", "stacked_share_figure", "keyness_figure"], "charts"),
    "spring_positions": "layout",
    **dict.fromkeys(["NetworkCanvas", "label_placements", "network_figure"], "network"),
    **dict.fromkeys(["RENDERER", "OfflineNotebookRenderer", "bullets", "esc", "isolate", "fill", "heading",
                     "html_table", "number", "paragraph", "percent", "setup_plotly"], "notebook"),
    **dict.fromkeys(["PALETTE", "AGENCY_TYPE_COLOURS", "colours"], "palette"),
    **dict.fromkeys(["chart_name", "chart_table", "figure_html"], "accessible"),
    "gantt_figure": "timeline",
}

__all__ = [
    # figures
    "bar_figure", "heatmap_figure", "stacked_share_figure", "keyness_figure", "network_figure", "gantt_figure",
    "spring_positions", "label_placements", "NetworkCanvas", "AGENCY_TYPE_COLOURS", "PALETTE", "colours",
    # what a chart is without its drawing
    "chart_name", "chart_table", "figure_html",
    # interface text
    "LANGUAGES", "check_lang", "label_table", "labels", "theme_labels", "agency_type_label", "plan_labels",
    # notebook display
    "RENDERER", "OfflineNotebookRenderer", "setup_plotly", "esc", "isolate", "number", "percent", "heading",
    "fill", "paragraph", "bullets", "html_table",
]


def __getattr__(name: str) -> Any:
    """Import the module of a public name on first use."""
    if name in _SOURCES:
        module = importlib.import_module(f"{__name__}.{_SOURCES[name]}")
        value = getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
