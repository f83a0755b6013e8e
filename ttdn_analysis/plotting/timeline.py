"""Gantt chart of one plan's tasks over its year."""
from __future__ import annotations

import html
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from ttdn_analysis.analysis.timeline import timeline_columns
from ttdn_analysis.parse.timeframes import TIME_COLUMNS, TIME_KINDS
from ttdn_analysis.plotting.labels import check_lang, labels

__all__ = ["gantt_figure"]

_KIND_COLOURS = {
    "ongoing": "#0072B2", "year": "#56B4E9", "quarter": "#009E73", "period": "#E69F00",
    "deadline": "#D55E00", "frequency": "#CC79A7", "on_guidance": "#999999",
    "report": "#F0E442",
}


def gantt_figure(tasks: pd.DataFrame, plan_id: Any, lang: str = "vi") -> go.Figure:
    """Gantt chart of one plan's tasks: one horizontal bar per task with a start and an end.

    Parameters
    ----------
    tasks : DataFrame
        The corpus ``tasks`` table (plan_id, task_id, path, title, timeframe, year, line_start); the time columns
        of :func:`timeline_columns` are computed when absent.
    plan_id : str
        The plan to draw.
    lang : {"vi", "en"}
        Language of titles, legend and hovers.

    Returns
    -------
    plotly.graph_objects.Figure
        One bar trace per time kind (fixed colours, in :data:`TIME_KINDS` order), tasks top to bottom in source
        order; hovers show the task path and title (HTML-escaped), the printed timeframe and the dates. Ongoing and
        recurring tasks are drawn only when their text names the year (no invented dates); tasks without dates
        (and reports, which have a due date only) are counted in the subtitle.

    Examples
    --------
    >>> t = pd.DataFrame({"plan_id": ["p", "p", "p"], "task_id": ["p:1", "p:2", "p:3"], "path": ["1", "2", "3"],
    ...                   "title": ["Tập huấn <b>TTĐN</b>", "Bản tin", "Sơ kết"], "line_start": [1, 5, 9],
    ...                   "year": [2025] * 3, "timeframe": ["Quý II/2025", "01 số/quý năm 2025", "Khi có hướng dẫn"]})
    >>> fig = gantt_figure(t, "p", lang="en")
    >>> [tr.name for tr in fig.data]
    ['Quarter', 'Recurring']
    >>> "&lt;b&gt;TTĐN&lt;/b&gt;" in fig.data[0].hovertext[0]
    True
    """
    ui = labels(check_lang(lang), "timeline")
    kinds = labels(lang, "time_kinds")
    sel = tasks[tasks["plan_id"] == plan_id]
    if not set(TIME_COLUMNS) <= set(sel.columns):
        sel = timeline_columns(sel)
    order = [c for c in ("line_start", "task_id") if c in sel.columns]
    sel = sel.sort_values(order, kind="stable") if order else sel
    dated = sel[sel["time_start"].notna() & sel["time_end"].notna()]
    names = [html.escape(str(p if p is not None and not pd.isna(p) else t))
             for p, t in zip(dated.get("path", dated["task_id"]), dated["task_id"])]
    fig = go.Figure()
    for kind in TIME_KINDS:
        rows = [(lab, r) for lab, r in zip(names, dated.to_dict("records")) if r["time_kind"] == kind]
        if not rows:
            continue
        starts = [pd.Timestamp(r["time_start"]) for _, r in rows]
        ends = [pd.Timestamp(r["time_end"]) + pd.Timedelta(days=1) for _, r in rows]  # inclusive end date
        hover = []
        for lab, r in rows:
            parts = [f"<b>{lab}</b> {html.escape(str(r.get('title') or ''))}",
                     f"{ui['raw']}: {html.escape(str(r.get('timeframe') or ''))}",
                     f"{ui['time']}: {r['time_start']} → {r['time_end']}"]
            if r.get("per_year") is not None and not pd.isna(r.get("per_year")):
                parts.append(f"{ui['per_year']}: {r['per_year']:g}")
            hover.append("<br>".join(parts))
        fig.add_trace(go.Bar(
            name=kinds[kind], orientation="h", y=[lab for lab, _ in rows],
            base=[s.isoformat() for s in starts],
            x=[(e - s).total_seconds() * 1000 for s, e in zip(starts, ends)],
            marker_color=_KIND_COLOURS[kind], hovertext=hover, hoverinfo="text",
        ))
    undated = len(sel) - len(dated)
    title = html.escape(ui["title"].format(plan=plan_id))
    if undated:
        title += f"<br><sup>{html.escape(ui['undated'].format(n=undated))}</sup>"
    fig.update_layout(
        title=title, barmode="overlay", template="plotly_white", height=max(300, 28 * len(names) + 160),
        xaxis={"type": "date", "title": ui["time"]},
        yaxis={"title": ui["task"], "categoryorder": "array", "categoryarray": names, "autorange": "reversed"},
        legend={"traceorder": "normal"},
    )
    return fig
