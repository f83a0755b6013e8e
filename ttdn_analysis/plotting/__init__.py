"""Figures and notebook display helpers. Positions, labels and data are inputs; nothing here computes analyses."""
from __future__ import annotations

from ttdn_analysis.plotting.charts import (
                                             bar_figure,
                                             heatmap_figure,
                                             keyness_figure,
                                             stacked_share_figure,
)
from ttdn_analysis.plotting.labels import (
                                             LABELS,
                                             agency_type_label,
                                             labels,
                                             plan_labels,
                                             theme_labels,
)
from ttdn_analysis.plotting.layout import spring_positions
from ttdn_analysis.plotting.network import network_figure
from ttdn_analysis.plotting.notebook import (
                                             RENDERER,
                                             OfflineNotebookRenderer,
                                             esc,
                                             heading,
                                             html_table,
                                             markdown,
                                             number,
                                             percent,
                                             setup_plotly,
)
from ttdn_analysis.plotting.timeline import gantt_figure

__all__ = ["LABELS", "RENDERER", "OfflineNotebookRenderer", "setup_plotly", "labels", "theme_labels",
           "agency_type_label", "plan_labels", "esc", "number", "percent", "heading", "markdown", "html_table",
           "bar_figure", "heatmap_figure", "stacked_share_figure", "keyness_figure", "network_figure",
           "spring_positions", "gantt_figure"]
