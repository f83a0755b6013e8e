"""Plotly charts of the reports: bars, heatmaps, stacked shares, keyness."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from ttdn_analysis.plotting.notebook import esc
from ttdn_analysis.plotting.palette import PALETTE

__all__ = ["bar_figure", "heatmap_figure", "stacked_share_figure", "keyness_figure"]

def _layout(fig: go.Figure, title: str, height: int | None = None) -> go.Figure:
    fig.update_layout(title=esc(title) or None, template="plotly_white", colorway=list(PALETTE),
                      margin={"l": 10, "r": 10, "t": 60 if title else 20, "b": 10},
                      font={"family": "Arial, 'Noto Sans', sans-serif"})
    if height:
        fig.update_layout(height=height)
    return fig


def bar_figure(df: pd.DataFrame, x: str, y: str | Sequence[str], title: str = "",
               names: Mapping[str, str] | None = None, horizontal: bool = False, height: int | None = None,
               barmode: str = "group") -> go.Figure:
    """Bar chart of one or more numeric columns *y* against the categories in *x* (labels escaped).

    Parameters
    ----------
    df : DataFrame
        One row per bar (group).
    x : str
        Column of the categories (plan names, agencies …).
    y : str or sequence of str
        Numeric column(s); several give grouped (or stacked, *barmode*) bars.
    title : str, default ""
    names : mapping, optional
        Column -> legend name.
    horizontal : bool, default False
        Bars along x, categories top to bottom in the frame's order.
    height : int, optional
        Pixels.
    barmode : {"group", "stack", "overlay", "relative"}, default "group"

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> df = pd.DataFrame({"plan": ["<b>", "B"], "tasks": [3, 1]})
    >>> fig = bar_figure(df, "plan", "tasks")
    >>> list(fig.data[0].x)
    ['&lt;b&gt;', 'B']
    """
    ys = [y] if isinstance(y, str) else list(y)
    names = dict(names or {})
    cats = [esc(v) for v in df[x]]
    fig = go.Figure()
    for col in ys:
        vals = df[col].tolist()
        name = esc(names.get(col, col))
        if horizontal:
            fig.add_trace(go.Bar(y=cats, x=vals, name=name, orientation="h"))
        else:
            fig.add_trace(go.Bar(x=cats, y=vals, name=name))
    fig.update_layout(barmode=barmode, showlegend=len(ys) > 1)
    if horizontal:
        fig.update_yaxes(autorange="reversed", automargin=True)
    else:
        fig.update_xaxes(automargin=True)
    return _layout(fig, title, height)


def heatmap_figure(matrix: pd.DataFrame, title: str = "", zlabel: str = "", percent: bool = True,
                   height: int | None = None) -> go.Figure:
    """Heatmap of a numeric table (rows = index, columns = columns), cell values written in the cells.

    A MultiIndex of rows (e.g. province, year) is joined with " – ".

    Parameters
    ----------
    matrix : DataFrame
        Rows (index, a MultiIndex allowed) by columns, numbers.
    title : str, default ""
    zlabel : str, default ""
        Colour bar title.
    percent : bool, default True
        Values are shares in [0, 1], written as percentages.
    height : int, optional
        Pixels; default grows with the rows.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> m = pd.DataFrame({"a": [0.5, 0.0]}, index=["x", "y"])
    >>> [list(r) for r in heatmap_figure(m).data[0].text]
    [['50%'], ['0%']]
    """
    rows = [" – ".join(map(str, i)) if isinstance(i, tuple) else str(i) for i in matrix.index]
    z = matrix.to_numpy(dtype=float)
    text = [[(f"{v:.0%}" if percent else f"{v:g}") for v in row] for row in z]
    fig = go.Figure(go.Heatmap(
        z=z, x=[esc(c) for c in matrix.columns], y=[esc(r) for r in rows], text=text, texttemplate="%{text}",
        colorscale="Blues", zmin=0, zmax=1 if percent else None, colorbar={"title": esc(zlabel)},
        hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(automargin=True, tickangle=-35)
    return _layout(fig, title, height or max(300, 60 + 40 * len(rows)))


def stacked_share_figure(matrix: pd.DataFrame, title: str = "", xlabel: str = "",
                         height: int | None = None) -> go.Figure:
    """Horizontal stacked bars: each row of *matrix* (counts) as shares summing to 1.

    Parameters
    ----------
    matrix : DataFrame
        Counts, rows by columns.
    title, xlabel : str, default ""
    height : int, optional
        Pixels; default grows with the rows.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> m = pd.DataFrame({"a": [1, 0], "b": [3, 2]}, index=["x", "y"])
    >>> [list(t.x) for t in stacked_share_figure(m).data]
    [[0.25, 0.0], [0.75, 1.0]]
    """
    rows = [" – ".join(map(str, i)) if isinstance(i, tuple) else str(i) for i in matrix.index]
    totals = matrix.sum(axis=1).replace(0, float("nan"))
    shares = matrix.div(totals, axis=0).fillna(0.0)
    fig = go.Figure()
    for col in shares.columns:
        fig.add_trace(go.Bar(y=[esc(r) for r in rows], x=shares[col].round(4).tolist(), name=esc(col),
                             orientation="h", hovertemplate="%{y}<br>" + esc(col) + ": %{x:.0%}<extra></extra>"))
    fig.update_layout(barmode="stack", xaxis={"tickformat": ".0%", "range": [0, 1], "title": esc(xlabel)})
    fig.update_yaxes(autorange="reversed", automargin=True)
    return _layout(fig, title, height or max(300, 120 + 45 * len(rows)))


def keyness_figure(table: pd.DataFrame, title: str = "", top: int = 15, height: int | None = None) -> go.Figure:
    """Horizontal bars of signed G² from :func:`ttdn_analysis.themes.keyness` (target words right, reference left).

    Parameters
    ----------
    table : DataFrame
        ``term``, ``g2`` and optionally ``direction`` ("target" or "reference").
    title : str, default ""
    top : int, default 15
        Rows drawn.
    height : int, optional

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> k = pd.DataFrame({"term": ["biên giới", "biển"], "g2": [5.0, -2.0], "direction": ["target", "reference"]})
    >>> list(keyness_figure(k).data[0].y)
    ['biên giới', 'biển']
    """
    k = table.head(top)
    colours = ["#0072B2" if d == "target" else "#D55E00" for d in k.get("direction", ["target"] * len(k))]
    fig = go.Figure(go.Bar(y=[esc(t) for t in k["term"]], x=k["g2"].tolist(), orientation="h",
                           marker={"color": colours}, hovertemplate="%{y}: G² = %{x:.2f}<extra></extra>"))
    fig.update_yaxes(autorange="reversed", automargin=True)
    return _layout(fig, title, height or max(300, 80 + 22 * len(k)))
