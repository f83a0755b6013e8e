"""Plotly drawing of an agency network; positions are an input."""
from __future__ import annotations

import html
import math
from collections import defaultdict
from collections.abc import Mapping
from typing import Any, Literal

import networkx as nx
import numpy as np
import plotly.graph_objects as go

from ttdn_analysis.analysis.networks import _sorted_copy, _weighted_degree
from ttdn_analysis.io.graphs import _node_id
from ttdn_analysis.plotting.layout import spring_positions

__all__ = ["AGENCY_TYPE_COLOURS", "AGENCY_TYPE_LABELS", "network_figure"]

#: Fixed colour for each agency type (colour-blind-safe Okabe–Ito hues first); unlisted types are grey.
AGENCY_TYPE_COLOURS: dict[str, str] = {
    "state_department": "#0072B2",
    "party": "#D55E00",
    "media": "#009E73",
    "armed_forces_police": "#56B4E9",
    "mass_organisation": "#E69F00",
    "central": "#CC79A7",
    "central_agency": "#CC79A7",
    "state_government": "#332288",
    "district": "#F0E442",
    "collective": "#999999",
    "unknown": "#BBBBBB",
}


#: Display names of agency types, Vietnamese (``"vi"``) and English (``"en"``).
AGENCY_TYPE_LABELS: dict[str, dict[str, str]] = {
    "vi": {
        "state_department": "Sở, ban, ngành",
        "party": "Cơ quan Đảng",
        "media": "Cơ quan báo chí",
        "armed_forces_police": "Lực lượng vũ trang, công an",
        "mass_organisation": "Mặt trận, đoàn thể",
        "central": "Cơ quan Trung ương",
        "central_agency": "Cơ quan Trung ương",
        "state_government": "Ủy ban nhân dân",
        "district": "Cấp huyện, xã",
        "collective": "Nhóm cơ quan (tập thể)",
        "unknown": "Chưa phân loại",
    },
    "en": {
        "state_department": "State department",
        "party": "Party body",
        "media": "Media",
        "armed_forces_police": "Armed forces & police",
        "mass_organisation": "Mass organisation",
        "central": "Central agency",
        "central_agency": "Central agency",
        "state_government": "People's Committee",
        "district": "District / commune",
        "collective": "Collective (group of agencies)",
        "unknown": "Unclassified",
    },
}


_UI_LABELS: dict[str, dict[str, str]] = {
    "vi": {
        "type": "Loại",
        "n_tasks": "Số nhiệm vụ",
        "n_lead": "Chủ trì",
        "n_support": "Phối hợp",
        "weighted_degree": "Bậc có trọng số",
        "collective": "Nhóm cơ quan (tập thể)",
        "tasks": "Nhiệm vụ",
        "more": "… và {n} nhiệm vụ khác",
        "legend": "Loại cơ quan",
        "weight": "Trọng số",
        "count": "Số nhiệm vụ chung",
        "empty": "Không có dữ liệu",
    },
    "en": {
        "type": "Type",
        "n_tasks": "Tasks",
        "n_lead": "Lead",
        "n_support": "Support",
        "weighted_degree": "Weighted degree",
        "collective": "Collective (group of agencies)",
        "tasks": "Tasks",
        "more": "… and {n} more tasks",
        "legend": "Agency type",
        "weight": "Weight",
        "count": "Shared tasks",
        "empty": "No data",
    },
}


_FALLBACK_COLOUR = "#BBBBBB"


def _weight_bins(weights: list[float], n_bins: int = 4) -> list[tuple[float, float]]:
    lo, hi = min(weights), max(weights)
    if math.isclose(lo, hi):
        return [(lo, hi)]
    edges = np.linspace(lo, hi, n_bins + 1)
    return [(float(edges[i]), float(edges[i + 1])) for i in range(n_bins)]


def _bin_index(w: float, bins: list[tuple[float, float]]) -> int:
    for i, (_, hi) in enumerate(bins):
        if w <= hi or i == len(bins) - 1:
            return i
    return len(bins) - 1


def _hover(node: Any, data: Mapping[str, Any], wdeg: float, lang: str, max_tasks: int) -> str:
    ui = _UI_LABELS[lang]
    type_labels = AGENCY_TYPE_LABELS[lang]
    agency_type = str(data.get("agency_type", "unknown"))
    lines = [f"<b>{html.escape(str(_node_id(node)))}</b>"]
    lines.append(f"{ui['type']}: {html.escape(type_labels.get(agency_type, agency_type))}")
    if data.get("is_collective"):
        lines.append(html.escape(ui["collective"]))
    counts = [f"{ui[k]}: {data[k]}" for k in ("n_tasks", "n_lead", "n_support") if k in data]
    if counts:
        lines.append(html.escape(" · ".join(counts)))
    lines.append(f"{html.escape(ui['weighted_degree'])}: {wdeg:g}")
    task_list = data.get("task_list")
    if isinstance(task_list, str):
        task_list = [t for t in task_list.split("; ") if t]
    if task_list:
        lines.append(f"{html.escape(ui['tasks'])}:")
        for item in list(task_list)[:max_tasks]:
            text = str(item)
            if len(text) > 120:
                text = text[:119] + "…"
            lines.append("• " + html.escape(text))
        if len(task_list) > max_tasks:
            lines.append(html.escape(ui["more"].format(n=len(task_list) - max_tasks)))
    return "<br>".join(lines)


def network_figure(
    graph: nx.Graph,
    title: str = "",
    seed: int = 42,
    lang: Literal["vi", "en"] = "vi",
    *,
    max_hover_tasks: int = 15,
) -> go.Figure:
    """Interactive plotly drawing of an agency graph.

    Parameters
    ----------
    graph : networkx.Graph
        Usually from :func:`coassignment_graph` (with ``tasks=`` for task lists in the hover).
    title : str, default ""
        Figure title (escaped).
    seed : int, default 42
        Layout seed (:func:`spring_positions`).
    lang : {"vi", "en"}, default "vi"
        Language of legend, type names and hover labels.
    max_hover_tasks : int, default 15
        Tasks listed in a node's hover before "… and N more".

    Returns
    -------
    plotly.graph_objects.Figure
        Edge traces (one per weight-width bin, plus invisible midpoints carrying edge hovers) and one
        node trace per agency type (the legend). Node size grows with the square root of weighted
        degree; colour from :data:`AGENCY_TYPE_COLOURS`; collectives drawn as diamonds with a thick
        dark-grey outline.

    Examples
    --------
    >>> import pandas as pd
    >>> from ttdn_analysis.analysis.networks import coassignment_graph
    >>> a = pd.DataFrame({"task_id": ["t1", "t1"], "agency": ["A", "<script>x</script>"],
    ...                   "role": "support", "agency_type": ["party", "media"]})
    >>> fig = network_figure(coassignment_graph(a), lang="en")
    >>> [t.name for t in fig.data if t.mode == "markers" and t.showlegend]
    ['Party body', 'Media']
    >>> any("<script>" in h for t in fig.data for h in (t.hovertext or ()))
    False

    Notes
    -----
    All text taken from plans (agency names, task paths and titles) and the title pass through
    :func:`html.escape`, since plotly renders hover text as HTML. Plotly markers cannot have dashed
    outlines, so collectives are set apart by symbol and outline colour/width.

    See Also
    --------
    spring_positions, coassignment_graph
    """
    if lang not in _UI_LABELS:
        raise ValueError(f"lang must be 'vi' or 'en', got {lang!r}")
    ui = _UI_LABELS[lang]
    type_labels = AGENCY_TYPE_LABELS[lang]
    G = _sorted_copy(graph)
    pos = spring_positions(G, seed=seed)
    fig = go.Figure()
    fig.update_layout(
        title=html.escape(title) if title else None,
        showlegend=True,
        legend_title_text=ui["legend"],
        hovermode="closest",
        template="plotly_white",
        xaxis={"visible": False},
        yaxis={"visible": False, "scaleanchor": "x"},
        margin={"l": 10, "r": 10, "t": 50 if title else 10, "b": 10},
    )
    if G.number_of_nodes() == 0:
        fig.add_annotation(text=ui["empty"], showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
        return fig

    edges = [(u, v, float(d.get("weight", 1.0)), d) for u, v, d in G.edges(data=True)]
    arrow = " → " if G.is_directed() else " — "
    if edges:
        bins = _weight_bins([w for _, _, w, _ in edges])
        widths = np.linspace(0.8, 6.0, len(bins)) if len(bins) > 1 else [1.5]
        grouped: dict[int, list[tuple[Any, Any, float, dict]]] = defaultdict(list)
        for e in edges:
            grouped[_bin_index(e[2], bins)].append(e)
        for i in sorted(grouped):
            xs: list[float | None] = []
            ys: list[float | None] = []
            for u, v, _, _ in grouped[i]:
                xs += [pos[u][0], pos[v][0], None]
                ys += [pos[u][1], pos[v][1], None]
            lo, hi = bins[i]
            fig.add_trace(go.Scatter(
                x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False,
                name=f"{ui['weight']} {lo:.3g}–{hi:.3g}",
                line={"width": float(widths[i]), "color": "rgba(110,110,110,0.45)"},
            ))
        mid_text = []
        for u, v, w, d in edges:
            text = f"{html.escape(str(_node_id(u)))}{arrow}{html.escape(str(_node_id(v)))}<br>{ui['weight']}: {w:.3g}"
            if "count" in d:
                text += f"<br>{html.escape(ui['count'])}: {d['count']}"
            mid_text.append(text)
        fig.add_trace(go.Scatter(
            x=[(pos[u][0] + pos[v][0]) / 2 for u, v, _, _ in edges],
            y=[(pos[u][1] + pos[v][1]) / 2 for u, v, _, _ in edges],
            mode="markers", showlegend=False, name=ui["weight"],
            marker={"size": 6, "opacity": 0}, hoverinfo="text", hovertext=mid_text,
        ))

    wdeg = _weighted_degree(G)
    max_w = max(wdeg.values()) if wdeg else 0.0
    order = {t: i for i, t in enumerate(AGENCY_TYPE_COLOURS)}
    by_type: dict[str, list[Any]] = defaultdict(list)
    for n, d in G.nodes(data=True):
        by_type[str(d.get("agency_type", "unknown"))].append(n)
    for agency_type in sorted(by_type, key=lambda t: (order.get(t, len(order)), t)):
        nodes = by_type[agency_type]
        collective = [bool(G.nodes[n].get("is_collective", False)) for n in nodes]
        sizes = [10.0 + 30.0 * math.sqrt(wdeg[n] / max_w) if max_w > 0 else 14.0 for n in nodes]
        fig.add_trace(go.Scatter(
            x=[pos[n][0] for n in nodes],
            y=[pos[n][1] for n in nodes],
            mode="markers",
            name=html.escape(type_labels.get(agency_type, agency_type)),
            legendgroup=agency_type,
            showlegend=True,
            hoverinfo="text",
            hovertext=[_hover(n, G.nodes[n], wdeg[n], lang, max_hover_tasks) for n in nodes],
            marker={
                "size": sizes,
                "color": AGENCY_TYPE_COLOURS.get(agency_type, _FALLBACK_COLOUR),
                "symbol": ["diamond" if c else "circle" for c in collective],
                "line": {
                    "color": ["#444444" if c else "#FFFFFF" for c in collective],
                    "width": [3.0 if c else 1.0 for c in collective],
                },
                "opacity": 0.9,
            },
        ))
    return fig
