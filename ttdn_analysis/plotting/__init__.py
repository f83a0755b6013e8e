"""Figures and notebook display. Positions, labels and data are inputs; nothing here computes an analysis.

Interface text (both languages) is data: ``ttdn_analysis/labels.toml``, read by :func:`labels`.
"""
from __future__ import annotations

from ttdn_analysis.plotting.charts import bar_figure, heatmap_figure, keyness_figure, stacked_share_figure
from ttdn_analysis.plotting.labels import (
    LANGUAGES,
    agency_type_label,
    check_lang,
    label_table,
    labels,
    plan_labels,
    theme_labels,
)
from ttdn_analysis.plotting.layout import spring_positions
from ttdn_analysis.plotting.network import AGENCY_TYPE_COLOURS, NetworkCanvas, label_placements, network_figure
from ttdn_analysis.plotting.notebook import (
    RENDERER,
    OfflineNotebookRenderer,
    bullets,
    esc,
    fill,
    heading,
    html_table,
    number,
    paragraph,
    percent,
    setup_plotly,
)
from ttdn_analysis.plotting.timeline import gantt_figure

__all__ = [
    # figures
    "bar_figure", "heatmap_figure", "stacked_share_figure", "keyness_figure", "network_figure", "gantt_figure",
    "spring_positions", "label_placements", "NetworkCanvas", "AGENCY_TYPE_COLOURS",
    # interface text
    "LANGUAGES", "check_lang", "label_table", "labels", "theme_labels", "agency_type_label", "plan_labels",
    # notebook display
    "RENDERER", "OfflineNotebookRenderer", "setup_plotly", "esc", "number", "percent", "heading", "fill",
    "paragraph", "bullets", "html_table",
]
