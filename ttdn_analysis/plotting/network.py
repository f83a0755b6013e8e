"""Plotly drawing of an agency network: positions and notes are inputs; names of the central agencies on the chart."""
from __future__ import annotations

import html
import math
import textwrap
from collections import defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import plotly.graph_objects as go

from ttdn_analysis.analysis.networks import _sorted_copy
from ttdn_analysis.plotting.labels import check_lang, labels
from ttdn_analysis.plotting.layout import spring_positions
from ttdn_analysis.plotting.palette import AGENCY_TYPE_COLOURS, FALLBACK_COLOUR

__all__ = ["AGENCY_TYPE_COLOURS", "NetworkCanvas", "label_placements", "network_figure"]

_FALLBACK_COLOUR = FALLBACK_COLOUR
_Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in pixels, y downwards


@dataclass(frozen=True)
class NetworkCanvas:
    """The pixel geometry a network chart is laid out for.

    Labels are placed so that they do not overlap on a plot at least ``width`` pixels wide (a wider plot only
    spreads the nodes further apart; the height is fixed). 1,000 px fits a report read at 1,400 px.
    """

    width: int = 1000
    height: int = 620
    font_size: int = 11
    #: average advance of a character, as a share of the font size (Arial, Vietnamese text; a little generous)
    char_width: float = 0.62
    line_height: float = 1.3
    wrap: int = 24
    margin: int = 10
    title_space: int = 50

    def plot_area(self, titled: bool) -> tuple[float, float]:
        """Width and height in pixels of the area inside the margins."""
        top = self.title_space if titled else self.margin
        return self.width - 2 * self.margin, self.height - top - self.margin

    def text_size(self, text: str) -> tuple[float, float]:
        """Width and height in pixels of a label (lines split at ``<br>``)."""
        lines = text.split("<br>")
        longest = max(len(html.unescape(line)) for line in lines)
        return longest * self.char_width * self.font_size, len(lines) * self.line_height * self.font_size


def _node_name(node: Any) -> str:
    return ":".join(str(p) for p in node) if isinstance(node, tuple) else str(node)


def _wrapped(name: str, width: int) -> str:
    """The escaped *name* broken into lines of at most *width* characters, joined by ``<br>``."""
    return "<br>".join(html.escape(line) for line in textwrap.wrap(name, width) or [name])


def _overlaps(a: _Box, b: _Box, gap: float = 2.0) -> bool:
    return a[0] < b[2] + gap and b[0] < a[2] + gap and a[1] < b[3] + gap and b[1] < a[3] + gap


#: Where a label may go around its marker, in order of preference, as plotly ``textposition`` values.
_POSITIONS = ("middle right", "middle left", "top center", "bottom center")


def label_placements(points: Mapping[Hashable, tuple[float, float]], radii: Mapping[Hashable, float],
                     texts: Mapping[Hashable, str], order: list[Hashable],
                     canvas: NetworkCanvas | None = None, titled: bool = True,
                     ranges: tuple[tuple[float, float], tuple[float, float]] | None = None
                     ) -> dict[Hashable, str]:
    """Place labels next to their markers without overlapping each other, any marker or the plot's edge.

    Greedy, in the given *order* (most important first): each label takes the first of right, left, above and
    below its marker that is free; a label with no free place is left out (its name stays in the hover).

    Parameters
    ----------
    points : mapping
        node -> (x, y) in data coordinates.
    radii : mapping
        node -> marker radius in pixels.
    texts : mapping
        node -> label text (escaped, lines joined by ``<br>``); only these nodes get a label.
    order : list
        Nodes by priority.
    canvas : NetworkCanvas, optional
        Pixel geometry (default :class:`NetworkCanvas`).
    titled : bool, default True
        Whether the figure has a title (less height for the plot).
    ranges : ((x0, x1), (y0, y1)), optional
        Axis ranges in data coordinates; default the points' extent.

    Returns
    -------
    dict
        node -> plotly ``textposition`` for every label that fits.

    Examples
    --------
    >>> pts = {"A": (0.0, 0.0), "B": (0.01, 0.0), "C": (1.0, 1.0)}
    >>> label_placements(pts, {n: 5 for n in pts}, {"A": "Sở A", "B": "Sở B", "C": "Sở C"}, ["A", "B", "C"],
    ...                  ranges=((-0.5, 1.5), (-0.5, 1.5)))
    {'A': 'middle left', 'B': 'middle right', 'C': 'middle right'}
    """
    canvas = canvas or NetworkCanvas()
    width, height = canvas.plot_area(titled)
    if ranges is None:
        xs = [p[0] for p in points.values()] or [0.0]
        ys = [p[1] for p in points.values()] or [0.0]
        ranges = ((min(xs) - 0.5, max(xs) + 0.5), (min(ys) - 0.5, max(ys) + 0.5))
    (x0, x1), (y0, y1) = ranges
    sx, sy = width / ((x1 - x0) or 1.0), height / ((y1 - y0) or 1.0)

    def pixel(n: Hashable) -> tuple[float, float]:
        x, y = points[n]
        return (x - x0) * sx, (y1 - y) * sy

    taken: list[_Box] = []
    for n in points:
        cx, cy = pixel(n)
        r = radii.get(n, 5.0)
        taken.append((cx - r, cy - r, cx + r, cy + r))
    out: dict[Hashable, str] = {}
    for n in order:
        if n not in texts:
            continue
        cx, cy = pixel(n)
        r = radii.get(n, 5.0) + 2.0
        tw, th = canvas.text_size(texts[n])
        boxes = {
            "middle right": (cx + r, cy - th / 2, cx + r + tw, cy + th / 2),
            "middle left": (cx - r - tw, cy - th / 2, cx - r, cy + th / 2),
            "top center": (cx - tw / 2, cy - r - th, cx + tw / 2, cy - r),
            "bottom center": (cx - tw / 2, cy + r, cx + tw / 2, cy + r + th),
        }
        for where in _POSITIONS:
            box = boxes[where]
            inside = box[0] >= 0 and box[1] >= 0 and box[2] <= width and box[3] <= height
            own = (cx - r + 2, cy - r + 2, cx + r - 2, cy + r - 2)
            if inside and not any(_overlaps(box, t) for t in taken if t != own):
                out[n] = where
                taken.append(box)
                break
    return out


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


def _hover(node: Any, data: Mapping[str, Any], wdeg: float, lang: str, max_tasks: int, note: str | None) -> str:
    ui = labels(lang, "network")
    agency_type = str(data.get("agency_type", "unknown"))
    lines = [f"<b>{html.escape(_node_name(node))}</b>"]
    if note:
        lines.append(html.escape(note))
    lines.append(f"{ui['type']}: {html.escape(labels(lang, 'agency_types').get(agency_type, agency_type))}")
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


def _node_table(G: nx.Graph, ranked: list[Any], wdeg: Mapping[Any, float], lang: str,
                notes: Mapping[Any, str]) -> dict[str, list]:
    """The chart's data table: one row per agency, most central first (what the drawing shows without hovering)."""
    ui, charts = labels(lang, "network"), labels(lang, "charts")
    type_labels = labels(lang, "agency_types")
    counts = [k for k in ("n_tasks", "n_lead", "n_support") if any(k in G.nodes[n] for n in ranked)]
    has_notes = any(notes.get(n) for n in ranked)
    columns = [charts["agency"], ui["type"], *[ui[k] for k in counts], ui["weighted_degree"]]
    columns += [charts["note"]] if has_notes else []
    rows = []
    for n in ranked:
        d = G.nodes[n]
        agency_type = str(d.get("agency_type", "unknown"))
        row: list[Any] = [_node_name(n), type_labels.get(agency_type, agency_type), *[d.get(k) for k in counts],
                          wdeg[n]]
        rows.append(row + [notes.get(n) or ""] if has_notes else row)
    return {"columns": columns, "rows": rows}


def network_figure(
    graph: nx.Graph,
    title: str = "",
    seed: int = 42,
    lang: str = "vi",
    *,
    pos: Mapping[Any, tuple[float, float]] | None = None,
    label_top: int = 12,
    notes: Mapping[Any, str] | None = None,
    max_hover_tasks: int = 15,
    canvas: NetworkCanvas | None = None,
) -> go.Figure:
    """Interactive plotly drawing of an agency graph, the most central agencies named on the chart.

    Parameters
    ----------
    graph : networkx.Graph
        Usually from :func:`~ttdn_analysis.analysis.networks.coassignment_graph` (with ``tasks=`` for task lists
        in the hover).
    title : str, default ""
        Figure title (escaped).
    seed : int, default 42
        Layout seed, used when *pos* is not given (:func:`spring_positions`).
    lang : {"vi", "en"}, default "vi"
        Language of legend, type names and hover labels.
    pos : mapping, optional
        node -> (x, y), as for :func:`networkx.draw_networkx`; default :func:`spring_positions` of the graph.
    label_top : int, default 12
        The agencies with the highest weighted degree (up to this many) get their name on the chart, wrapped,
        where it fits without overlapping another name or marker at the :class:`NetworkCanvas` size; every name
        is in the hover.
    notes : mapping, optional
        node -> a line of text added to its hover under the name (e.g. the agency's 2026 successor).
    max_hover_tasks : int, default 15
        Tasks listed in a node's hover before "… and N more".
    canvas : NetworkCanvas, optional
        Pixel geometry the labels are placed for; also sets the figure's height.

    Returns
    -------
    plotly.graph_objects.Figure
        Edge traces (one per weight-width bin, plus invisible midpoints carrying edge hovers), one node trace per
        agency type (the legend) and a trace of node names. Node size grows with the square root of weighted
        degree; colour from :data:`AGENCY_TYPE_COLOURS`; collectives drawn as diamonds with a thick dark-grey
        outline.

    Examples
    --------
    >>> import pandas as pd
    >>> from ttdn_analysis.analysis.networks import coassignment_graph
    >>> a = pd.DataFrame({"task_id": ["t1", "t1"], "agency": ["A", "<script>x</script>"],
    ...                   "role": "support", "agency_type": ["party", "media"]})
    >>> fig = network_figure(coassignment_graph(a), lang="en")
    >>> [t.name for t in fig.data if t.mode == "markers" and t.showlegend]
    ['Party body', 'Media']
    >>> [t.text for t in fig.data if t.mode == "markers+text"]
    [('&lt;script&gt;x&lt;/script&gt;', 'A')]
    >>> any("<script>" in h for t in fig.data for h in (t.hovertext or ()))
    False

    Notes
    -----
    All text taken from plans (agency names, task paths and titles) and the title pass through
    :func:`html.escape`, since plotly renders hover text and labels as HTML. Plotly markers cannot have dashed
    outlines, so collectives are set apart by symbol and outline colour/width.

    See Also
    --------
    spring_positions, label_placements
    """
    ui = labels(check_lang(lang), "network")
    type_labels = labels(lang, "agency_types")
    canvas = canvas or NetworkCanvas()
    G = _sorted_copy(graph)
    fig = go.Figure()
    fig.update_layout(
        title=html.escape(title) if title else None,
        showlegend=True,
        legend_title_text=ui["legend"],
        hovermode="closest",
        template="plotly_white",
        height=canvas.height,
        margin={"l": canvas.margin, "r": canvas.margin, "t": canvas.title_space if title else canvas.margin,
                "b": canvas.margin},
    )
    if G.number_of_nodes() == 0:
        fig.update_layout(xaxis={"visible": False}, yaxis={"visible": False})
        fig.add_annotation(text=ui["empty"], showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
        return fig
    points = {n: (float(p[0]), float(p[1])) for n, p in (pos or spring_positions(G, seed=seed)).items()}
    missing = [n for n in G.nodes if n not in points]
    if missing:
        raise ValueError(f"pos has no position for {len(missing)} node(s), e.g. {missing[0]!r}")
    xs, ys = [p[0] for p in points.values()], [p[1] for p in points.values()]
    pad_x, pad_y = 0.18 * ((max(xs) - min(xs)) or 1.0), 0.08 * ((max(ys) - min(ys)) or 1.0)
    ranges = ((min(xs) - pad_x, max(xs) + pad_x), (min(ys) - pad_y, max(ys) + pad_y))
    fig.update_layout(xaxis={"visible": False, "range": list(ranges[0])},
                      yaxis={"visible": False, "range": list(ranges[1])})

    edges = [(u, v, float(d.get("weight", 1.0)), d) for u, v, d in G.edges(data=True)]
    arrow = " → " if G.is_directed() else " — "
    if edges:
        bins = _weight_bins([w for _, _, w, _ in edges])
        widths = np.linspace(0.8, 6.0, len(bins)) if len(bins) > 1 else [1.5]
        grouped: dict[int, list[tuple[Any, Any, float, dict]]] = defaultdict(list)
        for e in edges:
            grouped[_bin_index(e[2], bins)].append(e)
        for i in sorted(grouped):
            ex: list[float | None] = []
            ey: list[float | None] = []
            for u, v, _, _ in grouped[i]:
                ex += [points[u][0], points[v][0], None]
                ey += [points[u][1], points[v][1], None]
            lo, hi = bins[i]
            fig.add_trace(go.Scatter(
                x=ex, y=ey, mode="lines", hoverinfo="skip", showlegend=False,
                name=f"{ui['weight']} {lo:.3g}–{hi:.3g}",
                line={"width": float(widths[i]), "color": "rgba(110,110,110,0.45)"},
            ))
        mid_text = []
        for u, v, w, d in edges:
            text = f"{html.escape(_node_name(u))}{arrow}{html.escape(_node_name(v))}<br>{ui['weight']}: {w:.3g}"
            if "count" in d:
                text += f"<br>{html.escape(ui['count'])}: {d['count']}"
            mid_text.append(text)
        fig.add_trace(go.Scatter(
            x=[(points[u][0] + points[v][0]) / 2 for u, v, _, _ in edges],
            y=[(points[u][1] + points[v][1]) / 2 for u, v, _, _ in edges],
            mode="markers", showlegend=False, name=ui["weight"],
            marker={"size": 6, "opacity": 0}, hoverinfo="text", hovertext=mid_text,
        ))

    wdeg = {n: float(d) for n, d in G.degree(weight="weight")}
    max_w = max(wdeg.values()) if wdeg else 0.0
    size = {n: 10.0 + 30.0 * math.sqrt(wdeg[n] / max_w) if max_w > 0 else 14.0 for n in G.nodes}
    order = {t: i for i, t in enumerate(AGENCY_TYPE_COLOURS)}
    by_type: dict[str, list[Any]] = defaultdict(list)
    for n, d in G.nodes(data=True):
        by_type[str(d.get("agency_type", "unknown"))].append(n)
    notes = notes or {}
    for agency_type in sorted(by_type, key=lambda t: (order.get(t, len(order)), t)):
        nodes = by_type[agency_type]
        collective = [bool(G.nodes[n].get("is_collective", False)) for n in nodes]
        fig.add_trace(go.Scatter(
            x=[points[n][0] for n in nodes],
            y=[points[n][1] for n in nodes],
            mode="markers",
            name=html.escape(type_labels.get(agency_type, agency_type)),
            legendgroup=agency_type,
            showlegend=True,
            hoverinfo="text",
            hovertext=[_hover(n, G.nodes[n], wdeg[n], lang, max_hover_tasks, notes.get(n)) for n in nodes],
            marker={
                "size": [size[n] for n in nodes],
                "color": AGENCY_TYPE_COLOURS.get(agency_type, _FALLBACK_COLOUR),
                "symbol": ["diamond" if c else "circle" for c in collective],
                "line": {
                    "color": ["#444444" if c else "#FFFFFF" for c in collective],
                    "width": [3.0 if c else 1.0 for c in collective],
                },
                "opacity": 0.9,
            },
        ))

    ranked = sorted(G.nodes, key=lambda n: (-wdeg[n], _node_name(n)))
    fig.update_layout(meta={"table": _node_table(G, ranked, wdeg, lang, notes)})
    texts = {n: _wrapped(_node_name(n), canvas.wrap) for n in ranked[:max(0, label_top)]}
    placed = label_placements(points, {n: size[n] / 2 for n in G.nodes}, texts, ranked, canvas, bool(title),
                              ranges)
    shown = [n for n in ranked if n in placed]
    # invisible markers of the nodes' size, so that plotly sets each name off by its marker's radius
    fig.add_trace(go.Scatter(
        x=[points[n][0] for n in shown], y=[points[n][1] for n in shown], mode="markers+text",
        text=[texts[n] for n in shown], textposition=[placed[n] for n in shown],
        marker={"size": [size[n] + 2 for n in shown], "opacity": 0},
        textfont={"size": canvas.font_size, "color": "#222222"}, hoverinfo="skip", showlegend=False,
        name=ui["names"],
    ))
    return fig
